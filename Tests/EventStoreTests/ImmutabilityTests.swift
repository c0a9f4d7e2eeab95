import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

@Suite struct ImmutabilityTests {
    static let changes = [
        "UPDATE events SET payload = '{}'::jsonb",
        "DELETE FROM events",
        "DELETE FROM events WHERE false",
        "TRUNCATE events",
    ]

    /// The owner (here the superuser that ran the migrations) is refused too: triggers, not privileges.
    @Test(arguments: changes)
    func ownerCannotChangeHistory(sql: String) async throws {
        let db = try await TestDatabase.create()
        _ = try await db.eventStore().append(to: "s", expected: .noStream, events: [Fixture.event(stream: "s")])
        let error = await #expect(throws: PGError.self) { try await db.session().withConnection { c in _ = try c.execute(sql) } }
        #expect(error?.sqlState == "CL403")
        #expect(error?.message.contains("append-only") == true)
        let count = try await db.session().withConnection { c in try c.query("SELECT count(*) FROM events").int64(0, 0) }
        #expect(count == 1)
    }

    @Test(arguments: ["catalyst_app", "catalyst_projector", "catalyst_auditor", "catalyst_doctor"])
    func noRoleCanUpdateOrDelete(role: String) async throws {
        let db = try await TestDatabase.create()
        _ = try await db.eventStore().append(to: "s", expected: .noStream, events: [Fixture.event(stream: "s")])
        for sql in Self.changes {
            let error = await #expect(throws: PGError.self) { try await db.session(role: role).withConnection { c in _ = try c.execute(sql) } }
            // Either the privilege check (42501) or the trigger (CL403) stops it.
            #expect(["42501", "CL403"].contains(error?.sqlState ?? ""), "\(role): \(sql)")
        }
    }

    @Test(arguments: ["catalyst_auditor", "catalyst_projector", "catalyst_doctor"])
    func readOnlyRolesCannotInsert(role: String) async throws {
        let db = try await TestDatabase.create()
        let error = await #expect(throws: PGError.self) {
            try await db.session(role: role).withConnection { c in
                _ = try c.query(
                    """
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
                    VALUES ('s', 1, gen_random_uuid(), 't', 1, '{}', '{}', now())
                    """)
            }
        }
        #expect(error?.sqlState == "42501")
    }

    @Test func auditorCanReadTheLog() async throws {
        let db = try await TestDatabase.create()
        _ = try await db.eventStore().append(to: "s", expected: .noStream, events: Fixture.events(stream: "s", count: 3))
        let n = try await db.session(role: "catalyst_auditor").withConnection { c in try c.query("SELECT count(*) FROM events").int64(0, 0) }
        #expect(n == 3)
    }

    @Test func appRoleAppendsThroughTheStore() async throws {
        let db = try await TestDatabase.create()
        let pool = PGPool(conninfo: db.conninfo, size: 2, setup: PostgresEventStore.roleSetup("catalyst_app"))
        let store = PostgresEventStore(pool: pool)
        let r = try await store.append(to: "app", expected: .noStream, events: Fixture.events(stream: "app", count: 300), commandID: UUID())
        #expect(r.isAppended)
        #expect(try await store.append(to: "app", expected: .exact(300), events: [Fixture.event(stream: "app")]).isAppended)
    }

    @Test func payloadUsesLZ4Compression() async throws {
        let db = try await TestDatabase.create()
        let method = try await db.session().withConnection { c in
            try c.query("SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'payload'").scalar
        }
        #expect(method == "l")
    }
}
