import Foundation

/// Alerts of one New York date: each sent, suppressed or failed alert is an event. The limits (15 min
/// cooldown per type, 20 per hour, critical bypasses both; docs/origins.md §Alerts) are a pure
/// function of this state, `admission(…)`, that the sender consults before sending.
public enum Alerting {
    public static func stream(_ date: NYDate) -> StreamName { .alerts(date) }
}

public enum AlertKind: String, Sendable, Codable, CaseIterable {
    case dailyLossWarning = "daily_loss_warning"
    case emergencyStop = "emergency_stop"
    case tradingHalted = "trading_halted"
    case watchdogCritical = "watchdog_critical"
    case escalation
    case missedCycle = "missed_cycle"
    case dailySummary = "daily_summary"
    case serviceError = "service_error"
}

public enum AlertChannel: String, Sendable, Codable, CaseIterable {
    case email
    /// No SMTP configured: logged and recorded only.
    case log
}

public enum SuppressionReason: String, Sendable, Codable, CaseIterable {
    case cooldown
    case hourlyLimit = "hourly_limit"
}

/// What an alert is about.
public struct Alert: Hashable, Sendable, Codable {
    public var alertID: AlertID
    public var kind: AlertKind
    public var severity: Severity
    public var subject: String

    public init(alertID: AlertID, kind: AlertKind, severity: Severity, subject: String) {
        self.alertID = alertID
        self.kind = kind
        self.severity = severity
        self.subject = subject
    }

    enum CodingKeys: String, CodingKey {
        case kind, severity, subject
        case alertID = "alert_id"
    }
}

public struct AlertPolicy: Hashable, Sendable, Codable {
    public var cooldownSeconds: Int = 900
    public var maxPerHour: Int = 20
    public var criticalBypassesLimits: Bool = true

    public init() {}

    public static let original = AlertPolicy()
}

public enum Admission: Hashable, Sendable {
    case send
    case suppress(SuppressionReason)
}
