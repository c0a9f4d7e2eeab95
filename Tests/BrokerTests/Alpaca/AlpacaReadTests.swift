import Broker
import Domain
import FakeAlpaca
import Foundation
import Testing

/// Reading from Alpaca: fills by execution, pagination, positions, account, replace, lookups.
@Suite struct AlpacaReadTests {
    @Test func partialFillsComeBackOnePerExecutionWithTheirOwnQuantityAndPrice() async throws {
        try await AlpacaHarness.run { c in
            let order = try await c.broker.submit(Fixture.entry("pf-1", qty: 10)).order
            let id = order.id.rawValue
            try c.state.fill(id, quantity: 3, price: Decimal(string: "10.01")!)
            c.state.advance(seconds: 1)
            try c.state.fill(id, quantity: 5, price: Decimal(string: "10.02")!)
            c.state.advance(seconds: 1)
            try c.state.fill(id, price: Decimal(string: "10.03")!)
            let page = try await c.broker.fills(since: Fixture.open, after: nil, limit: 100)
            #expect(page.fills.map(\.quantity) == [Quantity(3), Quantity(5), Quantity(2)])
            #expect(page.fills.map(\.price) == ["10.01", "10.02", "10.03"].map(Fixture.price))
            #expect(page.fills.map(\.cumulativeQuantity) == [Quantity(3), Quantity(8), Quantity(10)])
            #expect(page.fills.map(\.leavesQuantity) == [Quantity(7), Quantity(2), Quantity(0)])
            #expect(Set(page.fills.map(\.executionID)).count == 3 && page.fills.allSatisfy { $0.brokerOrderID == order.id && $0.side == .buy })
            #expect(page.cursor == page.fills.last?.executionID.rawValue)
            let after = try #require(try await c.broker.order(id: order.id))
            #expect(page.fills.reduce(Quantity.zero) { $0 + $1.quantity } == after.filledQuantity && after.status == .filled)
            // (3 × 10.01 + 5 × 10.02 + 2 × 10.03) / 10
            #expect(after.filledAveragePrice == Fixture.price("10.019"))
            #expect(try await c.broker.fills(since: Fixture.open, after: page.cursor, limit: 100).fills.isEmpty)
        }
    }

    @Test func activitiesArePagedWithPageTokens() async throws {
        try await AlpacaHarness.run(pageSize: 2) { c in
            let order = try await c.broker.submit(Fixture.entry("pg-1", qty: 5)).order
            for _ in 0..<5 {
                c.state.advance(seconds: 1)
                try c.state.fill(order.id.rawValue, quantity: 1, price: 10)
            }
            let all = try await c.broker.fills(since: Fixture.open, after: nil, limit: 100)
            #expect(all.fills.map(\.cumulativeQuantity) == (1...5).map { Quantity($0) })
            let pages = c.requests.filter { $0.hasPrefix("GET /v2/account/activities/FILL") }
            #expect(pages.count == 3, "5 activities at 2 per page")
            #expect(!pages[0].contains("page_token=") && pages.dropFirst().allSatisfy { $0.contains("page_token=") })
            #expect(pages.allSatisfy { $0.contains("direction=asc") && $0.contains("page_size=2") })
            // The caller's own paging: 2, then 2 more after the cursor, then the last one.
            let first = try await c.broker.fills(since: Fixture.open, after: nil, limit: 2)
            let second = try await c.broker.fills(since: Fixture.open, after: first.cursor, limit: 2)
            let third = try await c.broker.fills(since: Fixture.open, after: second.cursor, limit: 2)
            #expect((first.fills + second.fills + third.fills).map(\.executionID) == all.fills.map(\.executionID))
            #expect(try await c.broker.fills(since: Fixture.open.addingTimeInterval(3.5), after: nil, limit: 100).fills.count == 2)
        }
    }

    @Test func positionsAndAccountDecode() async throws {
        try await AlpacaHarness.run(configure: { s in
            s.setExternalPosition(symbol: "AAA", quantity: 100, averagePrice: Decimal(string: "9.5")!)
            s.setExternalPosition(symbol: "BBB", quantity: -40, averagePrice: 21)
        }) { c in
            let positions = try await c.broker.positions()
            #expect(positions.map(\.symbol) == [Fixture.aaa, Fixture.bbb])
            #expect(positions.map(\.quantity) == [Quantity(100), Quantity(-40)], "short positions are negative")
            #expect(positions.map(\.averageEntryPrice) == [Fixture.price("9.5"), Fixture.price("21")])
            #expect(positions.map(\.marketValue) == [Money(1000), Money(-800)])
            #expect(positions.map(\.unrealizedPnL) == [Money(50), Money(40)])
            #expect(positions[1].raw?.contains(#""side":"short""#) == true)
            #expect(try await c.broker.position(Fixture.bbb)?.quantity == Quantity(-40))
            #expect(try await c.broker.position(Symbol("ZZZ")!) == nil)
            let account = try await c.broker.account()
            #expect(account.equity == Money(c.state.equity) && account.buyingPower == Money(c.state.buyingPower))
            #expect(account.lastEquity == Money(100_000) && account.asOf == Fixture.open)
        }
    }

    @Test func ordersWithNanosecondNewYorkTimestampsDecode() async throws {
        try await AlpacaHarness.run(configure: { s in
            s.setWire(WireStyle(decimals: .strings, timestamps: .newYork(fractionDigits: 9)))
            s.setNow(Fixture.open.addingTimeInterval(0.123456))
        }) { c in
            let order = try await c.broker.submit(Fixture.entry("ny-1")).order
            #expect(abs(order.createdAt.timeIntervalSince(Fixture.open) - 0.123456) < 1e-6)
            #expect(order.raw?.contains("-04:00") == true)
        }
    }

    @Test func replaceCreatesANewLinkedOrder() async throws {
        try await AlpacaHarness.run { c in
            let old = try await c.broker.submit(Fixture.entry("rp-1", qty: 10, type: .limit, limit: "9.50")).order
            let new = try await c.broker.replace(
                old.id, with: BrokerReplace(quantity: Quantity(5), limitPrice: Price(Decimal(string: "9.557")!), clientOrderID: Fixture.cid("rp-1-2")))
            #expect(c.state.receivedBodies.last?.body == #"{"client_order_id":"rp-1-2","limit_price":"9.55","qty":"5"}"#)
            #expect(new.id != old.id && new.replaces == old.id && new.quantity == Quantity(5) && new.limitPrice == Fixture.price("9.55"))
            let oldAfter = try #require(try await c.broker.order(id: old.id))
            #expect(oldAfter.status == .replaced && oldAfter.replacedBy == new.id)
            #expect(try await c.broker.order(clientOrderID: Fixture.cid("rp-1"))?.status == .replaced)
            #expect(try await c.broker.openOrders().map(\.id) == [new.id])
            let again = await brokerError { try await c.broker.replace(old.id, with: BrokerReplace(limitPrice: Fixture.price("9.6"))) }
            #expect(again?.rejectedStatus == 422)
        }
    }

    @Test func anUnknownOrderIsNil() async throws {
        try await AlpacaHarness.run { c in
            let byID = try await c.broker.order(id: "00000000-0000-4000-8000-00000000dead")
            #expect(byID == nil)
            #expect(try await c.broker.order(clientOrderID: Fixture.cid("never-sent")) == nil)
            let cancel = await brokerError { try await c.broker.cancel("00000000-0000-4000-8000-00000000dead") }
            #expect(cancel?.rejectedStatus == 404)
            #expect(c.count("GET /v2/orders/") == 1, "a 404 is an answer, not retried")
        }
    }

    @Test func openOrdersListHeldLegsAndOrdersWePlacedNowhere() async throws {
        try await AlpacaHarness.run { c in
            let entry = try await c.broker.submit(Fixture.bracket("oo-1", limit: "10")).order
            let external = c.state.addExternalOrder(symbol: "BBB", side: "sell", quantity: 7, limitPrice: 25)
            let open = try await c.broker.openOrders()
            #expect(open.count == 4 && Set(open.map(\.id)) == Set([entry.id, BrokerOrderID(rawValue: external)] + entry.legs.map(\.id)))
            #expect(open.filter { $0.status == .held }.count == 2)
            #expect(c.requests.last?.contains("status=open") == true && c.requests.last?.contains("nested=false") == true)
        }
    }

    @Test func exitLegsAreCancelledBeforeAManualClose() async throws {
        try await AlpacaHarness.run { c in
            let entry = try await c.broker.submit(Fixture.bracket("ex-1", limit: "10")).order
            try c.state.fill(entry.id.rawValue, price: 10)
            let legs = try #require(try await c.broker.order(id: entry.id)).legs
            #expect(legs.map(\.status) == [.new, .held])
            // While the legs are open the shares are held: a close is refused by the broker.
            let refused = await brokerError { try await c.broker.submit(Fixture.exit("ex-close-1")) }
            #expect(refused?.rejectedMessage?.hasPrefix("insufficient qty available") == true)
            let result = try await c.broker.cancelExitOrders(symbol: Fixture.aaa, positionSide: .long, pollInterval: .milliseconds(10))
            #expect(result.isComplete && result.canceled.count == 2 && !result.positionChanged)
            _ = try await c.broker.submit(Fixture.exit("ex-close-2"))
            #expect(c.state.orders.last?.side == "sell")
        }
    }

    @Test func aCancelThatStaysPendingIsReportedUnconfirmedAndAFillMeanwhileIsReported() async throws {
        try await AlpacaHarness.run(configure: { $0.setBehavior(FakeTradingBehavior(cancelsPend: true)) }) { c in
            let entry = try await c.broker.submit(Fixture.bracket("ex-2", limit: "10")).order
            try c.state.fill(entry.id.rawValue, price: 10)
            let pending = try await c.broker.cancelExitOrders(
                symbol: Fixture.aaa, positionSide: .long, confirmationPolls: 2, pollInterval: .milliseconds(10))
            #expect(!pending.isComplete && pending.unconfirmed.map(\.status) == [.pendingCancel, .pendingCancel])
            // The take-profit fills before the cancel lands: the position changed.
            let tp = try #require(pending.unconfirmed.first { $0.type == .limit })
            try c.state.fill(tp.id.rawValue, price: 11)
            let settled = try await c.broker.cancelExitOrders(symbol: Fixture.aaa, positionSide: .long, pollInterval: .milliseconds(10))
            #expect(settled.isComplete && settled.canceled.isEmpty && settled.filled.isEmpty, "nothing open was left to cancel")
            let legs = try #require(try await c.broker.order(id: entry.id)).legs
            #expect(legs.map(\.status) == [.filled, .canceled])
            #expect(try await c.broker.positions().isEmpty)
        }
    }
}
