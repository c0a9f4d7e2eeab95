import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

@Suite struct RiskReadModelTests {
    /// The halt flag names who set it and who lifted it; a loss-limit halt is set by the system and
    /// carries over to the next day, where the row says it was carried.
    @Test func haltFlagAndWhoSetIt() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        s.parameters.maxDailyLoss = Money(100)
        try s.openDay()
        let craig = Actor.principal("craig", kind: .human, name: "craig")
        try s.halt(by: craig, at: s.at(10, 0))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [RiskProjection()])
        var day = try #require(try await ReadModels.rows(db, "SELECT * FROM v_risk_state").first)
        #expect(day.bool("halted") == true)
        #expect(day["halt_reason"] == "manual")
        #expect(day["halted_by"] == "operator:craig")

        try s.resume(by: craig, at: s.at(10, 30))
        // A losing round trip through the loss limit: the system halts.
        let a = try #require(try s.evaluate("ap-1", Scenario.proposal("ACME", price: 50, at: s.at(11, 0)), cycle: nil, qty: 100, at: s.at(11, 0)))
        let entry = try s.placeBracket(a, cycle: nil, at: s.at(11, 0))
        try s.fill(entry, qty: 100, price: 50, exec: "e1", at: s.at(11, 1))
        try s.mark("ACME", 48, at: s.at(11, 30))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [RiskProjection()])
        day = try #require(try await ReadModels.rows(db, "SELECT * FROM v_risk_state").first)
        #expect(day.bool("halted") == true)
        #expect(day["halt_reason"] == "daily_loss_limit")
        #expect(day["halted_by"] == "system")
        #expect(day["resumed_by"] == "operator:craig")
        #expect(day.decimal("unrealized_pnl") == -200)
        #expect(day.decimal("daily_pnl") == -200)
        #expect(day.bool("warning_issued") == true)
        #expect(day.int("open_positions") == 1)
        #expect(day.decimal("exposure") == 4800)
        #expect(day.int("trades_today") == 1)

        // The next day opens with the halt carried.
        let previous = s.risk
        s.day = s.day.adding(days: 1)
        try s.openDay()
        #expect(s.risk.halt != nil && previous.halt != nil)
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [RiskProjection()])
        let next = try #require(try await ReadModels.rows(db, "SELECT * FROM v_risk_state WHERE trading_date = $1", [s.day.description]).first)
        #expect(next.bool("halted") == true && next.bool("halt_carried") == true)
        #expect(next["halted_by"] == "system")
        #expect(next.decimal("daily_pnl") == 0, "carried positions start the day at their reference price")
        #expect(next.int("open_positions") == 1)
    }

    /// Denials are counted under every reason code they carry.
    @Test func denialsByReason() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        try s.openDay()
        try s.evaluate("ap-1", Scenario.proposal("AAA", price: 50, bad: true, at: s.at(10, 0)), cycle: nil, qty: 100, at: s.at(10, 0))
        _ = try #require(try s.evaluate("ap-2", Scenario.proposal("BBB", price: 50, at: s.at(10, 1)), cycle: nil, qty: 100, at: s.at(10, 1)))
        try s.evaluate("ap-3", Scenario.proposal("BBB", price: 50, at: s.at(10, 2)), cycle: nil, qty: 100, at: s.at(10, 2))
        try s.halt(by: Actor.principal("craig", kind: .human, name: "craig"), at: s.at(10, 3))
        try s.evaluate("ap-4", Scenario.proposal("CCC", price: 50, bad: true, at: s.at(10, 4)), cycle: nil, qty: 100, at: s.at(10, 4))
        try s.release("ap-2", reason: .orderCanceled, at: s.at(10, 5))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [RiskProjection()])
        let rows = try await ReadModels.rows(db, "SELECT reason, denials FROM v_risk_denials_by_reason")
        let byReason = Dictionary(uniqueKeysWithValues: rows.map { ($0["reason"]!, $0.int("denials")!) })
        #expect(byReason == ["reward_risk_too_low": 2, "symbol_already_open": 1, "trading_halted": 1])
        let day = try #require(try await ReadModels.rows(db, "SELECT * FROM v_risk_state").first)
        #expect(day.int("denials") == 3)
        #expect(day.int("approvals") == 1)
        #expect(day.int("trades_today") == 0, "the only approval was released without a fill")
        #expect(day.int("pending_entries") == 0)
        let pending = try await ReadModels.rows(db, "SELECT status, release_reason FROM v_risk_pending")
        #expect(pending.map { $0["status"] } == ["released"])
        #expect(pending.map { $0["release_reason"] } == ["order_canceled"])
    }

    /// Exposure by symbol and by sector: held symbols at their mark plus unfilled approved entries.
    @Test func exposureBySymbolAndSector() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        try s.openDay()
        let a = try #require(try s.evaluate("ap-1", Scenario.proposal("AAA", price: 50, at: s.at(10, 0)), cycle: nil, qty: 100, at: s.at(10, 0)))
        let entry = try s.placeBracket(a, cycle: nil, at: s.at(10, 0))
        try s.fill(entry, qty: 40, price: 50, exec: "e1", at: s.at(10, 1))
        try s.mark("AAA", 51, at: s.at(10, 5))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [RiskProjection()])
        let symbol = try #require(try await ReadModels.rows(db, "SELECT * FROM v_risk_exposure_by_symbol").first)
        #expect(symbol["symbol"] == "AAA" && symbol.decimal("exposure") == 2040 && symbol.decimal("unrealized_pnl") == 40)
        let sector = try #require(try await ReadModels.rows(db, "SELECT * FROM v_risk_exposure_by_sector").first)
        #expect(sector["sector"] == "Information Technology")
        #expect(sector.decimal("held_exposure") == 2040)
        #expect(sector.decimal("pending_exposure") == 3000, "60 unfilled × 50")
        let day = try #require(try await ReadModels.rows(db, "SELECT * FROM v_risk_state").first)
        #expect(day.int("pending_entries") == 1)
        #expect(day.decimal("pending_exposure") == 3000)
    }
}
