import Foundation

/// Reads of Doctor Claude's read models (`claude_activity_log`, `v_trade_pipeline_status`).
public enum DoctorQuery {
    /// Doctor's latest observations, decisions and actions, newest first.
    public static func activity(limit: Int) -> ViewQuery { ViewQuery("SELECT * FROM claude_activity_log LIMIT \(limit)") }

    /// The same as one line each, for a terminal; nil rows when the view does not exist yet.
    public static func activityLines(limit: Int) -> ViewQuery {
        ViewQuery("""
            SELECT log_id::text || '  ' || to_char(logged_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI:SS') || '  ' ||
                   concat_ws('  ', session_id, observation_type, decision, issue_type, issue_severity, action_detail, action_target,
                             action_result, coalesce(decision_reasoning, error_message)) AS line
            FROM claude_activity_log LIMIT \(limit)
            """)
    }

    /// Whether Doctor's activity view exists (the doctor projection has been built).
    public static func activityExists() -> ViewQuery { ViewQuery("SELECT (to_regclass('public.claude_activity_log') IS NOT NULL)::text") }

    /// The trade pipeline of the latest cycles.
    public static func pipeline(limit: Int) -> ViewQuery { ViewQuery("SELECT * FROM v_trade_pipeline_status LIMIT \(limit)") }
}
