import Foundation

/// Everything that can go wrong with an archive, as one line that names the file (and the audit seq
/// when it is known), so an operator knows exactly which file to look at.
public enum ArchiveError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file system refused (missing file, no space, permissions).
    case io(file: String, reason: String)
    /// The archive's bytes are not what the manifest and the chain say they must be.
    case corrupt(file: String, seq: Int64?, reason: String)
    /// The operation is not allowed in this situation (non-empty store, other store, nothing to export).
    case refused(String)

    public var description: String {
        switch self {
        case .io(let file, let reason): "\(file): \(reason)"
        case .corrupt(let file, let seq, let reason):
            if let seq { "\(file): seq \(seq): \(reason)" } else { "\(file): \(reason)" }
        case .refused(let why): why
        }
    }

    /// The file a corruption or I/O error names.
    public var file: String? {
        switch self {
        case .io(let f, _), .corrupt(let f, _, _): f
        case .refused: nil
        }
    }

    /// The audit seq a corruption error names, when known.
    public var seq: Int64? {
        if case .corrupt(_, let s, _) = self { return s }
        return nil
    }
}
