import Application
import Broker
import Domain
import EventStore
import Foundation
import Testing

@testable import ApplicationTestKit

/// Orders and fills on the paper broker: recorded before sent, positions only from fills, each
/// execution once, sides and ticks as approved.
@Suite struct OrderFlowTests {
    /// The spy asks the log, at the moment the broker is called, whether the order's stream already holds
    /// `order.requested`: the old system could lose an order that reached the broker but not its database.
    @Test func anOrderIsRequestedInTheLogBeforeTheBrokerSeesIt() async throws {
        let h = try await SimHarness.make(wrap: { paper, store in
            SpyBroker(paper) { intent in
                guard let client = intent.clientOrderID else { return false }
                let recorded = (try? await store.readStream(StreamName.order(OrderID(rawValue: client.rawValue)).rawValue)) ?? []
                return recorded.first?.eventType == "order.requested"
            }
        })
        let spy = try #require(h.system.broker as? SpyBroker)
        for (symbol, price) in try await h.liquidSymbols(2) { _ = try h.placed(try await h.trade(symbol, price)) }
        // An exit too (market order of a position opened by a fill).
        h.move(to: h.now.addingTimeInterval(120))
        try await FillIngestor(system: h.system).poll(context: h.context())
        let held = try await h.liquidSymbols(1)[0].symbol
        if try await h.position(held).open != nil {
            _ = try await TradingOperations(system: h.system).closePosition(held.rawValue, context: h.context(SimHarness.operatorActor))
        }
        #expect(spy.submits.count >= 2)
        for s in spy.submits { #expect(s.checked, "order \(s.intent.clientOrderID?.rawValue ?? "?") reached the broker before order.requested") }
    }

    @Test func positionsOpenOnlyOnFillsAtTheFillPrice() async throws {
        let h = try await SimHarness.make()
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        let order = try h.placed(try await h.trade(symbol, price))
        #expect(order.status == .new && order.brokerOrderID != nil, "acknowledged by the broker")
        #expect(try await h.position(symbol).open == nil, "a submitted order is not a position")
        #expect(try await h.events().count("position.opened") == 0)
        #expect(try await h.risk().positions[symbol] == nil)

        h.move(to: h.now.addingTimeInterval(60))
        let fills = try await FillIngestor(system: h.system).poll(context: h.context())
        #expect(fills.ingested >= 1)
        let record = try #require(try await h.order(order.orderID))
        let open = try #require(try await h.position(symbol).open)
        #expect(open.quantity == record.filledQuantity)
        let first = try #require(record.executions.first)
        let brokerFill = try #require(h.broker.allFills.first { $0.executionID == first.executionID })
        #expect(first.price == brokerFill.price, "the recorded price is the broker's execution price")
        #expect(open.net.averagePrice == record.averageFillPrice)
        #expect(try await h.risk().positions[symbol]?.net.quantity == record.filledQuantity)
    }

    @Test func aDuplicateExecutionIsIngestedOnce() async throws {
        let h = try await SimHarness.make()
        for (symbol, price) in try await h.liquidSymbols(3) { _ = try h.placed(try await h.trade(symbol, price)) }
        h.move(to: h.now.addingTimeInterval(180))
        try await FillIngestor(system: h.system).poll(context: h.context())
        let before = try await h.events()
        let fills = h.broker.allFills
        #expect(!fills.isEmpty)
        // The same executions again: through `ingest`, and through a new ingestor reading the feed from
        // the start of the day (a restarted process).
        for f in fills {
            let again = try await FillIngestor(system: h.system).ingest(f, context: h.context(.system))
            guard case .duplicate = again else { Issue.record("\(f.executionID) ingested twice: \(again)"); continue }
        }
        let fresh = try await FillIngestor(system: h.system, state: FillFeedState()).poll(context: h.context(.system))
        #expect(fresh.ingested == 0 && fresh.duplicates == fills.count)
        let after = try await h.events()
        #expect(after.count == before.count, "nothing appended")
        let executions = after.compactMap { r -> ExecutionID? in
            switch r.event {
            case .order(.filled(let f)): f.execution.executionID
            case .order(.partiallyFilled(let p)): p.execution.executionID
            default: nil
            }
        }
        #expect(executions.count == Set(executions).count && executions.count == fills.count)
        #expect(after.count("risk.fill_recorded") == fills.count)
    }

    /// Over a morning of orders (partial fills included, ~10 % of fill events), every order's
    /// executions add up to its filled quantity — in the log, in the order's state and at the broker.
    @Test func executionQuantitiesAddUpToTheFilledQuantity() async throws {
        let h = try await SimHarness.make(hour: 9, minute: 45)
        for (symbol, price) in try await h.liquidSymbols(5) { _ = try await h.trade(symbol, price, quantity: 37) }
        try await h.runMinutes(to: SimHarness.date.at(hour: 11, minute: 0))
        var sums: [OrderID: Quantity] = [:]
        for r in try await h.events() {
            if case .order(.filled(let f)) = r.event { sums[f.execution.orderID, default: .zero] += f.execution.quantity }
            if case .order(.partiallyFilled(let p)) = r.event { sums[p.execution.orderID, default: .zero] += p.execution.quantity }
        }
        #expect(!sums.isEmpty)
        for (id, sum) in sums {
            let record = try #require(try await h.order(id))
            #expect(record.filledQuantity == sum, "\(id)")
            #expect(record.executions.reduce(Quantity.zero) { $0 + $1.quantity } == sum)
            if let brokerID = record.brokerOrderID, let b = try await h.broker.order(id: brokerID) {
                #expect(b.filledQuantity == sum, "\(id) at the broker")
            }
        }
    }

    /// A long entry is a buy with sell legs, and every price the broker is sent is on a legal tick even
    /// when the request was not.
    @Test func aLongEntryIsABuyAndPricesSentAreOnTicks() async throws {
        let h = try await SimHarness.make(wrap: { paper, _ in SpyBroker(paper) })
        let spy = try #require(h.system.broker as? SpyBroker)
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        let request = TradingOperations.TradeRequest(
            symbol: symbol.rawValue, side: "long", quantity: nil, entry: price.value + Decimal(string: "0.01337")!,
            stop: price.value * Decimal(string: "0.9799")! + Decimal(string: "0.00123")!, target: price.value * Decimal(string: "1.0501")! + Decimal(string: "0.00456")!)
        let order = try h.placed(try await TradingOperations(system: h.system).executeTrade(request, placeAtOnce: true, context: h.context(SimHarness.operatorActor)))
        #expect(order.intent.side == .buy && order.intent.positionSide == .long && order.intent.purpose == .entry)
        let sent = try #require(spy.submits.first?.intent)
        #expect(sent.side == .buy)
        for p in [sent.limitPrice, sent.takeProfit, sent.stopLoss] {
            let p = try #require(p)
            #expect(p.isOnTick, "\(p) is not on a tick")
        }
        #expect(sent.limitPrice! <= Price(request.entry), "a buy limit is rounded down")
        for leg in order.legs {
            let record = try #require(try await h.order(leg.orderID))
            #expect(record.intent.side == .sell, "the exit legs of a long sell")
        }
        let brokerID = try #require(order.brokerOrderID)
        let brokerOrder = try #require(try await h.broker.order(id: brokerID))
        #expect(brokerOrder.side == .buy && brokerOrder.legs.allSatisfy { $0.side == .sell })
    }
}
