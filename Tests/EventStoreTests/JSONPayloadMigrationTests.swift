import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

/// Migration 0004 stores payload and metadata as `json` (the writer's bytes) instead of `jsonb`. An event
/// written before keeps its text byte for byte (so every audit-chain link sealed over it stays valid), a
/// view over the log survives with its grants, and an event written after keeps exactly the bytes sent.
@Suite struct JSONPayloadMigrationTests {
    @Test func oldEventsKeepTheirBytesAndNewOnesKeepTheWritersBytes() async throws {
        let db = try await TestDatabase.create(migrated: false)
        let all = try Migrator(directory: TestCluster.migrationsDirectory)
        let before0004 = Migrator(migrations: all.migrations.filter { $0.name < "0004" })
        let session = db.session()
        _ = try await session.withConnection { c in try before0004.apply(on: c) }

        // Every write path: alone, a commit group's statement is exercised by the store's own tests; here the
        // single-event statement, the batch function (two streams) and COPY (a large batch).
        let store = db.eventStore()
        let first = Self.event("a", #"{"z":1, "a":"é \u00e9", "n":1.50,"list":[1, {"k":null}]}"#)
        let firstID = first.eventID
        _ = try await store.append(to: "a", expected: .any, events: [first])
        _ = try await store.append(
            AppendRequest(events: [Self.event("a", #"{"b":2,"a":1}"#), Self.event("b", #"{ "tab":"a\tb" }"#)], expectations: ["a": .exact(1)]))
        _ = try await store.append(to: "bulk", expected: .noStream, events: (0..<120).map { Self.event("bulk", #"{"i":\#($0), "pad":"x"}"#) })
        try await session.withConnection { c -> Void in
            try c.execute(
                """
                CREATE VIEW public.v_payload_probe AS SELECT global_position, payload->>'z' AS z, metadata FROM events;
                COMMENT ON VIEW public.v_payload_probe IS 'probe';
                GRANT SELECT ON public.v_payload_probe TO catalyst_auditor;
                """)
            // A view made before migration 0003 reads the table that became the first partition.
            let first = try c.query("SELECT name FROM event_partitions ORDER BY first_position LIMIT 1").string(0, 0)!
            try c.execute("CREATE VIEW public.v_partition_probe AS SELECT global_position, payload FROM \(c.quoteIdentifier(first))")
        }
        let texts = "SELECT string_agg(payload::text || ' ' || metadata::text, E'\\n' ORDER BY global_position) FROM events"
        let oldTexts = try await session.withConnection { c in try c.query(texts).string(0, 0) }
        let oldLog = try await db.committedEvents()
        #expect(oldLog.count == 123)
        // Rows are read in binary format: every column as written (a `jsonb` payload without its version byte).
        #expect(oldLog[0].occurredAtMicros == 1_790_000_000_000_000 && oldLog[0].streamID == "a" && oldLog[0].streamVersion == 1)
        #expect(oldLog[0].eventID == firstID && oldLog.allSatisfy { $0.recordedAt > Date(timeIntervalSinceNow: -600) })
        // The store's connections keep their prepared reads across the migration (planned for `jsonb`, then
        // planned again for `json`: PostgreSQL refuses a cached plan whose result type changed).
        #expect(try await store.readAllToEnd() == oldLog)
        #expect(oldLog[0].payload == Data(#"{"a": "é é", "n": 1.50, "z": 1, "list": [1, {"k": null}]}"#.utf8), "jsonb's rendering before")

        let applied = try await session.withConnection { c in try all.apply(on: c) }
        #expect(applied == ["0004_json_payloads.sql"])
        #expect(try await db.committedEvents() == oldLog, "every event, its position and its bytes, as before")
        #expect(try await session.withConnection { c in try c.query(texts).string(0, 0) } == oldTexts)
        #expect(try await store.readAllToEnd() == oldLog, "a `json` payload in binary format has no version byte")

        let facts = try await session.withConnection { c in
            try c.query(
                """
                SELECT format_type(a.atttypid, NULL) AS payload_type,
                       (SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'v_payload_probe'::regclass AND attname = 'metadata') AS view_type,
                       obj_description('v_payload_probe'::regclass, 'pg_class') AS comment,
                       has_table_privilege('catalyst_auditor', 'v_payload_probe', 'SELECT')::text AS auditor_reads,
                       (SELECT count(*) FROM v_payload_probe WHERE z = '1')::text AS probe_rows,
                       (SELECT count(*) FROM pg_constraint WHERE conname = 'events_payload_is_object')::text AS constraints
                FROM pg_attribute a WHERE a.attrelid = 'events'::regclass AND a.attname = 'payload'
                """
            ).dictionaries()[0]
        }
        #expect(facts["payload_type"] == "json")
        #expect(facts["view_type"] == "json")
        #expect(facts["comment"] == "probe")
        #expect(facts["auditor_reads"] == "true")
        #expect(facts["probe_rows"] == "1")
        #expect(facts["constraints"].flatMap { Int($0) } ?? 0 >= 3, "on the log and on each of its partitions")
        let partitionView = try await session.withConnection { c in
            try c.query("SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'v_partition_probe'::regclass AND attname = 'payload'")
                .string(0, 0)
        }
        #expect(partitionView == "json")

        // New events keep the writer's bytes, through every path; a read gives them back unchanged.
        let sent = [#"{"z":1,  "a":"x"}"#, #"{"b":[3,2,1],"a":{"y":1,"x":2}}"#]
        _ = try await store.append(to: "a", expected: .exact(2), events: [Self.event("a", sent[0])])
        _ = try await store.append(to: "bulk", expected: .any, events: (0..<120).map { Self.event("bulk", #"{"i":\#($0),"after":true}"#) })
        _ = try await store.append(AppendRequest(events: [Self.event("c", sent[1]), Self.event("d", sent[0])]))
        let newLog = Array(try await store.readAllToEnd().dropFirst(oldLog.count))
        #expect(newLog.count == 123)
        #expect(newLog.first.map { String(decoding: $0.payload, as: UTF8.self) } == sent[0])
        #expect(newLog.suffix(2).map { String(decoding: $0.payload, as: UTF8.self) } == [sent[1], sent[0]])
        #expect(try await db.committedEvents().suffix(123) == newLog[...], "the text read agrees")

        // Resending a stored event id with the same JSON in other bytes is the same event; other JSON is not.
        let resent = newLog[0]
        let again = NewEvent(
            eventID: resent.eventID, streamID: "a", eventType: resent.eventType, schemaVersion: 1, payload: Data(#"{"a":"x","z":1}"#.utf8),
            metadata: resent.metadata, occurredAt: Date(timeIntervalSince1970: Double(resent.occurredAtMicros) / 1_000_000))
        let receipt = try await store.append(to: "a", expected: .any, events: [again])
        #expect(receipt.receipt?.positions == [resent.position])
        var other = again
        other.payload = Data(#"{"a":"y","z":1}"#.utf8)
        await #expect(throws: EventStoreError.eventIDReused(again.eventID)) { _ = try await store.append(to: "a", expected: .any, events: [other]) }
    }

    /// A payload across lines is refused by the store (naming the event and field) and by the table itself,
    /// even to the application's role writing SQL by hand: an archive line and a CSV row hold one event each.
    @Test func aPayloadAcrossLinesIsRefusedOnEveryPath() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        for (i, bad) in ["{\"a\":\n1}", "{\"a\":1}\r", "{\"a\":1}\n"].enumerated() {
            let one = Self.event("s\(i)", bad)
            await #expect(throws: EventStoreError.invalidJSON(eventID: one.eventID, field: "payload", reason: "a raw line break (write compact JSON, one line)")) {
                _ = try await store.append(to: "s\(i)", expected: .any, events: [one])
            }
            var batch = (0..<120).map { Self.event("bulk\(i)", #"{"i":\#($0)}"#) }
            batch[60].metadata = Data(bad.utf8)
            await #expect(throws: EventStoreError.invalidJSON(eventID: batch[60].eventID, field: "metadata", reason: "a raw line break (write compact JSON, one line)")) {
                _ = try await store.append(to: "bulk\(i)", expected: .any, events: batch)
            }
        }
        let refused = try await db.session(role: "catalyst_app").withConnection { c -> String? in
            do {
                try c.query(
                    """
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
                    VALUES ('raw', 1, gen_random_uuid(), 't', 1, $1::json, '{}', now())
                    """, ["{\"a\":\n1}"])
                return nil
            } catch let e as PGError {
                return e.constraint
            }
        }
        #expect(refused == "events_payload_is_object")
        #expect(try await store.readAllToEnd().isEmpty)
    }

    static func event(_ stream: String, _ payload: String) -> NewEvent {
        NewEvent(
            eventID: UUID(), streamID: stream, eventType: "test.happened", schemaVersion: 1, payload: Data(payload.utf8),
            metadata: Data(#"{"actor":"test"}"#.utf8), occurredAt: Date(timeIntervalSince1970: 1_790_000_000))
    }
}
