import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

@Suite struct OrdersReadModelTests {
    /// A bracket entry filled in two executions, then its stop-loss leg fills and the take-profit leg is
    /// canceled: the entry row carries both fills and the average price; the legs point at the parent
    /// and, through it, at the position.
    @Test func partialFillsAveragePriceAndBracketLegs() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        var s = Scenario()
        try s.openDay()
        let cycle = try s.startCycle("t/1", at: s.at(9, 45))
        let a = try #require(try s.evaluate("ap-1", Scenario.proposal("ACME", price: 50, at: s.at(9, 50)), cycle: cycle, qty: 100, at: s.at(9, 50)))
        let entry = try s.placeBracket(a, cycle: cycle, at: s.at(9, 51))
        try s.fill(entry, qty: 60, price: 50, exec: "e1", at: s.at(9, 52))
        try await ReadModels.append(s.batches(), to: store)
        try await ReadModels.project(db, [OrdersProjection()])

        var row = try #require(try await ReadModels.rows(db, "SELECT * FROM v_orders WHERE order_id = $1", [entry.rawValue]).first)
        #expect(row["status"] == "partially_filled")
        #expect(row.decimal("filled_qty") == 60)
        #expect(row.decimal("filled_avg_price") == 50)
        #expect(row["first_fill_at"] != nil && row["filled_at"] == nil)

        try s.fill(entry, qty: 40, price: Decimal(string: "50.1")!, fee: Decimal(string: "0.35")!, exec: "e2", at: s.at(9, 53))
        let legs = s.orders.keys.filter { $0.rawValue.hasPrefix(entry.rawValue + "-") }.sorted()
        for leg in legs { try s.broker(leg, .new, at: s.at(9, 53, 1)) }
        let stop = OrderID.leg(of: entry, .stopLoss)
        try s.fill(stop, qty: 100, price: Decimal(string: "48.7")!, exec: "e3", at: s.at(10, 30))
        try s.broker(OrderID.leg(of: entry, .takeProfit), .canceled, at: s.at(10, 30, 1), reason: "one-cancels-other")
        try await ReadModels.append(s.batches(), to: store)
        try await ReadModels.project(db, [OrdersProjection()])

        row = try #require(try await ReadModels.rows(db, "SELECT * FROM v_orders WHERE order_id = $1", [entry.rawValue]).first)
        #expect(row["status"] == "filled")
        #expect(row.decimal("filled_qty") == 100)
        #expect(row.decimal("filled_avg_price") == Decimal(string: "50.04"))
        #expect(row.decimal("filled_notional") == Decimal(string: "5004"))
        #expect(row.decimal("fees") == Decimal(string: "0.35"))
        #expect(row.int("fill_count") == 2)
        #expect(row["position_id"] == "paper-ACME-1")
        #expect(row["order_class"] == "bracket" && row["order_purpose"] == "entry" && row["cycle_id"] == cycle.rawValue)

        let executions = try await ReadModels.rows(db, "SELECT * FROM v_order_executions WHERE order_id = $1 ORDER BY executed_at", [entry.rawValue])
        #expect(executions.map { $0.decimal("quantity") } == [60, 40])
        #expect(executions.map { $0.decimal("cum_qty") } == [60, 100])
        #expect(executions.map { $0["is_final"] } == ["f", "t"])

        let legRows = try await ReadModels.rows(
            db, "SELECT order_id, parent_order_id, leg_role, status, position_id, order_purpose FROM v_orders_status WHERE parent_order_id = $1 ORDER BY order_id",
            [entry.rawValue])
        #expect(legRows.count == 2)
        #expect(legRows.allSatisfy { $0["position_id"] == "paper-ACME-1" })
        let byRole = Dictionary(uniqueKeysWithValues: legRows.map { ($0["leg_role"]!, $0) })
        #expect(byRole["stop_loss"]?["status"] == "filled")
        #expect(byRole["stop_loss"]?["order_purpose"] == "stop_loss")
        #expect(byRole["take_profit"]?["status"] == "canceled")
    }

    /// `is_stuck`: a working entry submitted more than five minutes ago is stuck; a leg resting at the
    /// broker is not; terminal orders never are.
    @Test func stuckOrdersAreFlaggedButRestingLegsAreNot() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        try s.openDay()
        let a = try #require(try s.evaluate("ap-1", Scenario.proposal("ACME", price: 50, at: s.at(10, 0)), cycle: nil, qty: 100, at: s.at(10, 0)))
        let entry = try s.placeBracket(a, cycle: nil, at: s.at(10, 0))
        let b = try #require(try s.evaluate("ap-2", Scenario.proposal("BETA", price: 20, at: s.at(10, 1)), cycle: nil, qty: 100, at: s.at(10, 1)))
        let done = try s.placeBracket(b, cycle: nil, at: s.at(10, 1))
        try s.broker(done, .rejected, at: s.at(10, 2), reason: "insufficient buying power")
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [OrdersProjection()])

        let rows = try await ReadModels.rows(db, "SELECT order_id, is_stuck, minutes_pending, status, rejection_reason FROM v_orders_status")
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["order_id"]!, $0) })
        #expect(byID[entry.rawValue]?.bool("is_stuck") == true)
        #expect((byID[entry.rawValue]?.decimal("minutes_pending") ?? 0) > 5)
        #expect(byID[OrderID.leg(of: entry, .stopLoss).rawValue]?.bool("is_stuck") == false, "a held leg rests by design")
        #expect(byID[done.rawValue]?.bool("is_stuck") == false)
        #expect(byID[done.rawValue]?["minutes_pending"] == nil)
        #expect(byID[done.rawValue]?["rejection_reason"] == "insufficient buying power")
        #expect(rows.first?["order_id"] == done.rawValue || rows.first?["order_id"]?.hasPrefix(done.rawValue) == true, "newest first")
    }
}
