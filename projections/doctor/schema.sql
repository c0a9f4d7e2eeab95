-- doctor: Doctor Claude's activity log, folded from the doctor-<session> streams. One row per watchdog
-- run, decision and action (log_id = the event's global position); an action's result fills in the
-- action's row (action_result, error_message, fix_duration_ms, verified), as the original table did.
CREATE TABLE activity (
    log_id               bigint      PRIMARY KEY,
    record_id            text        NOT NULL UNIQUE,
    logged_at            timestamptz NOT NULL,
    session_id           text        NOT NULL,   -- claude-YYYYMMDD
    cycle_id             text,
    observation_type     text,                   -- watchdog_run, manual_check, alert_triggered, startup, shutdown
    observation_summary  jsonb,
    issues_found         integer,
    critical_count       integer,
    warning_count        integer,
    decision             text,                   -- auto_fix, escalate, monitor, no_action, defer
    decision_reasoning   text,
    action_type          text,                   -- command, escalation, alert_sent, api_call …
    action_detail        text,                   -- the named command (never SQL)
    action_target        text,
    action_result        text,                   -- success, failed, skipped, pending
    error_message        text,
    issue_type           text,
    issue_severity       text,                   -- CRITICAL, WARNING, INFO
    fix_duration_ms      bigint,
    watchdog_duration_ms integer,
    verified             boolean,
    metadata             jsonb
);
-- The rules in force: replaced by each doctor.rules_loaded (the latest recorded version).
CREATE TABLE rules (
    issue_type              text        PRIMARY KEY,
    description             text,
    auto_fix_enabled        boolean     NOT NULL,
    fix_command             text,                 -- a named command, never SQL
    max_auto_fixes_per_hour integer     NOT NULL,
    cooldown_minutes        integer     NOT NULL,
    escalation_priority     text,                 -- CRITICAL, HIGH, NORMAL, LOW
    is_active               boolean     NOT NULL,
    source                  text        NOT NULL,
    rules_hash              text        NOT NULL,
    loaded_at               timestamptz NOT NULL,
    log_id                  bigint      NOT NULL
);

