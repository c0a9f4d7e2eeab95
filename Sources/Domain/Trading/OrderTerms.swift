/// Order vocabulary, with Alpaca's wire spellings as raw values.

public enum OrderType: String, Sendable, Codable, CaseIterable {
    case market
    case limit
    case stop
    case stopLimit = "stop_limit"
    case trailingStop = "trailing_stop"
}

public enum TimeInForce: String, Sendable, Codable, CaseIterable {
    case day, gtc, opg, cls, ioc, fok
}

public enum OrderClass: String, Sendable, Codable, CaseIterable {
    case simple, bracket, oco, oto
}

/// Why an order exists. Decides which side it must have (see `OrderIntent.expectedSide`).
public enum OrderPurpose: String, Sendable, Codable, CaseIterable {
    case entry
    case scaleIn = "scale_in"
    case exit
    case scaleOut = "scale_out"
    case stopLoss = "stop_loss"
    case takeProfit = "take_profit"

    /// True for orders that open or add to a position.
    public var isOpening: Bool { self == .entry || self == .scaleIn }
}

/// Why a position was closed. Recorded on the close so that "why did it close?" always has an answer.
public enum ExitReason: String, Sendable, Codable, CaseIterable {
    case stopLoss = "stop_loss"
    case takeProfit = "take_profit"
    case endOfDay = "end_of_day"
    case maxHold = "max_hold"
    case emergency
    case manual
    /// Closed at the broker by something other than us, learned through reconciliation.
    case external
}

/// Every order status Alpaca reports (docs plus the alpaca-py enum), by its wire spelling.
public enum BrokerOrderStatus: String, Sendable, Codable, CaseIterable {
    case new
    case partiallyFilled = "partially_filled"
    case filled
    case doneForDay = "done_for_day"
    case canceled
    case expired
    case replaced
    case pendingCancel = "pending_cancel"
    case pendingReplace = "pending_replace"
    case pendingNew = "pending_new"
    case accepted
    case stopped
    case rejected
    case suspended
    case calculated
    case held
    case acceptedForBidding = "accepted_for_bidding"
    /// In alpaca-py's enum only; treated like `pending_new`.
    case pendingReview = "pending_review"
}
