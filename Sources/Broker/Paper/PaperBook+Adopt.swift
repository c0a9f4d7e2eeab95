import Domain
import Foundation

/// A restarted paper broker takes back what the ledger says the exchange held: the simulated exchange
/// does not forget a working order or a position because our process died (Alpaca would not either).
/// Without it, a `serve --simulate` killed while a breakout entry rested would come back to a broker that
/// never heard of it, and the ledger would keep an order open that can never fill or expire.
public struct PaperAdoption: Sendable {
    /// One open order as the ledger knows it; legs name their entry.
    public struct Order: Sendable {
        public var id: BrokerOrderID
        public var intent: OrderIntent
        public var status: BrokerOrderStatus
        public var filledQuantity: Quantity
        public var filledNotional: Decimal
        public var createdAt: Date
        /// For a bracket leg: its entry's broker id and its role.
        public var parent: BrokerOrderID?
        public var takeProfitLeg: Bool

        public init(
            id: BrokerOrderID, intent: OrderIntent, status: BrokerOrderStatus, filledQuantity: Quantity, filledNotional: Decimal, createdAt: Date,
            parent: BrokerOrderID? = nil, takeProfitLeg: Bool = false
        ) {
            self.id = id
            self.intent = intent
            self.status = status
            self.filledQuantity = filledQuantity
            self.filledNotional = filledNotional
            self.createdAt = createdAt
            self.parent = parent
            self.takeProfitLeg = takeProfitLeg
        }
    }

    public var positions: [Symbol: NetPosition]
    public var cash: Money
    public var orders: [Order]
    /// Where the restarted clock resumes: the broker looks at prices only from here on (the minutes before
    /// were seen by the process that died, and their fills are in the ledger).
    public var at: Date

    public init(positions: [Symbol: NetPosition], cash: Money, orders: [Order], at: Date) {
        self.at = at
        self.positions = positions
        self.cash = cash
        self.orders = orders
    }
}

extension PaperBook {
    /// Replaces positions and cash, and inserts the orders (entries before their legs), each with its own
    /// id. An open leg's entry comes too even when it is filled, so the group cancels as one. An order the
    /// book already has is left alone.
    mutating func adopt(_ a: PaperAdoption) {
        now = max(now, a.at)
        positions = a.positions.filter { !$0.value.isFlat }
        cash = a.cash
        let entries = a.orders.filter { $0.parent == nil }
        let legs = a.orders.filter { $0.parent != nil }
        for o in entries + legs where orderIndex[o.id] == nil {
            let role: PaperLegRole? = o.parent == nil ? nil : (o.takeProfitLeg ? .takeProfit : .stopLoss)
            let held = o.status == .held
            var order = PaperOrder(
                sequence: orders.count, id: o.id, clientOrderID: o.intent.clientOrderID?.rawValue ?? o.id.rawValue, symbol: o.intent.symbol,
                side: o.intent.side, type: o.intent.type, timeInForce: o.intent.timeInForce, orderClass: o.intent.orderClass,
                quantity: o.intent.quantity, limitPrice: o.intent.limitPrice, stopPrice: o.intent.stopPrice, status: o.status, createdAt: o.createdAt,
                updatedAt: now, parent: o.parent, legRole: role)
            order.filledQuantity = o.filledQuantity
            order.filledNotional = o.filledNotional
            // A working order looks at prices from now on. A leg works once its entry is completely filled
            // (a stop-loss leg shows `held` then too, waiting for its trigger); before that it waits, as it did.
            let entryFilled = o.parent.flatMap { orderIndex[$0] }.map { orders[$0].status == .filled } ?? false
            let waiting = o.parent == nil ? (held || !isInSession(now)) : !entryFilled
            order.activeSince = waiting ? nil : a.at
            order.evaluations = 1
            insert(order)
            if let parent = o.parent, let p = orderIndex[parent] { orders[p].legs.append(o.id) }
        }
    }
}
