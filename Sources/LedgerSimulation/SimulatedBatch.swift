import Domain
import EventStore
import Foundation

/// One event of a generated history, with the stream it belongs to and its metadata.
public struct SimulatedEvent: Sendable, Equatable {
    public var eventID: UUID
    public var stream: StreamName
    public var event: LedgerEvent
    public var metadata: EventMetadata

    public init(eventID: UUID, stream: StreamName, event: LedgerEvent, metadata: EventMetadata) {
        self.eventID = eventID
        self.stream = stream
        self.event = event
        self.metadata = metadata
    }
}

/// The events one command handler would append atomically (e.g. a fill: the order's execution, the
/// position's change and the risk day's mirror of it).
public struct SimulatedBatch: Sendable, Equatable {
    public var commandID: UUID
    public var events: [SimulatedEvent]

    public init(commandID: UUID, events: [SimulatedEvent]) {
        self.commandID = commandID
        self.events = events
    }

    /// The batch as the event store takes it, encoded with the one codec.
    public func newEvents(codec: EventCodec) throws -> [NewEvent] {
        try events.map { e in
            let encoded = try codec.encode(e.event)
            return NewEvent(
                eventID: e.eventID, streamID: e.stream.rawValue, eventType: encoded.eventType, schemaVersion: encoded.schemaVersion,
                payload: encoded.payload, metadata: try codec.encodeValue(e.metadata), occurredAt: e.event.occurredAt)
        }
    }
}

extension Array where Element == SimulatedBatch {
    /// All events of these batches as one append request each of at most `maxEvents` (whole batches are
    /// never split, so every command's events stay atomic).
    public func appendRequests(codec: EventCodec, maxEvents: Int = 2_000) throws -> [AppendRequest] {
        var out: [AppendRequest] = []
        var current: [NewEvent] = []
        for batch in self {
            if !current.isEmpty, current.count + batch.events.count > maxEvents {
                out.append(AppendRequest(events: current))
                current = []
            }
            current += try batch.newEvents(codec: codec)
        }
        if !current.isEmpty { out.append(AppendRequest(events: current)) }
        return out
    }

    public var eventCount: Int { reduce(0) { $0 + $1.events.count } }
}
