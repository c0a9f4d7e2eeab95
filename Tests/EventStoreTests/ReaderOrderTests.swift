import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

/// No reader ever skips or reorders a committed event, whatever the interleaving of commits.
@Suite struct ReaderOrderTests {
    /// Transaction A appends and stays open while 1,000 appends from other connections commit. A tailing
    /// reader must not see anything behind A until A commits, then see A exactly once, first.
    @Test func lateCommitIsNeverSkipped() async throws {
        let db = try await TestDatabase.create(isolated: true)
        let store = db.eventStore(connections: 4)
        let waker = LogWaker(conninfo: db.conninfo)
        defer { Task { await waker.stop() } }

        let holder = db.session()
        let aEvent = Fixture.event(stream: "late-A")
        let plan = try AppendPlan(AppendRequest(stream: "late-A", expected: .noStream, events: [aEvent]))
        try await holder.withConnection { c in
            try c.execute("BEGIN")
            _ = try PostgresEventStore.appendWithFunction(plan, on: c)
        }

        let seen = Collector()
        let follower = Task {
            for try await batch in LogFollower(store: store, from: .start, batchSize: 100, waker: waker, pollInterval: .milliseconds(50)) {
                await seen.add(batch)
                if await seen.count >= 1001 { return }
            }
        }
        for i in 0..<1000 {
            _ = try await store.append(to: "other-\(i % 10)", expected: .any, events: [Fixture.event(stream: "other-\(i % 10)")])
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(await seen.count == 0, "nothing behind the open transaction may be handed out")

        try await holder.withConnection { c in _ = try c.execute("COMMIT") }
        try await withTimeout(seconds: 60) { try await follower.value }

        let events = await seen.events
        #expect(events.count == 1001)
        #expect(events.first?.eventID == aEvent.eventID)
        #expect(events.filter { $0.eventID == aEvent.eventID }.count == 1)
        #expect(Set(events.map(\.eventID)).count == 1001)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.cursor < $1.cursor })
    }

    /// Eight writers with random pauses and 1 % rollbacks; a follower running throughout must end with
    /// exactly the committed events: same count, same order-independent checksum, no duplicates.
    @Test func soakWithRollbacksLosesNothing() async throws {
        let db = try await TestDatabase.create(isolated: true)
        let store = db.eventStore(connections: 4)
        let waker = LogWaker(conninfo: db.conninfo)
        defer { Task { await waker.stop() } }
        let seen = Collector()
        let follower = Task {
            for try await batch in LogFollower(store: store, from: .start, batchSize: 500, waker: waker, pollInterval: .milliseconds(20)) {
                await seen.add(batch)
            }
        }
        let perWriter = 250
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<8 {
                group.addTask {
                    var rng = SplitMix(seed: UInt64(w + 1))
                    let session = db.session()
                    for i in 0..<perWriter {
                        let size = 1 + Int(rng.next() % 3)
                        let stream = "w\(w)-\(i % 7)"
                        let plan = try AppendPlan(AppendRequest(events: Fixture.events(stream: stream, count: size)))
                        let rollback = rng.next() % 100 == 0
                        try await session.withConnection { c in
                            try c.execute("BEGIN")
                            _ = try PostgresEventStore.appendWithFunction(plan, on: c)
                            try c.execute(rollback ? "ROLLBACK" : "COMMIT")
                        }
                        if rng.next() % 4 == 0 { try await Task.sleep(for: .microseconds(Int(rng.next() % 3000))) }
                    }
                    await session.close()
                }
            }
            try await group.waitForAll()
        }
        let table = try await db.session().withConnection { c in
            let r = try c.query("SELECT event_id::text FROM events")
            return (0..<r.rowCount).map { UUID(uuidString: r.string($0, 0)!)! }
        }
        try await withTimeout(seconds: 60) {
            while await seen.count < table.count { try await Task.sleep(for: .milliseconds(20)) }
        }
        try await Task.sleep(for: .milliseconds(200))  // anything extra would show up now
        follower.cancel()
        let events = await seen.events
        #expect(events.count == table.count)
        #expect(Set(events.map(\.eventID)).count == events.count, "no duplicates")
        #expect(checksum(events.map(\.eventID)) == checksum(table))
        #expect(table.count < 8 * perWriter * 3, "some batches were rolled back or sized below the max")
    }

    private func checksum(_ ids: [UUID]) -> UInt64 {
        ids.reduce(0) { acc, id in acc &+ withUnsafeBytes(of: id.uuid) { $0.load(as: UInt64.self) } }
    }
}

actor Collector {
    private(set) var events: [RecordedEvent] = []
    var count: Int { events.count }
    func add(_ batch: [RecordedEvent]) { events.append(contentsOf: batch) }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct TimedOut: Error {}

func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut()
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
}
