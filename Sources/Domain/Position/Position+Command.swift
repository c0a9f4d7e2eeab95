import Foundation

extension Position {
    public enum Command: Sendable {
        case applyFill(Fill)
        case mark(Price, at: Date)
        case requestExit(ExitReason, by: Actor, at: Date)
        case updateProtection(stop: Price?, target: Price?, by: Actor, at: Date)
        /// Sets the quantity to the broker's when no fills explain the difference.
        case reconcile(BrokerPosition)
    }

    /// One broker execution, with what the order knew about it.
    public struct Fill: Sendable {
        public var account: AccountID
        public var orderID: OrderID
        public var executionID: ExecutionID
        public var symbol: Symbol
        public var side: OrderSide
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var at: Date
        public var purpose: OrderPurpose
        /// The exit reason the order was placed for (end of day, max hold …); bracket legs imply theirs.
        public var exitReason: ExitReason?
        public var sector: Sector?
        public var approvalID: ApprovalID?
        public var cycleID: CycleID?
        public var stop: Price?
        public var target: Price?

        public init(
            account: AccountID, orderID: OrderID, executionID: ExecutionID, symbol: Symbol, side: OrderSide, quantity: Quantity, price: Price,
            fee: Money = .zero, at: Date, purpose: OrderPurpose, exitReason: ExitReason? = nil, sector: Sector? = nil,
            approvalID: ApprovalID? = nil, cycleID: CycleID? = nil, stop: Price? = nil, target: Price? = nil
        ) {
            self.account = account
            self.orderID = orderID
            self.executionID = executionID
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.at = at
            self.purpose = purpose
            self.exitReason = exitReason
            self.sector = sector
            self.approvalID = approvalID
            self.cycleID = cycleID
            self.stop = stop
            self.target = target
        }

        /// From an order's fill event and the order's record.
        public init(account: AccountID, execution x: Order.Execution, order: Order.Record, exitReason: ExitReason? = nil, sector: Sector? = nil) {
            self.init(
                account: account, orderID: x.orderID, executionID: x.executionID, symbol: x.symbol, side: x.side, quantity: x.quantity,
                price: x.price, fee: x.fee, at: x.executedAt, purpose: order.intent.purpose, exitReason: exitReason, sector: sector,
                approvalID: order.approvalID, cycleID: order.cycleID, stop: order.intent.stopLoss, target: order.intent.takeProfit)
        }
    }

    /// The broker's view of the symbol, for a reconciliation adjustment.
    public struct BrokerPosition: Sendable {
        public var account: AccountID
        public var symbol: Symbol
        /// Signed (negative = short); zero when the broker holds nothing.
        public var quantity: Quantity
        public var averagePrice: Price?
        public var evidence: BrokerEvidence
        public var discrepancyID: DiscrepancyID?
        public var by: Actor
        public var at: Date

        public init(
            account: AccountID, symbol: Symbol, quantity: Quantity, averagePrice: Price?, evidence: BrokerEvidence, discrepancyID: DiscrepancyID?,
            by: Actor, at: Date
        ) {
            self.account = account
            self.symbol = symbol
            self.quantity = quantity
            self.averagePrice = averagePrice
            self.evidence = evidence
            self.discrepancyID = discrepancyID
            self.by = by
            self.at = at
        }
    }
}
