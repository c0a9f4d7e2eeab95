import Broker
import Domain
import Foundation
import Testing

/// Bracket legs, cancels, replaces and the exit-order helper on the paper broker.
@Suite struct PaperBrokerOrderTests {
    static let tape = PaperBrokerFillTests.tape
    static func broker(_ tape: [Symbol: [(Date, Price)]], partial: Double = 0) -> PaperBroker {
        PaperBrokerFillTests.broker(tape, partial: partial)
    }

    static func legs(_ b: PaperBroker, _ entry: BrokerOrder) async throws -> (tp: BrokerOrder, sl: BrokerOrder) {
        let order = try #require(try await b.order(id: entry.id))
        let tp = try #require(order.legs.first { $0.type == .limit })
        let sl = try #require(order.legs.first { $0.type == .stop })
        return (tp, sl)
    }

    /// A ledger keeps every day's orders and finds bracket legs by broker order id: the paper broker of
    /// the next simulated day (same seed, new process) must not reuse yesterday's ids.
    @Test func brokerOrderIDsDifferFromDayToDayWithTheSameSeed() async throws {
        let tape = Self.tape((0, "10.00"))
        let monday = PaperBrokerFillTests.broker([Fixture.aaa: tape], start: Fixture.open)
        let tuesday = PaperBrokerFillTests.broker([Fixture.aaa: tape], start: Fixture.open.addingTimeInterval(86_400))
        let again = PaperBrokerFillTests.broker([Fixture.aaa: tape], start: Fixture.open)
        var ids: [[String]] = []
        for b in [monday, tuesday, again] {
            let entry = try await b.submit(Fixture.bracket("day-1", limit: "10")).order
            ids.append([entry.id.rawValue] + entry.legs.map(\.id.rawValue))
        }
        #expect(Set(ids[0]).isDisjoint(with: ids[1]), "\(ids)")
        #expect(ids[0] == ids[2], "still deterministic for the same day and seed")
    }

    @Test func bracketLegsAreHeldUntilTheEntryFillsThenTheTakeProfitExits() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.40"), (2, "11.50"), (3, "10.00"), (4, "11.20"))])
        let entry = try await b.submit(Fixture.bracket("br-1", limit: "10")).order
        #expect(entry.legs.map(\.status) == [.held, .held] && entry.legs.allSatisfy { $0.side == .sell })
        // 11.50 is above the take-profit, but the entry has not filled: nothing may exit.
        b.advance(to: Fixture.minute(1))
        b.advance(to: Fixture.minute(2))
        #expect(b.allFills.isEmpty)
        var (tp, sl) = try await Self.legs(b, entry)
        #expect(tp.status == .held && sl.status == .held)

        let entryFill = b.advance(to: Fixture.minute(3))
        #expect(entryFill.map(\.price) == [Fixture.price("10")] && entryFill.map(\.side) == [.buy])
        (tp, sl) = try await Self.legs(b, entry)
        #expect(tp.status == .new && sl.status == .held, "Alpaca: take-profit works, stop-loss waits for its trigger")

        let exit = b.advance(to: Fixture.minute(4))
        #expect(exit.map(\.price) == [Fixture.price("11")] && exit.map(\.brokerOrderID) == [tp.id])
        (tp, sl) = try await Self.legs(b, entry)
        #expect(tp.status == .filled && sl.status == .canceled)
        #expect(try await b.positions().isEmpty)
        #expect(try await b.account().equity == Money(100_010))
    }

    @Test func theStopLossExitsAtTheGapPriceWithSlippage() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.00"), (2, "9.40"))])
        let entry = try await b.submit(Fixture.bracket("br-2", limit: "10")).order
        b.advance(to: Fixture.minute(1))
        let exit = b.advance(to: Fixture.minute(2))
        // Gapped through 9.50 to 9.40: filled at 9.40 less 5 bp, rounded against the seller.
        #expect(exit.map(\.price) == [Fixture.price("9.3953")] && exit.map(\.side) == [.sell])
        let (tp, sl) = try await Self.legs(b, entry)
        #expect(sl.status == .filled && tp.status == .canceled)
    }

    @Test func whenOneWindowReachesBothExitsTheStopLossFills() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.00"), (1.5, "11.50"), (2, "9.00"))])
        let entry = try await b.submit(Fixture.bracket("br-3", limit: "10")).order
        b.advance(to: Fixture.minute(1))
        let exit = b.advance(to: Fixture.minute(2))
        let (tp, sl) = try await Self.legs(b, entry)
        #expect(exit.map(\.brokerOrderID) == [sl.id] && tp.status == .canceled)
    }

    @Test func aPartialTakeProfitShrinksTheStopLossToTheRemainder() async throws {
        // Every fill event is partial: the entry fills in parts at 10.00, then 11.20 reaches the take-profit.
        let b = Self.broker([Fixture.aaa: PaperBrokerFillTests.flat("10.00", 0...15) + Self.tape((16, "11.20"))], partial: 1)
        let entry = try await b.submit(Fixture.bracket("br-4", qty: 10, limit: "10")).order
        for m in 1...15 { b.advance(to: Fixture.minute(Double(m))) }
        #expect(try await b.order(id: entry.id)?.status == .filled)
        #expect(b.allFills.count > 1 && b.allFills.allSatisfy { $0.side == .buy })
        b.advance(to: Fixture.minute(16))
        let (tp, sl) = try await Self.legs(b, entry)
        #expect(tp.status == .partiallyFilled && tp.filledQuantity.isPositive)
        #expect(sl.quantity == Quantity(10) - tp.filledQuantity && sl.status == .held)
        #expect(try await b.positions().first?.quantity == Quantity(10) - tp.filledQuantity)
    }

    @Test func cancellingALegCancelsItsSiblingAndCancelledOrdersNeverFill() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.00"), (2, "8.00"), (3, "12.00"))])
        let entry = try await b.submit(Fixture.bracket("br-6", limit: "10")).order
        let other = try await b.submit(Fixture.entry("c-1", type: .limit, limit: "8.50")).order
        b.advance(to: Fixture.minute(1))
        try await b.cancel(other.id)
        let (tp, _) = try await Self.legs(b, entry)
        try await b.cancel(tp.id)
        let (tp2, sl2) = try await Self.legs(b, entry)
        #expect(tp2.status == .canceled && sl2.status == .canceled)
        #expect(b.advance(to: Fixture.minute(3)).isEmpty, "8.00 and 12.00 cross every canceled order")
        let e1 = await brokerError { try await b.cancel(other.id) }
        #expect(e1?.rejectedStatus == 422)
        let e2 = await brokerError { try await b.cancel("no-such-order") }
        #expect(e2?.rejectedStatus == 404)
        #expect(try await b.positions().first?.quantity == Quantity(10), "the position is left unprotected, as at Alpaca")
    }

    @Test func replaceCreatesANewOrderAndTheOldOneIsReplaced() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "9.80"), (2, "9.45"))])
        let old = try await b.submit(Fixture.entry("r-1", type: .limit, limit: "9.00")).order
        b.advance(to: Fixture.minute(1))
        let new = try await b.replace(old.id, with: BrokerReplace(limitPrice: Fixture.price("9.5"), clientOrderID: Fixture.cid("r-1-a2")))
        #expect(new.id != old.id && new.replaces == old.id && new.clientOrderID == "r-1-a2" && new.limitPrice == Fixture.price("9.5"))
        let oldAfter = try #require(try await b.order(id: old.id))
        #expect(oldAfter.status == .replaced && oldAfter.replacedBy == new.id)
        #expect(try await b.order(clientOrderID: Fixture.cid("r-1"))?.status == .replaced, "the original id finds the original")
        let fills = b.advance(to: Fixture.minute(2))
        #expect(fills.map(\.brokerOrderID) == [new.id] && fills.map(\.price) == [Fixture.price("9.5")])
        let e3 = await brokerError { try await b.replace(new.id, with: BrokerReplace(limitPrice: Fixture.price("9.6"))) }
        #expect(e3?.rejectedStatus == 422)
        let e4 = await brokerError { try await b.replace(old.id, with: BrokerReplace(stopPrice: Fixture.price("9"))) }
        #expect(e4?.rejectedStatus == 422)
    }

    @Test func exitOrdersMustBeCancelledBeforeAManualClose() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.00"), (2, "10.20"), (3, "10.30"))])
        _ = try await b.submit(Fixture.bracket("br-7", limit: "10"))
        b.advance(to: Fixture.minute(1))
        // The legs hold the shares: a close now is refused, as Alpaca refuses it.
        let refused = await brokerError { try await b.submit(Fixture.exit("close-1")) }
        #expect(refused?.rejectedMessage == "insufficient qty available for order (requested: 10, available: 0)")
        let result = try await b.cancelExitOrders(symbol: Fixture.aaa, positionSide: .long, pollInterval: .milliseconds(1))
        #expect(result.isComplete && result.canceled.count == 2 && result.filled.isEmpty)
        let close = try await b.submit(Fixture.exit("close-2")).order
        let fills = b.advance(to: Fixture.minute(2))
        #expect(fills.map(\.brokerOrderID) == [close.id] && fills.map(\.side) == [.sell])
        #expect(try await b.positions().isEmpty)
        #expect(try await b.openOrders().isEmpty)
    }

    @Test func anUnfilledBracketEntryExpiresWithItsLegsCanceled() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"))])
        let entry = try await b.submit(Fixture.bracket("br-8", limit: "9.90")).order
        b.advance(to: Fixture.close)
        let after = try #require(try await b.order(id: entry.id))
        #expect(after.status == .expired && after.legs.map(\.status) == [.canceled, .canceled])
    }
}
