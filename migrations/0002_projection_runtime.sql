-- Projection runtime bookkeeping.
--
-- Each projection keeps its tables in its own schema, proj_<name>, together with its checkpoint
-- (proj_<name>._checkpoint), so the read model and the position it reflects always change in the same
-- transaction. A rebuild fills proj_<name>_next and swaps it in within one transaction. This table only
-- records what operators need to see: state, errors and which definition is live.

CREATE TABLE projection_status (
    name              text        PRIMARY KEY,
    state             text        NOT NULL CHECK (state IN ('starting', 'catching_up', 'live', 'rebuilding', 'failed', 'standby', 'stopped')),
    live_checksum     text,
    code_version      integer,
    error             text,
    error_position    bigint,
    error_event_type  text,
    rebuild_requested boolean     NOT NULL DEFAULT false,
    instance          text,
    live_since        timestamptz,
    heartbeat_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);

COMMENT ON TABLE projection_status IS 'One row per projection: its state, live definition checksum and last error.';

GRANT SELECT, INSERT, UPDATE ON projection_status TO catalyst_projector;
GRANT SELECT ON projection_status TO catalyst_app, catalyst_auditor, catalyst_doctor;
GRANT UPDATE (rebuild_requested) ON projection_status TO catalyst_app;
-- Projectors create and swap their own schemas.
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO catalyst_projector', current_database()); END $$;
