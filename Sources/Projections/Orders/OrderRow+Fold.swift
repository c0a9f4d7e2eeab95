import Domain
import Foundation

/// How each order event changes the row. Mirrors `Order.evolve` (status, broker id, fills) and adds
/// the timestamps and reasons readers ask for.
extension OrderRow {
    static let terminalStatuses: Set<String> = Set(Order.Status.allCases.filter(\.isTerminal).map(\.rawValue))

    mutating func apply(_ event: Order.Event, position: Int64) {
        switch event {
        case .requested:
            return  // a second request for the same id is a no-op in the domain too
        case .submitted(let e):
            brokerOrderID = e.brokerOrderID.rawValue
            lastBrokerStatus = e.brokerStatus.rawValue
            submittedAt = submittedAt ?? e.submittedAt
            move(to: e.status, at: e.submittedAt)
        case .submitOutcomeUnknown(let e):
            submitUnknownReason = e.reason
            move(to: .submitUnknown, at: e.at)
        case .outcomeResolved(let e):
            brokerOrderID = e.brokerOrderID?.rawValue ?? brokerOrderID
            lastBrokerStatus = e.brokerStatus?.rawValue ?? lastBrokerStatus
            if e.resolution == .found { submittedAt = submittedAt ?? e.at }
            move(to: e.status, at: e.at)
        case .accepted(let e):
            statusUpdate(e.update, Order.Status(broker: e.update.brokerStatus))
            acceptedAt = acceptedAt ?? e.update.at
        case .pendingCancel(let e):
            if status != Order.Status.pendingCancel.rawValue { previousStatus = status }
            statusUpdate(e.update, .pendingCancel)
        case .pendingReplace(let e):
            if status != Order.Status.pendingReplace.rawValue { previousStatus = status }
            statusUpdate(e.update, .pendingReplace)
        case .statusChanged(let e):
            statusUpdate(e.update, Order.Status(broker: e.update.brokerStatus))
        case .canceled(let e):
            statusUpdate(e.update, .canceled)
            cancelRequested = false
            canceledAt = canceledAt ?? e.update.at
            cancelReason = e.update.reason ?? cancelReason
        case .expired(let e):
            statusUpdate(e.update, .expired)
            expiredAt = expiredAt ?? e.update.at
        case .rejected(let e):
            statusUpdate(e.update, .rejected)
            rejectedAt = rejectedAt ?? e.update.at
            rejectionReason = e.update.reason ?? rejectionReason
        case .cancelRequested(let e):
            cancelRequested = true
            cancelRequestedAt = cancelRequestedAt ?? e.at
            cancelReason = e.reason
            updatedAt = e.at
        case .cancelRejected(let e):
            cancelRequested = false
            previousStatus = nil
            move(to: e.restoredStatus, at: e.at)
        case .replaceRequested(let e):
            pendingReplacementID = e.newOrderID.rawValue
            updatedAt = e.at
        case .replaceRejected(let e):
            pendingReplacementID = nil
            previousStatus = nil
            move(to: e.restoredStatus, at: e.at)
        case .replaced(let e):
            lastBrokerStatus = BrokerOrderStatus.replaced.rawValue
            replacedByOrderID = e.replacedByOrderID.rawValue
            pendingReplacementID = nil
            replacedAt = replacedAt ?? e.at
            lastUpdateSource = e.source.rawValue
            move(to: .replaced, at: e.at)
        case .partiallyFilled(let e):
            execution(e.execution)
        case .filled(let e):
            execution(e.execution)
        }
        eventCount += 1
        lastGlobalPosition = position
    }

    private mutating func statusUpdate(_ u: Order.StatusUpdate, _ next: Order.Status) {
        lastBrokerStatus = u.brokerStatus.rawValue
        brokerOrderID = u.brokerOrderID?.rawValue ?? brokerOrderID
        lastUpdateSource = u.source.rawValue
        move(to: next, at: u.at)
    }

    private mutating func move(to next: Order.Status, at: Date) {
        status = next.rawValue
        if next.isTerminal, terminalAt == nil { terminalAt = at }
        updatedAt = at
    }

    private mutating func execution(_ x: Order.Execution) {
        fillCount += 1
        filledQty += x.quantity.shares
        filledNotional += x.quantity.shares * x.price.value
        fees += x.fee.amount
        // Six decimals, like the domain's average fill price.
        filledAvgPrice = filledQty == 0 ? nil : DecimalText.round(filledNotional / filledQty, scale: 6, .plain)
        brokerOrderID = x.brokerOrderID?.rawValue ?? brokerOrderID
        lastBrokerStatus = (x.status == .filled ? BrokerOrderStatus.filled : .partiallyFilled).rawValue
        lastUpdateSource = x.source.rawValue
        firstFillAt = firstFillAt ?? x.executedAt
        if x.status == .filled { filledAt = x.executedAt }
        move(to: x.status, at: x.executedAt)
    }
}

/// One row of `order_executions`: a broker execution as the order recorded it.
struct ExecutionRow {
    static let table = "order_executions"
    static let columns = [
        "order_id", "execution_id", "broker_order_id", "symbol", "side", "quantity", "price", "fee", "executed_at", "source",
        "cum_qty", "leaves_qty", "avg_price", "status_after", "is_final", "broker_cum_qty", "global_position",
    ]

    static func values(_ x: Order.Execution, final: Bool, position: Int64) -> [String?] {
        [
            x.orderID.rawValue, x.executionID.rawValue, x.brokerOrderID?.rawValue, x.symbol.rawValue, x.side.rawValue,
            x.quantity.description, x.price.description, x.fee.description, SQLText.time(x.executedAt), x.source.rawValue,
            x.cumulativeQuantity.description, x.leavesQuantity.description, x.averagePrice.description, x.status.rawValue,
            SQLText.bool(final), x.brokerCumulativeQuantity?.description, String(position),
        ]
    }
}
