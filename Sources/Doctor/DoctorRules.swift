import Crypto
import Domain
import Foundation
import Yams

/// `config/doctor_rules.yaml`: the checks' thresholds and, per issue type, whether Doctor may fix it
/// unattended, with which command, how often, and how an escalation is ranked.
public struct DoctorRules: Sendable, Equatable {
    public var thresholds: Thresholds
    public var rules: [String: RuleSpec]
    /// Where they were read from (recorded with `doctor.rules_loaded`).
    public var source: String

    public init(thresholds: Thresholds = Thresholds(), rules: [RuleSpec] = [], source: String = "inline") {
        self.thresholds = thresholds
        self.rules = Dictionary(rules.map { ($0.issueType, $0) }, uniquingKeysWith: { _, b in b })
        self.source = source
    }

    /// The rules as recorded in `doctor.rules_loaded`, sorted by issue type.
    public var domainRules: [DoctorRule] { rules.values.sorted { $0.issueType < $1.issueType }.map(\.domainRule) }

    /// SHA-256 of the canonical JSON of the rules and thresholds: equal files give equal hashes.
    public var hash: String {
        struct Canonical: Encodable {
            var thresholds: Thresholds
            var rules: [DoctorRule]
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let data = (try? enc.encode(Canonical(thresholds: thresholds, rules: domainRules))) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The original's values (docs/origins.md §Watchdog): 5 min stuck, 30 min stale cycle, 10 % quantity, 10 min marks.
    public struct Thresholds: Sendable, Equatable, Codable {
        public var stuckOrderMinutes: Double = 5
        public var staleCycleMinutes: Double = 30
        public var qtyMismatchCriticalPercent: Decimal = 10
        public var stalePositionMinutes: Double = 10
        public var projectionLagEvents: Int64 = 1_000
        public var projectionLagSeconds: Double = 60
        /// A scheduled slot counts as missed when no cycle started within this many minutes after it.
        public var missedCycleGraceMinutes: Int = 10
        /// Denials of the last hour (per reason) from which COMMANDS_REJECTED is a warning rather than info.
        public var rejectionsWarningPerHour: Int = 10

        public init() {}

        enum CodingKeys: String, CodingKey {
            case stuckOrderMinutes = "stuck_order_minutes"
            case staleCycleMinutes = "stale_cycle_minutes"
            case qtyMismatchCriticalPercent = "qty_mismatch_critical_pct"
            case stalePositionMinutes = "stale_position_minutes"
            case projectionLagEvents = "projection_lag_events"
            case projectionLagSeconds = "projection_lag_seconds"
            case missedCycleGraceMinutes = "missed_cycle_grace_minutes"
            case rejectionsWarningPerHour = "rejections_warning_per_hour"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Thresholds()
            stuckOrderMinutes = try c.decodeIfPresent(Double.self, forKey: .stuckOrderMinutes) ?? d.stuckOrderMinutes
            staleCycleMinutes = try c.decodeIfPresent(Double.self, forKey: .staleCycleMinutes) ?? d.staleCycleMinutes
            qtyMismatchCriticalPercent = try c.decodeIfPresent(Decimal.self, forKey: .qtyMismatchCriticalPercent) ?? d.qtyMismatchCriticalPercent
            stalePositionMinutes = try c.decodeIfPresent(Double.self, forKey: .stalePositionMinutes) ?? d.stalePositionMinutes
            projectionLagEvents = try c.decodeIfPresent(Int64.self, forKey: .projectionLagEvents) ?? d.projectionLagEvents
            projectionLagSeconds = try c.decodeIfPresent(Double.self, forKey: .projectionLagSeconds) ?? d.projectionLagSeconds
            missedCycleGraceMinutes = try c.decodeIfPresent(Int.self, forKey: .missedCycleGraceMinutes) ?? d.missedCycleGraceMinutes
            rejectionsWarningPerHour = try c.decodeIfPresent(Int.self, forKey: .rejectionsWarningPerHour) ?? d.rejectionsWarningPerHour
        }
    }

    public enum EscalationPriority: String, Sendable, Codable, CaseIterable {
        case critical = "CRITICAL", high = "HIGH", normal = "NORMAL", low = "LOW"
    }

    /// One row of the `doctor_claude_rules` view.
    public struct RuleSpec: Sendable, Equatable, Codable {
        public var issueType: String
        public var description: String
        public var autoFixEnabled: Bool
        public var fixCommand: FixCommand?
        public var maxAutoFixesPerHour: Int
        public var cooldownMinutes: Int
        public var escalationPriority: EscalationPriority
        public var active: Bool

        public init(
            issueType: String, description: String = "", autoFixEnabled: Bool, fixCommand: FixCommand? = nil, maxAutoFixesPerHour: Int = 10,
            cooldownMinutes: Int = 5, escalationPriority: EscalationPriority = .normal, active: Bool = true
        ) {
            self.issueType = issueType
            self.description = description
            self.autoFixEnabled = autoFixEnabled
            self.fixCommand = fixCommand
            self.maxAutoFixesPerHour = maxAutoFixesPerHour
            self.cooldownMinutes = cooldownMinutes
            self.escalationPriority = escalationPriority
            self.active = active
        }

        enum CodingKeys: String, CodingKey {
            case description, active
            case issueType = "issue_type"
            case autoFixEnabled = "auto_fix_enabled"
            case fixCommand = "fix_command"
            case maxAutoFixesPerHour = "max_auto_fixes_per_hour"
            case cooldownMinutes = "cooldown_minutes"
            case escalationPriority = "escalation_priority"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            issueType = try c.decode(String.self, forKey: .issueType)
            description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
            autoFixEnabled = try c.decodeIfPresent(Bool.self, forKey: .autoFixEnabled) ?? false
            fixCommand = try c.decodeIfPresent(FixCommand.self, forKey: .fixCommand)
            maxAutoFixesPerHour = try c.decodeIfPresent(Int.self, forKey: .maxAutoFixesPerHour) ?? 10
            cooldownMinutes = try c.decodeIfPresent(Int.self, forKey: .cooldownMinutes) ?? 5
            escalationPriority = try c.decodeIfPresent(EscalationPriority.self, forKey: .escalationPriority) ?? .normal
            active = try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        }

        /// The rule as the Doctor decider takes it (it enforces the switch, the hourly cap and the cooldown).
        public var domainRule: DoctorRule {
            DoctorRule(
                issueType: issueType, autoFixEnabled: autoFixEnabled, fixCommand: fixCommand?.rawValue, maxAutoFixesPerHour: maxAutoFixesPerHour,
                cooldownMinutes: cooldownMinutes, active: active, description: description, escalationPriority: escalationPriority.rawValue)
        }
    }

    struct File: Codable {
        var version: Int
        var thresholds: Thresholds?
        var rules: [RuleSpec]
    }

    public static func parse(_ yaml: String, source: String = "inline") throws -> DoctorRules {
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: yaml)
        } catch {
            throw DoctorError.invalidRules("\(error)")
        }
        guard file.version == 1 else { throw DoctorError.invalidRules("unsupported version \(file.version) (expected 1)") }
        var seen = Set<String>()
        for r in file.rules {
            guard IssueType(rawValue: r.issueType) != nil else { throw DoctorError.invalidRules("unknown issue type \(r.issueType)") }
            guard seen.insert(r.issueType).inserted else { throw DoctorError.invalidRules("issue type \(r.issueType) appears twice") }
            guard r.maxAutoFixesPerHour >= 0, r.cooldownMinutes >= 0 else { throw DoctorError.invalidRules("\(r.issueType): negative limit") }
            if r.autoFixEnabled && DoctorPolicy.forbidden.contains(r.issueType) {
                throw DoctorError.invalidRules("\(r.issueType) may never be fixed automatically (it escalates)")
            }
            if r.autoFixEnabled && r.fixCommand == nil { throw DoctorError.invalidRules("\(r.issueType): auto_fix_enabled needs a fix_command") }
        }
        return DoctorRules(thresholds: file.thresholds ?? Thresholds(), rules: file.rules, source: source)
    }

    public static func load(path: String) throws -> DoctorRules {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DoctorError.invalidRules("cannot read \(path)") }
        return try parse(text, source: path)
    }

    public func rule(_ type: String) -> RuleSpec? { rules[type] }
}

public enum DoctorError: Error, CustomStringConvertible, Sendable {
    case invalidRules(String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .invalidRules(let m): "doctor rules: \(m)"
        case .invalidInput(let m): m
        }
    }
}
