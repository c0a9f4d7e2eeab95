import Foundation

/// Failures of the event store that are not concurrency conflicts (those are `AppendResult.conflict`).
public enum EventStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The batch is empty or inconsistent (no events, an expectation for a stream without events …).
    case invalidBatch(String)
    /// A payload or metadata is not a JSON object; names the offending event.
    case invalidJSON(eventID: UUID, field: String, reason: String)
    /// An event id is already stored with different content.
    case eventIDReused(UUID)
    /// The same event id appears twice in one batch.
    case duplicateEventInBatch(UUID)
    /// History was refused a change (UPDATE/DELETE/TRUNCATE).
    case immutable(String)

    public var description: String {
        switch self {
        case .invalidBatch(let why): "invalid batch: \(why)"
        case .invalidJSON(let id, let field, let reason): "event \(id): \(field) is not a JSON object (\(reason))"
        case .eventIDReused(let id): "event id \(id) is already stored with different content"
        case .duplicateEventInBatch(let id): "event id \(id) appears twice in one batch"
        case .immutable(let what): "refused: \(what)"
        }
    }
}
