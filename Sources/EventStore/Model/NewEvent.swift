import Foundation

/// An event to append. The store treats type and payload as opaque: the domain's codec produced them.
public struct NewEvent: Sendable, Hashable {
    /// Unique across the whole store; re-sending the same id with identical content is idempotent.
    public var eventID: UUID
    public var streamID: String
    /// Stable wire name, e.g. `order.filled`.
    public var eventType: String
    public var schemaVersion: Int
    /// A JSON object (UTF-8). Validated before it is sent; the database validates again.
    public var payload: Data
    /// A JSON object with correlation id, causation id, command id, actor, …
    public var metadata: Data
    /// Business/market time of the fact (the database stamps `recorded_at` itself).
    public var occurredAt: Date

    public init(
        eventID: UUID, streamID: String, eventType: String, schemaVersion: Int = 1, payload: Data, metadata: Data = Data("{}".utf8),
        occurredAt: Date
    ) {
        self.eventID = eventID
        self.streamID = streamID
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
        self.occurredAt = occurredAt
    }
}

/// A batch to append atomically: events for one or several streams, the expected version of each stream
/// touched, and optionally the id of the command that produced them.
public struct AppendRequest: Sendable {
    public var events: [NewEvent]
    /// Expected version per stream id. Streams touched by `events` but missing here default to `.any`.
    public var expectations: [String: ExpectedVersion]
    /// When set, a retry of the same command returns the first result and appends nothing.
    public var commandID: UUID?

    public init(events: [NewEvent], expectations: [String: ExpectedVersion] = [:], commandID: UUID? = nil) {
        self.events = events
        self.expectations = expectations
        self.commandID = commandID
    }

    /// A batch for a single stream.
    public init(stream: String, expected: ExpectedVersion, events: [NewEvent], commandID: UUID? = nil) {
        self.init(events: events, expectations: [stream: expected], commandID: commandID)
    }
}
