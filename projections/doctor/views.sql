-- Doctor Claude's views, with the original names and meanings (docs/origins.md §Watchdog). The
-- windows (7 and 30 days) read the clock here, in the views, never in the fold.
CREATE VIEW public.claude_activity_log AS
    SELECT log_id, logged_at, session_id, cycle_id, observation_type, observation_summary, issues_found, critical_count, warning_count,
           decision, decision_reasoning, action_type, action_detail, action_target, action_result, error_message, issue_type,
           issue_severity, fix_duration_ms, watchdog_duration_ms, metadata, verified, record_id
    FROM activity
    ORDER BY logged_at DESC, log_id DESC;

CREATE VIEW public.v_claude_activity_summary AS
    SELECT (logged_at AT TIME ZONE 'America/New_York')::date AS activity_date,
           session_id,
           count(*) AS total_entries,
           count(*) FILTER (WHERE observation_type = 'watchdog_run') AS watchdog_runs,
           coalesce(sum(issues_found), 0) AS total_issues,
           coalesce(sum(critical_count), 0) AS total_critical,
           coalesce(sum(warning_count), 0) AS total_warnings,
           count(*) FILTER (WHERE decision = 'auto_fix') AS auto_fixes,
           count(*) FILTER (WHERE decision = 'escalate') AS escalations,
           count(*) FILTER (WHERE decision = 'no_action') AS no_actions,
           count(*) FILTER (WHERE action_result = 'success') AS successful_actions,
           count(*) FILTER (WHERE action_result = 'failed') AS failed_actions,
           round(avg(watchdog_duration_ms))::integer AS avg_watchdog_ms,
           min(logged_at) AS first_activity,
           max(logged_at) AS last_activity
    FROM activity
    GROUP BY 1, 2
    ORDER BY 1 DESC, 2;

CREATE VIEW public.v_recurring_issues AS
    SELECT issue_type,
           issue_severity,
           count(*) AS occurrences,
           count(*) FILTER (WHERE decision = 'auto_fix' AND action_result = 'success') AS auto_fixed,
           count(*) FILTER (WHERE decision = 'escalate') AS escalated,
           count(*) FILTER (WHERE decision = 'auto_fix' AND action_result = 'failed') AS failed_fixes,
           min(logged_at) AS first_seen,
           max(logged_at) AS last_seen,
           round(100.0 * count(*) FILTER (WHERE decision = 'auto_fix' AND action_result = 'success')
                 / nullif(count(*) FILTER (WHERE decision = 'auto_fix'), 0), 1) AS auto_fix_success_rate,
           round(avg(fix_duration_ms))::bigint AS avg_fix_ms
    FROM activity
    WHERE issue_type IS NOT NULL AND logged_at > now() - interval '30 days'
    GROUP BY issue_type, issue_severity
    ORDER BY occurrences DESC, issue_type;

CREATE VIEW public.v_recent_escalations AS
    SELECT logged_at, session_id, cycle_id, issue_type, issue_severity, decision_reasoning, action_detail, action_target, metadata, log_id
    FROM activity
    WHERE decision = 'escalate' AND logged_at > now() - interval '7 days'
    ORDER BY logged_at DESC, log_id DESC;

CREATE VIEW public.v_failed_actions AS
    SELECT logged_at, session_id, cycle_id, issue_type, issue_severity, action_type, action_detail, action_target, error_message, metadata, log_id
    FROM activity
    WHERE action_result = 'failed' AND logged_at > now() - interval '7 days'
    ORDER BY logged_at DESC, log_id DESC;

-- The original's rules table, from the rules Doctor last recorded (config/doctor_rules.yaml).
CREATE VIEW public.doctor_claude_rules AS
    SELECT issue_type, description, auto_fix_enabled, fix_command, max_auto_fixes_per_hour, cooldown_minutes, escalation_priority,
           is_active, source, rules_hash, loaded_at
    FROM rules
    ORDER BY issue_type;

COMMENT ON VIEW public.claude_activity_log IS 'Doctor Claude''s observations, decisions and actions, newest first (from doctor.* events).';
GRANT SELECT ON public.claude_activity_log, public.v_claude_activity_summary, public.v_recurring_issues, public.v_recent_escalations,
    public.v_failed_actions, public.doctor_claude_rules TO catalyst_auditor, catalyst_app, catalyst_doctor;
