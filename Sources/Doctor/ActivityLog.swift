import Application
import Domain
import Foundation

/// Doctor Claude's activity log as events on `doctor-<session>`: watchdog runs, and the manual entries
/// of `catalyst doctor log` (the flags of the original `log_activity.py`).
public struct ActivityLog: Sendable {
    let runner: DeciderRunner
    let ids: any IDGenerator

    public init(runner: DeciderRunner, ids: any IDGenerator) {
        self.runner = runner
        self.ids = ids
    }

    /// Records a check as `doctor.watchdog_ran`, with the contract version it printed.
    @discardableResult
    public func recordRun(_ report: DoctorReport, context: CommandContext) async throws -> DoctorRecordID {
        let id = DoctorRecordID(rawValue: "run-\(ids.uuid().uuidString.lowercased().prefix(13))")
        let e = Doctor.WatchdogRan(
            recordID: id, at: report.timestamp, durationMs: report.durationMs, contractVersion: report.version, status: report.summary.status,
            brokerConnected: report.brokerConnected, issues: report.issues.map(\.watchdogIssue))
        _ = try await runner.run(Doctor.self, Doctor.stream(Doctor.session(for: NYDate(report.timestamp))), context: context) { _ in .recordRun(e) }
        return id
    }

    /// Records the rules in force for the session (nothing when this version is already recorded).
    public func recordRules(_ rules: DoctorRules, context: CommandContext) async throws {
        let e = Doctor.RulesLoaded(at: context.now, source: rules.source, rulesHash: rules.hash, rules: rules.domainRules)
        _ = try await runner.run(Doctor.self, Doctor.stream(Doctor.session(for: NYDate(context.now))), context: context) { _ in .recordRules(e) }
    }

    /// One manual entry (`catalyst doctor log …`).
    public struct Entry: Sendable {
        public var observationType: String?
        public var summary: String?
        public var decision: String?
        public var reasoning: String?
        public var actionType: String?
        public var action: String?
        public var target: String?
        public var result: String?
        public var error: String?
        public var issueType: String?
        public var severity: String?
        public var cycleID: String?
        public var sessionID: String?
        public var metadata: String?

        public init() {}

        public static let observationTypes: Set<String> = ["watchdog_run", "manual_check", "alert_triggered", "startup", "shutdown"]
        public static let decisions: Set<String> = ["auto_fix", "escalate", "monitor", "no_action", "defer"]
        public static let actionTypes: Set<String> = ["sql_update", "sql_insert", "api_call", "alert_sent", "service_restart", "command", "none"]
        public static let results: Set<String> = ["success", "failed", "partial", "pending", "skipped"]

        /// Checks the values the original's table constrained, with a clear message for each.
        public func validated() throws -> Entry {
            func check(_ v: String?, _ allowed: Set<String>, _ flag: String) throws {
                if let v, !allowed.contains(v) { throw DoctorError.invalidInput("--\(flag) \(v): expected one of \(allowed.sorted().joined(separator: ", "))") }
            }
            try check(observationType, Self.observationTypes, "type")
            try check(decision, Self.decisions, "decision")
            try check(actionType, Self.actionTypes, "action-type")
            try check(result, Self.results, "result")
            if let s = severity, Severity(rawValue: s.lowercased()) == nil { throw DoctorError.invalidInput("--severity \(s): expected CRITICAL, WARNING or INFO") }
            for (flag, json) in [("summary", summary), ("metadata", metadata)] {
                if let json, (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) == nil {
                    throw DoctorError.invalidInput("--\(flag) is not valid JSON")
                }
            }
            if action == nil && (target != nil || result != nil || error != nil || actionType != nil) {
                throw DoctorError.invalidInput("--target, --result, --error and --action-type describe an action: give --action too")
            }
            if decision == "auto_fix" && issueType == nil { throw DoctorError.invalidInput("--decision auto_fix needs --issue-type (its rule is checked)") }
            return self
        }
    }

    public struct Logged: Sendable {
        public var session: DoctorSessionID
        public var decisionID: DoctorRecordID
        public var actionID: DoctorRecordID?
    }

    /// Appends the entry's events: a decision, and with `--action` an action (an `auto_fix` action goes
    /// through its rule's rate limit like any fix) and, with `--result`, its result.
    public func log(_ entry: Entry, rules: DoctorRules, context: CommandContext) async throws -> Logged {
        let e = try entry.validated()
        let session = e.sessionID.map { DoctorSessionID(rawValue: $0) } ?? Doctor.session(for: NYDate(context.now))
        let stream = Doctor.stream(session)
        let severity = e.severity.flatMap { Severity(rawValue: $0.lowercased()) }
        let rule = e.issueType.flatMap { rules.rule($0)?.domainRule }
        if e.action != nil, e.decision == "auto_fix" {
            // Refuse before writing anything: a refused auto-fix must not leave its decision behind.
            let probe = Doctor.ActionTaken(
                recordID: DoctorRecordID(rawValue: "probe"), at: context.now, issueType: e.issueType ?? "NONE", kind: .autoFix, command: "probe", target: nil,
                decisionID: nil)
            let state = try await runner.log.load(Doctor.self, stream).state
            do { _ = try Doctor.decide(.takeAction(probe, rule: rule), state) } catch { throw CommandRejected(error) }
        }
        let decisionID = DoctorRecordID(rawValue: "dec-\(ids.uuid().uuidString.lowercased().prefix(13))")
        let decision = Doctor.DecisionRecorded(
            recordID: decisionID, at: context.now, issueType: e.issueType, severity: severity, decision: e.decision ?? "no_action",
            reasoning: e.reasoning ?? "", cycleID: e.cycleID.map { CycleID(rawValue: $0) }, observationType: e.observationType ?? "manual_check",
            summary: e.summary, metadata: e.metadata)
        _ = try await runner.run(Doctor.self, stream, context: context) { _ in .recordDecision(decision) }
        guard let action = e.action else { return Logged(session: session, decisionID: decisionID, actionID: nil) }
        let kind: DoctorActionKind =
            switch (e.decision, e.actionType) {
            case ("auto_fix", _): .autoFix
            case ("escalate", _): .escalation
            case (_, "alert_sent"): .notification
            default: .investigation
            }
        let actionID = DoctorRecordID(rawValue: "act-\(ids.uuid().uuidString.lowercased().prefix(13))")
        let taken = Doctor.ActionTaken(
            recordID: actionID, at: context.now, issueType: e.issueType ?? "NONE", kind: kind, command: "\(e.actionType ?? "command"): \(action)",
            target: e.target, decisionID: decisionID)
        _ = try await runner.run(Doctor.self, stream, context: context.followUp(commandID: ids.uuid())) { _ in .takeAction(taken, rule: rule) }
        if let result = e.result {
            let outcome: DoctorActionOutcome = result == "success" ? .success : result == "failed" ? .failure : .skipped
            let r = Doctor.ActionResult(actionID: actionID, at: context.now, outcome: outcome, error: e.error, verified: nil)
            _ = try await runner.run(Doctor.self, stream, context: context.followUp(commandID: ids.uuid())) { _ in .recordResult(r) }
        }
        return Logged(session: session, decisionID: decisionID, actionID: actionID)
    }
}
