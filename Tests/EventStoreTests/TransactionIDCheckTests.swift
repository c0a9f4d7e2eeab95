import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

/// The invariant every reader relies on: stored transaction ids are below the cluster's next one. A
/// store that (re)connects to a log whose ids are ahead (restored from a logical dump under a running
/// process) refuses to append or read, with the cause, instead of stalling readers.
@Suite struct TransactionIDCheckTests {
    @Test func aLogWhoseTransactionIDsAreAheadOfTheClusterIsRefusedOnEveryConnect() async throws {
        let db = try await TestDatabase.create()
        let store = PostgresEventStore(conninfo: db.conninfo, connections: 1)
        #expect(try await store.append(to: "s-1", expected: .any, events: [Fixture.event(stream: "s-1")]).isAppended)
        let reading = try await db.session().withConnection { c in try TransactionIDCheck().read(on: c) }
        #expect(reading.holds && reading.maxStored != nil)

        // A row carrying a transaction id far ahead of this cluster's counter, as a logical restore leaves.
        let ahead = reading.next + 5_000_000
        try await db.session().withConnection { c -> Void in
            _ = try c.query(
                """
                INSERT INTO events (tx_id, stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
                SELECT $1::text::xid8, 'restored-1', 1, gen_random_uuid(), event_type, schema_version, payload, metadata, occurred_at FROM events LIMIT 1
                """, [String(ahead)])
        }
        let violated = try await db.session().withConnection { c in try TransactionIDCheck().read(on: c) }
        #expect(!violated.holds && violated.maxStored == ahead)

        // A new store (a restarted process) and one that reconnects both refuse, naming the cause and the fix.
        let fresh = PostgresEventStore(conninfo: db.conninfo, connections: 1)
        do {
            _ = try await fresh.append(to: "s-2", expected: .any, events: [Fixture.event(stream: "s-2")])
            Issue.record("a store appended under a stalled horizon")
        } catch {
            #expect("\(error)".contains("restored from a logical dump") && "\(error)".contains("pg_resetwal"), "\(error)")
        }
        try await store.pool.withSession { session in await session.reset() }  // as after a lost connection
        await #expect(throws: TransactionIDCheck.Violation.self) { _ = try await store.head() }
        #expect(TransactionIDCheck.safeNextXid(after: 6342) == 1_048_576)
        #expect(TransactionIDCheck.safeNextXid(after: 1_048_576) == 2_097_152)
    }
}

/// The catch-up target is the newest transaction id as a number: compared as text, "99" would sort after
/// "100" and a rebuild, an as-of build or a replay would stop short of the newest events.
@Suite struct CatchUpTargetTests {
    @Test func theTargetIsTheLargestTransactionIDAcrossAPowerOfTen() async throws {
        let db = try await TestDatabase.create()
        #expect(try await db.session().withConnection { c in try PostgresEventStore.catchUpTarget(on: c) } == 0)
        try await db.session().withConnection { c -> Void in
            for (tx, stream) in [("99", "a-1"), ("100", "b-1"), ("98", "c-1")] {
                _ = try c.query(
                    """
                    INSERT INTO events (tx_id, stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
                    VALUES ($1::text::xid8, $2, 1, gen_random_uuid(), 'test.happened', 1, '{}', '{"actor":"system"}', now())
                    """, [tx, stream])
            }
        }
        #expect(try await db.session().withConnection { c in try PostgresEventStore.catchUpTarget(on: c) } == 100)
    }
}
