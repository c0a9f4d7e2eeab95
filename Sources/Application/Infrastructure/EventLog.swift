import Domain
import EventStore
import Foundation

/// The bridge between domain events and the store: loads a stream into a decider's state and appends
/// batches of `LedgerEvent`s with ids, metadata and business time.
public final class EventLog: Sendable {
    public let store: any EventStore
    public let codec: EventCodec
    public let ids: any IDGenerator
    public let codeVersion: String
    private let folded = FoldedStateCache()

    public init(store: any EventStore, codec: EventCodec = EventCodec(), ids: any IDGenerator = RandomIDGenerator(), codeVersion: String = CatalystVersion.current) {
        self.store = store
        self.codec = codec
        self.ids = ids
        self.codeVersion = codeVersion
    }

    /// A stream folded into a decider's state, with the version to expect when appending after it.
    public struct Loaded<State: Sendable>: Sendable {
        public var state: State
        public var version: Int64
        public var expected: ExpectedVersion { version == 0 ? .noStream : .exact(version) }
    }

    /// `knownVersion`: the stream's version as the stream directory just listed it. When the folded state
    /// kept from an earlier load is at that version, it is the answer and the stream is not read again (the
    /// directory's loops fold every recent order each minute; most have not moved).
    public func load<D: Decider>(_ decider: D.Type, _ stream: StreamName, knownVersion: Int64? = nil) async throws -> Loaded<D.State>
    where D.Event: LedgerEventConvertible {
        let key = "\(D.self)|\(stream.rawValue)"
        let cached = folded.get(key, as: D.State.self)
        if let knownVersion, let cached, cached.version == knownVersion { return Loaded(state: cached.state, version: cached.version) }
        let recorded = try await store.readStream(stream.rawValue, from: (cached?.version ?? 0) + 1)
        var state = cached?.state ?? D.initial
        for r in recorded {
            let event = try codec.decode(eventType: r.eventType, schemaVersion: r.schemaVersion, payload: r.payload)
            guard let e = D.Event(event) else {
                throw EventCodecError.unexpectedCategory(eventType: r.eventType, expected: "\(D.self)")
            }
            state = D.evolve(state, e)
        }
        let version = recorded.last?.streamVersion ?? cached?.version ?? 0
        if !recorded.isEmpty { folded.put(key, version: version, state: state) }
        return Loaded(state: state, version: version)
    }

    /// The decoded events of a stream (for reactions that need the payloads, e.g. an approval).
    public func events(_ stream: StreamName) async throws -> [LedgerEvent] {
        try await store.readStream(stream.rawValue).map { try codec.decode(eventType: $0.eventType, schemaVersion: $0.schemaVersion, payload: $0.payload) }
    }

    /// Appends a batch atomically across its streams. Conflicts come back as a value.
    public func append(_ batch: LedgerBatch, context: CommandContext, configHash: String? = nil) async throws -> AppendResult {
        let metadata = try codec.encodeValue(context.metadata(codeVersion: codeVersion, configHash: configHash))
        var events: [NewEvent] = []
        var expectations: [String: ExpectedVersion] = [:]
        for part in batch.parts where !part.events.isEmpty {
            expectations[part.stream.rawValue] = part.expected
            for e in part.events {
                let encoded = try codec.encode(e)
                events.append(
                    NewEvent(
                        eventID: ids.uuid(), streamID: part.stream.rawValue, eventType: encoded.eventType, schemaVersion: encoded.schemaVersion,
                        payload: encoded.payload, metadata: metadata, occurredAt: e.occurredAt))
            }
        }
        guard !events.isEmpty else { return .alreadyAppended(AppendReceipt(positions: [], streamVersions: [:])) }
        return try await store.append(AppendRequest(events: events, expectations: expectations, commandID: batch.idempotent ? context.commandID : nil))
    }
}

/// Events for one or several streams, appended in one transaction with an expected version per stream.
public struct LedgerBatch: Sendable {
    public struct Part: Sendable {
        public var stream: StreamName
        public var expected: ExpectedVersion
        public var events: [LedgerEvent]
    }

    public private(set) var parts: [Part] = []
    /// When true, the command id is recorded so a retry of the same command appends nothing.
    public var idempotent: Bool

    public init(idempotent: Bool = true) { self.idempotent = idempotent }

    public mutating func add(_ stream: StreamName, expected: ExpectedVersion, _ events: [LedgerEvent]) {
        if let i = parts.firstIndex(where: { $0.stream == stream }) {
            parts[i].events += events
        } else {
            parts.append(Part(stream: stream, expected: expected, events: events))
        }
    }

    public mutating func add<E: LedgerEventConvertible>(_ stream: StreamName, expected: ExpectedVersion, _ events: [E]) {
        add(stream, expected: expected, events.map(\.ledgerEvent))
    }

    public var isEmpty: Bool { parts.allSatisfy { $0.events.isEmpty } }
    public var eventCount: Int { parts.reduce(0) { $0 + $1.events.count } }
}

/// The build's version, recorded in every event's metadata.
public enum CatalystVersion {
    public static let current = "0.1.0"
}
