import Foundation

extension Order {
    public enum Command: Sendable {
        case request(Request)
        case recordSubmitted(brokerOrderID: BrokerOrderID, brokerStatus: BrokerOrderStatus, at: Date)
        case recordSubmitOutcomeUnknown(reason: String, at: Date)
        case resolveOutcome(OutcomeLookup, at: Date)
        case requestCancel(reason: String, at: Date)
        case applyBrokerUpdate(BrokerUpdate)
        /// Alpaca `order_cancel_rejected`.
        case applyCancelRejected(reason: String, at: Date)
        /// Alpaca `order_replace_rejected`.
        case applyReplaceRejected(reason: String, at: Date)
    }

    /// What a lookup by client order id found.
    public enum OutcomeLookup: Hashable, Sendable {
        case found(BrokerOrderID, BrokerOrderStatus)
        case notFound
    }

    /// An open position as the exit authorization sees it.
    public struct PositionExposure: Hashable, Sendable {
        public var positionID: PositionID?
        public var symbol: Symbol
        public var side: PositionSide
        /// Open quantity (positive).
        public var quantity: Quantity

        public init(positionID: PositionID?, symbol: Symbol, side: PositionSide, quantity: Quantity) {
            self.positionID = positionID
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
        }
    }

    /// Why this order may exist. There is no way to request an order without one.
    public enum Authorization: Sendable {
        /// An entry: the intent must equal the approval's, field by field. A supervised approval also
        /// needs the human's grant of that same approval.
        case approval(Risk.Approved, grant: Approval.Granted? = nil)
        /// An exit of (part of) an open position: never opens, never exceeds the position.
        case exit(PositionExposure)
        /// A bracket leg, derived from its entry's request.
        case bracketLeg(parent: Requested)
    }

    public struct Request: Sendable {
        public var orderID: OrderID
        public var intent: OrderIntent
        public var authorization: Authorization
        public var cycleID: CycleID?
        public var positionID: PositionID?
        public var at: Date

        public init(orderID: OrderID, intent: OrderIntent, authorization: Authorization, cycleID: CycleID? = nil, positionID: PositionID? = nil, at: Date) {
            self.orderID = orderID
            self.intent = intent
            self.authorization = authorization
            self.cycleID = cycleID
            self.positionID = positionID
            self.at = at
        }
    }

    /// One broker execution as reported (Alpaca `execution_id`, `qty`, `price` of a fill event, or an
    /// account activity).
    public struct ExecutionReport: Hashable, Sendable {
        public var executionID: ExecutionID
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var at: Date

        public init(executionID: ExecutionID, quantity: Quantity, price: Price, fee: Money = .zero, at: Date) {
            self.executionID = executionID
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.at = at
        }
    }

    /// A status report from the broker. With an execution it is a fill (only the fill is applied; a
    /// status change reported alongside comes as its own update). Without one it is a status move.
    public struct BrokerUpdate: Sendable {
        public var status: BrokerOrderStatus
        public var brokerOrderID: BrokerOrderID?
        public var at: Date
        public var source: UpdateSource
        public var execution: ExecutionReport?
        public var brokerCumulativeQuantity: Quantity?
        /// For `replaced`: our id of the replacement (defaults to the pending replacement).
        public var replacedBy: OrderID?
        public var replacedByBrokerOrderID: BrokerOrderID?
        public var reason: String?

        public init(
            status: BrokerOrderStatus, brokerOrderID: BrokerOrderID? = nil, at: Date, source: UpdateSource = .tradeStream,
            execution: ExecutionReport? = nil, brokerCumulativeQuantity: Quantity? = nil, replacedBy: OrderID? = nil,
            replacedByBrokerOrderID: BrokerOrderID? = nil, reason: String? = nil
        ) {
            self.status = status
            self.brokerOrderID = brokerOrderID
            self.at = at
            self.source = source
            self.execution = execution
            self.brokerCumulativeQuantity = brokerCumulativeQuantity
            self.replacedBy = replacedBy
            self.replacedByBrokerOrderID = replacedByBrokerOrderID
            self.reason = reason
        }
    }

    /// What authorizes a replace.
    public enum ReplaceAuthorization: Sendable {
        /// Same or smaller quantity and no price that adds risk.
        case withinOriginal
        /// A fresh approval whose intent must equal the replacement's.
        case approval(Risk.Approved)
    }

    public struct ReplaceRequest: Sendable {
        public var newOrderID: OrderID
        public var newClientOrderID: ClientOrderID?
        public var changes: ReplaceChanges
        public var authorization: ReplaceAuthorization
        public var at: Date

        public init(newOrderID: OrderID, newClientOrderID: ClientOrderID?, changes: ReplaceChanges, authorization: ReplaceAuthorization = .withinOriginal, at: Date) {
            self.newOrderID = newOrderID
            self.newClientOrderID = newClientOrderID
            self.changes = changes
            self.authorization = authorization
            self.at = at
        }
    }
}
