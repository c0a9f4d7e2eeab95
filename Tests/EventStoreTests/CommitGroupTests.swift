import CatalystTestKit
import Foundation
import PostgresClient
import PropertyBased
import Testing

@testable import EventStore

/// Group commit of concurrent single-event appends (`CommitGroups`): one statement for many writers, and
/// every guarantee of the single-event path kept.
@Suite struct CommitGroupTests {
    /// The group statement, called directly: each member is written or not on its own, a member it does
    /// not write leaves no trace, and a refused statement writes nothing of any member.
    @Test func eachMemberIsWrittenOrNotOnItsOwn() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        for (stream, count) in [("a", 1), ("b", 2), ("f", 1), ("h", 1)] {
            _ = try await store.append(to: stream, expected: .noStream, events: Fixture.events(stream: stream, count: count))
        }
        let command = UUID()
        let members: [(String, ExpectedVersion, UUID?, Int64?)] = [
            ("a", .exact(1), nil, 2),  // holds
            ("b", .exact(1), nil, nil),  // stale: b is at 2
            ("c", .noStream, nil, 1),  // created
            ("d", .exact(3), nil, nil),  // no such stream: must not be created
            ("e", .streamExists, nil, nil),  // no such stream
            ("f", .noStream, nil, nil),  // exists
            ("g", .any, command, 1),  // created, command recorded
            ("h", .streamExists, nil, 2),  // exists
        ]
        let plans = try members.map { stream, expected, commandID, _ in
            try AppendPlan(AppendRequest(stream: stream, expected: expected, events: [Fixture.event(stream: stream)], commandID: commandID))
        }
        let session = db.session()
        let results = try await session.withConnection { c in try PostgresEventStore.appendMembers(plans, on: c) }
        for ((stream, _, _, version), result) in zip(members, results) {
            #expect(result?.receipt?.streamVersions[stream] == version, "member \(stream)")
            if let result, case .appended(let receipt) = result {
                let stored = try await store.readStream(stream)
                #expect(stored.last?.position == receipt.positions[0])
                #expect(stored.last?.eventID == plans.first { $0.streams[0] == stream }!.request.events[0].eventID)
            }
        }
        #expect(try await store.streamVersion("d") == 0)
        #expect(try await store.streamVersion("e") == 0)
        #expect(try await store.streamVersion("b") == 2)
        #expect(try await store.commandResult(command) == results[6]?.receipt)

        // A member whose payload is not a JSON object refuses the statement: nothing of any member is written.
        let before = try await db.committedEvents().count
        let poisoned = [
            try AppendPlan(AppendRequest(stream: "a", expected: .exact(2), events: [Fixture.event(stream: "a")])),
            try AppendPlan(AppendRequest(stream: "p", expected: .any, events: [Fixture.event(stream: "p", payload: "[1]")])),
        ]
        #expect(try await session.withConnection { c in try PostgresEventStore.appendMembers(poisoned, on: c) }.allSatisfy { $0 == nil })
        // So does a command id met a second time.
        let retried = [
            try AppendPlan(AppendRequest(stream: "a", expected: .exact(2), events: [Fixture.event(stream: "a")])),
            try AppendPlan(AppendRequest(stream: "q", expected: .any, events: [Fixture.event(stream: "q")], commandID: command)),
        ]
        #expect(try await session.withConnection { c in try PostgresEventStore.appendMembers(retried, on: c) }.allSatisfy { $0 == nil })
        #expect(try await db.committedEvents().count == before)
        #expect(try await store.streamVersion("a") == 2)

        // Through the store, the refused members get their precise answers alone.
        await #expect(throws: EventStoreError.self) { try await store.append(poisoned[1].request) }
        #expect(try await store.append(retried[1].request) == .alreadyAppended(results[6]!.receipt!))
        await session.close()
    }

    /// A group locks the heads that exist before it creates new streams, so it can deadlock with a batch that
    /// creates one of its new streams and then advances one of its existing ones. PostgreSQL aborts one of
    /// the two; neither leaves anything half-written, and the store sends an append aborted so again.
    @Test func aDeadlockWithABatchLeavesNothingHalfWritten() async throws {
        let db = try await TestDatabase.create(isolated: true)
        let store = db.eventStore()
        _ = try await store.append(to: "dl-b", expected: .noStream, events: [Fixture.event(stream: "dl-b")])
        let batch = db.session()
        let group = db.session()
        let watcher = db.session()
        // The batch creates dl-a and keeps its transaction open.
        try await batch.withConnection { c in
            try c.execute("BEGIN")
            _ = try PostgresEventStore.append(AppendRequest(stream: "dl-a", expected: .noStream, events: [Fixture.event(stream: "dl-a")]), inOpenTransactionOn: c)
        }
        // The group locks dl-b, then waits for the batch's dl-a.
        let members = [
            try AppendPlan(AppendRequest(stream: "dl-a", expected: .any, events: [Fixture.event(stream: "dl-a")])),
            try AppendPlan(AppendRequest(stream: "dl-b", expected: .any, events: [Fixture.event(stream: "dl-b")])),
        ]
        let grouped = Task { try await group.withConnection { c in try PostgresEventStore.appendMembers(members, on: c) } }
        try await withTimeout(seconds: 30) {
            while try await watcher.withConnection({ c in
                try c.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%WITH input AS%'").int64(0, 0)
            }) != 1 {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        // The batch now advances dl-b: a cycle, which PostgreSQL breaks by aborting one side.
        let batchError: PGError? = await {
            do {
                try await batch.withConnection { c in
                    _ = try PostgresEventStore.append(
                        AppendRequest(stream: "dl-b", expected: .any, events: [Fixture.event(stream: "dl-b")]), inOpenTransactionOn: c)
                    try c.execute("COMMIT")
                }
                return nil
            } catch let e as PGError {
                try? await batch.withConnection { c -> Void in _ = try c.execute("ROLLBACK") }
                return e
            } catch {
                return nil
            }
        }()
        let results = try await grouped.value
        if let batchError {
            #expect(batchError.sqlState == "40P01", "\(batchError)")
            #expect(results.allSatisfy { $0 != nil }, "the batch was aborted, so the group went through")
        } else {
            #expect(results.allSatisfy { $0 == nil }, "the group was aborted, so nothing of it is written")
        }
        // Nothing half-written: each stream's versions run 1…n and its head says n.
        let stored = try await db.committedEvents()
        for stream in ["dl-a", "dl-b"] {
            let versions = stored.filter { $0.streamID == stream }.map(\.streamVersion).sorted()
            #expect(versions == Array(1...Int64(versions.count)))
            #expect(try await store.streamVersion(stream) == Int64(versions.count))
        }
        #expect(stored.count == 3, "dl-b's first event, and two more from whichever side went through")
        // An append aborted by a deadlock is sent again, not failed.
        #expect(try await store.recover(from: PGError(.query, sqlState: "40P01", message: "deadlock detected"), plan: members[0]) == nil)
        await batch.close()
        await group.close()
        await watcher.close()
    }

    /// Eight writers append single events at once, many to the same few streams, with right and stale
    /// expected versions, new streams, command ids, retried commands and resent events. Whatever the groups
    /// were, every answer must be the one the single-event path gives: appended exactly once at the version
    /// the expectation names, a conflict only when the stream was elsewhere (and nothing written), and a
    /// resend answered with the first receipt.
    @Test func concurrentWritersKeepEveryGuarantee() async throws {
        await propertyCheck(count: 3, input: Gen.int(in: 1...1_000_000)) { seed in
            let db = try! await TestDatabase.create()
            let store = db.eventStore(connections: 8)

            // A lone writer never waits for a group.
            for i in 0..<20 { _ = try! await store.append(to: "lone", expected: .exact(Int64(i)), events: [Fixture.event(stream: "lone")]) }
            #expect(store.groupedAppends == 0)

            let outcomes = try! await withThrowingTaskGroup(of: [Outcome].self) { group in
                for w in 0..<8 {
                    group.addTask { try await Self.write(store, writer: w, seed: UInt64(seed) &* 31 &+ UInt64(w), count: 120) }
                }
                return try await group.reduce(into: [Outcome]()) { $0 += $1 }
            }
            #expect(store.groupedAppends > 0, "the writers must have shared commits")

            let stored = try! await db.committedEvents()
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.eventID, $0) })
            let appended = outcomes.filter { if case .appended = $0.result { true } else { false } }
            let appendedIDs = Set(appended.map { $0.request.events[0].eventID })
            #expect(appendedIDs.count == appended.count, "no event appended twice")
            #expect(stored.count == 20 + appended.count, "every append stored exactly once, nothing else")
            for o in outcomes {
                let e = o.request.events[0]
                switch o.result {
                case .appended(let receipt):
                    let row = byID[e.eventID]
                    #expect(row?.position == receipt.positions[0])
                    #expect(row?.streamVersion == receipt.streamVersions[e.streamID])
                    switch o.request.expectations[e.streamID] ?? .any {
                    case .exact(let v): #expect(row?.streamVersion == v + 1)
                    case .noStream: #expect(row?.streamVersion == 1)
                    case .any, .streamExists: #expect((row?.streamVersion ?? 0) >= 1)
                    }
                    if let command = o.request.commandID { #expect(try! await store.commandResult(command) == receipt) }
                case .alreadyAppended(let receipt):
                    #expect(o.resendOf?.receipt == receipt, "only the resend of an appended request meets its stored copy")
                case .conflict(let conflict):
                    #expect(byID[e.eventID] == nil || appendedIDs.contains(e.eventID), "a conflict writes nothing")
                    if case .exact(let v) = conflict.expected { #expect(conflict.actualVersion != v) }
                    if conflict.expected == .noStream { #expect(conflict.actualVersion > 0) }
                }
            }
            // Each head is its stream's event count, and versions have no gaps.
            for (stream, events) in Dictionary(grouping: stored, by: \.streamID) {
                #expect(try! await store.streamVersion(stream) == Int64(events.count))
                #expect(events.map(\.streamVersion).sorted() == Array(1...Int64(events.count)))
            }
        }
    }

    struct Outcome: Sendable {
        let request: AppendRequest
        let result: AppendResult
        /// The first answer to the request this one sends again unchanged.
        let resendOf: AppendResult?
    }

    /// One writer's random single-event appends.
    static func write(_ store: PostgresEventStore, writer: Int, seed: UInt64, count: Int) async throws -> [Outcome] {
        var rng = SplitMix(seed: seed)
        var seen: [String: Int64] = [:]  // the last version this writer saw of each shared stream
        var outcomes: [Outcome] = []
        for i in 0..<count {
            if let last = outcomes.last, last.resendOf == nil, rng.next() % 8 == 0 {
                // Send the last request again: same event id, same command id. A request that was appended
                // gets its first receipt back; one that met a conflict is tried afresh.
                let again = try await store.append(last.request)
                if case .appended(let first) = last.result { #expect(again == .alreadyAppended(first), "a resend is answered with the first receipt") }
                outcomes.append(Outcome(request: last.request, result: again, resendOf: last.result))
                continue
            }
            let shared = "shared-\(rng.next() % 4)"
            let (stream, expectation): (String, ExpectedVersion) =
                switch rng.next() % 5 {
                case 0: (shared, .any)
                case 1: (shared, .exact(seen[shared] ?? 0))
                case 2: (shared, .noStream)
                case 3: (shared, .streamExists)
                default: ("own-\(writer)-\(i)", .noStream)
                }
            let command: UUID? = rng.next() % 2 == 0 ? UUID() : nil
            let request = AppendRequest(stream: stream, expected: expectation, events: [Fixture.event(stream: stream)], commandID: command)
            let result = try await store.append(request)
            switch result {
            case .appended(let r): seen[stream] = r.streamVersions[stream]
            case .conflict(let c): seen[stream] = c.actualVersion
            case .alreadyAppended: Issue.record("a new event met a stored copy")
            }
            outcomes.append(Outcome(request: request, result: result, resendOf: nil))
        }
        return outcomes
    }
}
