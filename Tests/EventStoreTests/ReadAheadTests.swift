import CatalystTestKit
import Foundation
import Testing

@testable import EventStore

/// `readPages` asks for the next page while the caller works on this one. It must hand over exactly the
/// pages a plain loop of `readAll(after:limit:reaching:)` gives, stop where the loop stops, and leave the
/// store usable when the caller fails half-way.
@Suite struct ReadAheadTests {
    @Test(arguments: [1, 7, 100]) func readingAheadGivesThePagesOfAPlainLoop(limit: Int) async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore(connections: 2)
        var rng = SplitMix(seed: UInt64(limit))
        for i in 0..<60 {
            // One to five events a transaction, some transactions over two streams.
            let n = 1 + Int(rng.next() % 5)
            let events = (0..<n).map { j in Fixture.event(stream: j % 2 == 0 || i % 3 != 0 ? "s\(i % 9)" : "t\(i % 4)") }
            _ = try await store.append(AppendRequest(events: events))
        }
        let target = try await store.catchUpTarget()
        var ahead: [[RecordedEvent]] = []
        let reached = try await store.readPages(after: .start, limit: limit, reaching: target) { page in
            ahead.append(page)
            // The read ahead runs while the caller is busy here; it must not change what this page holds.
            try await Task.sleep(for: .milliseconds(1))
        }
        var plain: [[RecordedEvent]] = []
        var cursor = LogCursor.start
        while true {
            let page = try await store.readAll(after: cursor, limit: limit, reaching: target)
            guard let last = page.last else { break }
            plain.append(page)
            cursor = last.cursor
        }
        #expect(ahead == plain)
        #expect(reached == cursor)
        #expect(ahead.joined().count == (try await db.committedEvents()).count)
        #expect(ahead.dropLast().allSatisfy { $0.count == limit }, "every page but the last is full")
    }

    @Test func aFailingCallerStopsTheReadAndTheStoreReadsOn() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore(connections: 1)
        _ = try await store.append(to: "s", expected: .noStream, events: Fixture.events(stream: "s", count: 50))
        struct Stop: Error {}
        var seen = 0
        await #expect(throws: Stop.self) {
            try await store.readPages(after: .start, limit: 10, reaching: try await store.catchUpTarget()) { page in
                seen += page.count
                if seen >= 20 { throw Stop() }
            }
        }
        #expect(seen == 20)
        // The read ahead that was under way gave its connection back (a pool of one would wait for ever otherwise).
        #expect(try await store.readAllToEnd().count == 50)
    }
}
