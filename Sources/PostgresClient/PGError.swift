import CLibPQ

/// A PostgreSQL failure with its SQLSTATE when the server gave one.
///
/// `description` is safe to log: it never contains the connection string, passwords or bound parameter
/// values — only what the server said about the failure.
public struct PGError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Could not connect, or the connection broke.
        case connection
        /// The server rejected a statement.
        case query
        /// COPY, pipeline or notification protocol failure.
        case protocolViolation = "protocol"
        /// A value could not be decoded from a result.
        case decoding
        /// Misuse of the API (caught before anything was sent).
        case usage
    }

    public var kind: Kind
    /// Five-character SQLSTATE, e.g. `23505` (unique violation), `40001` (serialization failure).
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?

    public init(
        _ kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
    }

    public var description: String {
        var s = "postgres \(kind.rawValue) error"
        if let sqlState { s += " [\(sqlState)]" }
        s += ": \(message)"
        if let constraint { s += " (constraint \(constraint))" }
        return s
    }

    /// True for errors after which the connection cannot be used any more.
    public var isConnectionLoss: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        // Class 08 (connection exception) and 57P01..57P03 (admin shutdown, crash shutdown, cannot connect now).
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// True when the connection reached no primary: it is lost, or its server no longer takes writes (25006:
    /// a demoted primary). Reconnecting, to whichever host takes writes now, is the remedy.
    public var isPrimaryLost: Bool { isConnectionLoss || sqlState == "25006" }

    /// True when the server refused for want of room rather than because of the statement: class 53
    /// (53100 disk full, 53200 out of memory, 53300 too many connections) or a read-only server (25006).
    /// The transaction was rolled back; the same statement can succeed once the condition clears.
    public var isServerCannotWrite: Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("53") || sqlState == "25006"
    }

    static func from(result: OpaquePointer?, connection: OpaquePointer?, kind: Kind = .query) -> PGError {
        func field(_ code: Character) -> String? {
            guard let result, let ptr = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: ptr)
        }
        let primary = field("M") ?? connection.flatMap { PQerrorMessage($0).map { String(cString: $0) } } ?? "unknown error"
        let state = field("C")
        // A server that dies in the middle of a statement (a PANIC, a kill) can leave libpq's status still OK
        // when the failed result is read: its message is then the only sign that the connection is gone.
        let connectionGone = (connection.map { PQstatus($0) == CONNECTION_BAD } ?? false)
            || primary.contains("server closed the connection unexpectedly") || primary.contains("no connection to the server")
        return PGError(
            connectionGone && state == nil ? .connection : kind,
            sqlState: state,
            message: primary.trimmingCharacters(in: .whitespacesAndNewlines),
            detail: field("D"),
            hint: field("H"),
            constraint: field("n")
        )
    }
}

import Foundation
