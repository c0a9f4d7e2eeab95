-- The event log becomes range-partitioned on global_position, in place.
--
-- Plain DDL rather than pg_partman: the log needs one kind of partition (a fixed run of positions), a guard
-- that refuses DETACH and DROP except after a verified archive, and append-only triggers on every partition.
-- pg_partman would add a background worker and its own tables to do the first and none of the rest.
--
-- In place: the existing table is renamed and attached as the first partition, covering every position it
-- holds and the rest of its block. Its rows are not copied; its range is checked once, by a scan.
--
-- What a partitioned table cannot have, and what replaces it:
-- - UNIQUE (event_id): a unique index must include the partition key. `event_ids` (event_id primary key)
--   is filled by a statement trigger with the rows each INSERT or COPY wrote, so an id is unique across
--   every partition, under concurrency, whatever path appended it. Its constraint keeps the old name.
-- - UNIQUE (stream_id, stream_version): each partition has its own unique index; across partitions the
--   stream head (`streams`, locked by every append) is what hands out versions, as it always was.
-- - an identity column: the position comes from the same sequence, now a plain default owned by the column.
-- - statement triggers on the parent do not fire for a statement aimed at a partition: every partition
--   gets its own UPDATE/DELETE and TRUNCATE refusals when it is created.

LOCK TABLE events IN ACCESS EXCLUSIVE MODE;

-- How many positions each partition holds. Changing it (UPDATE event_partitioning SET partition_size = n)
-- shapes the partitions made from then on; the existing ones keep their ranges.
CREATE TABLE event_partitioning (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    partition_size bigint  NOT NULL CHECK (partition_size >= 1000)
);
INSERT INTO event_partitioning (partition_size) VALUES (1000000);

-- Every partition the log has had. A partition leaves the log only through `catalyst archive export
-- --detach`: the archive of its events is written and verified first (archive_* set), then detached_at
-- is set and the partition detached, in one transaction. The guards below refuse anything else.
CREATE TABLE event_partitions (
    name                text        PRIMARY KEY,
    first_position      bigint      NOT NULL,
    end_position        bigint      NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    archive_file        text,
    archive_sha256      text,
    archived_events     bigint,
    archive_verified_at timestamptz,
    detached_at         timestamptz,
    CHECK (end_position > first_position),
    CHECK ((archive_verified_at IS NULL) = (archive_file IS NULL) AND (archive_file IS NULL) = (archive_sha256 IS NULL)
           AND (archive_sha256 IS NULL) = (archived_events IS NULL)),
    CHECK (detached_at IS NULL OR archive_verified_at IS NOT NULL)
);

CREATE FUNCTION guard_event_partition_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.name = OLD.name AND NEW.first_position = OLD.first_position AND NEW.end_position = OLD.end_position
        AND NEW.created_at = OLD.created_at
        -- the archive is recorded once, and only for a partition whose positions are all written
        AND (OLD.archive_verified_at IS NULL
             OR (NEW.archive_file, NEW.archive_sha256, NEW.archived_events, NEW.archive_verified_at)
                IS NOT DISTINCT FROM (OLD.archive_file, OLD.archive_sha256, OLD.archived_events, OLD.archive_verified_at))
        AND (OLD.detached_at IS NULL OR NEW.detached_at IS NOT DISTINCT FROM OLD.detached_at)
        -- and only by the detach itself, which names the partition for its transaction
        AND ((NEW.archive_verified_at IS NOT DISTINCT FROM OLD.archive_verified_at AND NEW.detached_at IS NOT DISTINCT FROM OLD.detached_at)
             OR current_setting('catalyst.detach_partition', true) = OLD.name)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'CL403',
        MESSAGE = format('%s on event_partitions is refused: a partition''s record only gains its verified archive, then its detach', TG_OP);
END
$$;
CREATE TRIGGER event_partitions_guard BEFORE UPDATE OR DELETE ON event_partitions
    FOR EACH ROW EXECUTE FUNCTION guard_event_partition_record();

-- A partition is registered only by ensure_event_partitions (and this migration), which name themselves.
CREATE FUNCTION guard_event_partition_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('catalyst.ensuring_partitions', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'CL403',
        MESSAGE = 'INSERT on event_partitions is refused: partitions are made by ensure_event_partitions()';
END
$$;
CREATE TRIGGER event_partitions_insert_guard BEFORE INSERT ON event_partitions
    FOR EACH ROW EXECUTE FUNCTION guard_event_partition_insert();
CREATE TRIGGER event_partitions_refuse_truncate BEFORE TRUNCATE ON event_partitions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- 1. The position sequence outlives the identity column.
DO $$
DECLARE
    last bigint;
    called boolean;
BEGIN
    SELECT last_value, is_called INTO last, called FROM events_global_position_seq;
    CREATE SEQUENCE events_position_seq_moving AS bigint;
    PERFORM setval('events_position_seq_moving', last, called);
    ALTER TABLE events ALTER COLUMN global_position DROP IDENTITY;
    ALTER SEQUENCE events_position_seq_moving RENAME TO events_global_position_seq;
END
$$;

-- 2. The table becomes the first partition; its indexes and constraints free their names for the parent.
DO $$
DECLARE
    size  bigint := (SELECT partition_size FROM event_partitioning);
    last  bigint := (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM events_global_position_seq);
    upper bigint;
    first text;
BEGIN
    -- The first partition covers every position written and the rest of its block.
    upper := ((greatest(last, (SELECT coalesce(max(global_position), 0) FROM events)) / size) + 1) * size + 1;
    first := format('events_p%s', lpad('1', 12, '0'));
    EXECUTE format('ALTER TABLE events RENAME TO %I', first);
    EXECUTE format('ALTER INDEX events_pkey RENAME TO %I', first || '_pkey');
    -- Event ids are unique through `event_ids` (below), across partitions; the old index would only
    -- duplicate that work and report a duplicate under another name.
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT events_event_id_key', first);
    EXECUTE format('ALTER INDEX events_stream_version_key RENAME TO %I', first || '_stream_version_key');
    EXECUTE format('ALTER INDEX events_reader_order RENAME TO %I', first || '_reader_order');
    EXECUTE format('ALTER INDEX events_recorded_at RENAME TO %I', first || '_recorded_at');
    -- The range, checked once here, lets ATTACH skip its own scan.
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (global_position IS NOT NULL AND global_position < %s)',
        first, first || '_range', upper);
    PERFORM set_config('catalyst.first_partition', first, true);
    PERFORM set_config('catalyst.first_partition_end', upper::text, true);
END
$$;

-- 3. The partitioned log.
CREATE TABLE events (
    global_position bigint      NOT NULL DEFAULT nextval('events_global_position_seq'),
    tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL,
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT events_pkey PRIMARY KEY (global_position),
    CONSTRAINT events_stream_version_positive CHECK (stream_version >= 1),
    CONSTRAINT events_stream_id_shape CHECK (length(stream_id) BETWEEN 1 AND 200),
    CONSTRAINT events_event_type_shape CHECK (length(event_type) BETWEEN 1 AND 200),
    CONSTRAINT events_schema_version_positive CHECK (schema_version >= 1),
    CONSTRAINT events_payload_is_object CHECK (jsonb_typeof(payload) = 'object'),
    CONSTRAINT events_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object')
) PARTITION BY RANGE (global_position);
ALTER TABLE events ALTER COLUMN payload SET COMPRESSION lz4;
ALTER TABLE events ALTER COLUMN metadata SET COMPRESSION lz4;
ALTER SEQUENCE events_global_position_seq OWNED BY events.global_position;
CREATE INDEX events_reader_order ON events (tx_id, global_position);
CREATE INDEX events_recorded_at ON events USING brin (recorded_at);

COMMENT ON TABLE events IS 'Append-only event log, range-partitioned on global_position. UPDATE, DELETE and TRUNCATE are refused by triggers on the log and on every partition.';
COMMENT ON COLUMN events.tx_id IS 'Writing transaction; readers only take rows with tx_id below the oldest in-flight transaction.';
COMMENT ON COLUMN events.stream_version IS '1-based position of the event within its stream.';

CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- Event ids, unique across every partition.
CREATE TABLE event_ids (
    event_id        uuid   NOT NULL,
    global_position bigint NOT NULL,
    CONSTRAINT events_event_id_key PRIMARY KEY (event_id)
);
COMMENT ON TABLE event_ids IS 'Every event id with its position: uniqueness of event_id across the partitions of events.';
CREATE TRIGGER event_ids_refuse_update_delete BEFORE UPDATE OR DELETE ON event_ids
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER event_ids_refuse_truncate BEFORE TRUNCATE ON event_ids
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
INSERT INTO event_ids (event_id, global_position)
    SELECT event_id, global_position FROM events_p000000000001;

-- SECURITY DEFINER: the application appends events; only this trigger writes ids.
CREATE FUNCTION record_event_ids() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO event_ids (event_id, global_position) SELECT event_id, global_position FROM written;
    RETURN NULL;
END
$$;
CREATE TRIGGER events_record_ids AFTER INSERT ON events REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION record_event_ids();

-- 4. The old table joins as the first partition (its indexes become the partitions of the parent's).
DO $$
DECLARE
    first text := current_setting('catalyst.first_partition');
    upper bigint := current_setting('catalyst.first_partition_end')::bigint;
BEGIN
    PERFORM set_config('catalyst.ensuring_partitions', 'on', true);
    INSERT INTO event_partitions (name, first_position, end_position) VALUES (first, 1, upper);
    PERFORM set_config('catalyst.ensuring_partitions', 'off', true);
    EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%s)', first, upper);
    -- Its old statement triggers (named as the parent's) stay: they refuse changes aimed at the partition.
    -- Its old grants go: an insert aimed at a partition would bypass the log's id trigger and its locks.
    EXECUTE format('REVOKE ALL ON %I FROM PUBLIC, catalyst_app, catalyst_projector, catalyst_auditor, catalyst_doctor', first);
END
$$;

-- A default partition that takes no row: a position without a partition fails on its constraint (a name,
-- not a translated message), and DETACH PARTITION CONCURRENTLY (whose first half commits before any
-- guard can refuse it) is impossible while a default partition exists.
CREATE TABLE events_default (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION);
ALTER TABLE events_default ADD CONSTRAINT events_no_partition CHECK (false);
CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events_default
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events_default
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
REVOKE ALL ON events_default FROM PUBLIC;
ALTER TABLE events ATTACH PARTITION events_default DEFAULT;

-- Creates partitions so that every position up to `p_through` (default: the next one the sequence hands
-- out), and one partition beyond, has a partition to go to. Each is built apart, with its unique stream
-- index, its range and its refusals, then attached (which does not block appends). Serialised by an
-- advisory lock. The owner's alone (an archive import asks for the positions it holds); the application
-- calls `ensure_event_partitions()`, which makes only the next ones (an append that finds no partition
-- calls it and retries).
CREATE FUNCTION make_event_partitions(p_through bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    size    bigint;
    top     bigint;
    through bigint;
    lo      bigint;
    hi      bigint;
    name    text;
    made    integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('catalyst:event-partitions'));
    SELECT partition_size INTO size FROM event_partitioning;
    SELECT max(end_position) INTO top FROM event_partitions;
    through := greatest(
        coalesce(p_through, 0),
        (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM events_global_position_seq));
    IF (through + size - top) / size > 10000 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('%s would need more than 10000 new partitions of %s positions: refused', through, size);
    END IF;
    WHILE top <= through + size LOOP
        lo := top;
        hi := top + size;
        name := format('events_p%s', lpad(lo::text, 12, '0'));
        EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)', name);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (global_position >= %s AND global_position < %s)', name, name || '_range', lo, hi);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I UNIQUE (stream_id, stream_version)', name, name || '_stream_version_key');
        EXECUTE format('CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()', name);
        EXECUTE format('CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()', name);
        EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', name);
        PERFORM set_config('catalyst.ensuring_partitions', 'on', true);
        INSERT INTO event_partitions (name, first_position, end_position) VALUES (name, lo, hi);
        PERFORM set_config('catalyst.ensuring_partitions', 'off', true);
        EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', name, lo, hi);
        top := hi;
        made := made + 1;
    END LOOP;
    RETURN made;
END
$$;
CREATE FUNCTION ensure_event_partitions() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$ SELECT make_event_partitions(NULL) $$;
SELECT ensure_event_partitions();

-- The partition guard, for every role including the owner (a superuser can still disable an event
-- trigger: that is PostgreSQL's limit, and docs/architecture.md says so):
-- - at the end of every ALTER TABLE or CREATE TABLE: a registered partition that is not yet archived and
--   detached must still be attached, and every partition of the log must be registered;
-- - on every DROP: the log itself, and a partition that was not archived and detached, are refused.
CREATE FUNCTION guard_event_partitions() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    log regclass := to_regclass('public.events');
    r   record;
BEGIN
    IF to_regclass('public.event_partitions') IS NULL THEN
        RETURN;
    END IF;
    IF log IS NULL OR (SELECT relkind FROM pg_class WHERE oid = log) <> 'p' THEN
        RAISE EXCEPTION USING ERRCODE = 'CL403', MESSAGE = 'the event log (public.events) was renamed or replaced: refused';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = log AND i.inhrelid = to_regclass('public.events_default') AND NOT i.inhdetachpending) THEN
        RAISE EXCEPTION USING ERRCODE = 'CL403', MESSAGE = 'events_default is the log''s default partition: taking it out is refused';
    END IF;
    FOR r IN
        SELECT p.name FROM event_partitions p
        WHERE p.detached_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = log AND i.inhrelid = to_regclass('public.' || quote_ident(p.name)) AND NOT i.inhdetachpending)
    LOOP
        RAISE EXCEPTION USING
            ERRCODE = 'CL403',
            MESSAGE = format('%s is a partition of the event log: taking it out is refused', r.name),
            HINT = 'catalyst archive export --detach archives a partition, verifies the archive and then detaches it';
    END LOOP;
    FOR r IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = log AND c.relname <> 'events_default' AND NOT EXISTS (SELECT 1 FROM event_partitions p WHERE p.name = c.relname)
    LOOP
        RAISE EXCEPTION USING
            ERRCODE = 'CL403',
            MESSAGE = format('%s cannot join the event log: partitions are created by ensure_event_partitions()', r.relname);
    END LOOP;
END
$$;

CREATE FUNCTION guard_event_partition_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() WHERE object_type = 'table' AND schema_name = 'public' LOOP
        IF r.object_name IN ('events', 'event_ids', 'event_partitions', 'events_default') THEN
            RAISE EXCEPTION USING ERRCODE = 'CL403', MESSAGE = format('dropping %s is refused: the event log is append-only', r.object_name);
        END IF;
        IF to_regclass('public.event_partitions') IS NOT NULL
            AND EXISTS (SELECT 1 FROM event_partitions p WHERE p.name = r.object_name AND p.detached_at IS NULL) THEN
            RAISE EXCEPTION USING
                ERRCODE = 'CL403',
                MESSAGE = format('dropping %s is refused: it is a partition of the event log', r.object_name),
                HINT = 'catalyst archive export --detach archives a partition, verifies the archive and then detaches it';
        END IF;
    END LOOP;
END
$$;

-- Event triggers need a superuser. Without one (a managed server whose owner is not), the guard is left
-- out and recorded: Doctor reports it.
CREATE TABLE event_partition_guard (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    installed  boolean NOT NULL,
    note       text
);
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        CREATE EVENT TRIGGER event_partitions_ddl ON ddl_command_end WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE')
            EXECUTE FUNCTION guard_event_partitions();
        CREATE EVENT TRIGGER event_partitions_drop ON sql_drop EXECUTE FUNCTION guard_event_partition_drop();
        INSERT INTO event_partition_guard (installed) VALUES (true);
    ELSE
        INSERT INTO event_partition_guard (installed, note)
            VALUES (false, format('the migration ran as %s, not a superuser: DETACH and DROP of partitions are not guarded', current_user));
    END IF;
END
$$;

-- Privileges: as before on the log; the application records ids and may add partitions, nothing more.
REVOKE ALL ON events, event_ids, event_partitions, event_partitioning, event_partition_guard FROM PUBLIC;
GRANT SELECT, INSERT ON events TO catalyst_app;
GRANT SELECT ON event_ids TO catalyst_app;
GRANT SELECT ON events, event_ids, event_partitions, event_partitioning, event_partition_guard TO catalyst_projector, catalyst_auditor;
GRANT SELECT ON event_partitions, event_partition_guard TO catalyst_app, catalyst_doctor;
GRANT USAGE ON SEQUENCE events_global_position_seq TO catalyst_app;
REVOKE ALL ON FUNCTION make_event_partitions(bigint), ensure_event_partitions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_event_partitions() TO catalyst_app;
