import Foundation

extension Position {
    public enum Event: Sendable, Equatable {
        case opened(Opened)
        case increased(Increased)
        case reduced(Reduced)
        case closed(Closed)
        case marked(Marked)
        case exitRequested(ExitRequested)
        case protectionChanged(ProtectionChanged)
        case adjusted(Adjusted)
    }

    /// `position.opened`: on a fill, at the fill's price.
    public struct Opened: DomainEvent {
        public static let eventType = "position.opened"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var account: AccountID
        public var symbol: Symbol
        public var side: PositionSide
        public var orderID: OrderID
        public var executionID: ExecutionID
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        /// Positive for either side: quantity × average entry.
        public var costBasis: Money
        public var openedAt: Date
        public var sector: Sector?
        public var approvalID: ApprovalID?
        public var cycleID: CycleID?
        public var stop: Price?
        public var target: Price?

        public init(
            positionID: PositionID, account: AccountID, symbol: Symbol, side: PositionSide, orderID: OrderID, executionID: ExecutionID,
            quantity: Quantity, price: Price, fee: Money, costBasis: Money, openedAt: Date, sector: Sector?, approvalID: ApprovalID?,
            cycleID: CycleID?, stop: Price?, target: Price?
        ) {
            self.positionID = positionID
            self.account = account
            self.symbol = symbol
            self.side = side
            self.orderID = orderID
            self.executionID = executionID
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.costBasis = costBasis
            self.openedAt = openedAt
            self.sector = sector
            self.approvalID = approvalID
            self.cycleID = cycleID
            self.stop = stop
            self.target = target
        }

        enum CodingKeys: String, CodingKey {
            case account, symbol, side, price, fee, sector, stop, target
            case positionID = "position_id"
            case orderID = "order_id"
            case executionID = "execution_id"
            case quantity = "qty"
            case costBasis = "cost_basis"
            case openedAt = "opened_at"
            case approvalID = "approval_id"
            case cycleID = "cycle_id"
        }
    }

    /// `position.increased`
    public struct Increased: DomainEvent {
        public static let eventType = "position.increased"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var orderID: OrderID
        public var executionID: ExecutionID
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var quantityAfter: Quantity
        public var costBasis: Money
        public var averageEntryPrice: Price
        public var at: Date

        public init(
            positionID: PositionID, orderID: OrderID, executionID: ExecutionID, quantity: Quantity, price: Price, fee: Money,
            quantityAfter: Quantity, costBasis: Money, averageEntryPrice: Price, at: Date
        ) {
            self.positionID = positionID
            self.orderID = orderID
            self.executionID = executionID
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.quantityAfter = quantityAfter
            self.costBasis = costBasis
            self.averageEntryPrice = averageEntryPrice
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case price, fee, at
            case positionID = "position_id"
            case orderID = "order_id"
            case executionID = "execution_id"
            case quantity = "qty"
            case quantityAfter = "qty_after"
            case costBasis = "cost_basis"
            case averageEntryPrice = "avg_entry_price"
        }
    }

    /// `position.reduced`: a fill that leaves part of the position open.
    public struct Reduced: DomainEvent {
        public static let eventType = "position.reduced"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var orderID: OrderID
        public var executionID: ExecutionID
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        /// Realized by this fill, net of its fee.
        public var realizedPnL: Money
        public var quantityAfter: Quantity
        public var costBasis: Money
        public var averageEntryPrice: Price
        public var at: Date

        public init(
            positionID: PositionID, orderID: OrderID, executionID: ExecutionID, quantity: Quantity, price: Price, fee: Money,
            realizedPnL: Money, quantityAfter: Quantity, costBasis: Money, averageEntryPrice: Price, at: Date
        ) {
            self.positionID = positionID
            self.orderID = orderID
            self.executionID = executionID
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.realizedPnL = realizedPnL
            self.quantityAfter = quantityAfter
            self.costBasis = costBasis
            self.averageEntryPrice = averageEntryPrice
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case price, fee, at
            case positionID = "position_id"
            case orderID = "order_id"
            case executionID = "execution_id"
            case quantity = "qty"
            case realizedPnL = "realized_pnl"
            case quantityAfter = "qty_after"
            case costBasis = "cost_basis"
            case averageEntryPrice = "avg_entry_price"
        }
    }

    /// `position.closed`: by the fill that took it to zero, or by a reconciliation adjustment (then the
    /// fill fields are nil and the total P&L is unknown: it is never invented).
    public struct Closed: DomainEvent {
        public static let eventType = "position.closed"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var side: PositionSide
        public var orderID: OrderID?
        public var executionID: ExecutionID?
        public var quantity: Quantity
        public var price: Price?
        public var fee: Money
        /// Realized by the closing fill (zero when closed by an adjustment).
        public var realizedPnL: Money
        /// Realized over the whole position; nil when an adjustment made it unknowable.
        public var totalRealizedPnL: Money?
        public var exitReason: ExitReason
        public var openedAt: Date
        public var closedAt: Date

        public init(
            positionID: PositionID, side: PositionSide, orderID: OrderID?, executionID: ExecutionID?, quantity: Quantity, price: Price?,
            fee: Money, realizedPnL: Money, totalRealizedPnL: Money?, exitReason: ExitReason, openedAt: Date, closedAt: Date
        ) {
            self.positionID = positionID
            self.side = side
            self.orderID = orderID
            self.executionID = executionID
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.realizedPnL = realizedPnL
            self.totalRealizedPnL = totalRealizedPnL
            self.exitReason = exitReason
            self.openedAt = openedAt
            self.closedAt = closedAt
        }

        enum CodingKeys: String, CodingKey {
            case side, price, fee
            case positionID = "position_id"
            case orderID = "order_id"
            case executionID = "execution_id"
            case quantity = "qty"
            case realizedPnL = "realized_pnl"
            case totalRealizedPnL = "total_realized_pnl"
            case exitReason = "exit_reason"
            case openedAt = "opened_at"
            case closedAt = "closed_at"
        }
    }

    /// `position.marked`: mark-to-market; also tracks the extremes seen (for MAE/MFE labels).
    public struct Marked: DomainEvent {
        public static let eventType = "position.marked"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var price: Price
        public var quantity: Quantity
        public var unrealizedPnL: Money
        public var highestPrice: Price
        public var lowestPrice: Price
        public var at: Date

        public init(positionID: PositionID, price: Price, quantity: Quantity, unrealizedPnL: Money, highestPrice: Price, lowestPrice: Price, at: Date) {
            self.positionID = positionID
            self.price = price
            self.quantity = quantity
            self.unrealizedPnL = unrealizedPnL
            self.highestPrice = highestPrice
            self.lowestPrice = lowestPrice
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case price, at
            case positionID = "position_id"
            case quantity = "qty"
            case unrealizedPnL = "unrealized_pnl"
            case highestPrice = "highest_price"
            case lowestPrice = "lowest_price"
        }
    }

    /// `position.exit_requested`: the monitor or a person decided to exit (end of day, max hold,
    /// emergency, manual); the exit order and its fill follow.
    public struct ExitRequested: DomainEvent {
        public static let eventType = "position.exit_requested"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var reason: ExitReason
        public var by: Actor
        public var at: Date

        public init(positionID: PositionID, reason: ExitReason, by: Actor, at: Date) {
            self.positionID = positionID
            self.reason = reason
            self.by = by
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case reason, by, at
            case positionID = "position_id"
        }
    }

    /// `position.protection_changed`: new stop or target (UpdatePosition).
    public struct ProtectionChanged: DomainEvent {
        public static let eventType = "position.protection_changed"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var stop: Price?
        public var target: Price?
        public var by: Actor
        public var at: Date

        public init(positionID: PositionID, stop: Price?, target: Price?, by: Actor, at: Date) {
            self.positionID = positionID
            self.stop = stop
            self.target = target
            self.by = by
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case stop, target, by, at
            case positionID = "position_id"
        }
    }

    /// `position.adjusted`: reconciliation set the quantity to the broker's, with the evidence and the
    /// actor. From zero it opens a position at the broker's average price.
    public struct Adjusted: DomainEvent {
        public static let eventType = "position.adjusted"
        public static let schemaVersion = 1
        public var positionID: PositionID
        public var account: AccountID
        public var symbol: Symbol
        /// Signed (negative = short).
        public var quantityBefore: Quantity
        public var quantityAfter: Quantity
        /// Positive: |quantityAfter| × average price.
        public var costBasisAfter: Money
        public var evidence: BrokerEvidence
        public var discrepancyID: DiscrepancyID?
        public var by: Actor
        public var at: Date

        public init(
            positionID: PositionID, account: AccountID, symbol: Symbol, quantityBefore: Quantity, quantityAfter: Quantity, costBasisAfter: Money,
            evidence: BrokerEvidence, discrepancyID: DiscrepancyID?, by: Actor, at: Date
        ) {
            self.positionID = positionID
            self.account = account
            self.symbol = symbol
            self.quantityBefore = quantityBefore
            self.quantityAfter = quantityAfter
            self.costBasisAfter = costBasisAfter
            self.evidence = evidence
            self.discrepancyID = discrepancyID
            self.by = by
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case account, symbol, evidence, by, at
            case positionID = "position_id"
            case quantityBefore = "qty_before"
            case quantityAfter = "qty_after"
            case costBasisAfter = "cost_basis_after"
            case discrepancyID = "discrepancy_id"
        }
    }
}
