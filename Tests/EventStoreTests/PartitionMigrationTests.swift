import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

/// Migration 0003 turns an existing, unpartitioned log into the partitioned one in place: the same table
/// (the same file on disk) becomes the first partition, every event reads back exactly as before, and
/// appends carry on from the next position.
@Suite struct PartitionMigrationTests {
    @Test func anExistingLogBecomesTheFirstPartitionWithoutBeingCopied() async throws {
        let db = try await TestDatabase.create(migrated: false)
        let all = try Migrator(directory: TestCluster.migrationsDirectory)
        let unpartitioned = Migrator(migrations: all.migrations.filter { $0.name < "0003" })
        #expect(unpartitioned.migrations.count == 2 && all.migrations.contains { $0.name == "0003_partitioned_log.sql" })
        let session = db.session()
        _ = try await session.withConnection { c in try unpartitioned.apply(on: c) }

        let store = db.eventStore()
        var written: [UUID] = []
        for i in 0..<40 {
            let events = (0..<(1 + i % 3)).map { j in Self.event("s\(i % 7)", i * 10 + j) }
            written += events.map(\.eventID)
            _ = try await store.append(to: "s\(i % 7)", expected: .any, events: events)
        }
        _ = try await store.append(to: "bulk", expected: .any, events: (0..<100).map { Self.event("bulk", 10_000 + $0) })  // the COPY path
        let before = try await store.wholeLog()
        let file = try await session.withConnection { c in try c.query("SELECT pg_relation_filenode('events')").int64(0, 0) }

        let through0003 = Migrator(migrations: all.migrations.filter { $0.name < "0004" })
        let applied = try await session.withConnection { c in try through0003.apply(on: c) }
        #expect(applied == ["0003_partitioned_log.sql"])
        let after = try await store.wholeLog()
        #expect(after == before, "every event, its position, transaction id and bytes, as before")
        let facts = try await session.withConnection { c in
            try c.query(
                """
                SELECT (SELECT relkind::text FROM pg_class WHERE relname = 'events'),
                       pg_relation_filenode('events_p000000000001'),
                       (SELECT count(*) FROM events_p000000000001), (SELECT count(*) FROM event_ids)
                """
            ).dictionaries()[0]
        }
        #expect(facts["relkind"] == "p")
        #expect(facts["pg_relation_filenode"].flatMap { Int64($0) } == file, "the old table's file is the first partition's: nothing was copied")
        #expect(facts["count"] == "\(before.count)")

        // Appends go on after the last position; an old id stays taken.
        let next = try await store.append(to: "s1", expected: .any, events: [Self.event("s1", 99_999)])
        #expect(next.receipt?.positions == [before.map(\.position).max()! + 1])
        var reused = Self.event("other", 5)
        reused.eventID = written[3]
        await #expect(throws: EventStoreError.eventIDReused(written[3])) { _ = try await store.append(to: "other", expected: .any, events: [reused]) }
    }

    static func event(_ stream: String, _ i: Int) -> NewEvent {
        NewEvent(
            eventID: UUID(), streamID: stream, eventType: "test.happened", schemaVersion: 1, payload: Data(#"{"i":\#(i),"price":"1.50"}"#.utf8),
            metadata: Data(#"{"actor":"test"}"#.utf8), occurredAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(i)))
    }
}
