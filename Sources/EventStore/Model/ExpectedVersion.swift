/// What the writer believes about a stream before appending. A mismatch is a conflict (a value), never a
/// silent overwrite.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// Append regardless of the current version.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must have at least one event.
    case streamExists
    /// The stream must have exactly this many events (its version; versions are 1-based).
    case exact(Int64)

    /// Encoding understood by `reserve_stream_versions`: -1 any, -2 exists, n ≥ 0 exact.
    var sqlCode: Int64 {
        switch self {
        case .any: -1
        case .streamExists: -2
        case .noStream: 0
        case .exact(let n): n
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .streamExists: "stream exists"
        case .exact(let n): "version \(n)"
        }
    }
}
