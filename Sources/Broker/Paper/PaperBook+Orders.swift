import Domain
import Foundation

/// Submit, cancel and replace, with the refusals Alpaca would give (docs/alpaca.md §Orders), so the paper
/// broker exercises the same error paths as the real one.
extension PaperBook {
    mutating func submit(_ requested: OrderIntent) throws(BrokerError) -> BrokerSubmitOutcome {
        // The last guard against sub-penny prices: a no-op for an approved intent.
        let intent = requested.roundedToTicks()
        guard let clientID = intent.clientOrderID else {
            throw .rejected(status: 422, message: "client_order_id is required")
        }
        submissions[clientID.rawValue, default: 0] += 1
        if let i = clientIndex[clientID.rawValue] {
            let existing = orders[i]
            guard existing.symbol == intent.symbol, existing.side == intent.side, existing.parent == nil,
                existing.quantity == intent.quantity || existing.replacedBy != nil
            else {
                throw .rejected(status: 422, message: "client_order_id must be unique (\(clientID) is order \(existing.id), \(existing.side) \(existing.quantity) \(existing.symbol))")
            }
            return .alreadyExists(view(i))
        }
        let violations = intent.violations()
        guard violations.isEmpty else {
            throw .rejected(status: 422, message: "invalid order: " + violations.map { "\($0)" }.joined(separator: ", "))
        }
        if let why = intent.exitRefusal(brokerPosition: position(intent.symbol).quantity) { throw .rejected(status: 422, message: why) }
        guard [.day, .gtc, .ioc, .fok].contains(intent.timeInForce) else {
            throw .rejected(status: 422, message: "time_in_force \(intent.timeInForce.rawValue) is not supported by the paper broker")
        }
        guard let price = feed.lastPrice(intent.symbol, at: now) else {
            throw .rejected(status: 422, message: "asset \(intent.symbol) has no price at \(RFC3339.format(now)) (not tradable)")
        }
        if opens(intent.side, intent.symbol) {
            let cost = Money(intent.quantity.shares * (intent.limitPrice ?? price).value)
            guard cost <= buyingPower else {
                throw .rejected(status: 403, message: "insufficient buying power (cost \(cost.roundedToCents), buying power \(buyingPower.roundedToCents))")
            }
        } else {
            // A reducing order may not exceed the free shares, nor flip the position in one order.
            let available = availableToReduce(intent.symbol)
            guard intent.quantity <= available else {
                throw .rejected(status: 403, message: "insufficient qty available for order (requested: \(intent.quantity), available: \(available))")
            }
        }

        let waiting = !isInSession(now)
        let (sequence, id) = nextOrderID()
        var parent = PaperOrder(
            sequence: sequence, id: id, clientOrderID: clientID.rawValue, symbol: intent.symbol, side: intent.side, type: intent.type,
            timeInForce: intent.timeInForce, orderClass: intent.orderClass, quantity: intent.quantity, limitPrice: intent.limitPrice,
            stopPrice: intent.stopPrice, status: waiting ? .accepted : .new, createdAt: now, updatedAt: now,
            activeSince: waiting ? nil : now)
        insert(parent)
        if intent.orderClass == .bracket || intent.orderClass == .oto {
            for role in [PaperLegRole.takeProfit, .stopLoss] {
                guard let leg = legOrder(of: intent, role: role, parent: id) else { continue }
                insert(leg)
                parent.legs.append(leg.id)
            }
            orders[sequence] = parent
        }
        return .created(view(sequence))
    }

    /// A bracket leg, held until the entry fills completely (docs/alpaca.md §Orders).
    private func legOrder(of intent: OrderIntent, role: PaperLegRole, parent: BrokerOrderID) -> PaperOrder? {
        let (sequence, id) = nextOrderID()
        let type: OrderType
        let limit: Price?
        let stop: Price?
        switch role {
        case .takeProfit:
            guard let target = intent.takeProfit else { return nil }
            (type, limit, stop) = (.limit, target, nil)
        case .stopLoss:
            guard let s = intent.stopLoss else { return nil }
            (type, limit, stop) = (intent.stopLossLimit == nil ? .stop : .stopLimit, intent.stopLossLimit, s)
        }
        return PaperOrder(
            sequence: sequence, id: id, clientOrderID: id.rawValue, symbol: intent.symbol, side: intent.side.opposite, type: type,
            timeInForce: intent.timeInForce, orderClass: intent.orderClass, quantity: intent.quantity, limitPrice: limit, stopPrice: stop,
            status: .held, createdAt: now, updatedAt: now, parent: parent, legRole: role)
    }

    /// Cancels at once (the paper broker has no `pending_cancel`). Cancelling an entry cancels its
    /// legs; cancelling a leg cancels its sibling (Alpaca: "cancel one → the rest of the group").
    mutating func cancel(_ id: BrokerOrderID) throws(BrokerError) {
        guard let i = orderIndex[id] else { throw .rejected(status: 404, message: "order not found") }
        guard orders[i].isOpen else {
            throw .rejected(status: 422, message: "order is not cancelable (status \(orders[i].status.rawValue))")
        }
        let group = orders[i].parent.flatMap { orderIndex[$0] }.map { orders[$0].legs } ?? orders[i].legs
        close(i, as: .canceled)
        for legID in group { if let l = orderIndex[legID], orders[l].isOpen { close(l, as: .canceled) } }
    }

    /// Ends an open order in a terminal status at the broker's clock.
    mutating func close(_ i: Int, as status: BrokerOrderStatus) {
        orders[i].status = status
        orders[i].updatedAt = now
        switch status {
        case .canceled: orders[i].canceledAt = now
        case .expired: orders[i].expiredAt = now
        default: break
        }
    }

    /// Alpaca's PATCH: a new order with a new id takes over; the old one becomes `replaced`. The new
    /// quantity defaults to what was left unfilled (the application always states it; see
    /// `Order.decideReplace`).
    mutating func replace(_ id: BrokerOrderID, with requested: BrokerReplace) throws(BrokerError) -> BrokerOrder {
        guard let i = orderIndex[id] else { throw .rejected(status: 404, message: "order not found") }
        let old = orders[i]
        guard old.isOpen, old.status != .pendingCancel else {
            throw .rejected(status: 422, message: "order is not replaceable (status \(old.status.rawValue))")
        }
        let change = requested.roundedToTicks(side: old.side)
        if change.limitPrice != nil, ![.limit, .stopLimit].contains(old.type) {
            throw .rejected(status: 422, message: "limit_price is not applicable to a \(old.type.rawValue) order")
        }
        if change.stopPrice != nil, ![.stop, .stopLimit].contains(old.type) {
            throw .rejected(status: 422, message: "stop_price is not applicable to a \(old.type.rawValue) order")
        }
        if let p = change.limitPrice ?? change.stopPrice, p.value <= 0 { throw .rejected(status: 422, message: "prices must be positive") }
        let quantity = change.quantity ?? old.remaining
        guard quantity.isPositive, quantity.isWhole || old.type == .market else {
            throw .rejected(status: 422, message: "qty must be a positive whole number (got \(quantity))")
        }
        let (sequence, newID) = nextOrderID()
        let clientID = change.clientOrderID?.rawValue ?? newID.rawValue
        guard clientIndex[clientID] == nil else { throw .rejected(status: 422, message: "client_order_id must be unique") }

        let new = PaperOrder(
            sequence: sequence, id: newID, clientOrderID: clientID, symbol: old.symbol, side: old.side, type: old.type,
            timeInForce: change.timeInForce ?? old.timeInForce, orderClass: old.orderClass, quantity: quantity,
            limitPrice: change.limitPrice ?? old.limitPrice, stopPrice: change.stopPrice ?? old.stopPrice,
            status: old.activeSince == nil ? old.status : .new, createdAt: now, updatedAt: now, replaces: old.id, parent: old.parent,
            legRole: old.legRole, legs: old.legs, activeSince: old.activeSince == nil ? nil : now)
        orders[i].status = .replaced
        orders[i].replacedAt = now
        orders[i].updatedAt = now
        orders[i].replacedBy = newID
        insert(new)
        for legID in old.legs { if let l = orderIndex[legID] { orders[l].parent = newID } }
        if let p = old.parent.flatMap({ orderIndex[$0] }) {
            orders[p].legs = orders[p].legs.map { $0 == old.id ? newID : $0 }
        }
        return view(sequence)
    }
}
