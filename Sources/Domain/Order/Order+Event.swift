import Foundation

extension Order {
    public enum Event: Sendable, Equatable {
        case requested(Requested)
        case submitted(Submitted)
        case submitOutcomeUnknown(SubmitOutcomeUnknown)
        case outcomeResolved(OutcomeResolved)
        case accepted(Accepted)
        case pendingCancel(PendingCancel)
        case pendingReplace(PendingReplace)
        case statusChanged(StatusChanged)
        case cancelRequested(CancelRequested)
        case cancelRejected(CancelRejected)
        case replaceRequested(ReplaceRequested)
        case replaceRejected(ReplaceRejected)
        case replaced(Replaced)
        case partiallyFilled(PartiallyFilled)
        case filled(Filled)
        case canceled(Canceled)
        case expired(Expired)
        case rejected(Rejected)
    }

    /// A bracket leg as its parent records it.
    public struct LegLink: Hashable, Sendable, Codable {
        public var orderID: OrderID
        public var role: LegRole

        public init(orderID: OrderID, role: LegRole) {
            self.orderID = orderID
            self.role = role
        }

        enum CodingKeys: String, CodingKey {
            case role
            case orderID = "order_id"
        }
    }

    /// `order.requested`: the intent, recorded before the broker is called, so no broker order can
    /// exist without an event (docs/origins.md §Production failures: orders were lost between broker and database).
    public struct Requested: DomainEvent {
        public static let eventType = "order.requested"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var intent: OrderIntent
        public var approvalID: ApprovalID?
        public var cycleID: CycleID?
        public var positionID: PositionID?
        /// For a bracket leg: the entry order.
        public var parentOrderID: OrderID?
        public var legRole: LegRole?
        /// For a bracket entry: its exit legs, each with its own stream.
        public var legs: [LegLink]
        /// For a replacement: the order it replaces.
        public var replacesOrderID: OrderID?
        public var requestedAt: Date

        public init(
            orderID: OrderID, intent: OrderIntent, approvalID: ApprovalID? = nil, cycleID: CycleID? = nil, positionID: PositionID? = nil,
            parentOrderID: OrderID? = nil, legRole: LegRole? = nil, legs: [LegLink] = [], replacesOrderID: OrderID? = nil, requestedAt: Date
        ) {
            self.orderID = orderID
            self.intent = intent
            self.approvalID = approvalID
            self.cycleID = cycleID
            self.positionID = positionID
            self.parentOrderID = parentOrderID
            self.legRole = legRole
            self.legs = legs
            self.replacesOrderID = replacesOrderID
            self.requestedAt = requestedAt
        }

        enum CodingKeys: String, CodingKey {
            case intent, legs
            case orderID = "order_id"
            case approvalID = "approval_id"
            case cycleID = "cycle_id"
            case positionID = "position_id"
            case parentOrderID = "parent_order_id"
            case legRole = "leg_role"
            case replacesOrderID = "replaces_order_id"
            case requestedAt = "requested_at"
        }
    }

    /// `order.submitted`: the broker acknowledged the request and named the order.
    public struct Submitted: DomainEvent {
        public static let eventType = "order.submitted"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var brokerOrderID: BrokerOrderID
        /// The status in the broker's response, as reported.
        public var brokerStatus: BrokerOrderStatus
        /// The status we hold after it (`new` when the broker already reported a fill: fills are only
        /// ever taken from executions).
        public var status: Status
        public var submittedAt: Date

        public init(orderID: OrderID, brokerOrderID: BrokerOrderID, brokerStatus: BrokerOrderStatus, status: Status, submittedAt: Date) {
            self.orderID = orderID
            self.brokerOrderID = brokerOrderID
            self.brokerStatus = brokerStatus
            self.status = status
            self.submittedAt = submittedAt
        }

        enum CodingKeys: String, CodingKey {
            case status
            case orderID = "order_id"
            case brokerOrderID = "broker_order_id"
            case brokerStatus = "broker_status"
            case submittedAt = "submitted_at"
        }
    }

    /// `order.submit_outcome_unknown`: the request may or may not have reached the broker (timeout, 5xx,
    /// disconnect). Resolved by a lookup by client order id, never by resubmitting blindly.
    public struct SubmitOutcomeUnknown: DomainEvent {
        public static let eventType = "order.submit_outcome_unknown"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var at: Date
        public var reason: String

        public init(orderID: OrderID, at: Date, reason: String) {
            self.orderID = orderID
            self.at = at
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case at, reason
            case orderID = "order_id"
        }
    }

    public enum Resolution: String, Sendable, Codable, CaseIterable {
        case found
        case notFound = "not_found"
    }

    /// `order.outcome_resolved`: the lookup's answer.
    public struct OutcomeResolved: DomainEvent {
        public static let eventType = "order.outcome_resolved"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var at: Date
        public var resolution: Resolution
        public var brokerOrderID: BrokerOrderID?
        public var brokerStatus: BrokerOrderStatus?
        /// `requested` when not found (safe to send again with the same client order id).
        public var status: Status

        public init(
            orderID: OrderID, at: Date, resolution: Resolution, brokerOrderID: BrokerOrderID?, brokerStatus: BrokerOrderStatus?, status: Status
        ) {
            self.orderID = orderID
            self.at = at
            self.resolution = resolution
            self.brokerOrderID = brokerOrderID
            self.brokerStatus = brokerStatus
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case at, resolution, status
            case orderID = "order_id"
            case brokerOrderID = "broker_order_id"
            case brokerStatus = "broker_status"
        }
    }

    /// A broker status update with no fill, shared by the status events below.
    public struct StatusUpdate: Hashable, Sendable, Codable {
        public var orderID: OrderID
        public var brokerOrderID: BrokerOrderID?
        public var brokerStatus: BrokerOrderStatus
        public var at: Date
        public var source: UpdateSource
        public var reason: String?

        public init(orderID: OrderID, brokerOrderID: BrokerOrderID?, brokerStatus: BrokerOrderStatus, at: Date, source: UpdateSource, reason: String? = nil) {
            self.orderID = orderID
            self.brokerOrderID = brokerOrderID
            self.brokerStatus = brokerStatus
            self.at = at
            self.source = source
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case at, source, reason
            case orderID = "order_id"
            case brokerOrderID = "broker_order_id"
            case brokerStatus = "broker_status"
        }
    }

    /// `order.accepted`: the broker holds the order: pending_new, accepted, accepted_for_bidding,
    /// pending_review, new or held (`update.brokerStatus` says which).
    public struct Accepted: DomainEvent, StatusUpdatePayload {
        public static let eventType = "order.accepted"
        public static let schemaVersion = 1
        public var update: StatusUpdate
        public init(_ update: StatusUpdate) { self.update = update }
    }

    /// `order.pending_cancel`
    public struct PendingCancel: DomainEvent, StatusUpdatePayload {
        public static let eventType = "order.pending_cancel"
        public static let schemaVersion = 1
        public var update: StatusUpdate
        public init(_ update: StatusUpdate) { self.update = update }
    }

    /// `order.pending_replace`
    public struct PendingReplace: DomainEvent, StatusUpdatePayload {
        public static let eventType = "order.pending_replace"
        public static let schemaVersion = 1
        public var update: StatusUpdate
        public init(_ update: StatusUpdate) { self.update = update }
    }

    /// `order.status_changed`: done_for_day, stopped, suspended or calculated.
    public struct StatusChanged: DomainEvent, StatusUpdatePayload {
        public static let eventType = "order.status_changed"
        public static let schemaVersion = 1
        public var update: StatusUpdate
        public init(_ update: StatusUpdate) { self.update = update }
    }

    /// `order.canceled`
    public struct Canceled: DomainEvent, StatusUpdatePayload {
        public static let eventType = "order.canceled"
        public static let schemaVersion = 1
        public var update: StatusUpdate
        public init(_ update: StatusUpdate) { self.update = update }
    }

    /// `order.expired`
    public struct Expired: DomainEvent, StatusUpdatePayload {
        public static let eventType = "order.expired"
        public static let schemaVersion = 1
        public var update: StatusUpdate
        public init(_ update: StatusUpdate) { self.update = update }
    }

    /// `order.rejected`: `update.reason` holds the broker's message.
    public struct Rejected: DomainEvent, StatusUpdatePayload {
        public static let eventType = "order.rejected"
        public static let schemaVersion = 1
        public var update: StatusUpdate
        public init(_ update: StatusUpdate) { self.update = update }
    }

    /// `order.cancel_requested`: we asked the broker to cancel; the cancel itself arrives as an update.
    public struct CancelRequested: DomainEvent {
        public static let eventType = "order.cancel_requested"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var at: Date
        public var reason: String

        public init(orderID: OrderID, at: Date, reason: String) {
            self.orderID = orderID
            self.at = at
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case at, reason
            case orderID = "order_id"
        }
    }

    /// `order.cancel_rejected`: the broker refused the cancel; the order is back in its previous status.
    public struct CancelRejected: DomainEvent {
        public static let eventType = "order.cancel_rejected"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var at: Date
        public var reason: String
        public var restoredStatus: Status

        public init(orderID: OrderID, at: Date, reason: String, restoredStatus: Status) {
            self.orderID = orderID
            self.at = at
            self.reason = reason
            self.restoredStatus = restoredStatus
        }

        enum CodingKeys: String, CodingKey {
            case at, reason
            case orderID = "order_id"
            case restoredStatus = "restored_status"
        }
    }

    /// What a replace changes. Unset fields stay as they were.
    public struct ReplaceChanges: Hashable, Sendable, Codable {
        public var quantity: Quantity?
        public var limitPrice: Price?
        public var stopPrice: Price?
        public var timeInForce: TimeInForce?

        public init(quantity: Quantity? = nil, limitPrice: Price? = nil, stopPrice: Price? = nil, timeInForce: TimeInForce? = nil) {
            self.quantity = quantity
            self.limitPrice = limitPrice
            self.stopPrice = stopPrice
            self.timeInForce = timeInForce
        }

        enum CodingKeys: String, CodingKey {
            case quantity = "qty"
            case limitPrice = "limit_price"
            case stopPrice = "stop_price"
            case timeInForce = "time_in_force"
        }
    }

    /// `order.replace_requested`: a replace was sent; the replacement has its own stream.
    public struct ReplaceRequested: DomainEvent {
        public static let eventType = "order.replace_requested"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var newOrderID: OrderID
        public var changes: ReplaceChanges
        public var at: Date

        public init(orderID: OrderID, newOrderID: OrderID, changes: ReplaceChanges, at: Date) {
            self.orderID = orderID
            self.newOrderID = newOrderID
            self.changes = changes
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case changes, at
            case orderID = "order_id"
            case newOrderID = "new_order_id"
        }
    }

    /// `order.replace_rejected` (Alpaca `order_replace_rejected`).
    public struct ReplaceRejected: DomainEvent {
        public static let eventType = "order.replace_rejected"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var newOrderID: OrderID?
        public var at: Date
        public var reason: String
        public var restoredStatus: Status

        public init(orderID: OrderID, newOrderID: OrderID?, at: Date, reason: String, restoredStatus: Status) {
            self.orderID = orderID
            self.newOrderID = newOrderID
            self.at = at
            self.reason = reason
            self.restoredStatus = restoredStatus
        }

        enum CodingKeys: String, CodingKey {
            case at, reason
            case orderID = "order_id"
            case newOrderID = "new_order_id"
            case restoredStatus = "restored_status"
        }
    }

    /// `order.replaced`: terminal for this order; `replacedByOrderID` continues it.
    public struct Replaced: DomainEvent {
        public static let eventType = "order.replaced"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var replacedByOrderID: OrderID
        public var replacedByBrokerOrderID: BrokerOrderID?
        public var at: Date
        public var source: UpdateSource

        public init(orderID: OrderID, replacedByOrderID: OrderID, replacedByBrokerOrderID: BrokerOrderID?, at: Date, source: UpdateSource) {
            self.orderID = orderID
            self.replacedByOrderID = replacedByOrderID
            self.replacedByBrokerOrderID = replacedByBrokerOrderID
            self.at = at
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case at, source
            case orderID = "order_id"
            case replacedByOrderID = "replaced_by_order_id"
            case replacedByBrokerOrderID = "replaced_by_broker_order_id"
        }
    }

    /// One broker execution, shared by `order.partially_filled` and `order.filled`.
    public struct Execution: Hashable, Sendable, Codable {
        public var orderID: OrderID
        public var brokerOrderID: BrokerOrderID?
        public var executionID: ExecutionID
        public var symbol: Symbol
        public var side: OrderSide
        /// This execution's quantity and price (not cumulative).
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var executedAt: Date
        public var source: UpdateSource
        /// After this execution.
        public var cumulativeQuantity: Quantity
        public var leavesQuantity: Quantity
        public var averagePrice: Price
        public var status: Status
        /// The broker's own cumulative quantity, when the update carried it; a mismatch with ours is
        /// for reconciliation to record.
        public var brokerCumulativeQuantity: Quantity?

        enum CodingKeys: String, CodingKey {
            case symbol, side, price, fee, source, status
            case orderID = "order_id"
            case brokerOrderID = "broker_order_id"
            case executionID = "execution_id"
            case quantity = "qty"
            case executedAt = "executed_at"
            case cumulativeQuantity = "cum_qty"
            case leavesQuantity = "leaves_qty"
            case averagePrice = "avg_price"
            case brokerCumulativeQuantity = "broker_cum_qty"
        }
    }

    /// `order.partially_filled`: one execution that leaves quantity open.
    public struct PartiallyFilled: DomainEvent, ExecutionPayload {
        public static let eventType = "order.partially_filled"
        public static let schemaVersion = 1
        public var execution: Execution
        public init(_ execution: Execution) { self.execution = execution }
    }

    /// `order.filled`: the execution that completes the order.
    public struct Filled: DomainEvent, ExecutionPayload {
        public static let eventType = "order.filled"
        public static let schemaVersion = 1
        public var execution: Execution
        public init(_ execution: Execution) { self.execution = execution }
    }
}

/// Payloads that are a `StatusUpdate` under their own wire name, written flat (no wrapper key).
public protocol StatusUpdatePayload: Codable {
    var update: Order.StatusUpdate { get }
    init(_ update: Order.StatusUpdate)
}

extension StatusUpdatePayload {
    public init(from decoder: any Decoder) throws { self.init(try Order.StatusUpdate(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try update.encode(to: encoder) }
}

/// Payloads that are an `Execution` under their own wire name, written flat.
public protocol ExecutionPayload: Codable {
    var execution: Order.Execution { get }
    init(_ execution: Order.Execution)
}

extension ExecutionPayload {
    public init(from decoder: any Decoder) throws { self.init(try Order.Execution(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try execution.encode(to: encoder) }
}
