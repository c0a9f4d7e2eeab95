import Domain
import EventStore
import Foundation
import PostgresClient

/// `doctor`: Doctor Claude's activity log from its events, in the original's columns. A watchdog run,
/// a decision and an action are one row each; an action's result completes the action's row (in the
/// same batch when both are in it, else by an update).
public struct DoctorActivityProjection: Projection {
    public let name = "doctor"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = [
        Doctor.WatchdogRan.eventType, Doctor.DecisionRecorded.eventType, Doctor.ActionTaken.eventType, Doctor.ActionResult.eventType,
        Doctor.RulesLoaded.eventType,
    ]
    static let ruleColumns = [
        "issue_type", "description", "auto_fix_enabled", "fix_command", "max_auto_fixes_per_hour", "cooldown_minutes", "escalation_priority",
        "is_active", "source", "rules_hash", "loaded_at", "log_id",
    ]

    static let columns = [
        "log_id", "record_id", "logged_at", "session_id", "cycle_id", "observation_type", "observation_summary", "issues_found", "critical_count",
        "warning_count", "decision", "decision_reasoning", "action_type", "action_detail", "action_target", "action_result", "error_message",
        "issue_type", "issue_severity", "fix_duration_ms", "watchdog_duration_ms", "verified", "metadata",
    ]

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var rows: [[String: String?]] = []
        var index: [String: Int] = [:]
        var updates: [PGStatement] = []
        var latestRules: (Doctor.RulesLoaded, Int64)?
        for e in events {
            let session = LedgerEvents.streamID(e.streamID, category: .doctor) ?? e.streamID
            var row: [String: String?] = ["log_id": String(e.position), "session_id": session]
            switch try LedgerEvents.decode(e) {
            case .doctor(.watchdogRan(let r)):
                row["record_id"] = r.recordID.rawValue
                row["logged_at"] = SQLText.time(r.at)
                row["observation_type"] = "watchdog_run"
                row["observation_summary"] = try Self.summary(r)
                row["issues_found"] = String(r.issues.count)
                row["critical_count"] = String(r.issues.filter { $0.severity == .critical }.count)
                row["warning_count"] = String(r.issues.filter { $0.severity == .warning }.count)
                row["decision"] = r.issues.isEmpty ? "no_action" : "monitor"
                row["watchdog_duration_ms"] = String(r.durationMs)
            case .doctor(.decisionRecorded(let d)):
                row["record_id"] = d.recordID.rawValue
                row["logged_at"] = SQLText.time(d.at)
                row["observation_type"] = d.observationType
                row["observation_summary"] = d.summary
                row["decision"] = d.decision
                row["decision_reasoning"] = d.reasoning
                row["issue_type"] = d.issueType
                row["issue_severity"] = d.severity?.rawValue.uppercased()
                row["cycle_id"] = d.cycleID?.rawValue
                row["metadata"] = d.metadata
            case .doctor(.actionTaken(let a)):
                row["record_id"] = a.recordID.rawValue
                row["logged_at"] = SQLText.time(a.at)
                row["issue_type"] = a.issueType
                row["action_target"] = a.target
                row["action_result"] = "pending"
                switch a.kind {
                case .autoFix: row["decision"] = "auto_fix"
                case .escalation: row["decision"] = "escalate"
                case .notification, .investigation: row["decision"] = "monitor"
                }
                // Manual entries carry `type: detail`; the fixer's commands are bare names.
                if let colon = a.command.range(of: ": ") {
                    row["action_type"] = String(a.command[..<colon.lowerBound])
                    row["action_detail"] = String(a.command[colon.upperBound...])
                } else {
                    row["action_type"] = a.kind == .escalation ? "escalation" : "command"
                    row["action_detail"] = a.command
                }
                if let decision = a.decisionID { row["metadata"] = "{\"decision_id\":" + SQLText.jsonString(decision.rawValue) + "}" }
            case .doctor(.actionResult(let r)):
                let result = r.outcome == .failure ? "failed" : r.outcome.rawValue
                if let i = index[r.actionID.rawValue] {
                    rows[i]["action_result"] = result
                    rows[i]["error_message"] = r.error
                    rows[i]["verified"] = r.verified.map(SQLText.bool)
                    if let at = rows[i]["logged_at"] ?? nil, let start = PGTimestamp.parse(at) {
                        rows[i]["fix_duration_ms"] = String(Int64((r.at.timeIntervalSince(start) * 1000).rounded()))
                    }
                } else {
                    updates.append(
                        PGStatement(
                            """
                            UPDATE \(context.qualified("activity")) SET action_result = $2, error_message = $3, verified = $4::boolean,
                                fix_duration_ms = round(extract(epoch FROM ($5::timestamptz - logged_at)) * 1000)::bigint
                            WHERE record_id = $1
                            """, [r.actionID.rawValue, result, r.error.map { PGValue.text($0) } ?? PGValue.null,
                                  r.verified.map { PGValue.text(SQLText.bool($0)) } ?? PGValue.null, PGTimestamp.format(r.at)]))
                }
                continue
            case .doctor(.rulesLoaded(let r)):
                latestRules = (r, e.position)
                continue
            default:
                continue
            }
            index[(row["record_id"] ?? nil) ?? ""] = rows.count
            rows.append(row)
        }
        try context.insert(into: "activity", columns: Self.columns, rows: rows.map { r in Self.columns.map { (r[$0] ?? nil) } })
        try context.run(updates)
        if let (r, position) = latestRules {
            try context.run([PGStatement("DELETE FROM \(context.qualified("rules"))")])
            try context.insert(
                into: "rules", columns: Self.ruleColumns,
                rows: r.rules.map { rule in
                    [
                        rule.issueType, rule.description, SQLText.bool(rule.autoFixEnabled), rule.fixCommand, String(rule.maxAutoFixesPerHour),
                        String(rule.cooldownMinutes), rule.escalationPriority, SQLText.bool(rule.active), r.source, r.rulesHash, SQLText.time(r.at),
                        String(position),
                    ]
                })
        }
    }

    static func summary(_ r: Doctor.WatchdogRan) throws -> String {
        struct Summary: Encodable {
            var status: String
            var contract_version: String
            var broker_connected: Bool?
            var issues: [WatchdogIssue]
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let s = Summary(status: r.status.rawValue, contract_version: r.contractVersion, broker_connected: r.brokerConnected, issues: r.issues)
        return String(decoding: try enc.encode(s), as: UTF8.self)
    }
}
