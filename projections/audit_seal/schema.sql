-- The audit seal: a dense, gapless sequence over the log in reader order, and a SHA-256 chain over each
-- event's canonical bytes (see docs/auditors.md). Insert-only.
CREATE TABLE audit_chain (
    seq             bigint      PRIMARY KEY,
    global_position bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    stream_id       text        NOT NULL,
    hash            text        NOT NULL,
    sealed_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
