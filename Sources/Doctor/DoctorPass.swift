import Application
import Domain
import Foundation

/// One pass of the original watchdog's loop (docs/origins.md §Watchdog): check → record the run → apply the allowed fixes
/// and escalate the rest → check again to verify → record that run too. Returns the final report.
public struct DoctorPass: Sendable {
    let check: DoctorCheck
    let fixer: DoctorFixer
    let log: EventLog
    let alerts: AlertService?

    public init(check: DoctorCheck, fixer: DoctorFixer, log: EventLog, alerts: AlertService? = nil) {
        self.check = check
        self.fixer = fixer
        self.log = log
        self.alerts = alerts
    }

    public struct Result: Sendable {
        public var first: DoctorReport
        public var handled: [DoctorFixer.Handled]
        public var final: DoctorReport
        public var alerts: [AlertService.Outcome] = []
    }

    public func run(now: Date) async throws -> DoctorReport { try await runDetailed(now: now).final }

    public func runDetailed(now: Date, after: (@Sendable () async throws -> Void)? = nil) async throws -> Result {
        let activity = ActivityLog(runner: DeciderRunner(log: log), ids: log.ids)
        let first = await check.run(now: now)
        guard first.summary.status != .error else { return Result(first: first, handled: [], final: first) }
        // Under a stalled reader horizon anything appended would hide behind the restored events: report only.
        guard !first.issues.contains(where: { $0.type == IssueType.readerHorizonStalled.rawValue }) else {
            return Result(first: first, handled: [], final: first)
        }
        try await activity.recordRules(check.rules, context: context(now))
        try await activity.recordRun(first, context: context(now))
        let handled = try await fixer.handle(first.issues, context: context(now))
        var sent: [AlertService.Outcome] = []
        if let alerts {
            let escalated = Set(handled.compactMap { if case .escalated = $0.outcome { $0.issue.type } else { nil } })
            for (alert, body) in AlertRouter.alerts(for: first.issues, escalated: escalated, at: now) {
                sent.append(try await alerts.send(alert, body: body, context: context(now)))
            }
        }
        guard handled.contains(where: { if case .fixed = $0.outcome { true } else { false } }) else {
            return Result(first: first, handled: handled, final: first, alerts: sent)
        }
        // Fixes land as events; the views catch up through the projectors before the re-check reads them.
        try await after?()
        let final = await check.run(now: now)
        if final.summary.status != .error { try await activity.recordRun(final, context: context(now)) }
        return Result(first: first, handled: handled, final: final, alerts: sent)
    }

    func context(_ now: Date) -> CommandContext {
        CommandContext(actor: fixer.actor, commandID: log.ids.uuid(), correlationID: log.ids.uuid(), now: now)
    }
}
