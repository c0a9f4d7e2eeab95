import Foundation

extension Doctor {
    public enum Event: Sendable, Equatable {
        case watchdogRan(WatchdogRan)
        case decisionRecorded(DecisionRecorded)
        case actionTaken(ActionTaken)
        case actionResult(ActionResult)
        case rulesLoaded(RulesLoaded)
    }

    /// `doctor.rules_loaded`: the rules in force (from `config/doctor_rules.yaml`), recorded when a
    /// session first sees them and whenever they change, so the `doctor_claude_rules` view and every
    /// later auto-fix decision can be traced to the rules that allowed it.
    public struct RulesLoaded: DomainEvent {
        public static let eventType = "doctor.rules_loaded"
        public static let schemaVersion = 1
        public var at: Date
        /// Where they came from (the file path).
        public var source: String
        /// SHA-256 of the canonical rules, to record a change only once.
        public var rulesHash: String
        public var rules: [DoctorRule]

        public init(at: Date, source: String, rulesHash: String, rules: [DoctorRule]) {
            self.at = at
            self.source = source
            self.rulesHash = rulesHash
            self.rules = rules
        }

        enum CodingKeys: String, CodingKey {
            case at, source, rules
            case rulesHash = "rules_hash"
        }
    }

    /// `doctor.watchdog_ran`
    public struct WatchdogRan: DomainEvent {
        public static let eventType = "doctor.watchdog_ran"
        public static let schemaVersion = 1
        public var recordID: DoctorRecordID
        public var at: Date
        public var durationMs: Int
        /// The watchdog JSON contract's version, so a silent contract change is visible.
        public var contractVersion: String
        public var status: WatchdogStatus
        public var brokerConnected: Bool?
        public var issues: [WatchdogIssue]

        public init(
            recordID: DoctorRecordID, at: Date, durationMs: Int, contractVersion: String, status: WatchdogStatus, brokerConnected: Bool?,
            issues: [WatchdogIssue]
        ) {
            self.recordID = recordID
            self.at = at
            self.durationMs = durationMs
            self.contractVersion = contractVersion
            self.status = status
            self.brokerConnected = brokerConnected
            self.issues = issues
        }

        enum CodingKeys: String, CodingKey {
            case at, status, issues
            case recordID = "record_id"
            case durationMs = "duration_ms"
            case contractVersion = "contract_version"
            case brokerConnected = "broker_connected"
        }
    }

    /// `doctor.decision_recorded`
    public struct DecisionRecorded: DomainEvent {
        public static let eventType = "doctor.decision_recorded"
        public static let schemaVersion = 1
        public var recordID: DoctorRecordID
        public var at: Date
        public var issueType: String?
        public var severity: Severity?
        public var decision: String
        public var reasoning: String
        public var cycleID: CycleID?

        /// What prompted it (`manual_check`, `alert_triggered`, `startup`, `shutdown` …), as `log_activity.py --type` gave it.
        /// Optional and absent in older events (schema 1 still decodes).
        public var observationType: String?
        /// The observation's JSON summary, verbatim (`--summary`).
        public var summary: String?
        /// Free JSON metadata (`--metadata`).
        public var metadata: String?

        public init(
            recordID: DoctorRecordID, at: Date, issueType: String?, severity: Severity?, decision: String, reasoning: String, cycleID: CycleID?,
            observationType: String? = nil, summary: String? = nil, metadata: String? = nil
        ) {
            self.recordID = recordID
            self.at = at
            self.issueType = issueType
            self.severity = severity
            self.decision = decision
            self.reasoning = reasoning
            self.cycleID = cycleID
            self.observationType = observationType
            self.summary = summary
            self.metadata = metadata
        }

        enum CodingKeys: String, CodingKey {
            case at, severity, decision, reasoning, summary, metadata
            case recordID = "record_id"
            case issueType = "issue_type"
            case cycleID = "cycle_id"
            case observationType = "observation_type"
        }
    }

    /// `doctor.action_taken`: a named command issued through the normal handlers with actor `doctor`.
    public struct ActionTaken: DomainEvent {
        public static let eventType = "doctor.action_taken"
        public static let schemaVersion = 1
        public var recordID: DoctorRecordID
        public var at: Date
        public var issueType: String
        public var kind: DoctorActionKind
        public var command: String
        public var target: String?
        public var decisionID: DoctorRecordID?

        public init(
            recordID: DoctorRecordID, at: Date, issueType: String, kind: DoctorActionKind, command: String, target: String?,
            decisionID: DoctorRecordID?
        ) {
            self.recordID = recordID
            self.at = at
            self.issueType = issueType
            self.kind = kind
            self.command = command
            self.target = target
            self.decisionID = decisionID
        }

        enum CodingKeys: String, CodingKey {
            case at, kind, command, target
            case recordID = "record_id"
            case issueType = "issue_type"
            case decisionID = "decision_id"
        }
    }

    /// `doctor.action_result`
    public struct ActionResult: DomainEvent {
        public static let eventType = "doctor.action_result"
        public static let schemaVersion = 1
        public var actionID: DoctorRecordID
        public var at: Date
        public var outcome: DoctorActionOutcome
        public var error: String?
        /// Whether a re-check confirmed the fix.
        public var verified: Bool?

        public init(actionID: DoctorRecordID, at: Date, outcome: DoctorActionOutcome, error: String?, verified: Bool?) {
            self.actionID = actionID
            self.at = at
            self.outcome = outcome
            self.error = error
            self.verified = verified
        }

        enum CodingKeys: String, CodingKey {
            case at, outcome, error, verified
            case actionID = "action_id"
        }
    }
}
