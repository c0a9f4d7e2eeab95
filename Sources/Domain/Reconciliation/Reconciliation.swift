import Foundation

/// One comparison of the ledger with the broker (at start-up, every minute, after a reconnect). Each
/// discrepancy and each adjustment is an explicit event with the broker's evidence and the actor; the
/// adjustment itself is a normal event in the order or position stream (docs/operations.md §The trading workflow).
public enum Reconciliation {
    public static func stream(account: AccountID, run: ReconciliationRunID) -> StreamName { .reconciliation(account: account, run: run) }
}

public enum ReconciliationTrigger: String, Sendable, Codable, CaseIterable {
    case startup, periodic, reconnect, manual
}

/// The Doctor Claude taxonomy, kept so existing runbooks read the same words.
public enum DiscrepancyKind: String, Sendable, Codable, CaseIterable {
    case orderStatusMismatch = "ORDER_STATUS_MISMATCH"
    case orderNotFound = "ORDER_NOT_FOUND"
    case missingFill = "MISSING_FILL"
    case fillQuantityMismatch = "FILL_QTY_MISMATCH"
    /// An order at the broker we never placed.
    case externalOrder = "EXTERNAL_ORDER"
    /// A position at the broker we do not have (real money: escalate).
    case orphanPosition = "ORPHAN_POSITION"
    /// A position we have that the broker does not.
    case phantomPosition = "PHANTOM_POSITION"
    case quantityMismatch = "QTY_MISMATCH"
    case averagePriceMismatch = "AVG_PRICE_MISMATCH"
}

/// What the ledger believed, next to the broker's evidence.
public struct LedgerView: Hashable, Sendable, Codable {
    public var status: String?
    public var quantity: Quantity?
    public var filledQuantity: Quantity?
    public var averagePrice: Price?

    public init(status: String? = nil, quantity: Quantity? = nil, filledQuantity: Quantity? = nil, averagePrice: Price? = nil) {
        self.status = status
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
    }

    enum CodingKeys: String, CodingKey {
        case status
        case quantity = "qty"
        case filledQuantity = "filled_qty"
        case averagePrice = "avg_price"
    }
}

public enum AdjustmentAction: String, Sendable, Codable, CaseIterable {
    case ingestedFill = "ingested_fill"
    case orderStatusSynced = "order_status_synced"
    case orderMarkedExpired = "order_marked_expired"
    case positionAdjusted = "position_adjusted"
    case positionClosedExternally = "position_closed_externally"
    case externalRecorded = "external_recorded"
    /// Handed to a human; the discrepancy stays open.
    case escalated
}
