"""The peer's side of tools/bench-peers: the Python `eventsourcing` library (pyeventsourcing) at the recorder
level, on PostgreSQL through its own `PostgresDatastore` / `PostgresApplicationRecorder`.

Same workload as `catalyst bench peers` (Sources/CatalystCLI/Bench/BenchPeersCommand.swift): the same
payload bytes, stream layout, batch sizes, page size and writer counts. Stream names are mapped to the
UUID originator ids the library uses by default (uuid5). Each function returns a dict shaped like one JSON
line of our side: {"workload", "events", "seconds", ...}.
"""

import multiprocessing
import random
import statistics
import threading
import time
import uuid

from eventsourcing.persistence import StoredEvent, Tracking
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

# The bytes of BenchEvents.payload and BenchEvents.metadata (Sources/CatalystCLI/Bench/BenchDatabase.swift).
# The peer has no metadata column, so both travel in its `state` (bytea) column: the same bytes per event.
PAYLOAD = (
    b'{"order_id":"ord-000000000001","execution_id":"exe-0000000000000001","symbol":"ACME","side":"buy",'
    b'"qty":"100","price":"12.3400","cumulative_qty":"100","venue":"paper","liquidity":"taker","fee":"0",'
    b'"filled_at":"2026-11-21T14:31:07.123456789Z","pad":"0123456789abcdef"}'
)
METADATA = b'{"actor":"system","correlation_id":"6f1c2d3e-0000-4000-8000-000000000001"}'
STATE = b'{"data":' + PAYLOAD + b',"meta":' + METADATA + b"}"
TOPIC = "order.filled"
NAMESPACE = uuid.UUID("6b1c0a52-4d55-4f4b-9a51-3c1b0c0ffee0")


def stream_uuid(name):
    return uuid.uuid5(NAMESPACE, name)


def datastore(conn, dbname, *, pool_size=1, db_functions=False):
    """A PostgresDatastore on `dbname` of the server described by `conn` (a libpq conninfo dict)."""
    return PostgresDatastore(
        dbname=dbname,
        host=conn.get("host", ""),
        port=conn.get("port", "5432"),
        user=conn.get("user", "postgres"),
        password=conn.get("password", ""),
        pool_size=pool_size,
        enable_db_functions=db_functions,
    )


def recorder(ds, *, create=False):
    r = PostgresApplicationRecorder(ds)
    if create:
        r.create_table()
    return r


class Versions:
    """The next version per stream, as an aggregate keeps it (the peer has no "any version" append)."""

    def __init__(self):
        self.v = {}

    def event(self, name):
        n = self.v.get(name, 0) + 1
        self.v[name] = n
        return StoredEvent(originator_id=stream_uuid(name), originator_version=n, topic=TOPIC, state=STATE)


def result(workload, n, seconds, **extra):
    return {"workload": workload, "events": n, "seconds": seconds, **extra}


# --- appends ---------------------------------------------------------------------------------------


def single(rec, n):
    versions = Versions()
    t = time.perf_counter()
    for i in range(n):
        rec.insert_events([versions.event(f"single-{i % 1000}")])
    return result("single", n, time.perf_counter() - t)


def batches(rec, events, size):
    count = events // size
    t = time.perf_counter()
    for b in range(count):
        sid = stream_uuid(f"batch{size}-{b}")
        rec.insert_events([StoredEvent(sid, v, TOPIC, STATE) for v in range(1, size + 1)])
    return result(f"batch{size}", count * size, time.perf_counter() - t)


def _writer(conn, dbname, db_functions, w, per_writer, barrier):
    rec = recorder(datastore(conn, dbname, db_functions=db_functions))
    versions = Versions()
    barrier.wait()
    for i in range(per_writer):
        rec.insert_events([versions.event(f"writer{w}-{i % 100}")])
    rec.datastore.close()


def writers(conn, dbname, n_writers, per_writer, *, db_functions=False, workload="writers"):
    """One OS process per writer (no GIL between writers), each with its own connection, started together."""
    ds = datastore(conn, dbname, db_functions=db_functions)
    recorder(ds, create=True)
    ds.close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n_writers + 1)
    procs = [ctx.Process(target=_writer, args=(conn, dbname, db_functions, w, per_writer, barrier)) for w in range(n_writers)]
    for p in procs:
        p.start()
    barrier.wait()
    t = time.perf_counter()
    for p in procs:
        p.join()
    seconds = time.perf_counter() - t
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError(f"a {workload} process failed")
    return result(workload, n_writers * per_writer, seconds)


# --- reads and the rebuild ---------------------------------------------------------------------------


def read_all(rec, page):
    """The whole notification log in order, page by page (median of 3 runs)."""
    runs = []
    n = 0
    for _ in range(3):
        t = time.perf_counter()
        last, n = 0, 0
        while True:
            batch = rec.select_notifications(start=last, limit=page, inclusive_of_start=False)
            if not batch:
                break
            n += len(batch)
            last = batch[-1].id
        runs.append(time.perf_counter() - t)
    return result("read", n, statistics.median(runs))


class StreamCountsRecorder(PostgresTrackingRecorder):
    """The same per-stream count fold as ours, written the way the library's projection examples write a
    materialised view: a TrackingRecorder subclass whose view rows and tracking row are written in one
    transaction (exactly-once), with the notification id as the position."""

    def __init__(self, ds):
        super().__init__(ds, tracking_table_name="stream_counts_tracking")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.stream_counts ("
                "stream_id uuid PRIMARY KEY, events bigint NOT NULL, last_notification_id bigint NOT NULL)"
            ).format(Identifier(ds.schema))
        )
        # One statement per page: the page's counts are added to the stored ones.
        self.upsert = SQL(
            "INSERT INTO {0}.stream_counts AS t (stream_id, events, last_notification_id) "
            "SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[]) "
            "ON CONFLICT (stream_id) DO UPDATE SET events = t.events + EXCLUDED.events, "
            "last_notification_id = EXCLUDED.last_notification_id"
        ).format(Identifier(ds.schema))

    def fold(self, counts, tracking):
        ids = list(counts)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.upsert, (ids, [counts[i][0] for i in ids], [counts[i][1] for i in ids]), prepare=True)
            self._insert_tracking(curs, tracking)

    def folded(self):
        with self.datastore.transaction() as curs:
            curs.execute(SQL("SELECT coalesce(sum(events), 0)::bigint AS n FROM {0}.stream_counts").format(Identifier(self.datastore.schema)))
            return curs.fetchone()["n"]


def rebuild(rec, ds, page):
    view = StreamCountsRecorder(ds)
    view.create_table()
    t = time.perf_counter()
    last, n = 0, 0
    while True:
        batch = rec.select_notifications(start=last, limit=page, inclusive_of_start=False)
        if not batch:
            break
        counts = {}
        for e in batch:
            c = counts.get(e.originator_id, (0, 0))
            counts[e.originator_id] = (c[0] + 1, e.id)
        last = batch[-1].id
        view.fold(counts, Tracking(application_name="bench_stream_counts", notification_id=last))
        n += len(batch)
    seconds = time.perf_counter() - t
    return result("rebuild", n, seconds, folded=view.folded())


# --- late commits --------------------------------------------------------------------------------


def _late_writer(conn, dbname, db_functions, hold_ms, w, per_writer, barrier, seed):
    """Appends one event per transaction and keeps the transaction open 0…hold_ms before committing.
    Through the library's own statements: `_insert_stored_events` (LOCK TABLE … EXCLUSIVE, NOTIFY, INSERT)
    in the default mode; the generated `es_insert_events_*` function (NOTIFY, INSERT, no lock) with
    POSTGRES_ENABLE_DB_FUNCTIONS. hold_ms == 0 calls the public `insert_events` unchanged."""
    ds = datastore(conn, dbname, db_functions=db_functions)
    rec = recorder(ds)
    versions = Versions()
    rng = random.Random(seed)
    barrier.wait()
    for i in range(per_writer):
        e = versions.event(f"late-{w}-{i % 10}")
        if hold_ms == 0:
            rec.insert_events([e])
            continue
        with ds.get_connection() as c, c.transaction(), c.cursor() as curs:
            if db_functions:
                pg = [rec.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)]
                curs.execute(rec.sql_invoke_pg_function_insert_events, (pg,), prepare=True)
            else:
                rec._insert_stored_events(curs, [e])
            curs.fetchall()
            time.sleep(rng.uniform(0, hold_ms) / 1000)
    ds.close()


def late_commit(conn, dbname, n_writers, per_writer, hold_ms, *, db_functions, workload):
    """Writers as above while the library's own follower, `recorder.subscribe()` (LISTEN/NOTIFY plus
    polling `notification_id > last`), tails the log. Skipped = committed events it never delivered."""
    ds = datastore(conn, dbname, pool_size=2, db_functions=db_functions)
    rec = recorder(ds, create=True)
    seen, order = set(), {"total": 0, "out_of_order": 0, "last": 0}
    sub = rec.subscribe(gt=None)

    def follow():
        for n in sub:
            order["total"] += 1
            if n.id <= order["last"]:
                order["out_of_order"] += 1
            order["last"] = n.id
            seen.add(n.id)

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n_writers + 1)
    procs = [
        ctx.Process(target=_late_writer, args=(conn, dbname, db_functions, hold_ms, w, per_writer, barrier, w + 1)) for w in range(n_writers)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    t = time.perf_counter()
    for p in procs:
        p.join()
    seconds = time.perf_counter() - t
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError(f"a {workload} writer failed")

    committed = _count(ds)
    last, idle = -1, time.perf_counter()
    while len(seen) < committed:  # a skipped event never arrives: give up after 3 s without progress
        if len(seen) != last:
            last, idle = len(seen), time.perf_counter()
        elif time.perf_counter() - idle > 3:
            break
        time.sleep(0.02)
    time.sleep(0.2)
    sub.stop()
    follower.join(timeout=5)
    ds.close()
    return result(
        workload, committed, seconds, delivered=len(seen), skipped=max(0, committed - len(seen)),
        duplicates=order["total"] - len(seen), out_of_order=order["out_of_order"],
    )


def _count(ds):
    with ds.transaction() as curs:
        curs.execute("SELECT count(*) AS n FROM stored_events")
        return curs.fetchone()["n"]


# --- the whole run -------------------------------------------------------------------------------


def run(conn, databases, sizes, log):
    """Runs every workload; `databases` names the (empty) databases to use; returns the result dicts."""
    out = []

    def record(r):
        out.append(r)
        log(r)

    ds = datastore(conn, databases["main"], pool_size=2)
    rec = recorder(ds, create=True)
    record(single(rec, sizes["single_events"]))
    for size in (100, 1000):
        record(batches(rec, sizes["events"], size))
    record(writers(conn, databases["main"], sizes["writers"], sizes["per_writer"]))
    record(writers(conn, databases["dbfn"], sizes["writers"], sizes["per_writer"], db_functions=True, workload="writers_dbfn"))
    record(read_all(rec, sizes["page"]))
    record(rebuild(rec, ds, sizes["page"]))
    ds.close()

    late = (sizes["late_writers"], sizes["late_per_writer"])
    record(late_commit(conn, databases["late_locked"], *late, sizes["max_hold_ms"], db_functions=False, workload="late_commit"))
    record(late_commit(conn, databases["late_dbfn"], *late, sizes["max_hold_ms"], db_functions=True, workload="late_commit_dbfn"))
    record(late_commit(conn, databases["late_dbfn_nohold"], *late, 0, db_functions=True, workload="late_commit_dbfn_nohold"))
    return out
