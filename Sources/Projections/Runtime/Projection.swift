import EventStore
import Foundation

/// A read model built from the log. The runtime reads events in reader order, calls `apply` with each
/// batch inside one transaction, and advances the checkpoint in that same transaction — so a batch has
/// its effect exactly once, even after `kill -9`.
///
/// Implementations are deterministic folds: the same events always give the same tables. They must not
/// read the clock; times come from the events.
public protocol Projection: Sendable {
    /// The folder under `projections/` and the schema suffix (`proj_<name>`).
    var name: String { get }
    /// Bump when the fold's meaning changes: a new version triggers a rebuild, like a changed SQL file.
    var codeVersion: Int { get }
    /// Event types this projection reads; others are skipped without decoding (nil = all).
    var eventTypes: Set<String>? { get }
    /// Applies a batch. Throw `ProjectionApplyError` (or any error) to stop the projection; the runtime
    /// rolls back, narrows the failure to one event and reports its position.
    func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws
}

/// A failure to apply one event (decoding or a bug), reported with its place in the log.
public struct ProjectionApplyError: Error, CustomStringConvertible, Sendable {
    public var position: Int64
    public var eventType: String
    public var streamID: String
    public var reason: String

    public init(event: RecordedEvent, reason: String) {
        self.position = event.position
        self.eventType = event.eventType
        self.streamID = event.streamID
        self.reason = reason
    }

    public var description: String { "event at position \(position) (\(eventType) on \(streamID)): \(reason)" }
}
