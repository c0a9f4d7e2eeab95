import Application
import Broker
import Domain
import Foundation
import Testing

@testable import ApplicationTestKit

/// The kill switch and the daily loss limit: halt, cancel everything, close everything with market
/// orders priced by their real fills; the halt outlives cycles and days until a named human resumes.
@Suite struct EmergencyStopTests {
    /// Realized P&L per symbol as the ledger recorded it (reductions and closes).
    static func realized(_ events: [Recorded], account: AccountID) -> [Symbol: Money] {
        var out: [Symbol: Money] = [:]
        for r in events {
            guard r.stream.hasPrefix("position-\(account.rawValue)-"), let symbol = Symbol(String(r.stream.dropFirst("position-\(account.rawValue)-".count))) else { continue }
            if case .position(.closed(let c)) = r.event { out[symbol, default: .zero] += c.realizedPnL }
            if case .position(.reduced(let p)) = r.event { out[symbol, default: .zero] += p.realizedPnL }
        }
        return out
    }

    /// Cash flow of the broker's own executions per symbol: what was really sold minus what was bought.
    static func cashFlow(_ fills: [BrokerFill]) -> [Symbol: Money] {
        var out: [Symbol: Money] = [:]
        for f in fills { out[f.symbol, default: .zero] += Money((f.side == .sell ? 1 : -1) * f.quantity.shares * f.price.value) }
        return out
    }

    @Test func theStopHaltsCancelsEverythingAndClosesAtRealFillPrices() async throws {
        let h = try await SimHarness.make(hour: 10, minute: 0)
        let symbols = try await h.liquidSymbols(4)
        for (symbol, price) in symbols.prefix(3) { _ = try h.placed(try await h.trade(symbol, price)) }
        _ = try h.placed(try await h.restingTrade(symbols[3].symbol, symbols[3].price))
        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 3))
        let held = try await h.broker.positions()
        #expect(held.count == 3, "three entries filled, the resting one not")

        let report = try await EmergencyStop(system: h.system).run(reason: "drill", context: h.context(SimHarness.operatorActor))
        #expect(report.halted && report.positionsClosing.count == 3)
        #expect(try await h.risk().halt?.reason == .emergencyStop)
        // At the broker now: only our market exits; every entry and every bracket leg is canceled.
        let open = try await h.broker.openOrders()
        #expect(open.count == 3 && open.allSatisfy { $0.type == .market && $0.side == .sell && $0.orderClass == .simple }, "\(open)")

        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 6))
        #expect(try await h.broker.positions().isEmpty)
        #expect(try await h.broker.openOrders().isEmpty)
        #expect(try await h.system.directory.openOrders().isEmpty, "the ledger agrees: nothing open")
        let events = try await h.events()
        var closed: [Position.Closed] = []
        for r in events { if case .position(.closed(let c)) = r.event { closed.append(c) } }
        #expect(closed.count == 3 && closed.allSatisfy { $0.exitReason == .emergency })
        let fills = h.broker.allFills
        for c in closed {
            let execution = try #require(fills.first { $0.executionID == c.executionID }, "a close without a broker execution")
            #expect(c.price == execution.price, "the exit price is the fill's")
        }
        // No invented P&L: per symbol, the ledger's realized P&L is exactly the broker's cash flow.
        #expect(Self.realized(events, account: h.account) == Self.cashFlow(fills))
        for r in events.ofType("position.closed") {
            guard case .position(.closed(let c)) = r.event else { continue }
            #expect(c.totalRealizedPnL != nil, "a trade close always has a real P&L")
        }
    }

    /// The halt holds for the rest of the day, over the weekend, and into Monday's risk day.
    @Test func theHaltPersistsAcrossCyclesAndIntoTheNextDay() async throws {
        let h = try await SimHarness.make()
        try await EmergencyStop(system: h.system).run(reason: "drill", context: h.context(SimHarness.operatorActor))
        for t in [SimHarness.date.at(hour: 10, minute: 30), SimHarness.date.at(hour: 14, minute: 0), NYDate("2025-03-17")!.at(hour: 9, minute: 30)] {
            h.world.setTime(t)
            do {
                _ = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal"), context: h.context())
                Issue.record("a cycle started at \(t) while halted")
            } catch {
                #expect(refusalCode(error) == "trading_halted", "\(error)")
            }
        }
        let monday = try await h.risk(NYDate("2025-03-17")!)
        #expect(monday.halt?.reason == .emergencyStop, "Monday's risk day opens with the carried halt")
        #expect(try await h.events().count("cycle.started") == 0)
    }

    @Test func onlyAHumanPrincipalLiftsTheHaltAndEveryoneElseOnlyAsks() async throws {
        let h = try await SimHarness.make()
        try await EmergencyStop(system: h.system).run(reason: "drill", context: h.context(SimHarness.operatorActor))
        h.world.setTime(NYDate("2025-03-17")!.at(hour: 9, minute: 45))
        let others = [
            Actor(.cron), Actor(.system), Actor(.mcp, name: "claude"), Actor(.doctor), Actor(.api, name: "key"), Actor(.operator),
            Actor(.operator, name: "alice"), Actor.principal("claude", kind: .agent, name: "Doctor Claude"), Actor.principal("cron", kind: .service, name: "cron"),
        ]
        for actor in others {
            let outcome = try await RiskDesk(system: h.system).resume(note: "let me", context: h.context(actor))
            #expect(outcome == .awaitingHuman, "\(actor): \(outcome)")
        }
        // A human without the capability (the front end says so) only asks too.
        let asked = try await RiskDesk(system: h.system).resume(note: "me too", onlyRequest: true, context: h.context(SimHarness.operatorActor))
        #expect(asked == .awaitingHuman)
        #expect(try await h.risk(NYDate("2025-03-17")!).halt != nil)
        #expect(try await h.events().count("risk.trading_resumed") == 0)
        #expect(try await h.events().count("risk.resume_requested") == others.count + 1)
        let outcome = try await RiskDesk(system: h.system).resume(note: "checked the broker", context: h.context(SimHarness.operatorActor))
        #expect(outcome == .resumed)
        #expect(try await h.risk(NYDate("2025-03-17")!).halt == nil)
        _ = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal"), context: h.context())
    }

    /// The first command of a trading day opens the risk day and then halts: both are recorded.
    @Test func anEmergencyStopAsTheDaysFirstCommandHalts() async throws {
        let h = try await SimHarness.make(reconciled: false)
        #expect(try await h.risk().isOpened == false)
        let report = try await EmergencyStop(system: h.system).run(reason: "first thing", context: h.context(SimHarness.operatorActor))
        #expect(report.halted)
        #expect(try await h.risk().halt?.reason == .emergencyStop)
        let stream = StreamName.risk(account: h.account, date: SimHarness.date).rawValue
        let types = try await h.events().filter { $0.stream == stream }.map(\.type)
        #expect(types == ["risk.day_opened", "risk.trading_halted"])
    }

    /// Marks drive the daily P&L: one warning at 75 % of the limit, then at 100 % the halt and the
    /// flatten, whose exits are priced by their fills.
    @Test func theDailyLossWarnsOnceAtThreeQuartersAndHaltsAndFlattensAtTheLimit() async throws {
        var parameters = RiskParameters()
        parameters.maxDailyLoss = Money(1000)
        let h = try await SimHarness.make(hour: 10, minute: 0, risk: FixedRiskParameters(parameters))
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        let order = try h.placed(try await h.trade(symbol, price))
        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 2))
        let open = try #require(try await h.position(symbol).open)
        let entry = try #require(open.net.averagePrice)
        #expect(try await h.order(order.orderID)?.status == .filled)
        // Far protection (the legs are canceled) so that only the marks move the day's P&L.
        _ = try await TradingOperations(system: h.system).updatePosition(
            symbol.rawValue, stop: entry.value / 2, target: entry.value * 2, context: h.context(SimHarness.operatorActor))
        // −8 % on ~$10,000: about −$800, past the $750 warning, short of the limit.
        h.plant(symbol, at: SimHarness.date.at(hour: 10, minute: 3), price: (entry * Decimal(string: "0.92")!).roundedToTick())
        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 6))
        var events = try await h.events()
        #expect(events.count("risk.daily_loss_warning") == 1)
        #expect(events.count("risk.trading_halted") == 0)
        // −15 %: past the limit.
        h.plant(symbol, at: SimHarness.date.at(hour: 10, minute: 6), price: (entry * Decimal(string: "0.85")!).roundedToTick())
        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 12))
        events = try await h.events()
        #expect(events.count("risk.daily_loss_warning") == 1, "the warning is given once a day")
        let halts = events.compactMap { if case .risk(.tradingHalted(let t)) = $0.event { t } else { nil } }
        #expect(halts.count == 1 && halts.first?.halt.reason == .dailyLossLimit)
        #expect(try await h.position(symbol).open == nil, "flattened")
        #expect(try await h.broker.positions().isEmpty)
        let closes = events.compactMap { if case .position(.closed(let c)) = $0.event { c } else { nil } }
        let close = try #require(closes.first)
        #expect(close.exitReason == .emergency)
        let execution = try #require(h.broker.allFills.first { $0.executionID == close.executionID })
        #expect(close.price == execution.price)
        #expect(Self.realized(events, account: h.account) == Self.cashFlow(h.broker.allFills))
    }
}

/// Maker–checker on the risk desk: after a daily-loss-limit halt, two different humans.
@Suite struct MakerCheckerTests {
    @Test func aLossLimitHaltNeedsTwoDifferentHumansAndBothAreRecorded() async throws {
        let h = try await SimHarness.make()
        let alice = Actor.principal("alice", kind: .human, name: "Alice")
        let bob = Actor.principal("bob", kind: .human, name: "Bob")
        _ = try await RiskDesk(system: h.system).halt(.dailyLossLimit, detail: "limit reached", context: h.context(.system))
        let desk = RiskDesk(system: h.system)
        #expect(try await desk.resume(note: "reviewed the losses", makerChecker: true, context: h.context(alice)) == .awaitingSecondHuman)
        do {
            _ = try await desk.resume(note: "me again", makerChecker: true, context: h.context(alice))
            Issue.record("the maker checked her own resume")
        } catch {
            #expect(refusalCode(error) == "checker_must_differ", "\(error)")
        }
        #expect(try await h.risk().halt != nil)
        #expect(try await desk.resume(note: "agreed", makerChecker: true, context: h.context(bob)) == .resumed)
        // As stored: the checker is the command's principal, the maker is named in the payload.
        let resumed = try await h.store.readAllToEnd().filter { $0.eventType == "risk.trading_resumed" }.map { e -> [String: String] in
            let metadata = try JSONSerialization.jsonObject(with: e.metadata) as? [String: Any]
            let payload = try JSONSerialization.jsonObject(with: e.payload) as? [String: Any]
            let maker = (payload?["maker"] as? [String: Any])?["principal"] as? [String: Any]
            return ["checker": metadata?["principal_id"] as? String ?? "", "maker": maker?["id"] as? String ?? ""]
        }
        #expect(resumed.count == 1 && resumed.first?["checker"] == "bob" && resumed.first?["maker"] == "alice", "\(resumed)")
    }

    @Test func withoutMakerCheckerOneHumanLiftsALossLimitHalt() async throws {
        let h = try await SimHarness.make()
        _ = try await RiskDesk(system: h.system).halt(.dailyLossLimit, detail: "limit reached", context: h.context(.system))
        #expect(try await RiskDesk(system: h.system).resume(note: "ok", context: h.context(SimHarness.operatorActor)) == .resumed)
    }
}
