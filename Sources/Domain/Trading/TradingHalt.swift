import Foundation

/// Why trading was halted.
public enum HaltReason: String, Sendable, Codable, CaseIterable {
    /// The day's realized + unrealized loss reached the limit.
    case dailyLossLimit = "daily_loss_limit"
    case emergencyStop = "emergency_stop"
    /// An operator halted by hand.
    case manual
    /// Start-up reconciliation has not passed yet.
    case reconciliationPending = "reconciliation_pending"
}

/// A halt in force. It carries over from one trading day to the next and is lifted only by a human
/// resume (docs/origins.md §Production failures: the emergency stop was not sticky).
public struct TradingHalt: Hashable, Sendable, Codable {
    public var reason: HaltReason
    public var by: Actor
    public var at: Date
    public var detail: String

    public init(reason: HaltReason, by: Actor, at: Date, detail: String) {
        self.reason = reason
        self.by = by
        self.at = at
        self.detail = detail
    }
}

extension Actor {
    /// A human is an authenticated principal of kind `human`. A name in a request body proves nothing:
    /// front ends record the principal whose credential made the request (README "Who may do what").
    public var isHuman: Bool { principal?.kind == .human }
}
