import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

@Suite struct AppendTests {
    @Test func appendsAndReadsBackAStream() async throws {
        let store = try await TestDatabase.create().eventStore()
        let r = try await store.append(to: "order-1", expected: .noStream, events: Fixture.events(stream: "order-1", count: 3))
        #expect(r.isAppended)
        #expect(r.receipt?.streamVersions == ["order-1": 3])
        let read = try await store.readStream("order-1")
        #expect(read.map(\.streamVersion) == [1, 2, 3])
        #expect(read.map(\.position) == r.receipt?.positions)
        let payload = try JSONSerialization.jsonObject(with: read[0].payload) as? [String: Any]
        #expect(payload?["price"] as? String == "12.34")
    }

    @Test func expectedVersionSemantics() async throws {
        let store = try await TestDatabase.create().eventStore()
        #expect(try await store.append(to: "s", expected: .streamExists, events: [Fixture.event(stream: "s")]).conflict?.actualVersion == 0)
        #expect(try await store.append(to: "s", expected: .exact(0), events: [Fixture.event(stream: "s")]).isAppended)
        #expect(try await store.append(to: "s", expected: .noStream, events: [Fixture.event(stream: "s")]).conflict?.actualVersion == 1)
        #expect(try await store.append(to: "s", expected: .exact(5), events: [Fixture.event(stream: "s")]).conflict?.actualVersion == 1)
        #expect(try await store.append(to: "s", expected: .streamExists, events: [Fixture.event(stream: "s")]).isAppended)
        #expect(try await store.append(to: "s", expected: .any, events: [Fixture.event(stream: "s")]).isAppended)
        #expect(try await store.streamVersion("s") == 3)
    }

    @Test func multiStreamBatchIsAtomic() async throws {
        let store = try await TestDatabase.create().eventStore()
        _ = try await store.append(to: "b", expected: .noStream, events: [Fixture.event(stream: "b")])
        // Stream b is at version 1, so expecting noStream must refuse the whole batch, including stream a.
        let batch = AppendRequest(
            events: [Fixture.event(stream: "a"), Fixture.event(stream: "b"), Fixture.event(stream: "a")],
            expectations: ["a": .noStream, "b": .noStream])
        let r = try await store.append(batch)
        #expect(r.conflict == StreamConflict(streamID: "b", expected: .noStream, actualVersion: 1))
        #expect(try await store.streamVersion("a") == 0)
        let ok = try await store.append(AppendRequest(events: batch.events, expectations: ["a": .noStream, "b": .exact(1)]))
        #expect(ok.receipt?.streamVersions == ["a": 2, "b": 2])
        #expect(try await store.readStream("a").count == 2)
    }

    /// 50 appenders race at the same expected version: exactly one wins, 49 get a conflict value carrying
    /// the actual version, and no event is lost or duplicated.
    @Test func optimisticConcurrencyUnderFiftyRacers() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore(connections: 50)
        _ = try await store.append(to: "race", expected: .noStream, events: [Fixture.event(stream: "race")])
        let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for _ in 0..<50 {
                group.addTask { try await store.append(to: "race", expected: .exact(1), events: [Fixture.event(stream: "race")]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.isAppended).count == 1)
        let conflicts = results.compactMap(\.conflict)
        #expect(conflicts.count == 49)
        #expect(conflicts.allSatisfy { $0.actualVersion == 2 })
        let stored = try await store.readStream("race")
        #expect(stored.map(\.streamVersion) == [1, 2])
        #expect(Set(stored.map(\.eventID)).count == 2)
    }

    /// Racers creating the same new stream with `.any` must all succeed (retrying the lost race), with
    /// contiguous versions.
    @Test func concurrentAnyAppendsToANewStreamAllLand() async throws {
        let store = try await TestDatabase.create().eventStore(connections: 16)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let r = try await store.append(to: "fresh", expected: .any, events: [Fixture.event(stream: "fresh")])
                    #expect(r.isAppended)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.readStream("fresh").map(\.streamVersion) == Array(1...16))
    }

    @Test func retriedCommandAppendsOnce() async throws {
        let store = try await TestDatabase.create().eventStore()
        let command = UUID()
        let events = Fixture.events(stream: "cycle-1", count: 2)
        var receipts: [AppendResult] = []
        for attempt in 0..<10 {
            // Even a retry that regenerated its event ids must not append again.
            let batch = attempt == 0 ? events : Fixture.events(stream: "cycle-1", count: 2)
            receipts.append(try await store.append(to: "cycle-1", expected: .noStream, events: batch, commandID: command))
        }
        #expect(receipts[0].isAppended)
        #expect(receipts.dropFirst().allSatisfy { if case .alreadyAppended(let r) = $0 { r == receipts[0].receipt } else { false } })
        #expect(try await store.readStream("cycle-1").count == 2)
    }

    @Test func concurrentRetriesOfOneCommandAppendOnce() async throws {
        let store = try await TestDatabase.create().eventStore(connections: 10)
        let command = UUID()
        let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for _ in 0..<10 {
                group.addTask { try await store.append(to: "c", expected: .any, events: [Fixture.event(stream: "c")], commandID: command) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.isAppended).count == 1)
        #expect(Set(results.compactMap(\.receipt)).count == 1)
        #expect(try await store.streamVersion("c") == 1)
    }

    @Test func identicalEventIDsReturnTheStoredPositions() async throws {
        let store = try await TestDatabase.create().eventStore()
        let events = Fixture.events(stream: "x", count: 2)
        let first = try await store.append(to: "x", expected: .noStream, events: events)
        let again = try await store.append(to: "x", expected: .noStream, events: events)
        #expect(again == .alreadyAppended(first.receipt!))
        var changed = events
        changed[1].payload = Data(#"{"qty":"200"}"#.utf8)
        await #expect(throws: EventStoreError.eventIDReused(events[1].eventID)) {
            try await store.append(to: "x", expected: .any, events: changed)
        }
        #expect(try await store.streamVersion("x") == 2)
    }

    @Test func invalidJSONNeverReachesTheTable() async throws {
        let store = try await TestDatabase.create().eventStore()
        var bad = Fixture.event(stream: "j")
        bad.payload = Data(#"{"qty": 1"#.utf8)
        await #expect(throws: EventStoreError.invalidJSON(eventID: bad.eventID, field: "payload", reason: "malformed JSON")) {
            try await store.append(to: "j", expected: .any, events: [Fixture.event(stream: "j"), bad])
        }
        var array = Fixture.event(stream: "j")
        array.payload = Data("[1,2]".utf8)
        await #expect(throws: EventStoreError.invalidJSON(eventID: array.eventID, field: "payload", reason: "not an object")) {
            try await store.append(to: "j", expected: .any, events: [array])
        }
        #expect(try await store.streamVersion("j") == 0)
        #expect(try await store.readAll(after: .start).isEmpty)
    }

    @Test func malformedBatchesAreRefusedBeforeSending() async throws {
        let store = try await TestDatabase.create().eventStore()
        await #expect(throws: EventStoreError.invalidBatch("no events")) { try await store.append(AppendRequest(events: [])) }
        let e = Fixture.event(stream: "d")
        await #expect(throws: EventStoreError.duplicateEventInBatch(e.eventID)) {
            try await store.append(to: "d", expected: .any, events: [e, e])
        }
    }

    /// Large batches take the COPY path; the contract is the same.
    @Test(arguments: [1, 255, 256, 2000])
    func copyPathMatchesFunctionPath(count: Int) async throws {
        let store = try await TestDatabase.create().eventStore(copyThreshold: 256)
        let events = Fixture.events(stream: "big", count: count)
        let command = UUID()
        let r = try await store.append(to: "big", expected: .noStream, events: events, commandID: command)
        #expect(r.receipt?.positions.count == count)
        #expect(r.receipt?.streamVersions == ["big": Int64(count)])
        let stored = try await store.readStream("big")
        #expect(stored.map(\.eventID) == events.map(\.eventID))
        #expect(stored.map(\.position) == r.receipt?.positions)
        #expect(try await store.append(to: "big", expected: .noStream, events: events, commandID: command) == .alreadyAppended(r.receipt!))
        #expect(try await store.append(to: "big", expected: .noStream, events: Fixture.events(stream: "big", count: count)).conflict != nil)
    }
}
