import EventStore
import Foundation

/// A test's event store that passes everything to `inner` except what it overrides: a spy that counts
/// reads, a faulty store that drops expected versions.
public protocol ForwardingEventStore: EventStore {
    var inner: InMemoryEventStore { get }
}

extension ForwardingEventStore {
    public func append(_ r: AppendRequest) async throws -> AppendResult { try await inner.append(r) }
    public func readStream(_ s: String, from v: Int64, limit: Int) async throws -> [RecordedEvent] { try await inner.readStream(s, from: v, limit: limit) }
    public func readAll(after c: LogCursor, limit: Int) async throws -> [RecordedEvent] { try await inner.readAll(after: c, limit: limit) }
    public func head() async throws -> LogHead { try await inner.head() }
    public func catchUpTarget() async throws -> UInt64 { try await inner.catchUpTarget() }
    public func streamVersion(_ s: String) async throws -> Int64 { try await inner.streamVersion(s) }
    public func streamHeads(prefix: String, touchedWithin: TimeInterval?) async throws -> [StreamHead] {
        try await inner.streamHeads(prefix: prefix, touchedWithin: touchedWithin)
    }
    public func events(occurredFrom from: Date, before: Date) async throws -> [RecordedEvent] { try await inner.events(occurredFrom: from, before: before) }
    public func latestOccurrence(from: Date, to: Date) async throws -> Date? { try await inner.latestOccurrence(from: from, to: to) }
    public func identity() async throws -> StoreIdentity { try await inner.identity() }
}
