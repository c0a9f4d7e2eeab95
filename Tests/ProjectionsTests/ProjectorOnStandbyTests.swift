import CatalystTestKit
import EmbeddedPostgres
import EventStore
import Foundation
import Logging
import PostgresClient
import Testing

@testable import Projections

/// A projector that reads the log from a hot standby (`catalyst.read.url`) and writes its tables and
/// checkpoint on the primary: it ends exactly where a projector reading the primary ends, woken by the
/// standby's replay position (a standby has no LISTEN), and applies nothing twice when it is stopped and
/// started again mid-stream.
@Suite(.serialized) struct ProjectorOnStandbyTests {
    @Test func aProjectorReadingTheStandbyEqualsTheLogAndAppliesEachEventOnce() async throws {
        try await TestCluster.withStandby("projector") { _, db, standby in try await body(db: db, standby: standby) }
    }

    private func body(db: TestDatabase, standby: EmbeddedCluster) async throws {
        let replica = standby.conninfo(database: db.name)
        let store = db.eventStore()
        for i in 0..<150 { _ = try await store.append(to: "s\(i % 7)", expected: .any, events: [event(stream: "s\(i % 7)", qty: i)]) }

        func onStandby() -> ProjectorEngine {
            var e = ProjectorEngine(
                projection: StreamCountsProjection(), definition: StreamCountsProjection().definition, conninfo: db.conninfo,
                waker: LogWaker(replayOf: replica, every: .milliseconds(10)), logger: Logger(label: "test"))
            e.readConninfo = replica
            e.liveBatchSize = 25
            e.pollInterval = .seconds(5)  // so that it is the replay position that wakes it, not the poll
            e.standbyInterval = .milliseconds(50)
            e.heartbeatInterval = .milliseconds(200)
            return e
        }
        let first = Task { try await onStandby().run() }
        try await waitCaughtUp(db)
        // More events while it follows; it is stopped in the middle of them and a new one carries on.
        for i in 0..<100 { _ = try await store.append(to: "t\(i % 5)", expected: .any, events: [event(stream: "t\(i % 5)", qty: i)]) }
        first.cancel()
        _ = try? await first.value
        for i in 0..<100 { _ = try await store.append(to: "u\(i % 3)", expected: .any, events: [event(stream: "u\(i % 3)", qty: i)]) }
        let second = Task { try await onStandby().run() }
        defer { second.cancel() }
        try await waitCaughtUp(db, timeout: .seconds(60))

        let all = try await allEvents(db)
        #expect(all.count == 350)
        #expect(try await tableRows(db) == StreamCountsProjection.expected(all), "every event applied exactly once")
        let applied = try await db.session().withConnection { c in try c.query("SELECT events_applied FROM proj_stream_counts._checkpoint").int64(0, 0) }
        #expect(applied == 350)
        // The standby has the primary's projection too: it replays the primary's writes.
        let deadline = ContinuousClock.now + .seconds(30)
        var mirrored: Int64?
        while ContinuousClock.now < deadline {
            mirrored = try await PGSession(conninfo: replica).withConnection { c in try c.query("SELECT events_applied FROM proj_stream_counts._checkpoint").int64(0, 0) }
            if mirrored == 350 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(mirrored == 350)
    }
}
