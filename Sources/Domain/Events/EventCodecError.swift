/// Why an event could not be encoded or decoded. A projection that meets one stops and names the event
/// position; it never skips the event.
public enum EventCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No event type of this name exists (a newer writer, or a typo).
    case unknownEventType(String)
    /// The stored version is newer than this code knows, or older with no upcaster path.
    case unsupportedSchemaVersion(eventType: String, version: Int, current: Int)
    case malformedPayload(eventType: String, version: Int, detail: String)
    case upcastFailed(eventType: String, fromVersion: Int, detail: String)
    /// Encoding an event whose type is missing from the catalogue: it could never be decoded.
    case unregisteredEventType(String)
    case encodingFailed(eventType: String, detail: String)
    /// A typed decode met an event of another aggregate.
    case unexpectedCategory(eventType: String, expected: String)

    public var description: String {
        switch self {
        case .unknownEventType(let t): "unknown event type \(t)"
        case .unsupportedSchemaVersion(let t, let v, let c): "\(t) v\(v) is not supported (current v\(c))"
        case .malformedPayload(let t, let v, let d): "\(t) v\(v) payload does not decode: \(d)"
        case .upcastFailed(let t, let v, let d): "\(t) upcast from v\(v) failed: \(d)"
        case .unregisteredEventType(let t): "\(t) is not in the event catalogue"
        case .encodingFailed(let t, let d): "\(t) does not encode: \(d)"
        case .unexpectedCategory(let t, let e): "\(t) is not a \(e) event"
        }
    }
}
