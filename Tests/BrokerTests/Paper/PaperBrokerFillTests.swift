import Broker
import Domain
import Foundation
import Testing

/// The paper broker's matching: market, limit, partial fills, sides, account and the fills feed.
@Suite struct PaperBrokerFillTests {
    static func tape(_ points: (Double, String)...) -> [(Date, Price)] { points.map { (Fixture.minute($0.0), Fixture.price($0.1)) } }

    /// One trade a minute at `price`, minutes `range`.
    static func flat(_ price: String, _ range: ClosedRange<Int>) -> [(Date, Price)] {
        range.map { (Fixture.minute(Double($0)), Fixture.price(price)) }
    }

    static func broker(
        _ tape: [Symbol: [(Date, Price)]], seed: UInt64 = 7, partial: Double = 0, slippage: Decimal = 5, start: Date = Fixture.open,
        session: PaperSession? = Fixture.session
    ) -> PaperBroker {
        PaperBroker(
            configuration: PaperConfiguration(
                seed: seed, slippageBasisPoints: slippage, partialFillRate: partial, start: start, session: session),
            feed: TapeFeed(tape))
    }

    @Test func marketOrderFillsAtTheNextPriceWithSlippage() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.20"))])
        let order = try await b.submit(Fixture.entry("m-1", qty: 100)).order
        #expect(order.status == .new && order.side == .buy)
        #expect(b.advance(to: Fixture.minute(0.5)).isEmpty, "no price after the order arrived yet")
        let fills = b.advance(to: Fixture.minute(1))
        try #require(fills.count == 1)
        // 10.20 × (1 + 5 bp) = 10.2051, against the buyer.
        #expect(fills[0].price == Fixture.price("10.2051") && fills[0].quantity == Quantity(100) && fills[0].side == .buy)
        #expect(fills[0].transactionTime == Fixture.minute(1))
        let after = try #require(try await b.order(id: order.id))
        #expect(after.status == .filled && after.filledQuantity == Quantity(100) && after.filledAveragePrice == Fixture.price("10.2051"))
        let position = try #require(try await b.positions().first)
        #expect(position.symbol == Fixture.aaa && position.quantity == Quantity(100) && position.averageEntryPrice == Fixture.price("10.2051"))
        let account = try await b.account()
        #expect(account.equity == Money(Decimal(string: "99999.49")!), "cash 98,979.49 + 100 × 10.20")
    }

    @Test func aLongEntryIsABuyAndAShortEntryASell() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10"), (1, "10")), Fixture.bbb: Self.tape((0, "20"), (1, "20"))])
        let long = try await b.submit(Fixture.entry("l-1", Fixture.aaa, side: .long)).order
        let short = try await b.submit(Fixture.entry("s-1", Fixture.bbb, side: .short)).order
        #expect(long.side == .buy && short.side == .sell)
        let fills = b.advance(to: Fixture.minute(1))
        #expect(fills.map(\.side) == [.buy, .sell])
        let positions = try await b.positions()
        #expect(positions.map(\.quantity) == [Quantity(10), Quantity(-10)])
    }

    @Test func restingLimitFillsAtItsLimitWhenTheRangeCrossesIt() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.05"), (1.5, "9.85"), (2, "9.95"))])
        let order = try await b.submit(Fixture.entry("lim-1", type: .limit, limit: "9.90")).order
        #expect(b.advance(to: Fixture.minute(1)).isEmpty, "10.05 is above the buy limit")
        let fills = b.advance(to: Fixture.minute(2))
        #expect(fills.map(\.price) == [Fixture.price("9.90")], "the range touched 9.85; a resting limit fills at its limit")
        #expect(try await b.order(id: order.id)?.status == .filled)
    }

    @Test func marketableLimitFillsLikeAMarketOrderButNeverBeyondItsLimit() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.05"))])
        _ = try await b.submit(Fixture.entry("lim-a", type: .limit, limit: "10.50"))
        _ = try await b.submit(Fixture.entry("lim-b", type: .limit, limit: "10.05"))
        let fills = b.advance(to: Fixture.minute(1))
        #expect(fills.map(\.price) == [Fixture.price("10.0551"), Fixture.price("10.05")])
    }

    @Test func partialFillsAddUpAndTheRemainderFillsLater() async throws {
        let b = Self.broker([Fixture.aaa: Self.flat("10", 0...20)], partial: 1)
        let order = try await b.submit(Fixture.entry("p-1", qty: 10)).order
        var fills: [BrokerFill] = []
        for m in 1...20 { fills += b.advance(to: Fixture.minute(Double(m))) }
        #expect(fills.count >= 2, "every fill event is partial while more than one share is left")
        #expect(fills.reduce(Quantity.zero) { $0 + $1.quantity } == Quantity(10))
        var cumulative = Quantity.zero
        for f in fills {
            cumulative += f.quantity
            #expect(f.cumulativeQuantity == cumulative && f.leavesQuantity == Quantity(10) - cumulative)
        }
        #expect(Set(fills.map(\.executionID)).count == fills.count)
        #expect(try await b.order(id: order.id)?.status == .filled)
    }

    @Test func aPartiallyFilledDayOrderExpiresAtTheCloseWithItsFillsKept() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10.00"), (1, "10.00"), (1.5, "9.85"), (2, "10.00"))], partial: 1)
        let order = try await b.submit(Fixture.entry("p-2", qty: 10, type: .limit, limit: "9.90")).order
        b.advance(to: Fixture.minute(1))
        let fills = b.advance(to: Fixture.minute(2))
        try #require(fills.count == 1)
        b.advance(to: Fixture.close.addingTimeInterval(60))
        let after = try #require(try await b.order(id: order.id))
        #expect(after.status == .expired && after.filledQuantity == fills[0].quantity && after.filledQuantity < Quantity(10))
        #expect(after.expiredAt == Fixture.close)
    }

    @Test func dayOrdersExpireAtTheCloseAndGoodTillCanceledOnesStay() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10"))])
        let day = try await b.submit(Fixture.entry("d-1", type: .limit, limit: "9")).order
        let gtc = try await b.submit(Fixture.entry("g-1", type: .limit, limit: "9", tif: .gtc)).order
        b.advance(to: Fixture.close.addingTimeInterval(-60))
        #expect(try await b.openOrders().count == 2)
        b.advance(to: Fixture.close.addingTimeInterval(60))
        #expect(try await b.order(id: day.id)?.status == .expired)
        #expect(try await b.order(id: gtc.id)?.status == .new)
        #expect(try await b.openOrders().map(\.id) == [gtc.id])
    }

    @Test func anOrderSentBeforeTheOpenIsAcceptedAndWorksFromTheOpen() async throws {
        let b = Self.broker(
            [Fixture.aaa: Self.tape((-120, "9.80"), (1, "10.00"))], start: Fixture.open.addingTimeInterval(-3600))
        let order = try await b.submit(Fixture.entry("pre-1")).order
        #expect(order.status == .accepted)
        let fills = b.advance(to: Fixture.minute(1))
        #expect(fills.map(\.price) == [Fixture.price("10.005")] && fills.first?.transactionTime == Fixture.minute(1))
    }

    @Test func refusalsCarryAlpacasMessages() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10"), (1, "10"))])
        let tooBig = await brokerError { try await b.submit(Fixture.entry("bp-1", qty: 20_000)) }
        #expect(tooBig?.rejectedStatus == 403 && tooBig?.rejectedMessage?.hasPrefix("insufficient buying power") == true)
        _ = try await b.submit(Fixture.entry("e-1", qty: 10))
        b.advance(to: Fixture.minute(1))
        let oversell = await brokerError { try await b.submit(Fixture.exit("x-1", qty: 20)) }
        #expect(oversell?.rejectedMessage == "not sent: exit of 20 AAA exceeds the 10 shares held at the broker")
        let shortByMistake = await brokerError { try await b.submit(Fixture.exit("x-2", Fixture.bbb)) }
        #expect(shortByMistake?.rejectedMessage?.hasSuffix("it would open a short position") == true, "an exit can only reduce")
        let unknown = await brokerError { try await b.submit(Fixture.entry("u-1", Symbol("ZZZ")!)) }
        #expect(unknown?.rejectedStatus == 422)
    }

    @Test func aRepeatedClientOrderIDReturnsTheExistingOrder() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10"))])
        let first = try await b.submit(Fixture.entry("dup-1"))
        let second = try await b.submit(Fixture.entry("dup-1"))
        guard case .created(let created) = first, case .alreadyExists(let existing) = second else {
            Issue.record("expected created then alreadyExists, got \(first), \(second)")
            return
        }
        #expect(created.id == existing.id)
        #expect(try await b.openOrders().count == 1)
        let clash = await brokerError { try await b.submit(Fixture.entry("dup-1", qty: 99)) }
        #expect(clash?.rejectedStatus == 422, "the same id for a different order is not a retry")
    }

    @Test func fillsFeedPagesWithACursor() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10"), (1, "10")), Fixture.bbb: Self.tape((0, "20"), (1, "20"))])
        for (k, s) in [Fixture.aaa, Fixture.bbb, Fixture.aaa].enumerated() { _ = try await b.submit(Fixture.entry("f-\(k)", s)) }
        b.advance(to: Fixture.minute(1))
        let first = try await b.fills(since: Fixture.open, after: nil, limit: 2)
        let second = try await b.fills(since: Fixture.open, after: first.cursor, limit: 2)
        let third = try await b.fills(since: Fixture.open, after: second.cursor, limit: 2)
        #expect(first.fills.count == 2 && second.fills.count == 1 && third.fills.isEmpty && third.cursor == nil)
        #expect((first.fills + second.fills).map(\.executionID) == b.allFills.map(\.executionID))
        #expect(try await b.fills(since: Fixture.minute(2), after: nil, limit: 10).fills.isEmpty, "since filters by time")
    }

    @Test func buyingPowerAccountsForPositionsAndOpenOrders() async throws {
        let b = Self.broker([Fixture.aaa: Self.tape((0, "10"), (1, "10"))], slippage: 0)
        #expect(try await b.account().buyingPower == Money(100_000))
        _ = try await b.submit(Fixture.entry("bp-a", qty: 1000, type: .limit, limit: "9"))
        #expect(try await b.account().buyingPower == Money(91_000), "an open buy reserves 1,000 × 9")
        _ = try await b.submit(Fixture.entry("bp-b", qty: 1000))
        b.advance(to: Fixture.minute(1))
        // Cash 90,000 + position 10,000 = equity 100,000; less 10,000 held and 9,000 reserved.
        let account = try await b.account()
        #expect(account.equity == Money(100_000) && account.buyingPower == Money(81_000))
    }
}
