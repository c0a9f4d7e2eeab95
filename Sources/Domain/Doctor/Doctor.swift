import Foundation

/// Doctor Claude's activity log for one session: watchdog runs, decisions, actions and their results
/// (the original `claude_activity_log`, now events). Its auto-fix rate limit and cooldown are decided
/// here, from the rule given as input, so no caller can skip them.
public enum Doctor {
    public static func stream(_ session: DoctorSessionID) -> StreamName { .doctor(session) }

    /// The session id of a New York date, in the original's `claude-YYYYMMDD` format.
    public static func session(for date: NYDate) -> DoctorSessionID {
        DoctorSessionID(rawValue: "claude-" + date.description.replacingOccurrences(of: "-", with: ""))
    }
}

public enum WatchdogStatus: String, Sendable, Codable, CaseIterable {
    case ok = "OK"
    case warning = "WARNING"
    case critical = "CRITICAL"
    case error = "ERROR"
}

/// One issue found by the watchdog. `type` uses the Doctor taxonomy (STUCK_ORDER, PHANTOM_POSITION …).
public struct WatchdogIssue: Hashable, Sendable, Codable {
    public var type: String
    public var severity: Severity
    public var message: String
    public var ids: [String]
    /// A named command, never SQL.
    public var proposedFix: String?

    public init(type: String, severity: Severity, message: String, ids: [String] = [], proposedFix: String? = nil) {
        self.type = type
        self.severity = severity
        self.message = message
        self.ids = ids
        self.proposedFix = proposedFix
    }

    enum CodingKeys: String, CodingKey {
        case type, severity, message, ids
        case proposedFix = "proposed_fix"
    }
}

public enum DoctorActionKind: String, Sendable, Codable, CaseIterable {
    case autoFix = "auto_fix"
    case escalation
    case notification
    case investigation
}

public enum DoctorActionOutcome: String, Sendable, Codable, CaseIterable {
    case success, failure, skipped
}

/// A rule of `config/doctor_rules.yaml` (the `doctor_claude_rules` view).
public struct DoctorRule: Hashable, Sendable, Codable {
    public var issueType: String
    public var autoFixEnabled: Bool
    public var fixCommand: String?
    public var maxAutoFixesPerHour: Int
    public var cooldownMinutes: Int
    public var active: Bool
    /// Documentation and escalation ranking (optional: absent in rules recorded before they existed).
    public var description: String?
    public var escalationPriority: String?

    public init(
        issueType: String, autoFixEnabled: Bool, fixCommand: String? = nil, maxAutoFixesPerHour: Int = 10, cooldownMinutes: Int = 5, active: Bool = true,
        description: String? = nil, escalationPriority: String? = nil
    ) {
        self.issueType = issueType
        self.autoFixEnabled = autoFixEnabled
        self.fixCommand = fixCommand
        self.maxAutoFixesPerHour = maxAutoFixesPerHour
        self.cooldownMinutes = cooldownMinutes
        self.active = active
        self.description = description
        self.escalationPriority = escalationPriority
    }

    enum CodingKeys: String, CodingKey {
        case active, description
        case escalationPriority = "escalation_priority"
        case issueType = "issue_type"
        case autoFixEnabled = "auto_fix_enabled"
        case fixCommand = "fix_command"
        case maxAutoFixesPerHour = "max_auto_fixes_per_hour"
        case cooldownMinutes = "cooldown_minutes"
    }
}
