import Domain
import EventStore
import Foundation

/// The event-store contract: what every `EventStore` promises, written once and run against each store
/// (`EventStoreTests/EventStoreContractTests.swift` runs it on `InMemoryEventStore` and on
/// `PostgresEventStore`). A case gets a fresh, empty store and throws `ContractViolation` when the
/// store breaks the promise it checks.
public enum EventStoreContract {
    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        public let run: @Sendable (any EventStore) async throws -> Void
        public var description: String { name }
    }

    public static let cases: [Case] = [
        Case(name: "appends and reads back a stream", run: appendsAndReadsBack),
        Case(name: "expected versions: any, no stream, stream exists, exact", run: expectedVersions),
        Case(name: "a multi-stream batch is atomic", run: multiStreamAtomic),
        Case(name: "racers at one expected version: one wins, the rest get the actual version", run: racersAtOneVersion),
        Case(name: "concurrent appends expecting any all land with dense versions", run: concurrentAny),
        Case(name: "a retried command id appends once and returns the first receipt", run: retriedCommand),
        Case(name: "identical event ids return the stored positions", run: identicalEventIDs),
        Case(name: "an event id stored with other content is refused", run: reusedEventID),
        Case(name: "payloads that are not JSON objects on one line are refused and nothing is written", run: invalidJSON),
        Case(name: "malformed batches are refused", run: malformedBatches),
        Case(name: "read all returns every event once in reader order, page by page", run: readerOrder),
        Case(name: "head and catch-up target follow the log", run: headAndTarget),
        Case(name: "stream reads from a version with a limit", run: streamFromVersion),
        Case(name: "stream ids by prefix, oldest first", run: streamIDsByPrefix),
        Case(name: "events by business time", run: eventsByBusinessTime),
        Case(name: "the identity stays fixed", run: identityIsFixed),
        Case(name: "a follower sees events appended after it started", run: followerSeesNewEvents),
        Case(name: "single-event appends follow a model of versions, conflicts and retries (200 random steps)", run: singleEventModel),
    ]

    // MARK: Appending

    static func appendsAndReadsBack(_ store: any EventStore) async throws {
        let r = try await store.append(to: "order-1", expected: .noStream, events: events("order-1", 3))
        try check(r.isAppended, "a new stream appends: \(r)")
        try check(r.receipt?.streamVersions == ["order-1": 3], "versions \(String(describing: r.receipt))")
        let read = try await store.readStream("order-1")
        try check(read.map(\.streamVersion) == [1, 2, 3], "stream versions \(read.map(\.streamVersion))")
        try check(read.map(\.position) == r.receipt?.positions, "positions match the receipt")
        try check(read.allSatisfy { $0.eventType == "test.happened" && $0.schemaVersion == 1 }, "type and schema version kept")
        let payload = try JSONSerialization.jsonObject(with: read[0].payload) as? [String: Any]
        try check(payload?["price"] as? String == "12.34", "payload kept: \(String(describing: payload))")
        try check(read[0].occurredAt == Date(timeIntervalSince1970: 1_790_000_000), "business time kept")
        try check(try await store.streamVersion("order-1") == 3, "stream version 3")
        try check(try await store.streamVersion("nothing") == 0, "a missing stream is at version 0")
    }

    static func expectedVersions(_ store: any EventStore) async throws {
        try check(try await store.append(to: "s", expected: .streamExists, events: [event("s")]).conflict?.actualVersion == 0, "exists on missing")
        try check(try await store.append(to: "s", expected: .exact(0), events: [event("s")]).isAppended, "exact 0 on missing")
        try check(try await store.append(to: "s", expected: .noStream, events: [event("s")]).conflict?.actualVersion == 1, "no stream on existing")
        try check(try await store.append(to: "s", expected: .exact(5), events: [event("s")]).conflict?.actualVersion == 1, "exact 5 at 1")
        try check(try await store.append(to: "s", expected: .streamExists, events: [event("s")]).isAppended, "exists on existing")
        try check(try await store.append(to: "s", expected: .any, events: [event("s")]).isAppended, "any")
        try check(try await store.streamVersion("s") == 3, "three events landed")
    }

    static func multiStreamAtomic(_ store: any EventStore) async throws {
        _ = try await store.append(to: "b", expected: .noStream, events: [event("b")])
        let batch = AppendRequest(events: [event("a"), event("b"), event("a")], expectations: ["a": .noStream, "b": .noStream])
        let r = try await store.append(batch)
        try check(r.conflict == StreamConflict(streamID: "b", expected: .noStream, actualVersion: 1), "conflict on b: \(r)")
        try check(try await store.streamVersion("a") == 0, "nothing of a was written")
        let ok = try await store.append(AppendRequest(events: batch.events, expectations: ["a": .noStream, "b": .exact(1)]))
        try check(ok.receipt?.streamVersions == ["a": 2, "b": 2], "both streams written: \(ok)")
        let positions = ok.receipt?.positions ?? []
        try check(positions == positions.sorted() && Set(positions).count == 3, "positions in batch order: \(positions)")
    }

    static func racersAtOneVersion(_ store: any EventStore) async throws {
        _ = try await store.append(to: "race", expected: .noStream, events: [event("race")])
        let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for _ in 0..<20 { group.addTask { try await store.append(to: "race", expected: .exact(1), events: [event("race")]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try check(results.filter(\.isAppended).count == 1, "exactly one racer wins")
        let conflicts = results.compactMap(\.conflict)
        try check(conflicts.count == 19 && conflicts.allSatisfy { $0.actualVersion == 2 }, "19 conflicts at version 2: \(conflicts)")
        try check(try await store.readStream("race").map(\.streamVersion) == [1, 2], "no event lost or doubled")
    }

    static func concurrentAny(_ store: any EventStore) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { try await store.append(to: "fresh", expected: .any, events: [event("fresh")]).isAppended } }
            for try await ok in group { try check(ok, "every .any append lands") }
        }
        try check(try await store.readStream("fresh").map(\.streamVersion) == Array(1...16), "dense versions 1…16")
    }

    static func retriedCommand(_ store: any EventStore) async throws {
        let command = UUID()
        let first = try await store.append(to: "cmd", expected: .noStream, events: events("cmd", 2), commandID: command)
        // A retry builds new events (new ids) for the same command: it must still append nothing.
        let retry = try await store.append(to: "cmd", expected: .noStream, events: events("cmd", 2), commandID: command)
        guard case .alreadyAppended(let receipt) = retry else { throw ContractViolation("a retried command is already appended: \(retry)") }
        try check(receipt == first.receipt, "the retry returns the first receipt")
        try check(try await store.streamVersion("cmd") == 2, "nothing more was written")
    }

    /// Random single-event appends (the store's one-statement path) against a model: every expectation
    /// kind, right and wrong; retried command ids with new event ids and with the stream moved on since;
    /// resent identical events. The store must answer what the model says, and hold what it says.
    static func singleEventModel(_ store: any EventStore) async throws {
        var rng = SplitMix64(seed: 0x5EED_0001)
        var versions: [String: Int64] = [:]
        var commands: [(id: UUID, stream: String, expected: ExpectedVersion, receipt: AppendReceipt)] = []
        var sent: [(stream: String, event: NewEvent, receipt: AppendReceipt)] = []
        for step in 0..<200 {
            let roll = rng.next() % 10
            if roll == 0, let prior = commands.randomElement(using: &rng) {
                // A retry of a command, with a new event id, after other appends may have moved the stream.
                let result = try await store.append(to: prior.stream, expected: prior.expected, events: [event(prior.stream)], commandID: prior.id)
                try check(result == .alreadyAppended(prior.receipt), "step \(step): a retried command returns its first receipt, got \(result)")
                continue
            }
            if roll == 1, let prior = sent.randomElement(using: &rng) {
                // The very same event again (a resend after a lost answer), whatever the expectation.
                let result = try await store.append(to: prior.stream, expected: .any, events: [prior.event])
                try check(result == .alreadyAppended(prior.receipt), "step \(step): a resent event returns its stored receipt, got \(result)")
                continue
            }
            let stream = "s\(rng.next() % 6)"
            let current = versions[stream] ?? 0
            let expected: ExpectedVersion =
                switch rng.next() % 6 {
                case 0: .any
                case 1: .noStream
                case 2: .streamExists
                case 3: .exact(current)
                case 4: .exact(current + 1)
                default: .exact(max(0, current - 1))
                }
            let holds: Bool =
                switch expected {
                case .any: true
                case .noStream: current == 0
                case .streamExists: current > 0
                case .exact(let n): n == current
                }
            let commandID: UUID? = rng.next() % 3 == 0 ? UUID() : nil
            let e = event(stream)
            let result = try await store.append(to: stream, expected: expected, events: [e], commandID: commandID)
            if holds {
                guard case .appended(let receipt) = result else { throw ContractViolation("step \(step): \(expected) on \(stream) at \(current) appends, got \(result)") }
                try check(receipt.streamVersions == [stream: current + 1], "step \(step): the new version is \(current + 1): \(receipt)")
                versions[stream] = current + 1
                sent.append((stream, e, receipt))
                if let commandID { commands.append((commandID, stream, expected, receipt)) }
            } else {
                try check(
                    result == .conflict(StreamConflict(streamID: stream, expected: expected, actualVersion: current)),
                    "step \(step): \(expected) on \(stream) at \(current) is a conflict naming the actual version, got \(result)")
            }
        }
        for (stream, version) in versions {
            try check(try await store.streamVersion(stream) == version, "\(stream) holds \(version) events")
            try check(try await store.readStream(stream).map(\.streamVersion) == Array(1...version), "\(stream) has dense versions")
        }
    }

    static func identicalEventIDs(_ store: any EventStore) async throws {
        let batch = events("same", 2)
        let first = try await store.append(to: "same", expected: .noStream, events: batch)
        let again = try await store.append(to: "same", expected: .noStream, events: batch)
        guard case .alreadyAppended(let receipt) = again else { throw ContractViolation("identical events are already appended: \(again)") }
        try check(receipt.positions == first.receipt?.positions, "the stored positions come back")
        try check(try await store.streamVersion("same") == 2, "nothing more was written")
    }

    static func reusedEventID(_ store: any EventStore) async throws {
        let id = UUID()
        _ = try await store.append(to: "x", expected: .any, events: [event("x", id: id)])
        do {
            _ = try await store.append(to: "x", expected: .any, events: [event("x", payload: #"{"other":true}"#, id: id)])
            throw ContractViolation("an event id reused with other content must be refused")
        } catch let e as EventStoreError {
            try check(e == .eventIDReused(id), "refused as reused: \(e)")
        }
        try check(try await store.streamVersion("x") == 1, "nothing more was written")
    }

    static func invalidJSON(_ store: any EventStore) async throws {
        // The last: an object across two lines (the log keeps the bytes given; an archive line holds one event).
        for bad in ["[1,2]", "not json", "42", "{\"a\":\n1}"] {
            let e = event("j", payload: bad)
            do {
                _ = try await store.append(to: "j", expected: .any, events: [e])
                throw ContractViolation("payload \(bad) must be refused")
            } catch let error as EventStoreError {
                guard case .invalidJSON(let id, let field, _) = error, id == e.eventID, field == "payload" else {
                    throw ContractViolation("payload \(bad) refused as \(error), not as invalid JSON naming the event")
                }
            }
        }
        try check(try await store.streamVersion("j") == 0, "nothing was written")
    }

    static func malformedBatches(_ store: any EventStore) async throws {
        for (name, request) in [
            ("empty", AppendRequest(events: [])),
            ("expectation without events", AppendRequest(events: [event("a")], expectations: ["b": .noStream])),
        ] {
            do {
                _ = try await store.append(request)
                throw ContractViolation("\(name) batch must be refused")
            } catch let e as EventStoreError {
                guard case .invalidBatch = e else { throw ContractViolation("\(name) refused as \(e)") }
            }
        }
        let twice = event("d")
        do {
            _ = try await store.append(AppendRequest(events: [twice, twice]))
            throw ContractViolation("an event twice in one batch must be refused")
        } catch let e as EventStoreError {
            try check(e == .duplicateEventInBatch(twice.eventID), "refused as duplicate: \(e)")
        }
    }

    // MARK: Reading

    static func readerOrder(_ store: any EventStore) async throws {
        var written: [Int64] = []
        for i in 0..<7 {
            let r = try await store.append(
                AppendRequest(events: [event("s\(i % 3)"), event("t"), event("s\(i % 2)")], expectations: [:]))
            written += r.receipt?.positions ?? []
        }
        // Other transactions of the server may hold the horizon back for a while: read up to the target.
        let target = try await store.catchUpTarget()
        var cursor = LogCursor.start
        var read: [RecordedEvent] = []
        while true {
            let page = try await store.readAll(after: cursor, limit: 4, reaching: target)
            guard let last = page.last else { break }
            try check(page.count <= 4, "a page respects its limit")
            try check(zip(page, page.dropFirst()).allSatisfy { $0.cursor < $1.cursor }, "cursors increase within a page")
            try check(page[0].cursor > cursor, "a page starts after its cursor")
            read += page
            cursor = last.cursor
        }
        try check(Set(read.map(\.position)) == Set(written) && read.count == written.count, "every event once: \(read.count) of \(written.count)")
        var versions: [String: Int64] = [:]
        for e in read {
            try check(e.streamVersion == (versions[e.streamID] ?? 0) + 1, "stream \(e.streamID) read in version order")
            versions[e.streamID] = e.streamVersion
        }
        try check(try await store.readAll(after: cursor, limit: 10).isEmpty, "nothing after the last cursor")
        try check(try await store.readAllToEnd().map(\.eventID) == read.map(\.eventID), "read to the end gives the same order")
    }

    static func headAndTarget(_ store: any EventStore) async throws {
        try check(try await store.head().maxPosition == 0, "an empty log's head is 0")
        try check(try await store.catchUpTarget() == 0, "an empty log's target is 0")
        let r = try await store.append(to: "h", expected: .any, events: events("h", 3))
        let head = try await store.head()
        try check(head.maxPosition == r.receipt?.lastPosition, "head is the last position: \(head)")
        let target = try await store.catchUpTarget()
        let all = try await store.readAll(after: .start, limit: 100, reaching: target)
        try check(all.count == 3 && all.last?.cursor.transactionID == target, "reaching the target reads everything")
        _ = try await store.append(to: "h", expected: .any, events: [event("h")])
        try check(try await store.catchUpTarget() > target, "a new append moves the target")
    }

    static func streamFromVersion(_ store: any EventStore) async throws {
        _ = try await store.append(to: "v", expected: .noStream, events: events("v", 5))
        try check(try await store.readStream("v", from: 3).map(\.streamVersion) == [3, 4, 5], "from version 3")
        try check(try await store.readStream("v", from: 2, limit: 2).map(\.streamVersion) == [2, 3], "from 2, two events")
        try check(try await store.readStream("v", from: 6).isEmpty, "past the end is empty")
        try check(try await store.readStream("missing").isEmpty, "a missing stream is empty")
    }

    static func streamIDsByPrefix(_ store: any EventStore) async throws {
        for s in ["order-b", "order-a", "cycle-x", "order-c"] { _ = try await store.append(to: s, expected: .any, events: [event(s)]) }
        _ = try await store.append(to: "order-b", expected: .any, events: [event("order-b")])
        _ = try await store.append(AppendRequest(events: [event("order-z"), event("order-y")]))
        let all = ["order-b", "order-a", "order-c", "order-y", "order-z"]
        try check(try await store.streamIDs(prefix: "order-", touchedWithin: nil) == all, "oldest stream first, one batch's streams by id")
        try check(try await store.streamIDs(prefix: "order-", touchedWithin: 3600) == all, "all touched within the hour")
        try check(try await store.streamIDs(prefix: "cycle-", touchedWithin: nil) == ["cycle-x"], "another prefix")
        try check(try await store.streamIDs(prefix: "none-", touchedWithin: nil).isEmpty, "no match")
        let versions = Dictionary(uniqueKeysWithValues: try await store.streamHeads(prefix: "order-", touchedWithin: nil).map { ($0.id, $0.version) })
        try check(versions == ["order-a": 1, "order-b": 2, "order-c": 1, "order-y": 1, "order-z": 1], "each head with its version: \(versions)")
    }

    static func eventsByBusinessTime(_ store: any EventStore) async throws {
        let day = Date(timeIntervalSince1970: 1_790_000_000)
        for (i, offset) in [-3600.0, 0, 1800, 86_400].enumerated() {
            _ = try await store.append(to: "t", expected: .any, events: [event("t", payload: #"{"i":\#(i)}"#, at: day.addingTimeInterval(offset))])
        }
        let inDay = try await store.events(occurredFrom: day, before: day.addingTimeInterval(86_400))
        try check(inDay.map(\.streamVersion) == [2, 3], "the half-open day holds the 2nd and 3rd events: \(inDay.map(\.streamVersion))")
        try check(try await store.latestOccurrence(from: day, to: day.addingTimeInterval(86_400)) == day.addingTimeInterval(86_400), "latest, end inclusive")
        try check(try await store.latestOccurrence(from: day.addingTimeInterval(90_000), to: day.addingTimeInterval(99_000)) == nil, "none later")
    }

    static func identityIsFixed(_ store: any EventStore) async throws {
        let a = try await store.identity()
        _ = try await store.append(to: "i", expected: .any, events: [event("i")])
        try check(try await store.identity() == a, "the identity does not change with appends")
    }

    static func followerSeesNewEvents(_ store: any EventStore) async throws {
        _ = try await store.append(to: "f", expected: .any, events: [event("f")])
        let reader = Task { () throws -> [Int64] in
            var seen: [Int64] = []
            for try await batch in LogFollower(store: store, from: .start, batchSize: 10, waker: nil, pollInterval: .milliseconds(10)) {
                seen += batch.map(\.streamVersion)
                if seen.count >= 3 { break }
            }
            return seen
        }
        try await Task.sleep(for: .milliseconds(50))
        _ = try await store.append(to: "f", expected: .any, events: events("f", 2))
        let seen = try await reader.value
        try check(seen == [1, 2, 3], "the follower read the old and the new events in order: \(seen)")
    }

    // MARK: Builders

    static func event(_ stream: String, payload: String? = nil, id: UUID = UUID(), at: Date = Date(timeIntervalSince1970: 1_790_000_000)) -> NewEvent {
        NewEvent(
            eventID: id, streamID: stream, eventType: "test.happened", schemaVersion: 1,
            payload: Data((payload ?? #"{"qty":"100","price":"12.34","symbol":"ACME"}"#).utf8),
            metadata: Data(#"{"actor":"system"}"#.utf8), occurredAt: at)
    }

    static func events(_ stream: String, _ count: Int) -> [NewEvent] { (0..<count).map { _ in event(stream) } }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ContractViolation(message()) }
    }
}

/// A store broke a promise of the contract.
public struct ContractViolation: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension AppendResult {
    public var isAppended: Bool { if case .appended = self { true } else { false } }
    public var conflict: StreamConflict? { if case .conflict(let c) = self { c } else { nil } }
}
