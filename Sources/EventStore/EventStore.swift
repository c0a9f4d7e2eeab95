import Foundation

/// The event store port: what the application and its readers need from a log, whatever keeps it.
///
/// Two stores implement it with the same semantics, checked by one contract suite
/// (`Tests/CatalystTestKit/EventStoreContract.swift`): `PostgresEventStore`, the ledger's store, and
/// `InMemoryEventStore`, for tests that need no database and for tools that fold a log in memory.
///
/// The promises every store keeps:
/// - **Atomic batches.** A batch for several streams is written whole or not at all.
/// - **Conflicts are values.** A stream that is not at the expected version gives `.conflict` with its
///   actual version, never an error and never a partial write.
/// - **Idempotent retries.** A batch whose command id was recorded, or whose events are all stored
///   with the same content, gives `.alreadyAppended` with the original receipt and writes nothing. An
///   event id stored with other content is `EventStoreError.eventIDReused`.
/// - **Reader order.** `readAll(after:limit:)` returns events in `(transaction, position)` order and
///   never returns an event behind a cursor it has already handed out.
public protocol EventStore: Sendable {
    /// Appends a batch atomically (see the promises above).
    func append(_ request: AppendRequest) async throws -> AppendResult
    /// The events of one stream from `version` (1-based, inclusive) in stream order, at most `limit`.
    func readStream(_ streamID: String, from version: Int64, limit: Int) async throws -> [RecordedEvent]
    /// The next events of the whole log after `cursor`, in reader order, at most `limit`. An empty batch
    /// means "nothing more readable now", not "the end of the log" (see `readAll(after:limit:reaching:)`).
    func readAll(after cursor: LogCursor, limit: Int) async throws -> [RecordedEvent]
    /// The newest position stored and how many committed events readers cannot take yet.
    func head() async throws -> LogHead
    /// The newest transaction that wrote an event: a reader that must reach the end takes it first.
    func catchUpTarget() async throws -> UInt64
    /// The current version of a stream (0 when it does not exist).
    func streamVersion(_ streamID: String) async throws -> Int64
    /// The streams whose id starts with `prefix`, with their current versions, oldest stream first
    /// (streams created by one batch in id order). With `touchedWithin`, only streams written within that
    /// many seconds of wall time.
    func streamHeads(prefix: String, touchedWithin: TimeInterval?) async throws -> [StreamHead]
    /// The events whose business time is in `[from, before)`, in position order.
    func events(occurredFrom from: Date, before: Date) async throws -> [RecordedEvent]
    /// The latest business time of an event within `[from, to]`, or nil.
    func latestOccurrence(from: Date, to: Date) async throws -> Date?
    /// The store's identity: fixed for the life of the log, new after a restore into another store.
    func identity() async throws -> StoreIdentity
}

/// A stream and its current version, as the stream directory lists them.
public struct StreamHead: Sendable, Hashable {
    public var id: String
    public var version: Int64

    public init(id: String, version: Int64) {
        self.id = id
        self.version = version
    }
}

extension EventStore {
    /// The ids of `streamHeads`.
    public func streamIDs(prefix: String, touchedWithin: TimeInterval?) async throws -> [String] {
        try await streamHeads(prefix: prefix, touchedWithin: touchedWithin).map(\.id)
    }

    /// A single-stream batch.
    public func append(to stream: String, expected: ExpectedVersion, events: [NewEvent], commandID: UUID? = nil) async throws -> AppendResult {
        try await append(AppendRequest(stream: stream, expected: expected, events: events, commandID: commandID))
    }

    /// A whole stream (or from `version`).
    public func readStream(_ streamID: String, from version: Int64 = 1) async throws -> [RecordedEvent] {
        try await readStream(streamID, from: version, limit: 100_000)
    }

    /// `readAll(after:limit:)` that returns an empty batch only once `cursor` has reached `target`
    /// (taken with `catchUpTarget()` when the reader began): the read of a rebuild, an as-of build or a
    /// replay, which has to reach the end. It waits while older transactions hold the horizon back.
    public func readAll(after cursor: LogCursor, limit: Int, reaching target: UInt64) async throws -> [RecordedEvent] {
        while true {
            let batch = try await readAll(after: cursor, limit: limit)
            if !batch.isEmpty || LogCursor.hasReached(target, cursor) { return batch }
            try await Task.sleep(for: .seconds(LogCursor.catchUpPollSeconds))
        }
    }

    /// Everything readable now, from `cursor` to the end (for tools and tests; a live reader follows).
    public func readAllToEnd(after cursor: LogCursor = .start, batch: Int = 10_000) async throws -> [RecordedEvent] {
        let target = try await catchUpTarget()
        var out: [RecordedEvent] = []
        var at = cursor
        while true {
            let page = try await readAll(after: at, limit: batch, reaching: target)
            guard let last = page.last else { return out }
            out += page
            at = last.cursor
        }
    }
}

extension LogCursor {
    /// True when an empty batch read after `cursor` means the reader has seen every event committed
    /// before it took `target`.
    public static func hasReached(_ target: UInt64, _ cursor: LogCursor) -> Bool { cursor.transactionID >= target }

    /// How long a catching-up reader waits before asking again while the horizon is held back.
    public static let catchUpPollSeconds = 0.02
}
