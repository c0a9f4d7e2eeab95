import Domain
import EventStore
import Foundation

/// The one codec every read model decodes with. Read models list the wire names they consume in
/// `eventTypes`, so the runtime never hands them (and they never decode) anything else.
enum LedgerEvents {
    static let codec = EventCodec()

    /// Decodes a stored event; a payload this code cannot read stops the projection at that event.
    static func decode(_ e: RecordedEvent) throws -> LedgerEvent {
        do {
            return try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload)
        } catch {
            throw ProjectionApplyError(event: e, reason: "cannot decode: \(error)")
        }
    }

    /// Every wire name of a stream category (e.g. all `order.*` types), from the catalogue.
    static func types(of category: StreamCategory) -> Set<String> {
        Set(EventCodec.catalogue.filter { $0.category == category }.map(\.eventType))
    }

    /// The id after `<category>-` in a stream name (`cycle-abc` → `abc`).
    static func streamID(_ stream: String, category: StreamCategory) -> String? {
        let prefix = category.rawValue + "-"
        guard stream.hasPrefix(prefix) else { return nil }
        return String(stream.dropFirst(prefix.count))
    }
}
