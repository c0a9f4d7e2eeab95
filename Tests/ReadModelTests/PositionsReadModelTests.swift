import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

@Suite struct PositionsReadModelTests {
    static func fill(
        _ s: inout Scenario, _ symbol: String, _ side: OrderSide, _ qty: Int, _ price: String, fee: String = "0", exec: String, order: String,
        purpose: OrderPurpose, reason: ExitReason? = nil, stop: String? = nil, at: Date
    ) throws {
        let sym = Scenario.sym(symbol)
        var p = s.positions[sym] ?? Position.initial
        let f = Position.Fill(
            account: s.account, orderID: OrderID(rawValue: order), executionID: ExecutionID(rawValue: exec), symbol: sym, side: side, quantity: Quantity(qty),
            price: Price(price)!, fee: Money(fee)!, at: at, purpose: purpose, exitReason: reason, sector: .energy, stop: stop.flatMap(Price.init))
        try s.r.decide(Position.self, .applyFill(f), &p, on: Position.stream(account: s.account, symbol: sym))
        s.r.commit()
        s.positions[sym] = p
    }

    /// Realized P&L comes from the fills, net of every fee, through a partial reduction and the close;
    /// the average exit is the fills' weighted average.
    @Test func realizedPnLFromFillsWithFees() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        try Self.fill(&s, "OIL", .buy, 100, "10", fee: "1", exec: "x1", order: "o-in", purpose: .entry, stop: "9.5", at: s.at(10, 0))
        try Self.fill(&s, "OIL", .sell, 40, "12", fee: "0.5", exec: "x2", order: "o-out1", purpose: .exit, at: s.at(10, 30))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [PositionsProjection()])
        var row = try #require(try await ReadModels.rows(db, "SELECT * FROM v_positions WHERE symbol = 'OIL'").first)
        #expect(row["status"] == "open")
        #expect(row.decimal("quantity") == 60)
        #expect(row.decimal("realized_pnl") == Decimal(string: "78.5"), "−1 opening fee + 40 × 2 − 0.5")
        #expect(row.decimal("unrealized_pnl") == 120, "60 × (12 − 10) at the last fill price")

        try Self.fill(&s, "OIL", .sell, 60, "9", fee: "0.5", exec: "x3", order: "o-out2", purpose: .exit, reason: .endOfDay, at: s.at(15, 45))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [PositionsProjection()])
        row = try #require(try await ReadModels.rows(db, "SELECT * FROM v_positions WHERE symbol = 'OIL'").first)
        #expect(row["status"] == "closed")
        #expect(row.decimal("quantity") == 0)
        #expect(row.decimal("realized_pnl") == 18, "78.5 − 60 − 0.5")
        #expect(row.decimal("fees") == 2)
        #expect(row.decimal("avg_entry_price") == 10)
        #expect(row.decimal("avg_exit_price") == Decimal(string: "10.2"))
        #expect(row.decimal("exit_price") == 9)
        #expect(row.decimal("unrealized_pnl") == 0)
        #expect(row.decimal("initial_risk") == 50, "|10 − 9.5| × 100")
        #expect(row["exit_reason"] == "end_of_day")
        #expect(row["entry_order_id"] == "o-in" && row["exit_order_id"] == "o-out2")
        #expect(row["order_ids"] == #"["o-in", "o-out1", "o-out2"]"#)
        let total = try #require(s.positions[Scenario.sym("OIL")]?.lifetimeRealizedPnL)
        #expect(row.decimal("realized_pnl") == total.amount, "equals the decider's own lifetime P&L")
        let fills = try await ReadModels.rows(db, "SELECT kind, realized_pnl FROM v_position_fills ORDER BY global_position")
        #expect(fills.map { $0["kind"] } == ["open", "reduce", "close"])
        #expect(fills.compactMap { $0.decimal("realized_pnl") }.reduce(0, +) == 18)
    }

    /// A sell larger than a long position closes it and opens a short with the rest, at the same price.
    @Test func aFlipThroughZeroClosesOnePositionAndOpensTheNext() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        try Self.fill(&s, "FLIP", .buy, 100, "50", exec: "x1", order: "o-1", purpose: .entry, at: s.at(10, 0))
        try Self.fill(&s, "FLIP", .sell, 150, "52", exec: "x2", order: "o-2", purpose: .exit, at: s.at(11, 0))
        try s.r.decide(Position.self, .mark(Price(53), at: s.at(11, 5)), &s.positions[Scenario.sym("FLIP")]!, on: Position.stream(account: s.account, symbol: Scenario.sym("FLIP")))
        s.r.commit()
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [PositionsProjection()])
        let rows = try await ReadModels.rows(db, "SELECT * FROM v_positions WHERE symbol = 'FLIP' ORDER BY opened_at, position_id")
        #expect(rows.count == 2)
        let first = rows[0]
        let second = rows[1]
        #expect(first["position_id"] == "paper-FLIP-1" && first["status"] == "closed" && first["side"] == "long")
        #expect(first.decimal("realized_pnl") == 200)
        #expect(first["exit_reason"] == "manual")
        #expect(second["position_id"] == "paper-FLIP-2" && second["status"] == "open" && second["side"] == "short")
        #expect(second.decimal("quantity") == 50)
        #expect(second.decimal("avg_entry_price") == 52)
        #expect(second.decimal("cost_basis") == 2600)
        #expect(second.decimal("unrealized_pnl") == -50, "short 50 from 52, marked at 53")
        #expect(second["entry_order_id"] == "o-2")
        let current = try await ReadModels.rows(db, "SELECT position_id FROM v_positions_current WHERE symbol = 'FLIP'")
        #expect(current.map { $0["position_id"] } == ["paper-FLIP-2"])
    }

    /// Reconciliation finding the position gone closes it with unknowable P&L; nothing is invented.
    @Test func aPhantomClosedByReconciliationHasIncompletePnL() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        try Self.fill(&s, "GONE", .buy, 10, "5", exec: "x1", order: "o-1", purpose: .entry, at: s.at(10, 0))
        let sym = Scenario.sym("GONE")
        let evidence = BrokerEvidence(source: "GET /v2/positions/GONE", fetchedAt: s.at(12, 0), symbol: sym, quantity: .zero)
        try s.r.decide(
            Position.self,
            .reconcile(Position.BrokerPosition(account: s.account, symbol: sym, quantity: .zero, averagePrice: nil, evidence: evidence, discrepancyID: "d-1", by: .system, at: s.at(12, 0))),
            &s.positions[sym]!, on: Position.stream(account: s.account, symbol: sym))
        s.r.commit()
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [PositionsProjection()])
        let row = try #require(try await ReadModels.rows(db, "SELECT * FROM v_positions WHERE symbol = 'GONE'").first)
        #expect(row["status"] == "closed" && row["exit_reason"] == "external")
        #expect(row.bool("pnl_complete") == false && row.bool("adjusted") == true)
        #expect(row["exit_price"] == nil)
    }
}
