import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

/// The read models say what the deciders themselves concluded from the same history: orders, positions,
/// risk days and cycles are compared with the aggregates' own states after the simulation.
@Suite struct DomainAgreementTests {
    @Test func readModelsAgreeWithTheDecidersStates() async throws {
        let db = try await TestDatabase.create()
        var sim = LedgerSimulator(.small(seed: 20_260_302, days: 3))
        var batches: [SimulatedBatch] = []
        while !sim.isFinished { batches += try sim.nextDay() }
        try await ReadModels.append(batches, to: db.eventStore())
        try await ReadModels.project(db)

        let orders = Dictionary(uniqueKeysWithValues: try await ReadModels.rows(db, "SELECT * FROM v_orders").map { ($0["order_id"]!, $0) })
        #expect(orders.count == sim.orderStates.count)
        for (id, state) in sim.orderStates {
            let o = try #require(state.order)
            let row = try #require(orders[id.rawValue], "\(id)")
            #expect(row["status"] == o.status.rawValue, "\(id)")
            #expect(row.decimal("filled_qty") == o.filledQuantity.shares, "\(id)")
            #expect(row.decimal("filled_avg_price") == o.averageFillPrice?.value, "\(id)")
            #expect(row["broker_order_id"] == o.brokerOrderID?.rawValue, "\(id)")
            #expect(row["parent_order_id"] == o.parentOrderID?.rawValue, "\(id)")
            #expect(row["replaced_by_order_id"] == o.replacedByOrderID?.rawValue, "\(id)")
            #expect(row.bool("cancel_requested") == o.cancelRequested, "\(id)")
        }

        let positions = try await ReadModels.rows(db, "SELECT * FROM v_positions")
        for (symbol, state) in sim.positionStates {
            let rows = positions.filter { $0["symbol"] == symbol.rawValue }
            #expect(rows.count == state.sequence, "\(symbol): one row per position id")
            #expect(rows.filter { $0["status"] == "open" }.count == (state.open == nil ? 0 : 1))
            if let open = state.open {
                let row = try #require(rows.first { $0["position_id"] == open.positionID.rawValue })
                #expect(row.decimal("quantity") == open.quantity.shares)
                #expect(row.decimal("realized_pnl") == open.realizedPnL.amount)
                #expect(row.decimal("highest_price") == open.highestPrice.value)
            }
            if let lifetime = state.lifetimeRealizedPnL {
                #expect(rows.compactMap { $0.decimal("realized_pnl") }.reduce(0, +) == lifetime.amount, "\(symbol)")
            }
        }

        let days = try await ReadModels.rows(db, "SELECT * FROM v_risk_state")
        #expect(days.count == sim.riskDays.count)
        for (date, state) in sim.riskDays {
            let row = try #require(days.first { $0["trading_date"] == date.description })
            #expect(row.decimal("realized_pnl") == state.realizedPnL.amount, "\(date)")
            #expect(row.decimal("unrealized_pnl") == state.unrealizedPnL.amount, "\(date)")
            #expect(row.decimal("daily_pnl") == state.dailyPnL.amount, "\(date)")
            #expect(row.int("open_positions") == state.openPositionCount, "\(date)")
            #expect(row.int("pending_entries") == state.pending.count, "\(date)")
            #expect(row.int("trades_today") == state.tradesToday, "\(date)")
            #expect(row.int("consecutive_losses") == state.consecutiveLosses, "\(date)")
            #expect(row.bool("halted") == (state.halt != nil), "\(date)")
            if let halt = state.halt { #expect(row["halted_by"] == halt.by.description, "\(date)") }
            let exposure = state.positions.values.reduce(Decimal(0)) { $0 + $1.exposure.amount }
            #expect(row.decimal("exposure") == exposure, "\(date)")
        }

        let cycles = try await ReadModels.rows(db, "SELECT * FROM v_cycles")
        #expect(cycles.count == sim.cycleStates.count)
        for (id, state) in sim.cycleStates {
            let row = try #require(cycles.first { $0["cycle_id"] == id.rawValue })
            #expect(row["status"] == state.status?.rawValue)
            #expect(row.int("candidates") == state.candidateCount)
            #expect(row.int("signals") == state.signalIDs.count)
            #expect(row["stage"] == state.lastStage?.rawValue)
        }
        let pipeline = try await ReadModels.rows(db, "SELECT cycle_id, pipeline_stage, cycle_state FROM v_trade_pipeline_status")
        #expect(pipeline.count == sim.cycleStates.count)
        #expect(pipeline.allSatisfy { $0["cycle_state"] == "running" || $0["pipeline_stage"] == "COMPLETE" })
    }
}
