import CatalystTestKit
import EventStore
import Foundation
import PostgresClient
import Testing

/// The log partitioned on global_position (migration 0003): appends cross partitions (making the next
/// ones as they go), readers see one log, ids stay unique across partitions, no role changes history on a
/// partition or takes one out, except `PartitionDetach` after a verified archive, which leaves the
/// continuous read of archive plus table exactly as it was.
@Suite struct PartitionedLogTests {
    /// Partitions of 1,000 positions from position 2,000,001 on (the migration's first two cover 1 … 2,000,000).
    static func smallPartitions(_ db: TestDatabase) async throws {
        try await db.session().withConnection { c -> Void in
            try c.execute("UPDATE event_partitioning SET partition_size = 1000")
            try c.execute("SELECT setval('events_global_position_seq', 2000000)")
        }
    }

    static func partitionsHoldingRows(_ db: TestDatabase) async throws -> [String: Int] {
        let r = try await rows(db, "SELECT tableoid::regclass::text, count(*) FROM events GROUP BY 1")
        return Dictionary(uniqueKeysWithValues: r.map { ($0[0], Int($0[1])!) })
    }

    @Test func appendsCrossPartitionsAndReadersSeeOneLogInReaderOrder() async throws {
        let db = try await TestDatabase.create()
        try await Self.smallPartitions(db)
        for tag in ["-a", "-b", "-c", "-d", "-e"] { try await seedLog(db, tag: tag) }
        try await waitUntilReadable(db)
        let holding = try await Self.partitionsHoldingRows(db)
        #expect(holding.count >= 3, "the log spans partitions: \(holding)")

        let store = db.eventStore()
        let all = try await readWholeTable(store)
        let total = try await rows(db, "SELECT count(*), (SELECT count(*) FROM event_ids) FROM events")[0]
        #expect(all.count == Int(total[0]) && total[0] == total[1], "every event once, and each id recorded once")
        #expect(Set(all.map(\.eventID)).count == all.count)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.cursor < $1.cursor }, "reader order across partitions")
        // A catch-up read from a cursor in the middle gives exactly the rest.
        let middle = all[all.count / 2].cursor
        var rest: [RecordedEvent] = []
        var cursor = middle
        while true {
            let page = try await store.readAll(after: cursor, limit: 97)
            guard let last = page.last else { break }
            rest += page
            cursor = last.cursor
        }
        #expect(rest == Array(all[(all.count / 2 + 1)...]))
    }

    @Test func anEventIDIsUniqueAcrossPartitions() async throws {
        let db = try await TestDatabase.create()
        try await Self.smallPartitions(db)
        let store = db.eventStore()
        let first = newEvent(stream: "early", i: 1)
        let early = try await store.append(to: "early", expected: .noStream, events: [first])
        for tag in ["-a", "-b", "-c"] { try await seedLog(db, tag: tag) }
        let partitions = try await rows(db, "SELECT tableoid::regclass::text, global_position FROM events WHERE event_id = '\(first.eventID.uuidString.lowercased())'")
        let head = try await rows(db, "SELECT tableoid::regclass::text FROM events ORDER BY global_position DESC LIMIT 1")
        #expect(partitions[0][0] != head[0][0], "the early event sits in an older partition than the head")

        // The same id with other content, in another stream, now lands in a later partition: refused.
        var reused = newEvent(stream: "late", i: 99)
        reused.eventID = first.eventID
        await #expect(throws: EventStoreError.eventIDReused(first.eventID)) { _ = try await store.append(to: "late", expected: .any, events: [reused]) }
        // The identical event sent again is the first append's receipt.
        let again = try await store.append(to: "early", expected: .noStream, events: [first])
        #expect(again == .alreadyAppended(try #require(early.receipt)))
        // Even through plain SQL, as the owner, into the newest partition.
        let direct = try await rows(
            db,
            """
            SELECT count(*) FROM events WHERE event_id = '\(first.eventID.uuidString.lowercased())'
            """)
        #expect(direct[0][0] == "1")
        await #expect(throws: PGError.self) {
            try await db.session().withConnection { c -> Void in
                try c.execute(
                    """
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
                    VALUES ('sql', 1, '\(first.eventID.uuidString.lowercased())', 't', 1, '{}', '{}', now())
                    """)
            }
        }
    }

    @Test func noRoleChangesHistoryOnAPartitionOrTakesOneOut() async throws {
        let db = try await TestDatabase.create()
        try await Self.smallPartitions(db)
        try await seedLog(db, tag: "-a")
        let partition = try #require(try await rows(db, "SELECT tableoid::regclass::text FROM events LIMIT 1").first?[0])
        let attempts = [
            "UPDATE \(partition) SET event_type = 'x'", "DELETE FROM \(partition)", "TRUNCATE \(partition)",
            "UPDATE events SET event_type = 'x'", "DELETE FROM events", "TRUNCATE events",
            "ALTER TABLE events DETACH PARTITION \(partition)", "DROP TABLE \(partition)", "DROP TABLE events", "DROP TABLE event_ids",
            "DELETE FROM event_ids", "UPDATE event_partitions SET detached_at = now(), archive_verified_at = now()", "DELETE FROM event_partitions",
            "CREATE TABLE rogue PARTITION OF events FOR VALUES FROM (9000000000) TO (9000001000)",
            "INSERT INTO event_partitions (name, first_position, end_position) VALUES ('rogue2', 9000000000, 9000001000)",
            "ALTER TABLE events RENAME TO old_events", "ALTER TABLE events DETACH PARTITION events_default", "DROP TABLE events_default",
            "ALTER TABLE events DETACH PARTITION \(partition) CONCURRENTLY",
        ]
        // The tests connect as the cluster's superuser: the owner of everything.
        for sql in attempts {
            do {
                try await db.session().withConnection { c -> Void in try c.execute(sql) }
                Issue.record("accepted: \(sql)")
            } catch let error as PGError {
                // DETACH … CONCURRENTLY is refused by PostgreSQL itself while the log has a default partition.
                #expect(error.sqlState == "CL403" || (sql.hasSuffix("CONCURRENTLY") && error.sqlState == "55000"), "\(sql): \(error)")
            }
        }
        #expect(try await rows(db, "SELECT count(*) FROM events WHERE event_type = 'x'")[0][0] == "0")
        // Even the owner cannot ask for an absurd number of partitions by mistake.
        do {
            try await db.session().withConnection { c -> Void in try c.execute("SELECT make_event_partitions(9000000000000)") }
            Issue.record("made partitions up to 9e12")
        } catch let error as PGError {
            #expect(error.sqlState == "22023", "\(error)")
        }
        // The application's role cannot go around the log: no write to a partition or to the ids.
        for sql in [
            "INSERT INTO \(partition) (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at) VALUES ('x', 1, gen_random_uuid(), 't', 1, '{}', '{}', now())",
            "INSERT INTO event_ids VALUES (gen_random_uuid(), 1)", "SELECT make_event_partitions(9000000000000)",
        ] {
            do {
                try await db.session(role: "catalyst_app").withConnection { c -> Void in try c.execute(sql) }
                Issue.record("accepted as catalyst_app: \(sql)")
            } catch let error as PGError {
                #expect(error.sqlState == "42501", "\(sql): \(error)")
            }
        }
    }

    @Test func aVerifiedArchiveDetachesOldPartitionsAndTheContinuousReadStaysTheSame() async throws {
        let db = try await TestDatabase.create()
        try await Self.smallPartitions(db)
        for tag in ["-a", "-b", "-c", "-d"] { try await seedLog(db, tag: tag) }
        try await seal(db)
        let dir = temporaryDirectory("detach")
        let manifest = try await export(db, to: dir, perSegment: 500).manifest
        for tag in ["-later1", "-later2"] { try await seedLog(db, writers: 2, appendsPerWriter: 10, tag: tag) }
        try await waitUntilReadable(db)

        let store = db.eventStore()
        let before = try await readWholeTable(store)
        var combinedBefore: [RecordedEvent] = []
        for try await e in try await ContinuousLog.open(archives: [dir], store: store, pageSize: 101) { combinedBefore.append(e) }
        let liveCursor = before[before.count - 40].cursor
        let tailBefore = try await store.readAll(after: liveCursor, limit: 1_000)

        let report = try await db.session().withConnection { c in try PartitionDetach.run(archives: [dir], on: c) }
        #expect(report.detached.count >= 3, "\(report)")
        #expect(report.kept.values.contains { $0.contains("after the archive's last event") }, "\(report)")
        let boundary = try #require(manifest.lastCursor.logCursor)
        let remaining = try await rows(db, "SELECT min(global_position) FROM events")
        #expect(Int64(remaining[0][0])! < boundary.position + 1 && Int64(remaining[0][0])! > 2_000_000)

        // The archive plus what is left of the table reads exactly as archive plus whole table did.
        var combinedAfter: [RecordedEvent] = []
        for try await e in try await ContinuousLog.open(archives: [dir], store: store, pageSize: 101) { combinedAfter.append(e) }
        #expect(combinedAfter == combinedBefore)
        #expect(try await store.readAll(after: liveCursor, limit: 1_000) == tailBefore, "a live cursor reads on as before")

        // The audit chain still verifies: it carries on across the detached positions from their seals.
        guard case .ok = try await verifyChain(db) else {
            Issue.record("audit verify after a detach: \(try await verifyChain(db))")
            return
        }
        // Detached: recorded with its archive, out of the log, and now the operator's to drop.
        let detached = report.detached[report.detached.count - 1]
        let record = try await rows(db, "SELECT archived_events, archive_sha256 IS NOT NULL, detached_at IS NOT NULL FROM event_partitions WHERE name = '\(detached)'")
        #expect(record[0][1] == "t" && record[0][2] == "t" && Int(record[0][0])! > 0)
        try await db.session().withConnection { c -> Void in try c.execute("DROP TABLE \(detached)") }
        // An archived event's id stays taken, and appends go on.
        var reused = newEvent(stream: "after-detach", i: 1)
        reused.eventID = combinedBefore[5].eventID
        await #expect(throws: EventStoreError.self) { _ = try await store.append(to: "after-detach", expected: .any, events: [reused]) }
        _ = try await store.append(to: "after-detach", expected: .any, events: [newEvent(stream: "after-detach", i: 2)])

        // Nothing more to take: a second run detaches nothing.
        let second = try await db.session().withConnection { c in try PartitionDetach.run(archives: [dir], on: c) }
        #expect(second.detached.isEmpty)
    }
}
