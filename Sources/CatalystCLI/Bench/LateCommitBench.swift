import EventStore
import Foundation
import PostgresClient

/// Late commits under concurrency: writers append one event each in a transaction they keep open for a
/// random 0…maxHold ms before committing, while a `LogFollower` tails the whole log. Positions are drawn at
/// insert time but become visible at commit, so a reader that trusts position order alone passes over
/// events that commit late; ours must deliver every committed event exactly once, in cursor order.
enum LateCommitBench {
    struct Result {
        var committed: Int
        var seconds: Double
        var delivered: Int
        var skipped: Int
        var duplicates: Int
        var outOfOrder: Int
    }

    static func run(db: BenchDatabase, writers: Int, perWriter: Int, maxHoldMs: Int) async throws -> Result {
        let store = PostgresEventStore(pool: PGPool(conninfo: db.conninfo, size: 2, name: "late-read"))
        let waker = LogWaker(conninfo: nil)
        let seen = Seen()
        let follower = Task {
            for try await batch in LogFollower(store: store, from: .start, batchSize: 500, waker: waker, pollInterval: .milliseconds(10)) {
                await seen.add(batch)
            }
        }

        let sw = Stopwatch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let session = PGSession(conninfo: db.conninfo, name: "late-\(w)")
                    var rng = SystemRandomNumberGenerator()
                    for i in 0..<perWriter {
                        let stream = "late-\(w)-\(i % 10)"
                        let request = AppendRequest(stream: stream, expected: .any, events: BenchEvents.make(stream: stream, count: 1))
                        try await session.withConnection { c -> Void in
                            try c.execute("BEGIN")
                            _ = try PostgresEventStore.append(request, inOpenTransactionOn: c)
                        }
                        // The late commit: the row and its position exist, but nobody else can see them yet.
                        if maxHoldMs > 0 { try await Task.sleep(for: .microseconds(Int.random(in: 0...(maxHoldMs * 1000), using: &rng))) }
                        try await session.withConnection { c -> Void in _ = try c.execute("COMMIT") }
                        await waker.poke()
                    }
                    await session.close()
                }
            }
            try await group.waitForAll()
        }
        let seconds = sw.seconds

        let committed = try await PGSession(conninfo: db.conninfo, name: "late-count").withConnection { c in
            Int(try PostgresEventStore.eventCount(on: c))
        }
        // Let the follower catch up; stop once it has everything, or once it has made no progress for 3 s
        // (which is what a skipped event looks like: it never arrives).
        var last = -1
        var idleSince = Stopwatch()
        while true {
            let n = await seen.count
            if n >= committed { break }
            if n != last {
                last = n
                idleSince = Stopwatch()
            } else if idleSince.seconds > 3 {
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))  // anything extra (a duplicate) would show up now
        follower.cancel()
        _ = try? await follower.value
        await waker.stop()

        let s = await seen.summary
        return Result(
            committed: committed, seconds: seconds, delivered: s.distinct, skipped: max(0, committed - s.distinct), duplicates: s.total - s.distinct,
            outOfOrder: s.outOfOrder)
    }

    private actor Seen {
        private var ids = Set<UUID>()
        private var total = 0
        private var outOfOrder = 0
        private var lastCursor: LogCursor?

        var count: Int { ids.count }

        func add(_ batch: [RecordedEvent]) {
            for e in batch {
                total += 1
                ids.insert(e.eventID)
                if let l = lastCursor, !(l < e.cursor) { outOfOrder += 1 }
                lastCursor = e.cursor
            }
        }

        var summary: (total: Int, distinct: Int, outOfOrder: Int) { (total, ids.count, outOfOrder) }
    }
}
