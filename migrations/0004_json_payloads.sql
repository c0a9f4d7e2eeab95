-- 0004: payload and metadata are stored as `json` (the bytes the writer sent, validated) instead of `jsonb`.
--
-- Why (measured on this machine, docs/performance.md §Reads): a `jsonb` value is parsed into a tree when it is
-- written and printed back into text every time it is read. Every reader of the log (projections, replays,
-- the labeller, archives, the audit chain) wants the text. Over a 300,000-event log, a server-side COPY of
-- the whole ordered log took 1.35 s with `jsonb` and 0.81 s with `json` (0.51 s in binary format), and
-- writing the same rows took 1.9–2.1 s into `jsonb` against 1.1 s into `json`.
--
-- What an auditor sees change:
-- - `payload::text` of an event written before this migration is unchanged, byte for byte (the `json` value
--   is `jsonb`'s own rendering), so every audit-chain link sealed before stays valid.
-- - An event written after it keeps the bytes its writer sent (the ledger writes compact JSON). The chain
--   seals those bytes; `tools/verify_chain.py` and the archives read the same bytes, so they agree.
-- - `->`, `->>`, `#>>` and `json_*` functions work as before. `jsonb`-only operators and functions (`@>`, `?`,
--   `jsonb_path_*`, `jsonb_array_elements`) need a cast: `payload::jsonb @> '{…}'`, or the `json_*` twin.
-- - A payload or metadata value must be one JSON object on one line (no raw line break), so an archive line
--   and a CSV export stay one event per line. The constraints keep their names.
--
-- The rewrite takes the log's lock for as long as it copies the rows (about 1 s per 300,000 events here).

-- Views over the log's payload or metadata (v_event_trace) are set aside and recreated on the new type,
-- with their owner, grants and comment. A view made before migration 0003 reads the table that became the
-- first partition, so views over any partition count too. A view over such a view stops the migration
-- (nothing is dropped by cascade).
CREATE TEMP TABLE saved_log_views ON COMMIT DROP AS
    SELECT DISTINCT v.oid, format('%I.%I', n.nspname, v.relname) AS name, pg_get_viewdef(v.oid) AS definition,
           pg_get_userbyid(v.relowner) AS owner, v.relacl, obj_description(v.oid, 'pg_class') AS comment
    FROM pg_depend d
    JOIN pg_rewrite r ON r.oid = d.objid
    JOIN pg_class v ON v.oid = r.ev_class
    JOIN pg_namespace n ON n.oid = v.relnamespace
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.refobjid IN (SELECT 'public.events'::regclass UNION ALL SELECT inhrelid FROM pg_inherits WHERE inhparent = 'public.events'::regclass)
      AND a.attname IN ('payload', 'metadata') AND v.oid <> d.refobjid;

DO $$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT * FROM saved_log_views LOOP
        EXECUTE format('DROP VIEW %s', v.name);
    END LOOP;
END
$$;

ALTER TABLE events DROP CONSTRAINT events_payload_is_object, DROP CONSTRAINT events_metadata_is_object;
ALTER TABLE events
    ALTER COLUMN payload TYPE json USING payload::json,
    ALTER COLUMN metadata TYPE json USING metadata::json;
ALTER TABLE events ALTER COLUMN payload SET COMPRESSION lz4;
ALTER TABLE events ALTER COLUMN metadata SET COMPRESSION lz4;
-- `payload::text` of a `json` value is the stored text itself (no conversion), so the line check is a scan.
ALTER TABLE events
    ADD CONSTRAINT events_payload_is_object
        CHECK (json_typeof(payload) = 'object' AND strpos(payload::text, E'\n') = 0 AND strpos(payload::text, E'\r') = 0),
    ADD CONSTRAINT events_metadata_is_object
        CHECK (json_typeof(metadata) = 'object' AND strpos(metadata::text, E'\n') = 0 AND strpos(metadata::text, E'\r') = 0);
COMMENT ON COLUMN events.payload IS 'The event''s data: one JSON object on one line, stored as its writer sent it (json, not jsonb; migration 0004).';
COMMENT ON COLUMN events.metadata IS 'Who, why and under which code: one JSON object on one line, stored as its writer sent it.';

DO $$
DECLARE
    v record;
    g record;
BEGIN
    FOR v IN SELECT * FROM saved_log_views LOOP
        EXECUTE format('CREATE VIEW %s AS %s', v.name, v.definition);
        EXECUTE format('ALTER VIEW %s OWNER TO %I', v.name, v.owner);
        IF v.comment IS NOT NULL THEN
            EXECUTE format('COMMENT ON VIEW %s IS %L', v.name, v.comment);
        END IF;
        FOR g IN
            SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee
            FROM aclexplode(v.relacl) a
            WHERE a.grantee <> (SELECT relowner FROM pg_class WHERE oid = v.name::regclass)
        LOOP
            EXECUTE format('GRANT %s ON %s TO %s', g.privilege_type, v.name, g.grantee);
        END LOOP;
    END LOOP;
END
$$;

-- The batch append function, as in 0001, storing the texts as `json`.
CREATE OR REPLACE FUNCTION append_events(
    p_command_id      uuid,
    p_streams         text[],
    p_expected        bigint[],
    p_counts          integer[],
    p_event_ids       uuid[],
    p_stream_ids      text[],
    p_types           text[],
    p_schema_versions integer[],
    p_payloads        text[],
    p_metadata        text[],
    p_occurred        timestamptz[]
) RETURNS TABLE (positions bigint[], stream_versions jsonb, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
    bases     bigint[];
    prior     record;
    out_pos   bigint[];
    out_vers  jsonb;
BEGIN
    IF p_command_id IS NOT NULL THEN
        SELECT * INTO prior FROM claim_command(p_command_id);
        IF FOUND THEN
            RETURN QUERY SELECT prior.positions, prior.stream_versions, true;
            RETURN;
        END IF;
    END IF;

    bases := reserve_stream_versions(p_streams, p_expected, p_counts);

    WITH ev AS (
        SELECT e.*, row_number() OVER (PARTITION BY e.sid ORDER BY e.ord) AS rn
        FROM unnest(p_event_ids, p_stream_ids, p_types, p_schema_versions, p_payloads, p_metadata, p_occurred)
             WITH ORDINALITY AS e(eid, sid, typ, sv, pl, md, occ, ord)
    ), heads AS (
        SELECT h.sid, h.base FROM unnest(p_streams, bases) AS h(sid, base)
    ), ins AS (
        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
        SELECT ev.sid, heads.base + ev.rn, ev.eid, ev.typ, ev.sv, ev.pl::json, ev.md::json, ev.occ
        FROM ev JOIN heads ON heads.sid = ev.sid
        ORDER BY ev.ord
        RETURNING events.global_position, events.event_id
    )
    SELECT array_agg(ins.global_position ORDER BY ev.ord) INTO out_pos
    FROM ins JOIN ev ON ev.eid = ins.event_id;

    SELECT jsonb_object_agg(h.sid, h.base + h.n) INTO out_vers
    FROM unnest(p_streams, bases, p_counts) AS h(sid, base, n);

    IF p_command_id IS NOT NULL THEN
        UPDATE command_log SET positions = out_pos, stream_versions = out_vers WHERE command_id = p_command_id;
    END IF;

    RETURN QUERY SELECT out_pos, out_vers, false;
END
$$;
