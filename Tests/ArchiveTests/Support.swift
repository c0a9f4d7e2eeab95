import CatalystApp
import CatalystTestKit
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections
import Testing

/// Payloads that exercise every escaping path: quotes, backslashes, JSON escapes, non-ASCII text,
/// numbers whose text jsonb keeps (`1.50`), nesting.
func trickyPayload(_ i: Int) -> String {
    #"{"qty":"\#(i)","price":1.50,"note":"quote \" back \\ tab\t nl\n ünï €","nested":{"a":[1,2,{"b":null}]},"n":\#(i * 7)}"#
}

func newEvent(stream: String, i: Int, type: String = "test.happened") -> NewEvent {
    NewEvent(
        eventID: UUID(), streamID: stream, eventType: type, schemaVersion: 1 + i % 2, payload: Data(trickyPayload(i).utf8),
        metadata: Data(#"{"actor":"system","correlation_id":"\#(UUID().uuidString.lowercased())"}"#.utf8),
        occurredAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(i) + 0.123456))
}

/// A log shaped like production: concurrent writers (interleaved transactions), batches of 1–4 events,
/// streams with awkward names, and one large batch that goes through the COPY append path.
func seedLog(_ db: TestDatabase, writers: Int = 4, appendsPerWriter: Int = 30, tag: String = "") async throws {
    let store = db.eventStore(connections: writers)
    let streams = ["plain", #"quote"and\back"#, "tab\there", "ünïcødé-€"]
    try await withThrowingTaskGroup(of: Void.self) { g in
        for w in 0..<writers {
            g.addTask {
                for i in 0..<appendsPerWriter {
                    let stream = "\(streams[(w + i) % streams.count])\(tag)-\(w)-\(i % 3)"
                    let events = (0..<(1 + (i + w) % 4)).map { newEvent(stream: stream, i: i * 10 + $0) }
                    _ = try await store.append(to: stream, expected: .any, events: events)
                }
            }
        }
        try await g.waitForAll()
    }
    let big = "big\(tag)"
    _ = try await store.append(to: big, expected: .any, events: (0..<300).map { newEvent(stream: big, i: $0, type: "test.bulk") })
    try await appendInversion(db, store: store, tag: tag)
}

/// Makes reader order differ from position order for sure: transaction A takes its id first, B then
/// appends and commits, and only then does A append (a later position, but an earlier tx id). Reader order
/// is A's event, then B's. A restore that put everything in one transaction would read B first.
func appendInversion(_ db: TestDatabase, store: PostgresEventStore, tag: String) async throws {
    let a = db.session()
    try await a.withConnection { c -> Void in
        try c.execute("BEGIN")
        try c.execute("SELECT pg_current_xact_id()")
    }
    let b = "inversion-b\(tag)"
    _ = try await store.append(to: b, expected: .noStream, events: [newEvent(stream: b, i: 1)])
    let e = newEvent(stream: "inversion-a\(tag)", i: 2)
    try await a.withConnection { c -> Void in
        try c.query(
            """
            SELECT * FROM append_events(NULL, ARRAY[$1], ARRAY[0]::bigint[], ARRAY[1], ARRAY[$2]::uuid[], ARRAY[$1], ARRAY[$3],
                                        ARRAY[1], ARRAY[$4], ARRAY[$5], ARRAY[$6]::timestamptz[])
            """,
            [e.streamID, e.eventID, e.eventType, String(decoding: e.payload, as: UTF8.self), String(decoding: e.metadata, as: UTF8.self), e.occurredAt])
        try c.execute("COMMIT")
    }
    await a.close()
}

/// Seals the whole log (rebuilding the audit seal from the start). Waits first until every event is
/// readable: the tests share one cluster, and any test's open writing transaction (a CREATE DATABASE,
/// say) holds the cluster-wide reader horizon back for a moment.
func seal(_ db: TestDatabase) async throws {
    try await waitUntilReadable(db)
    let p = AuditSealProjection()
    let def = try ProjectionDefinition.load(p, from: TestCluster.repositoryRoot.appendingPathComponent("projections"))
    try await ProjectorEngine(projection: p, definition: def, conninfo: db.conninfo, waker: nil, logger: Logger(label: "test")).rebuildNow()
}

func waitUntilReadable(_ db: TestDatabase) async throws {
    let store = db.eventStore(connections: 1)
    let deadline = ContinuousClock.now + .seconds(60)
    while try await store.head().invisibleEvents > 0 {
        guard ContinuousClock.now < deadline else { throw ArchiveError.refused("events stayed invisible to readers for 60 s") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Gives a database cloned from the test template its own store id, as a freshly migrated database has.
func giveOwnIdentity(_ db: TestDatabase) async throws {
    try await db.session().withConnection { c -> Void in
        try c.execute("ALTER TABLE event_store_identity DISABLE TRIGGER event_store_identity_refuse")
        try c.execute("UPDATE event_store_identity SET store_id = gen_random_uuid()")
        try c.execute("ALTER TABLE event_store_identity ENABLE TRIGGER event_store_identity_refuse")
    }
}

func verifyChain(_ db: TestDatabase) async throws -> AuditVerifier.Outcome {
    try await db.session().withConnection { c in try AuditVerifier().verify(on: c) }
}

func export(_ db: TestDatabase, to dir: URL, before: String = nyDate(daysFromNow: 2), perSegment: Int = 100_000, after: URL? = nil) async throws
    -> ArchiveExporter.Report
{
    let options = ArchiveExporter.Options(before: before, directory: dir, eventsPerSegment: perSegment, previous: after)
    return try await db.session().withConnection { c in try ArchiveExporter.export(options, on: c) }
}

/// The whole table in reader order, every column as the text PostgreSQL prints (timestamps in UTC with
/// microseconds), without `tx_id` (which a restore changes by design).
func tableRows(_ db: TestDatabase) async throws -> [[String]] {
    try await db.session().withConnection { c in
        let r = try c.query(
            """
            SELECT global_position::text, stream_id, stream_version::text, event_id::text, event_type, schema_version::text,
                   payload::text, metadata::text, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
                   to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')
            FROM events ORDER BY tx_id, global_position
            """)
        return (0..<r.rowCount).map { row in (0..<r.columnCount).map { r.string(row, $0) ?? "NULL" } }
    }
}

func rows(_ db: TestDatabase, _ sql: String) async throws -> [[String]] {
    try await db.session().withConnection { c in
        let r = try c.query(sql)
        return (0..<r.rowCount).map { row in (0..<r.columnCount).map { r.string(row, $0) ?? "NULL" } }
    }
}

func readWholeTable(_ store: PostgresEventStore) async throws -> [RecordedEvent] {
    var out: [RecordedEvent] = []
    var cursor = LogCursor.start
    while true {
        let b = try await store.readAll(after: cursor, limit: 997)
        guard let last = b.last else { return out }
        out += b
        cursor = last.cursor
    }
}

/// Changes one event's payload as a superuser would, bypassing the immutability trigger.
func tamper(_ db: TestDatabase, position: Int64) async throws {
    try await db.session().withConnection { c -> Void in
        try c.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
        try c.query("UPDATE events SET payload = jsonb_set(payload::jsonb, '{qty}', '\"999\"') WHERE global_position = $1", [position])
        try c.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
    }
}

/// A fresh path under this process's scratch folder, which is deleted when the test process exits.
func temporaryDirectory(_ label: String = "archive") -> URL {
    _ = scratchRoot
    return scratchRoot.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
}

let scratchRoot: URL = {
    // Folders left by crashed runs (their process is gone) are removed first.
    let prefix = "catalyst-archive-tests-"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix(prefix) {
        if let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0 {
            try? FileManager.default.removeItem(atPath: "/tmp/" + name)
        }
    }
    let root = URL(fileURLWithPath: "/tmp/catalyst-archive-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    atexit { _ = system("rm -rf /tmp/catalyst-archive-tests-\(getpid())") }
    return root
}()

/// Today's New York date plus `days`, as `YYYY-MM-DD`.
func nyDate(daysFromNow days: Int) -> String {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(identifier: "America/New_York")!
    let d = cal.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(Double(days) * 86_400))
    return String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
}

var projectFiles: ProjectFiles { ProjectFiles(root: TestCluster.repositoryRoot) }

extension ArchiveVerifier.Outcome {
    var error: ArchiveError? { if case .broken(let e) = self { e } else { nil } }
    var verified: ArchiveVerifier.Verified? { if case .ok(let v) = self { v } else { nil } }
}
