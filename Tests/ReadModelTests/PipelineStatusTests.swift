import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

/// `v_trade_pipeline_status`: a scenario for each `pipeline_stage`, each built from the one before.
@Suite struct PipelineStatusTests {
    enum Stage: String, CaseIterable, Sendable {
        case scanning = "SCANNING"
        case awaitingEntry = "AWAITING_ENTRY"
        case ordersPending = "ORDERS_PENDING"
        case monitoring = "MONITORING"
        case active = "ACTIVE"
        case complete = "COMPLETE"
    }

    /// Drives one cycle up to `stage`: started → scanned → bracket entry working → entry filled (legs
    /// resting) → stop-loss leg filled, take-profit canceled → cycle completed.
    static func scenario(upTo stage: Stage) throws -> (Scenario, CycleID) {
        var s = Scenario()
        try s.openDay()
        let cycle = try s.startCycle("2026-03-02/open", at: s.at(9, 45))
        if stage == .scanning { return (s, cycle) }
        try s.scan(cycle, finalists: [("ACME", 50), ("BETA", 20)], dropped: ["CHAR"], rejected: ["DUD"], at: s.at(9, 46))
        if stage == .awaitingEntry { return (s, cycle) }
        let proposal = Scenario.proposal("ACME", price: 50, at: s.at(9, 47))
        try s.signal(cycle, rank: 1, proposal, at: s.at(9, 47))
        let a = try #require(try s.evaluate("ap-1", proposal, cycle: cycle, qty: 100, at: s.at(9, 48)))
        let entry = try s.placeBracket(a, cycle: cycle, at: s.at(9, 49))
        if stage == .ordersPending { return (s, cycle) }
        try s.fill(entry, qty: 100, price: 50, exec: "e1", at: s.at(9, 55))
        for role in [LegRole.takeProfit, .stopLoss] { try s.broker(.leg(of: entry, role), .new, at: s.at(9, 55, 1)) }
        try s.mark("ACME", 51, at: s.at(10, 0))
        if stage == .monitoring { return (s, cycle) }
        try s.fill(.leg(of: entry, .stopLoss), qty: 100, price: Decimal(string: "48.75")!, exec: "e2", at: s.at(11, 0))
        try s.broker(.leg(of: entry, .takeProfit), .canceled, at: s.at(11, 0, 1), reason: "one-cancels-other")
        if stage == .active { return (s, cycle) }
        try s.cycle(cycle, .complete(at: s.at(15, 50), summary: nil))
        return (s, cycle)
    }

    @Test(arguments: Stage.allCases)
    func pipelineStage(_ stage: Stage) async throws {
        let db = try await TestDatabase.create()
        var (s, cycle) = try Self.scenario(upTo: stage)
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [PipelineStatusProjection()])
        let rows = try await ReadModels.rows(db, "SELECT * FROM v_trade_pipeline_status")
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["pipeline_stage"] == stage.rawValue)
        #expect(row["cycle_id"] == cycle.rawValue)
        #expect(row["date"] == "2026-03-02" && row["cycle_date"] == "2026-03-02")
        #expect(row["mode"] == "normal")
        #expect((row.decimal("minutes_since_activity") ?? 0) > 0)
        switch stage {
        case .scanning:
            #expect(row.int("candidates_found") == 0 && row["cycle_state"] == "running")
        case .awaitingEntry:
            #expect(row.int("candidates_found") == 3, "stage-1 survivors: two finalists and one dropped")
            #expect(row.int("positions_total") == 0 && row.int("orders_total") == 0)
        case .ordersPending:
            #expect(row.int("orders_total") == 3 && row.int("orders_pending") == 1 && row.int("orders_working_legs") == 2)
        case .monitoring:
            #expect(row.int("positions_open") == 1 && row.int("orders_pending") == 0 && row.int("orders_filled") == 1)
            #expect(row.decimal("unrealized_pnl") == 100 && row.decimal("daily_pnl") == 100)
        case .active:
            #expect(row.int("positions_open") == 0 && row.int("positions_closed") == 1)
            #expect(row.int("orders_filled") == 2 && row.int("orders_cancelled") == 1)
            #expect(row.decimal("realized_pnl") == -125 && row.decimal("daily_pnl") == -125)
            #expect(row.int("trades_executed") == 1 && row.int("trades_lost") == 1 && row.int("trades_won") == 0)
            #expect(row["last_activity"]?.hasPrefix("2026-03-02 16:00:01") == true, "11:00:01 New York")
        case .complete:
            #expect(row["cycle_state"] == "completed" && row["cycle_end"] != nil)
        }
    }

    /// A pending order wins over open positions: a partly filled entry still working is ORDERS_PENDING.
    @Test func aPartlyFilledEntryIsStillPending() async throws {
        let db = try await TestDatabase.create()
        var (s, cycle) = try Self.scenario(upTo: .ordersPending)
        try s.fill(OrderID(rawValue: "ord-ap-1"), qty: 30, price: 50, exec: "p1", at: s.at(9, 50))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [PipelineStatusProjection()])
        let row = try #require(try await ReadModels.rows(db, "SELECT * FROM v_trade_pipeline_status WHERE cycle_id = $1", [cycle.rawValue]).first)
        #expect(row["pipeline_stage"] == "ORDERS_PENDING")
        #expect(row.int("positions_open") == 1 && row.int("orders_pending") == 1)
    }
}
