import Foundation
import Synchronization

/// What a read through a `ViewReader` with a standby must see, and where it was answered, for the
/// request being served (task-local: the HTTP middleware sets them around one request).
///
/// Read-your-writes: a command's answer carries the primary's WAL position after it
/// (`Catalyst-Commit-LSN`). A client that sends it back on a read (`Catalyst-Min-LSN`) is answered by
/// the standby once the standby has replayed that far, or by the primary when it has not within the
/// reader's bound. Without it, the standby answers at once, however far behind.
public enum ReadConsistency {
    /// The WAL position (`pg_lsn` text, e.g. `0/3000148`) the answer must include, or nil.
    @TaskLocal public static var minimumLSN: String?
    /// Receives where each read was answered, for the response's `Catalyst-Read-From` header.
    @TaskLocal public static var servedBy: ReadSource?

    /// A WAL position as PostgreSQL prints it: two hexadecimal numbers of at most 8 digits, `X/Y`.
    public static func isLSN(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 8 && $0.allSatisfy { $0.isASCII && $0.isHexDigit } }
    }
}

/// Where the reads of one request were answered: `standby`, or `primary` if any read had to go there.
public final class ReadSource: Sendable {
    public enum Server: String, Sendable { case standby, primary }
    private let state = Mutex<Server?>(nil)

    public init() {}

    public var server: Server? { state.withLock { $0 } }

    func record(_ server: Server) {
        state.withLock { current in if current != .primary { current = server } }
    }
}
