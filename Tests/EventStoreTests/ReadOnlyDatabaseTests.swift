import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

/// A database that stops taking writes (read-only, as after a disk-full failover or an operator's
/// `default_transaction_read_only`): appends fail with a clear error carrying the SQLSTATE, nothing is
/// half-written, reads keep working, and appends work again once writes are allowed.
@Suite struct ReadOnlyDatabaseTests {
    @Test func appendsFailClearlyReadsContinueAndWritesResume() async throws {
        let db = try await TestDatabase.create()
        let before = db.eventStore(connections: 1)
        #expect(try await before.append(to: "ro-1", expected: .noStream, events: Fixture.events(stream: "ro-1", count: 2)).isAppended)

        try await db.session().withConnection { c -> Void in try c.execute("ALTER DATABASE \(db.name) SET default_transaction_read_only = on") }
        let store = db.eventStore(connections: 1)
        for batch in [1, 40] {  // the function path and the COPY path
            let error = await #expect(throws: PGError.self) {
                _ = try await store.append(to: "ro-1", expected: .exact(2), events: Fixture.events(stream: "ro-1", count: batch))
            }
            #expect(error?.sqlState == "25006", "read_only_sql_transaction, got \(String(describing: error))")
            #expect(error.map { "\($0)" }?.contains("read-only") == true)
        }
        // Reads are unaffected, and nothing of the refused batches is visible.
        #expect(try await store.readStream("ro-1").map(\.streamVersion) == [1, 2])
        // (The whole-log read only shows events older than every transaction in flight in the cluster, and
        // other tests' transactions run concurrently on it: wait out that lag, then count.)
        var all = try await store.readAll(after: .start)
        for _ in 0..<300 where all.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            all = try await store.readAll(after: .start)
        }
        #expect(all.count == 2)

        try await db.session().withConnection { c -> Void in
            // This new connection starts read-only too: only the operator's explicit override can lift it.
            try c.execute("SET default_transaction_read_only = off")
            try c.execute("ALTER DATABASE \(db.name) SET default_transaction_read_only = off")
        }
        let after = db.eventStore(connections: 1)
        #expect(try await after.append(to: "ro-1", expected: .exact(2), events: Fixture.events(stream: "ro-1", count: 1)).isAppended)
        #expect(try await after.streamVersion("ro-1") == 3)
    }
}
