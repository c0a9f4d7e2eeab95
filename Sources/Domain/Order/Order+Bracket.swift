import Foundation

extension Order {
    /// The exact intent of a bracket entry's exit leg: opposite side, same quantity and time in force,
    /// the take-profit limit or the stop-loss stop. The broker assigns the leg's client order id.
    public static func legIntent(of parent: OrderIntent, _ role: LegRole) -> OrderIntent? {
        switch role {
        case .takeProfit:
            guard let target = parent.takeProfit else { return nil }
            return OrderIntent(
                clientOrderID: nil, symbol: parent.symbol, positionSide: parent.positionSide, purpose: .takeProfit, quantity: parent.quantity,
                type: .limit, limitPrice: target, timeInForce: parent.timeInForce)
        case .stopLoss:
            guard let stop = parent.stopLoss else { return nil }
            return OrderIntent(
                clientOrderID: nil, symbol: parent.symbol, positionSide: parent.positionSide, purpose: .stopLoss, quantity: parent.quantity,
                type: parent.stopLossLimit == nil ? .stop : .stopLimit, limitPrice: parent.stopLossLimit, stopPrice: stop,
                timeInForce: parent.timeInForce)
        }
    }

    /// The leg requests for a bracket entry's `order.requested`, one per leg stream.
    public static func legRequests(for parent: Requested, at: Date) -> [Request] {
        parent.legs.compactMap { link in
            legIntent(of: parent.intent, link.role).map {
                Request(
                    orderID: link.orderID, intent: $0, authorization: .bracketLeg(parent: parent), cycleID: parent.cycleID,
                    positionID: parent.positionID, at: at)
            }
        }
    }
}
