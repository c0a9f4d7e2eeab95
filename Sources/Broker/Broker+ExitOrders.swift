import Domain
import Foundation

/// What `cancelExitOrders` found and did.
public struct ExitOrderCancellation: Sendable, Hashable {
    /// Exit orders whose cancel the broker confirmed (status `canceled` when last read).
    public var canceled: [BrokerOrder]
    /// Exit orders that filled, fully or partly, before the cancel took effect (now terminal): the
    /// position is smaller than the caller thought, so it must re-read it before sending the close.
    public var filled: [BrokerOrder]
    /// Exit orders still not terminal after the last confirmation poll (e.g. stuck in
    /// `pending_cancel`). The close must wait: those orders still hold the shares.
    public var unconfirmed: [BrokerOrder]

    public init(canceled: [BrokerOrder] = [], filled: [BrokerOrder] = [], unconfirmed: [BrokerOrder] = []) {
        self.canceled = canceled
        self.filled = filled
        self.unconfirmed = unconfirmed
    }

    /// True when no exit order is left working, so a closing order will not be refused for shares
    /// held by open orders ("insufficient qty available", docs/alpaca.md §Orders) nor double-exit.
    public var isComplete: Bool { unconfirmed.isEmpty }
    /// True when some exit filled meanwhile and the position must be re-read.
    public var positionChanged: Bool { !filled.isEmpty }
}

extension Broker {
    /// Cancels every open exit order of a position — bracket take-profit and stop-loss legs, held or
    /// working, and any other open order on the exit side of `symbol` — and waits until the broker
    /// confirms each is terminal.
    ///
    /// Call it before a manual close, an end-of-day flatten or an emergency close: Alpaca reserves the
    /// position's shares for the open legs, so a closing market order sent while they are open is
    /// refused, and if it were not, a leg could still fill afterwards and open an opposite position.
    ///
    /// Alpaca accepts a cancel with 204 and cancels asynchronously (and cancelling one leg of a
    /// bracket cancels its sibling), so the helper re-reads each order up to `confirmationPolls` times,
    /// `pollInterval` apart. A 422 "not cancelable" is not an error here: the order is re-read and
    /// classified (it was filled or already canceled). Other broker errors are thrown; the caller
    /// may call again — it is idempotent.
    public func cancelExitOrders(
        symbol: Symbol, positionSide: PositionSide, confirmationPolls: Int = 10, pollInterval: Duration = .milliseconds(250)
    ) async throws(BrokerError) -> ExitOrderCancellation {
        var pending = try await openOrders().filter { $0.symbol == symbol && $0.side == positionSide.exitSide }
        var result = ExitOrderCancellation()
        var requested: Set<BrokerOrderID> = []
        var poll = 0
        while !pending.isEmpty {
            for order in pending where !requested.contains(order.id) && order.status != .pendingCancel {
                requested.insert(order.id)
                do {
                    try await cancel(order.id)
                } catch .rejected(let status, _) where status == 422 || status == 404 {
                    // Filled or canceled in the meantime (or a sibling's cancel took it): the re-read says which.
                }
            }
            var still: [BrokerOrder] = []
            for order in pending {
                guard let current = try await self.order(id: order.id) else {
                    // The broker no longer knows it: nothing can fill any more.
                    result.canceled.append(order)
                    continue
                }
                if current.status == .replaced, let next = current.replacedBy, let replacement = try await self.order(id: next) {
                    // Replaced while we worked: the replacement holds the shares now, so cancel it too.
                    still.append(replacement)
                } else if current.status.isTerminal {
                    if current.filledQuantity.isPositive { result.filled.append(current) } else { result.canceled.append(current) }
                } else {
                    still.append(current)
                }
            }
            pending = still
            poll += 1
            guard !pending.isEmpty, poll <= confirmationPolls else { break }
            do { try await Task.sleep(for: pollInterval) } catch { break }
        }
        result.unconfirmed = pending
        return result
    }
}

extension BrokerOrderStatus {
    /// Statuses after which this order id can no longer change (`replaced`: the replacement is another
    /// order). Alpaca can still report a late fill after `canceled`; the fills feed carries it.
    public var isTerminal: Bool {
        switch self {
        case .filled, .canceled, .expired, .replaced, .rejected: true
        default: false
        }
    }
}
