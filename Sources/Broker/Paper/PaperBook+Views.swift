import Domain
import Foundation

/// What the paper broker reports: the same shapes the Alpaca client returns.
extension PaperBook {
    /// The order at index `i`, with its legs nested (Alpaca `nested=true`).
    func view(_ i: Int) -> BrokerOrder {
        var order = flatView(i)
        order.legs = orders[i].legs.compactMap { orderIndex[$0] }.map(flatView)
        return order
    }

    /// The order at index `i` without its legs (Alpaca's flat listing, where legs are orders of their own).
    func flatView(_ i: Int) -> BrokerOrder {
        let o = orders[i]
        return BrokerOrder(
            id: o.id, clientOrderID: o.clientOrderID, symbol: o.symbol, side: o.side, type: o.type, timeInForce: o.timeInForce,
            orderClass: o.orderClass, quantity: o.quantity, filledQuantity: o.filledQuantity, filledAveragePrice: o.averageFillPrice,
            limitPrice: o.limitPrice, stopPrice: o.stopPrice, status: o.status, createdAt: o.createdAt, updatedAt: o.updatedAt,
            submittedAt: o.createdAt, filledAt: o.filledAt, canceledAt: o.canceledAt, expiredAt: o.expiredAt, replacedBy: o.replacedBy,
            replaces: o.replaces)
    }

    func order(id: BrokerOrderID) -> BrokerOrder? { orderIndex[id].map(view) }

    /// Like Alpaca's by-client-id lookup, a replaced order is found under its own (original) id.
    func order(clientOrderID: ClientOrderID) -> BrokerOrder? { clientIndex[clientOrderID.rawValue].map(view) }

    /// Every non-terminal order, held legs included, each on its own, in submission order.
    func openOrders() -> [BrokerOrder] { orders.indices.filter { orders[$0].isOpen }.map(flatView) }

    func positionList() -> [BrokerPosition] {
        positions.keys.sorted().compactMap { symbol in
            guard let p = positions[symbol], !p.isFlat, let average = p.averagePrice else { return nil }
            let mark = feed.lastPrice(symbol, at: now)
            return BrokerPosition(
                symbol: symbol, quantity: p.quantity, averageEntryPrice: average,
                marketValue: mark.map { Money(p.quantity.shares * $0.value) }, unrealizedPnL: mark.map { p.unrealized(at: $0) },
                currentPrice: mark)
        }
    }

    func accountSnapshot() -> AccountSnapshot {
        AccountSnapshot(equity: equity, buyingPower: buyingPower, lastEquity: lastEquity, asOf: now)
    }

    /// Executions after `cursor` (an execution id this feed returned), at or after `since`, oldest first.
    func fillPage(since: Date, after cursor: String?, limit: Int) throws(BrokerError) -> BrokerFillPage {
        var start = 0
        if let cursor {
            guard let i = fillIndex[ExecutionID(rawValue: cursor)] else {
                throw .rejected(status: 422, message: "unknown fills cursor \(cursor)")
            }
            start = i + 1
        }
        let page = fills[start...].lazy.filter { $0.transactionTime >= since }.prefix(max(0, limit))
        let list = Array(page)
        return BrokerFillPage(fills: list, cursor: list.last?.executionID.rawValue)
    }
}
