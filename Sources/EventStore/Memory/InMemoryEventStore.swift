import Foundation
import Synchronization

/// An event store in memory, with the semantics of `PostgresEventStore` (the contract suite in
/// `Tests/CatalystTestKit/EventStoreContract.swift` runs against both): atomic multi-stream batches,
/// conflicts as values, idempotent command ids and event ids, and reader order.
///
/// Every batch is one "transaction" with the next transaction id, applied under one lock, so nothing is
/// ever in flight when a reader reads: the horizon is always the end of the log.
///
/// What differs from PostgreSQL, on purpose: payloads and metadata are kept as the bytes given (the
/// database prints `jsonb` in its own normal form), `recordedAt` is this process's wall clock, and
/// nothing survives the process. Use it for tests that do not need a database and for folding a log in
/// memory; the ledger itself runs on PostgreSQL.
public final class InMemoryEventStore: EventStore {
    private struct Stream {
        var version: Int64 = 0
        /// The transaction that created the stream: streams created together tie, and sort by id.
        var created: UInt64
        var touched: Date
        /// Indexes into `State.events`, in stream order.
        var events: [Int] = []
    }

    private struct State {
        var events: [RecordedEvent] = []
        var streams: [String: Stream] = [:]
        var byEventID: [UUID: Int] = [:]
        var commands: [UUID: AppendReceipt] = [:]
        var lastTransaction: UInt64 = 0
    }

    private let state = Mutex(State())
    private let waker: LogWaker?
    private let storeIdentity: StoreIdentity

    /// - Parameter waker: poked after every append, so a `LogFollower` on this store wakes at once.
    public init(waker: LogWaker? = nil, identity: StoreIdentity = StoreIdentity(storeID: UUID(), systemIdentifier: "memory")) {
        self.waker = waker
        self.storeIdentity = identity
    }

    public func append(_ request: AppendRequest) async throws -> AppendResult {
        let plan = try AppendPlan(request)
        if let invalid = plan.firstInvalidJSON() { throw invalid }
        let now = Date()
        let result = try state.withLock { s throws(EventStoreError) -> AppendResult in
            if let id = request.commandID, let receipt = s.commands[id] { return .alreadyAppended(receipt) }
            if let stored = try Self.storedCopy(of: request, in: s) { return stored }
            for (i, stream) in plan.streams.enumerated() {
                let actual = s.streams[stream]?.version ?? 0
                if !Self.satisfies(plan.expected[i], actual) {
                    return .conflict(StreamConflict(streamID: stream, expected: plan.expected[i], actualVersion: actual))
                }
            }
            s.lastTransaction += 1
            var positions: [Int64] = []
            var versions: [String: Int64] = [:]
            for e in request.events {
                var stream = s.streams[e.streamID] ?? Stream(created: s.lastTransaction, touched: now)
                stream.version += 1
                stream.touched = now
                let index = s.events.count
                stream.events.append(index)
                s.streams[e.streamID] = stream
                let position = Int64(index + 1)
                s.events.append(
                    RecordedEvent(
                        position: position, transactionID: s.lastTransaction, streamID: e.streamID, streamVersion: stream.version,
                        eventID: e.eventID, eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload, metadata: e.metadata,
                        occurredAtMicros: Self.micros(e.occurredAt), recordedAtMicros: Self.micros(now)))
                s.byEventID[e.eventID] = index
                positions.append(position)
                versions[e.streamID] = stream.version
            }
            let receipt = AppendReceipt(positions: positions, streamVersions: versions)
            if let id = request.commandID { s.commands[id] = receipt }
            return .appended(receipt)
        }
        if case .appended = result { await waker?.poke() }
        return result
    }

    public func readStream(_ streamID: String, from version: Int64, limit: Int) async throws -> [RecordedEvent] {
        state.withLock { s in
            guard let stream = s.streams[streamID] else { return [] }
            let first = max(0, Int(version) - 1)
            guard first < stream.events.count else { return [] }
            return stream.events[first..<min(stream.events.count, first + max(0, limit))].map { s.events[$0] }
        }
    }

    public func readAll(after cursor: LogCursor, limit: Int) async throws -> [RecordedEvent] {
        state.withLock { s in
            // Events are stored in reader order (one transaction at a time), so find the first one past
            // the cursor by bisection.
            var lo = 0
            var hi = s.events.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if s.events[mid].cursor <= cursor { lo = mid + 1 } else { hi = mid }
            }
            return Array(s.events[lo..<min(s.events.count, lo + max(0, limit))])
        }
    }

    public func head() async throws -> LogHead {
        state.withLock { s in LogHead(maxPosition: Int64(s.events.count), invisibleEvents: 0, horizon: s.lastTransaction + 1) }
    }

    public func catchUpTarget() async throws -> UInt64 { state.withLock { $0.lastTransaction } }

    public func streamVersion(_ streamID: String) async throws -> Int64 { state.withLock { $0.streams[streamID]?.version ?? 0 } }

    public func streamHeads(prefix: String, touchedWithin: TimeInterval?) async throws -> [StreamHead] {
        let since = touchedWithin.map { Date().addingTimeInterval(-$0) }
        return state.withLock { s in
            s.streams.filter { entry in entry.key.hasPrefix(prefix) && (since.map { entry.value.touched >= $0 } ?? true) }
                .sorted { ($0.value.created, $0.key) < ($1.value.created, $1.key) }
                .map { StreamHead(id: $0.key, version: $0.value.version) }
        }
    }

    public func events(occurredFrom from: Date, before: Date) async throws -> [RecordedEvent] {
        let (lo, hi) = (Self.micros(from), Self.micros(before))
        return state.withLock { s in s.events.filter { $0.occurredAtMicros >= lo && $0.occurredAtMicros < hi } }
    }

    public func latestOccurrence(from: Date, to: Date) async throws -> Date? {
        let (lo, hi) = (Self.micros(from), Self.micros(to))
        let latest = state.withLock { s in s.events.lazy.map(\.occurredAtMicros).filter { $0 >= lo && $0 <= hi }.max() }
        return latest.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
    }

    public func identity() async throws -> StoreIdentity { storeIdentity }

    // MARK: Rules shared with the database's `append_events`

    private static func satisfies(_ expected: ExpectedVersion, _ actual: Int64) -> Bool {
        switch expected {
        case .any: true
        case .noStream: actual == 0
        case .streamExists: actual > 0
        case .exact(let n): actual == n
        }
    }

    /// The stored receipt when every event of the batch is already stored with identical content; nil
    /// when none is. Some stored, or stored with other content: `eventIDReused`.
    private static func storedCopy(of request: AppendRequest, in s: State) throws(EventStoreError) -> AppendResult? {
        let stored = request.events.map { s.byEventID[$0.eventID] }
        guard stored.contains(where: { $0 != nil }) else { return nil }
        var versions: [String: Int64] = [:]
        var positions: [Int64] = []
        for (e, index) in zip(request.events, stored) {
            guard let index, sameContent(e, s.events[index]) else { throw .eventIDReused(e.eventID) }
            let r = s.events[index]
            positions.append(r.position)
            versions[r.streamID] = max(versions[r.streamID] ?? 0, r.streamVersion)
        }
        return .alreadyAppended(AppendReceipt(positions: positions, streamVersions: versions))
    }

    /// The database compares `jsonb` values, so key order and spacing do not matter here either.
    private static func sameContent(_ e: NewEvent, _ r: RecordedEvent) -> Bool {
        e.streamID == r.streamID && e.eventType == r.eventType && sameJSON(e.payload, r.payload) && sameJSON(e.metadata, r.metadata)
    }

    private static func sameJSON(_ a: Data, _ b: Data) -> Bool {
        if a == b { return true }
        guard let x = try? JSONSerialization.jsonObject(with: a) as? NSDictionary, let y = try? JSONSerialization.jsonObject(with: b) as? NSDictionary
        else { return false }
        return x.isEqual(y)
    }

    /// Microseconds since 1970, the database's precision.
    private static func micros(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1_000_000).rounded()) }
}
