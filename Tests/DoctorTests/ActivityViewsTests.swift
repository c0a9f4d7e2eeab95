import Application
import Domain
import DoctorClaude
import Foundation
import Testing

/// The windowed views (7 and 30 days of the real clock) over activity recorded now.
extension DoctorDatabaseTests {
@Suite struct ActivityViewsTests {
    @Test func recentEscalationsFailedActionsAndRecurringIssues() async throws {
        let h = try await DoctorHarness.make()
        func context() -> CommandContext { CommandContext(actor: DoctorFixer.unauthenticated, commandID: UUID(), correlationID: UUID(), now: Date()) }
        let orphan = DoctorIssue(type: .orphanPosition, severity: .critical, message: "orphan", ids: ["symbol": "ZZZ"])
        guard case .escalated = try await h.fixer().handle(orphan, context: context()) else { Issue.record("orphan did not escalate"); return }
        // ORDER_NOT_FOUND is allowed by the repository's rules; the order does not exist, so the fix fails.
        guard case .failed = try await h.fixer().handle(RateLimitTests.notFound(1), context: context()) else { Issue.record("fix did not fail"); return }
        try await h.project()
        #expect(try await h.rows("SELECT issue_type, action_target, action_detail FROM v_recent_escalations") == [
            ["issue_type": "ORPHAN_POSITION", "action_target": "ZZZ", "action_detail": "escalate:CRITICAL"]
        ])
        let failed = try await h.rows("SELECT issue_type, action_detail, action_target FROM v_failed_actions")
        #expect(failed == [["issue_type": "ORDER_NOT_FOUND", "action_detail": "mark_order_expired", "action_target": "ord-missing-1"]])
        let recurring = try await h.rows("SELECT issue_type, occurrences, escalated, failed_fixes, auto_fix_success_rate FROM v_recurring_issues ORDER BY issue_type")
        #expect(recurring.map { $0["issue_type"] } == ["ORDER_NOT_FOUND", "ORPHAN_POSITION"])
        #expect(recurring.first?["failed_fixes"] == "1" && recurring.first?["auto_fix_success_rate"] == "0.0")
        #expect(recurring.last?["escalated"] == "1")
        let summary = try await h.rows("SELECT escalations, failed_actions, auto_fixes FROM v_claude_activity_summary WHERE activity_date = (now() AT TIME ZONE 'America/New_York')::date")
        #expect(summary == [["escalations": "1", "failed_actions": "1", "auto_fixes": "1"]])
    }
}

}

extension DoctorDatabaseTests.ActivityViewsTests {
    /// The rules file reaches `doctor_claude_rules` through `doctor.rules_loaded`, recorded once per
    /// version per session.
    @Test func theRulesViewShowsTheRulesInForce() async throws {
        let h = try await DoctorHarness.make()
        let activity = ActivityLog(runner: h.system.runner, ids: h.system.ids)
        try await activity.recordRules(h.rules, context: h.context())
        try await activity.recordRules(h.rules, context: h.context())
        let loaded = try await h.doctorEvents().filter { if case .rulesLoaded = $0 { true } else { false } }
        #expect(loaded.count == 1)
        try await h.project()
        let rows = try await h.rows("SELECT issue_type, auto_fix_enabled, fix_command, max_auto_fixes_per_hour, cooldown_minutes, escalation_priority FROM doctor_claude_rules")
        #expect(rows.count == 19)
        #expect(rows.first { $0["issue_type"] == "ORPHAN_POSITION" }?["auto_fix_enabled"] == "f")
        #expect(rows.first { $0["issue_type"] == "ORPHAN_POSITION" }?["escalation_priority"] == "CRITICAL")
        let stuck = rows.first { $0["issue_type"] == "STUCK_ORDER" }
        #expect(stuck?["fix_command"] == "cancel_order" && stuck?["max_auto_fixes_per_hour"] == "10" && stuck?["cooldown_minutes"] == "5")
        // A changed file is recorded again and replaces the view's rows.
        var changed = h.rules
        changed.rules["STUCK_ORDER"]?.autoFixEnabled = false
        try await activity.recordRules(changed, context: h.context())
        try await h.project()
        #expect(try await h.rows("SELECT auto_fix_enabled FROM doctor_claude_rules WHERE issue_type = 'STUCK_ORDER'") == [["auto_fix_enabled": "f"]])
        #expect(try await h.rows("SELECT count(*) AS n FROM doctor_claude_rules") == [["n": "19"]])
    }
}
