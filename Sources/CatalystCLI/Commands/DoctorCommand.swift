import Application
import ArgumentParser
import CatalystApp
import Domain
import DoctorClaude
import Foundation
import Logging
import MarketData
import PostgresClient
import Projections
import ServiceLifecycle

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Doctor Claude: the watchdog, its safe fixes and its activity log.",
        subcommands: [Check.self, Log.self, Watch.self])

    struct Check: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the watchdog once and print its report (contract version \(DoctorReport.contractVersion)).",
            discussion: "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 ERROR (the check itself failed).")
        @Flag(help: "Print the JSON contract.") var json = false
        @Flag(help: "Indent the JSON.") var pretty = false
        @Flag(help: "Apply the fixes the rules allow (as Doctor's agent principal), escalate the others, then check again.") var fix = false
        @Flag(help: "Skip recomputing the audit hash chain.") var noAudit = false
        @Flag(help: "Do not record the run as a doctor.watchdog_ran event.") var noRecord = false
        @Option(help: "Rules file (default config/doctor_rules.yaml).") var rules: String?

        func execute(_ configuration: CatalystConfiguration) async throws {
            let setup = try await DoctorSetup.load(rulesPath: rules, configuration: configuration)
            let log = setup.eventLog()
            let activity = ActivityLog(runner: DeciderRunner(log: log), ids: log.ids)
            let report: DoctorReport
            if fix {
                let alerts = AlertService(runner: DeciderRunner(log: log), smtp: try SMTPConfiguration.read(configuration.reader))
                let pass = DoctorPass(
                    check: try setup.check(verifyAudit: !noAudit, now: Date()), fixer: await setup.fixer(log), log: log,
                    alerts: alerts)
                let result = try await pass.runDetailed(now: Date())
                for h in result.handled where h.outcome != .none { Terminal.note("doctor: \(h.issue.type): \(h.outcome)") }
                for a in result.alerts { Terminal.note("doctor: alert \(a)") }
                report = result.final
            } else {
                report = try await setup.check(verifyAudit: !noAudit, now: Date()).run(now: Date())
                let stalled = report.issues.contains { $0.type == IssueType.readerHorizonStalled.rawValue }
                if !noRecord && report.summary.status != .error && !stalled {
                    try await activity.recordRules(setup.rules, context: DoctorSetup.context(log, now: report.timestamp))
                    try await activity.recordRun(report, context: DoctorSetup.context(log, now: report.timestamp))
                }
            }
            if json || pretty {
                print(try report.json(pretty: pretty))
            } else {
                DoctorText.print(report)
            }
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }

    struct Log: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append to Doctor Claude's activity log (the flags of the original log_activity.py), or --view recent rows.")
        @Option(help: "Observation type: watchdog_run, manual_check, alert_triggered, startup, shutdown.") var type: String?
        @Option(help: "Observation summary (JSON).") var summary: String?
        @Option(help: "Decision: auto_fix, escalate, monitor, no_action, defer.") var decision: String?
        @Option(help: "Why.") var reasoning: String?
        @Option(help: "Action type: command, api_call, alert_sent, … .") var actionType: String?
        @Option(help: "The action (a named command).") var action: String?
        @Option(help: "What it acted on.") var target: String?
        @Option(help: "Result: success, failed, partial, pending, skipped.") var result: String?
        @Option(help: "Error message.") var error: String?
        @Option(help: "Issue type (STUCK_ORDER, …).") var issueType: String?
        @Option(help: "Severity: CRITICAL, WARNING, INFO.") var severity: String?
        @Option(help: "Cycle id.") var cycleId: String?
        @Option(help: "Session id (default claude-YYYYMMDD, New York date).") var sessionId: String?
        @Option(help: "Metadata (JSON).") var metadata: String?
        @Flag(help: "Print recent rows of claude_activity_log instead.") var view = false
        @Option(help: "Rows to print with --view.") var limit = 20
        @Option(help: "Rules file (default config/doctor_rules.yaml).") var rules: String?

        func execute(_ configuration: CatalystConfiguration) async throws {
            if view {
                guard limit > 0 else { throw ValidationError("--limit must be positive") }
                let target = try await configuration.migratedDatabase()
                let views = ViewReader(conninfo: target.conninfo)
                guard try await views.value(DoctorQuery.activityExists()) == "true" else {
                    throw CatalystError.refused("claude_activity_log does not exist yet: run `catalyst project` (the doctor projection) first")
                }
                let rows = try await views.table(DoctorQuery.activityLines(limit: limit)).compactMap { $0["line"] }
                if rows.isEmpty { print("(no activity)") }
                for r in rows { print(r) }
                return
            }
            var e = ActivityLog.Entry()
            e.observationType = type
            e.summary = summary
            e.decision = decision
            e.reasoning = reasoning
            e.actionType = actionType
            e.action = action
            e.target = target
            e.result = result
            e.error = error
            e.issueType = issueType
            e.severity = severity
            e.cycleID = cycleId
            e.sessionID = sessionId
            e.metadata = metadata
            let setup = try await DoctorSetup.load(rulesPath: rules, configuration: configuration)
            let log = setup.eventLog()
            let logged = try await ActivityLog(runner: DeciderRunner(log: log), ids: log.ids).log(e, rules: setup.rules, context: DoctorSetup.context(log, now: Date()))
            print("logged \(logged.decisionID)\(logged.actionID.map { " and \($0)" } ?? "") on doctor-\(logged.session)")
        }
    }
}

/// The human-readable report (without --json).
enum DoctorText {
    static func print(_ r: DoctorReport) {
        Swift.print("\(r.summary.status.rawValue)  \(r.summary.totalIssues) issues (\(r.summary.critical) critical, \(r.summary.warnings) warnings, \(r.summary.info) info) in \(r.durationMs) ms")
        Swift.print("broker: \(r.brokerConnected ? "connected" : "not connected")\(r.brokerMode.map { " (\($0))" } ?? "")")
        if let p = r.pipeline, let cycle = p["cycle_id"] ?? nil {
            Swift.print("pipeline: cycle \(cycle) \((p["cycle_state"] ?? nil) ?? "?") stage \((p["pipeline_stage"] ?? nil) ?? "?")")
        } else {
            Swift.print("pipeline: no cycle today")
        }
        if let e = r.error { Swift.print("error: \(e)") }
        for i in r.issues {
            Swift.print("  \(i.severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)) \(i.type): \(i.message)\(i.proposedFix.map { "  [fix: \($0)]" } ?? "")")
        }
    }
}

extension DoctorCommand {
    struct Watch: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the watchdog every 5 minutes in market hours (New York 09:15–16:15, exchange sessions): check, fix what the rules allow, re-check, log.",
            discussion: "Stops gracefully on SIGTERM/SIGINT.")
        @Option(help: "Seconds between passes.") var interval = 300
        @Flag(help: "Skip recomputing the audit hash chain at each pass.") var noAudit = false
        @Option(help: "Rules file (default config/doctor_rules.yaml).") var rules: String?
        @Flag(help: "Run a pass at every interval whatever the hour and day (a soak over a simulated clock).") var anyHour = false
        @Option(help: "Seconds between verifications of the whole audit chain; the passes between verify only what was sealed since.")
        var auditFullEvery = 3600

        func execute(_ configuration: CatalystConfiguration) async throws {
            guard interval > 0 else { throw ValidationError("--interval must be positive") }
            guard auditFullEvery >= 0 else { throw ValidationError("--audit-full-every must be 0 (every pass) or more") }
            let progress = AuditProgress(fullEvery: TimeInterval(auditFullEvery))
            let setup = try await DoctorSetup.load(rulesPath: rules, configuration: configuration)
            let logger = Logger(label: "catalyst.doctor")
            let log = setup.eventLog()
            let verify = !noAudit
            let calendar = NYSECalendar()
            let alerts = AlertService(runner: DeciderRunner(log: log), smtp: try SMTPConfiguration.read(configuration.reader), logger: logger)
            var hours = DoctorHours(isSession: { calendar.session(on: $0) != nil })
            if anyHour { hours = .always }
            let watch = DoctorWatch(interval: .seconds(interval), hours: hours, logger: logger) { now in
                let pass = DoctorPass(
                    check: try setup.check(verifyAudit: verify, now: now, auditProgress: progress), fixer: await setup.fixer(log), log: log,
                    alerts: alerts)
                let report = try await pass.run(now: now)
                logger.notice("doctor pass", metadata: ["status": "\(report.summary.status.rawValue)", "issues": "\(report.summary.totalIssues)"])
            }
            try await RoleServiceGroup.run([.init(service: watch)], logger: logger)
        }
    }
}
