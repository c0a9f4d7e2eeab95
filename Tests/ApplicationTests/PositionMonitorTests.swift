import Application
import Broker
import Domain
import EventStore
import FakeAlpaca
import Foundation
import Testing

@testable import ApplicationTestKit

/// The once-a-minute watch: marks with the risk book in one batch, the maximum hold time, the flatten
/// before the close, and the stop/target fallback only when no exit order is working.
@Suite struct PositionMonitorTests {
    static func exits(_ events: [Recorded]) -> [(at: Date, reason: ExitReason, stream: String)] {
        events.compactMap { r in if case .position(.exitRequested(let x)) = r.event { (x.at, x.reason, r.stream) } else { nil } }
    }

    @Test func everyTickMarksEachPositionTogetherWithTheRiskBook() async throws {
        let h = try await SimHarness.make(hour: 10, minute: 0)
        let symbols = try await h.liquidSymbols(2)
        for (symbol, price) in symbols { _ = try h.placed(try await h.trade(symbol, price)) }
        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 2))
        for (symbol, _) in symbols { #expect(try await h.position(symbol).open != nil) }
        let before = try await h.events().count
        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 5))
        let after = Array(try await h.events().dropFirst(before))
        let riskMarks = after.ofType("risk.marks_recorded")
        let marks = after.ofType("position.marked")
        #expect(riskMarks.count == 3, "one per tick")
        #expect(marks.count == 6, "one per position per tick")
        for r in riskMarks {
            let sameBatch = marks.filter { $0.raw.transactionID == r.raw.transactionID }
            #expect(sameBatch.count == 2, "the marks and the risk book's record are one transaction")
            guard case .risk(.marksRecorded(let m)) = r.event else { continue }
            #expect(Set(m.marks.map(\.symbol)) == Set(symbols.map(\.symbol)))
        }
        let risk = try await h.risk()
        for (symbol, _) in symbols {
            let mark = try #require(risk.positions[symbol]?.mark)
            #expect(try await h.position(symbol).open?.lastMark == mark)
        }
    }

    /// With far protection (no working legs, a fallback that never triggers) the only exit is the
    /// 180-minute maximum hold.
    @Test func thePositionIsExitedAfterTheMaximumHold() async throws {
        let h = try await SimHarness.make(hour: 10, minute: 0)
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        _ = try h.placed(try await h.trade(symbol, price))
        try await h.runMinutes(to: SimHarness.date.at(hour: 10, minute: 2))
        let open = try #require(try await h.position(symbol).open)
        _ = try await TradingOperations(system: h.system).updatePosition(
            symbol.rawValue, stop: price.value / 2, target: price.value * 2, context: h.context(SimHarness.operatorActor))
        try await h.runMinutes(to: open.openedAt.addingTimeInterval(179 * 60), reconcile: false)
        #expect(Self.exits(try await h.events()).isEmpty)
        try await h.runMinutes(to: open.openedAt.addingTimeInterval(183 * 60), reconcile: false)
        let exits = Self.exits(try await h.events())
        #expect(exits.map(\.reason) == [.maxHold])
        if let at = exits.first?.at { #expect(at.timeIntervalSince(open.openedAt) >= 180 * 60) }
        #expect(try await h.position(symbol).open == nil, "closed by the exit's fill")
    }

    /// Everything is flattened 15 minutes before the close (15:45), working legs or not.
    @Test func everythingIsFlattenedFifteenMinutesBeforeTheClose() async throws {
        let h = try await SimHarness.make(hour: 15, minute: 25)
        let symbols = try await h.liquidSymbols(2)
        for (symbol, price) in symbols { _ = try h.placed(try await h.trade(symbol, price)) }
        try await h.runMinutes(to: SimHarness.date.at(hour: 15, minute: 44))
        #expect(Self.exits(try await h.events()).filter { $0.reason == .endOfDay }.isEmpty)
        try await h.runMinutes(to: SimHarness.date.at(hour: 15, minute: 50))
        let exits = Self.exits(try await h.events()).filter { $0.reason == .endOfDay }
        #expect(!exits.isEmpty && exits.allSatisfy { $0.at == SimHarness.date.at(hour: 15, minute: 45) })
        #expect(try await h.broker.positions().isEmpty)
        for (symbol, _) in symbols { #expect(try await h.position(symbol).open == nil) }
    }

    /// An entry still resting at the flatten (a breakout that has not triggered, here a limit far below the
    /// market) is canceled then: no position may open after the flatten and be carried overnight.
    @Test func anEntryStillRestingAtTheFlattenIsCanceled() async throws {
        let h = try await SimHarness.make(hour: 15, minute: 30)
        let (symbol, price) = try #require(try await h.liquidSymbols(1).first)
        let resting = try h.placed(try await h.restingTrade(symbol, price))
        try await h.runMinutes(to: SimHarness.date.at(hour: 15, minute: 44))
        #expect(try await h.order(resting.orderID)?.status.isTerminal == false, "it rests until the flatten")
        try await h.runMinutes(to: SimHarness.date.at(hour: 15, minute: 47))
        let after = try #require(try await h.order(resting.orderID))
        #expect(after.status == .canceled && after.filledQuantity.isZero, "\(after.status)")
        let cancel = try await h.events().contains { r in
            if case .order(.cancelRequested(let c)) = r.event { return c.reason.contains("flatten") && r.stream == "order-\(resting.orderID.rawValue)" }
            return false
        }
        #expect(cancel, "the cancel says why")
        #expect(try await h.position(symbol).open == nil)
    }

    /// Against the fake (whose legs never trigger by themselves): a price through the stop while the
    /// bracket's legs are working leaves the exit to the broker; once the legs are gone the fallback
    /// closes the position.
    @Test func theStopFallbackFiresOnlyWhenNoExitLegIsWorking() async throws {
        try await AlpacaAppHarness.run { h in
            let (entry, price) = try await h.filledEntry(0)
            let symbol = entry.intent.symbol
            let stop = try #require(entry.intent.stopLoss)
            for leg in entry.legs { #expect(try await h.order(leg.orderID)?.status.isTerminal == false) }
            // The market trades 5 % below the stop.
            let crash = (stop * Decimal(string: "0.95")!).roundedToTick()
            let minute = h.now.addingTimeInterval(-120)
            h.market.inject(minuteBar: Bar(start: minute, open: crash, high: crash, low: crash, close: crash, volume: 1000, availableAt: minute.addingTimeInterval(61)), for: symbol)
            try await h.minute()
            var events = try await h.events()
            #expect(Self.exits(events).isEmpty, "a stop leg is working at the broker: no fallback exit")
            #expect(h.state.orders.filter { $0.type == "market" }.isEmpty)
            // The legs disappear at the broker (canceled there); reconciliation learns it.
            let leg = try #require(entry.legs.first)
            try h.state.confirmCancel(try #require(try await h.order(leg.orderID)).brokerID())
            try await h.minute()
            events = try await h.events()
            #expect(Self.exits(events).map(\.reason) == [.stopLoss])
            #expect(h.state.orders.filter { $0.type == "market" && $0.side == "sell" && $0.symbol == symbol.rawValue }.count == 1)
            _ = price
        }
    }
}
