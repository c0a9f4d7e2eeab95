import Foundation

extension Order {
    public struct ExecutionRecord: Hashable, Sendable {
        public var executionID: ExecutionID
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var at: Date
    }

    /// Everything known about a requested order.
    public struct Record: Hashable, Sendable {
        public var orderID: OrderID
        public var intent: OrderIntent
        public var approvalID: ApprovalID?
        public var cycleID: CycleID?
        public var positionID: PositionID?
        public var parentOrderID: OrderID?
        public var legRole: LegRole?
        public var legs: [LegLink]
        public var replacesOrderID: OrderID?
        public var replacedByOrderID: OrderID?
        public var brokerOrderID: BrokerOrderID?
        public var status: Status
        /// The status before pending_cancel / pending_replace, restored if the broker refuses.
        public var previousStatus: Status?
        public var lastBrokerStatus: BrokerOrderStatus?
        public var filledQuantity: Quantity
        public var filledNotional: Money
        public var executions: [ExecutionRecord]
        public var executionIDs: Set<ExecutionID>
        public var cancelRequested: Bool
        public var pendingReplacement: OrderID?
        /// A lookup by client order id proved the broker never received it.
        public var confirmedAbsentAtBroker: Bool
        public var requestedAt: Date
        public var updatedAt: Date

        public var remainingQuantity: Quantity { intent.quantity - filledQuantity }
        public var averageFillPrice: Price? {
            filledQuantity.isZero ? nil : Price(DecimalText.round(filledNotional.amount / filledQuantity.shares, scale: 6, .plain))
        }
    }

    public struct State: Hashable, Sendable {
        /// Nil until the order is requested.
        public var order: Record?

        public static let initial = State(order: nil)
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        if case .requested(let e) = event {
            guard state.order == nil else { return state }
            return State(
                order: Record(
                    orderID: e.orderID, intent: e.intent, approvalID: e.approvalID, cycleID: e.cycleID, positionID: e.positionID,
                    parentOrderID: e.parentOrderID, legRole: e.legRole, legs: e.legs, replacesOrderID: e.replacesOrderID,
                    replacedByOrderID: nil, brokerOrderID: nil, status: .requested, previousStatus: nil, lastBrokerStatus: nil,
                    filledQuantity: .zero, filledNotional: .zero, executions: [], executionIDs: [], cancelRequested: false,
                    pendingReplacement: nil, confirmedAbsentAtBroker: false, requestedAt: e.requestedAt, updatedAt: e.requestedAt))
        }
        guard var o = state.order else { return state }
        switch event {
        case .requested:
            break
        case .submitted(let e):
            o.brokerOrderID = e.brokerOrderID
            o.lastBrokerStatus = e.brokerStatus
            o.status = e.status
            o.updatedAt = e.submittedAt
        case .submitOutcomeUnknown(let e):
            o.status = .submitUnknown
            o.updatedAt = e.at
        case .outcomeResolved(let e):
            o.brokerOrderID = e.brokerOrderID ?? o.brokerOrderID
            o.lastBrokerStatus = e.brokerStatus ?? o.lastBrokerStatus
            o.status = e.status
            o.confirmedAbsentAtBroker = e.resolution == .notFound
            o.updatedAt = e.at
        case .accepted(let e):
            apply(e.update, status: Status(broker: e.update.brokerStatus), to: &o)
        case .pendingCancel(let e):
            if o.status != .pendingCancel { o.previousStatus = o.status }
            apply(e.update, status: .pendingCancel, to: &o)
        case .pendingReplace(let e):
            if o.status != .pendingReplace { o.previousStatus = o.status }
            apply(e.update, status: .pendingReplace, to: &o)
        case .statusChanged(let e):
            apply(e.update, status: Status(broker: e.update.brokerStatus), to: &o)
        case .canceled(let e):
            apply(e.update, status: .canceled, to: &o)
            o.cancelRequested = false
        case .expired(let e):
            apply(e.update, status: .expired, to: &o)
        case .rejected(let e):
            apply(e.update, status: .rejected, to: &o)
        case .cancelRequested(let e):
            o.cancelRequested = true
            o.updatedAt = e.at
        case .cancelRejected(let e):
            o.cancelRequested = false
            o.status = e.restoredStatus
            o.previousStatus = nil
            o.updatedAt = e.at
        case .replaceRequested(let e):
            o.pendingReplacement = e.newOrderID
            o.updatedAt = e.at
        case .replaceRejected(let e):
            o.pendingReplacement = nil
            o.status = e.restoredStatus
            o.previousStatus = nil
            o.updatedAt = e.at
        case .replaced(let e):
            o.status = .replaced
            o.lastBrokerStatus = .replaced
            o.replacedByOrderID = e.replacedByOrderID
            o.pendingReplacement = nil
            o.updatedAt = e.at
        case .partiallyFilled(let e):
            applyExecution(e.execution, to: &o)
        case .filled(let e):
            applyExecution(e.execution, to: &o)
        }
        return State(order: o)
    }

    private static func apply(_ u: StatusUpdate, status: Status, to o: inout Record) {
        o.status = status
        o.lastBrokerStatus = u.brokerStatus
        o.brokerOrderID = u.brokerOrderID ?? o.brokerOrderID
        o.updatedAt = u.at
    }

    private static func applyExecution(_ x: Execution, to o: inout Record) {
        o.executions.append(ExecutionRecord(executionID: x.executionID, quantity: x.quantity, price: x.price, fee: x.fee, at: x.executedAt))
        o.executionIDs.insert(x.executionID)
        o.filledQuantity += x.quantity
        o.filledNotional += x.price * x.quantity
        o.status = x.status
        o.brokerOrderID = x.brokerOrderID ?? o.brokerOrderID
        o.lastBrokerStatus = x.status == .filled ? .filled : .partiallyFilled
        o.updatedAt = x.executedAt
    }
}
