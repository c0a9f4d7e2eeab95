-- The auditor's export for tools/verify_chain.py: every sealed event with its seal, in audit sequence order,
-- as CSV with a header. Streams with COPY (no memory limit), and needs only SELECT (catalyst_auditor):
--
--   psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f tools/audit_chain_export.sql > chain.csv
--   python3 tools/verify_chain.py chain.csv
--
-- Timestamps are printed in the canonical form (UTC, six fractional digits, 'T' and 'Z'); payload and
-- metadata as stored (payload::text: the writer's bytes; jsonb's rendering for events written before
-- migration 0004). The LEFT JOIN keeps sealed rows whose event is gone, so the checker can report them.
COPY (
    SELECT a.seq, a.hash, a.global_position, e.tx_id, e.stream_id, e.stream_version, e.event_id, e.event_type, e.schema_version,
           to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
           to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at,
           e.payload::text AS payload, e.metadata::text AS metadata
    FROM audit_chain a LEFT JOIN events e ON e.global_position = a.global_position
    ORDER BY a.seq
) TO STDOUT WITH (FORMAT csv, HEADER);
