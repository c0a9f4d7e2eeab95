import CatalystTestKit
import EmbeddedPostgres
import Foundation
import PostgresClient
import Synchronization
import Testing

@testable import EventStore

/// A follower reading a hot standby (streaming replication from a primary on the same machine) sees the
/// primary's log exactly: every event once, in reader order, with the same checksum, through what makes
/// reader order hard (rolled-back appends, a transaction that takes its id early and commits late, and
/// one with more than 64 savepoints, which overflows the standby's snapshot of running subtransactions).
/// The standby refuses LISTEN and `pg_current_xact_id()` during recovery, so a follower that used either
/// would fail here: it is woken by polling the standby's replay position instead.
@Suite(.serialized) struct StandbyFollowerTests {
    @Test func aFollowerOnAStandbySeesEveryEventOnceInReaderOrder() async throws {
        try await TestCluster.withStandby("replica") { _, db, standby in try await body(db: db, standby: standby) }
    }

    private func body(db: TestDatabase, standby: EmbeddedCluster) async throws {
        let replicaInfo = standby.conninfo(database: db.name)
        let inRecovery = try await PGSession(conninfo: replicaInfo).withConnection { c in try c.query("SELECT pg_is_in_recovery()").bool(0, 0) }
        #expect(inRecovery == true)

        let writer = db.eventStore(connections: 10)
        let reader = PostgresEventStore(pool: PGPool(conninfo: replicaInfo, size: 2, name: "standby-reader"))
        let waker = LogWaker(replayOf: replicaInfo)
        let seen = Shared<[RecordedEvent]>([])
        let lags = Shared<[Double]>([])
        let acknowledged = Shared<[UUID: ContinuousClock.Instant]>([:])
        let follow = Task {
            for try await batch in LogFollower(store: reader, from: LogCursor(transactionID: 0, position: 0), batchSize: 200, waker: waker, pollInterval: .seconds(1)) {
                let now = ContinuousClock.now
                let acks = acknowledged.withLock { $0 }
                lags.withLock { l in for e in batch { if let at = acks[e.eventID] { l.append((now - at) / .milliseconds(1)) } } }
                seen.withLock { $0 += batch }
            }
        }

        // The held transaction takes its id first and commits last.
        let held = db.session()
        try await held.withConnection { c -> Void in
            try c.execute("BEGIN")
            try c.execute("SELECT pg_current_xact_id()")
        }
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<8 {
                g.addTask {
                    for i in 0..<60 {
                        let e = Self.event("w\(w)", i)
                        if i % 10 == 7 {
                            // Appended and rolled back: never seen by anyone.
                            try await db.session().withConnection { c -> Void in
                                try c.execute("BEGIN")
                                _ = try PostgresEventStore.append(AppendRequest(stream: "rolled-back-\(w)", expected: .any, events: [Self.event("rolled-back-\(w)", i)]), inOpenTransactionOn: c)
                                try c.execute("ROLLBACK")
                            }
                        }
                        _ = try await writer.append(to: e.streamID, expected: .any, events: [e])
                        acknowledged.withLock { $0[e.eventID] = ContinuousClock.now }
                    }
                }
            }
            g.addTask {
                // 70 savepoints in one transaction, an append under each.
                try await db.session().withConnection { c -> Void in
                    try c.execute("BEGIN")
                    for s in 0..<70 {
                        try c.execute("SAVEPOINT s\(s)")
                        _ = try PostgresEventStore.append(AppendRequest(stream: "savepoints", expected: .any, events: [Self.event("savepoints", s)]), inOpenTransactionOn: c)
                    }
                    try c.execute("COMMIT")
                }
            }
            try await g.waitForAll()
        }
        try await Task.sleep(for: .milliseconds(300))
        let late = Self.event("held", 1)
        try await held.withConnection { c -> Void in
            _ = try PostgresEventStore.append(AppendRequest(stream: "held", expected: .any, events: [late]), inOpenTransactionOn: c)
            try c.execute("COMMIT")
        }
        await held.close()

        let primaryLog = try await db.eventStore(connections: 1).wholeLog()
        let expectedCount: Int = 8 * 60 + 70 + 1
        #expect(primaryLog.count == expectedCount)
        let deadline = ContinuousClock.now + .seconds(60)
        while seen.withLock({ $0.count }) < primaryLog.count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(300))  // anything extra would show up now
        let followed = seen.withLock { $0 }

        // The lag itself, with nothing holding the horizon back: 4 writers for a moment, each event timed from
        // its acknowledgement on the primary to the follower on the standby reading it.
        lags.withLock { $0.removeAll() }
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<4 {
                g.addTask {
                    for i in 0..<150 {
                        let e = Self.event("soak\(w)", i)
                        _ = try await writer.append(to: e.streamID, expected: .any, events: [e])
                        acknowledged.withLock { $0[e.eventID] = ContinuousClock.now }
                    }
                }
            }
            try await g.waitForAll()
        }
        let soakDeadline = ContinuousClock.now + .seconds(60)
        while seen.withLock({ $0.count }) < primaryLog.count + 600 && ContinuousClock.now < soakDeadline { try await Task.sleep(for: .milliseconds(10)) }
        follow.cancel()
        await waker.stop()
        #expect(seen.withLock { $0.count } == primaryLog.count + 600)
        let ms = lags.withLock { $0 }.sorted()
        // An event read before its writer noted the acknowledgement has no lag to measure (a handful per run).
        #expect(ms.count > 500)
        if !ms.isEmpty {
            print(String(format: "standby follower lag from acknowledgement: p50 %.0f ms, p95 %.0f ms, max %.0f ms over %d events", ms[ms.count / 2], ms[ms.count * 95 / 100], ms.last!, ms.count))
        }

        #expect(followed.count == primaryLog.count, "every event once")
        #expect(followed == primaryLog, "the same events, fields and reader order as the primary")
        #expect(Self.checksum(followed) == Self.checksum(primaryLog))
        #expect(!followed.contains { $0.streamID.hasPrefix("rolled-back") })
        let heldIndex = followed.firstIndex { $0.eventID == late.eventID }
        let lastIndex: Int = followed.count - 1
        let heldEarly: Bool = heldIndex.map { $0 < lastIndex } ?? false
        #expect(heldEarly, "the held transaction's event comes before later-committed ones: it took its id first")
    }

    final class Shared<T: Sendable>: Sendable {
        private let value: Mutex<T>
        init(_ v: T) { value = Mutex(v) }
        func withLock<R>(_ body: (inout T) -> R) -> R { value.withLock { body(&$0) } }
    }

    static func event(_ stream: String, _ i: Int) -> NewEvent {
        NewEvent(
            eventID: UUID(), streamID: stream, eventType: "test.happened", schemaVersion: 1, payload: Data(#"{"i":\#(i)}"#.utf8),
            metadata: Data(#"{"actor":"test"}"#.utf8), occurredAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(i)))
    }

    static func checksum(_ events: [RecordedEvent]) -> Int {
        var h = Hasher()
        for e in events { h.combine(e.eventID); h.combine(e.position); h.combine(e.payload) }
        return h.finalize()
    }
}
