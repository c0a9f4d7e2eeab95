import Foundation

/// One broker order: an entry, a bracket leg, an exit or a replacement, each in its own stream.
///
/// Broker updates go through a whitelist transition table (`Order.transitions`) covering every Alpaca
/// status; anything else is a typed rejection, never a silent overwrite. Fills are one event per
/// broker execution, deduplicated on the execution id and never beyond the ordered quantity.
public enum Order {
    public static func stream(_ id: OrderID) -> StreamName { .order(id) }
}

/// Which exit leg of a bracket an order is.
public enum LegRole: String, Sendable, Codable, CaseIterable {
    case takeProfit = "take_profit"
    case stopLoss = "stop_loss"
}

/// Where a broker update came from.
public enum UpdateSource: String, Sendable, Codable, CaseIterable {
    case submitResponse = "submit_response"
    case tradeStream = "trade_stream"
    case poll
    case activities
    case reconciliation
    case local
}

extension OrderID {
    /// The id of a bracket leg, derived from its parent so a retried placement names the same streams.
    public static func leg(of parent: OrderID, _ role: LegRole) -> OrderID {
        OrderID(rawValue: parent.rawValue + (role == .takeProfit ? "-tp" : "-sl"))
    }
}

extension Order {
    /// Our order state. Alpaca's statuses map one to one (`init(broker:)`); `requested` and
    /// `submitUnknown` are local: the intent is recorded before the broker is called, and a timeout
    /// leaves the outcome unknown until a lookup by client order id resolves it.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case requested
        case submitUnknown = "submit_unknown"
        case pendingNew = "pending_new"
        case accepted
        case acceptedForBidding = "accepted_for_bidding"
        case pendingReview = "pending_review"
        case new
        case held
        case partiallyFilled = "partially_filled"
        case filled
        case doneForDay = "done_for_day"
        case pendingCancel = "pending_cancel"
        case pendingReplace = "pending_replace"
        case stopped
        case suspended
        case calculated
        case canceled
        case expired
        case rejected
        case replaced

        public init(broker: BrokerOrderStatus) {
            switch broker {
            case .new: self = .new
            case .partiallyFilled: self = .partiallyFilled
            case .filled: self = .filled
            case .doneForDay: self = .doneForDay
            case .canceled: self = .canceled
            case .expired: self = .expired
            case .replaced: self = .replaced
            case .pendingCancel: self = .pendingCancel
            case .pendingReplace: self = .pendingReplace
            case .pendingNew: self = .pendingNew
            case .accepted: self = .accepted
            case .stopped: self = .stopped
            case .rejected: self = .rejected
            case .suspended: self = .suspended
            case .calculated: self = .calculated
            case .held: self = .held
            case .acceptedForBidding: self = .acceptedForBidding
            case .pendingReview: self = .pendingReview
            }
        }

        /// The broker has the order and it is waiting or working.
        public static let working: Set<Status> = [.pendingNew, .accepted, .acceptedForBidding, .pendingReview, .new, .held]

        /// No further work at the broker. `canceled` and `expired` may still receive a late fill.
        public var isTerminal: Bool { [.filled, .canceled, .expired, .rejected, .replaced].contains(self) }

        /// Nothing can ever change it again.
        public var isFinal: Bool { [.filled, .rejected, .replaced].contains(self) }
    }
}
