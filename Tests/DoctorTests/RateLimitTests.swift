import Application
import CatalystTestKit
import Domain
import DoctorClaude
import Foundation
import Testing

/// The rate limit and the cooldown are enforced by the Doctor decider from the session's events, so
/// the fixer (or `doctor log --decision auto_fix`) cannot exceed them.
extension DoctorDatabaseTests {
@Suite struct RateLimitTests {
    static func notFound(_ n: Int) -> DoctorIssue {
        DoctorIssue(type: .orderNotFound, severity: .warning, message: "test \(n)", ids: ["order_id": "ord-missing-\(n)"], fix: ProposedFix(.markOrderExpired, "ord-missing-\(n)"))
    }

    @Test func theEleventhFixInAnHourIsRefused() async throws {
        let rules = DoctorRules(rules: [.init(issueType: "ORDER_NOT_FOUND", autoFixEnabled: true, fixCommand: .markOrderExpired, maxAutoFixesPerHour: 10, cooldownMinutes: 0)])
        let h = try await DoctorHarness.make(rules: rules)
        var outcomes: [DoctorFixer.Outcome] = []
        for i in 1...11 {
            h.move(to: h.now.addingTimeInterval(60))
            outcomes.append(try await h.fixer().handle(Self.notFound(i), context: h.context()))
        }
        // The orders do not exist, so each allowed attempt fails — and still counts against the limit.
        #expect(outcomes.prefix(10).allSatisfy { if case .failed = $0 { true } else { false } })
        guard case .refused(let code, _) = outcomes[10] else { Issue.record("11th fix not refused: \(outcomes[10])"); return }
        #expect(code == "rate_limited")
        // An hour after the first, a fix is allowed again.
        h.move(to: h.now.addingTimeInterval(50 * 60 + 1))
        let later = try await h.fixer().handle(Self.notFound(12), context: h.context())
        #expect({ if case .refused = later { false } else { true } }())
        try await h.project()
        let failed = try await h.rows("SELECT count(*) AS n FROM claude_activity_log WHERE action_result = 'failed'")
        #expect(failed.first?["n"] == "11")
        let deferred = try await h.rows("SELECT count(*) AS n FROM claude_activity_log WHERE decision = 'defer'")
        #expect(deferred.first?["n"] == "1")
    }

    @Test func aSecondFixWithinTheCooldownIsRefused() async throws {
        let rules = DoctorRules(rules: [.init(issueType: "ORDER_NOT_FOUND", autoFixEnabled: true, fixCommand: .markOrderExpired, maxAutoFixesPerHour: 10, cooldownMinutes: 5)])
        let h = try await DoctorHarness.make(rules: rules)
        _ = try await h.fixer().handle(Self.notFound(1), context: h.context())
        h.move(to: h.now.addingTimeInterval(4 * 60))
        guard case .refused(let code, _) = try await h.fixer().handle(Self.notFound(2), context: h.context()) else {
            Issue.record("second fix within the cooldown was not refused"); return
        }
        #expect(code == "cooling_down")
        h.move(to: h.now.addingTimeInterval(2 * 60))
        let after = try await h.fixer().handle(Self.notFound(3), context: h.context())
        #expect({ if case .refused = after { false } else { true } }())
    }

    /// `doctor log --decision auto_fix` goes through the same decider: an issue type without an
    /// enabled rule is refused.
    @Test func aLoggedAutoFixObeysTheRule() async throws {
        let h = try await DoctorHarness.make()
        let activity = ActivityLog(runner: h.system.runner, ids: h.system.ids)
        var e = ActivityLog.Entry()
        e.decision = "auto_fix"
        e.issueType = "ORPHAN_POSITION"
        e.action = "close it"
        e.actionType = "command"
        await #expect(throws: CommandRejected<Doctor.Rejection>.self) { try await activity.log(e, rules: h.rules, context: h.context()) }
        // Nothing was written for the refused entry.
        #expect(try await h.doctorEvents().isEmpty)
        var ok = ActivityLog.Entry()
        ok.observationType = "manual_check"
        ok.decision = "escalate"
        ok.reasoning = "orphan at the broker"
        ok.issueType = "ORPHAN_POSITION"
        ok.severity = "CRITICAL"
        ok.action = "email craig"
        ok.actionType = "alert_sent"
        ok.result = "failed"
        ok.error = "smtp down"
        ok.metadata = #"{"k": 1}"#
        let logged = try await activity.log(ok, rules: h.rules, context: h.context())
        #expect(logged.actionID != nil)
        try await h.project()
        let rows = try await h.rows(
            "SELECT observation_type, decision, action_type, action_detail, action_result, error_message, issue_severity FROM claude_activity_log WHERE action_type = 'alert_sent'")
        #expect(rows.count == 1)
        #expect(rows.first?["decision"] == "escalate" && rows.first?["action_detail"] == "email craig")
        #expect(rows.first?["action_result"] == "failed" && rows.first?["error_message"] == "smtp down")
        let decision = try await h.rows("SELECT observation_type, decision_reasoning, issue_severity FROM claude_activity_log WHERE observation_type = 'manual_check'")
        #expect(decision.contains { $0["decision_reasoning"] == "orphan at the broker" && $0["issue_severity"] == "CRITICAL" })
        var bad = ActivityLog.Entry()
        bad.decision = "maybe"
        await #expect(throws: DoctorError.self) { try await activity.log(bad, rules: h.rules, context: h.context()) }
    }

    /// The read-only role sees the doctor views and the trading views, and not the events.
    @Test func theDoctorRoleReadsViewsOnly() async throws {
        let h = try await DoctorHarness.make()
        try await h.project()
        try await h.db.session().withConnection { c in
            _ = try c.query("SET ROLE catalyst_doctor")
            for view in ["claude_activity_log", "v_claude_activity_summary", "v_recurring_issues", "v_recent_escalations", "v_failed_actions", "v_orders_status", "v_trade_pipeline_status", "v_positions_current"] {
                _ = try c.query("SELECT count(*) FROM \(view)")
            }
            #expect(throws: (any Error).self) { try c.query("SELECT count(*) FROM events") }
            _ = try? c.query("RESET ROLE")
        }
    }
}
}
