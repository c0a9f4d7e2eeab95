import CatalystTestKit
import EventStore
import Foundation
import Logging
import PostgresClient
import Testing

@testable import Projections

/// A projector whose database connection is cut (a restart, a failover) reconnects within seconds, not
/// after the 30 s it waits for a failing projection, and carries on from its checkpoint.
@Suite struct ProjectorReconnectTests {
    @Test func aCutConnectionIsReconnectedWithinSecondsAndNothingIsSkipped() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        for i in 0..<10 { _ = try await store.append(to: "s\(i % 2)", expected: .any, events: [event(stream: "s\(i % 2)", qty: i)]) }
        let service = ProjectorService(engine: engine(db), retryInterval: .seconds(600), logger: Logger(label: "test"))
        let runner = Task { try await service.run() }
        defer { runner.cancel() }
        try await waitCaughtUp(db)

        // Cut every other connection to the database: the projector's among them.
        let cut = try await db.session().withConnection { c in
            try c.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).int64(0, 0) ?? 0
        }
        #expect(cut >= 1)
        // This test's own store lost its connections too (one host: it fails at once); a new one appends.
        let writer = db.eventStore()
        for i in 0..<10 { _ = try await writer.append(to: "after\(i % 2)", expected: .any, events: [event(stream: "after\(i % 2)", qty: i)]) }
        // Far less than the 600 s a failing projection would wait.
        try await waitCaughtUp(db, timeout: .seconds(30))
        #expect(try await tableRows(db) == StreamCountsProjection.expected(try await allEvents(db)))
    }
}
