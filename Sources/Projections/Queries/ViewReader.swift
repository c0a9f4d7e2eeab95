import Foundation
import PostgresClient

/// How the read-model queries are answered: PostgreSQL builds the JSON from the view's rows
/// (`to_jsonb`), so the view's column names are the field names every front end shows and numerics stay
/// exact decimals.
///
/// Only the query types next to each projection (`Positions/PositionsQuery.swift`, …) hold view SQL;
/// the API, the MCP server, the CLI and Doctor run them here.
public struct ViewReader: Sendable {
    enum Source: Sendable {
        case pool(PGPool)
        case conninfo(String)
    }

    let source: Source

    /// Reads through a pool (a serving process).
    public init(pool: PGPool) { source = .pool(pool) }

    /// Reads with a connection opened per read (a short-lived tool, or the MCP server between calls).
    public init(conninfo: String) { source = .conninfo(conninfo) }

    func with<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        switch source {
        case .pool(let pool):
            return try await pool.withConnection(body)
        case .conninfo(let conninfo):
            let session = PGSession(conninfo: conninfo)
            do {
                let out = try await session.withConnection(body)
                await session.close()
                return out
            } catch {
                await session.close()
                throw error
            }
        }
    }

    func scalar(_ sql: String, _ binds: [String?]) async throws -> String? {
        try await with { c in try c.query(sql, Self.values(binds)).scalar }
    }

    static func values(_ binds: [String?]) -> [any PGBindable] { binds.map { $0.map { PGValue.text($0) } ?? PGValue.null } }

    /// A query's answer as JSON: an array for `.rows` (`[]` when there are none), an object or nil for
    /// `.row`, the value's text for `.value`.
    public func json(_ q: ViewQuery) async throws -> Data? {
        switch q.shape {
        case .rows: Data((try await scalar("SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb)::text FROM (\(q.sql)) t", q.binds) ?? "[]").utf8)
        case .row: try await scalar("SELECT to_jsonb(t)::text FROM (\(q.sql)) t LIMIT 1", q.binds).map { Data($0.utf8) }
        case .value: try await scalar(q.sql, q.binds).map { Data($0.utf8) }
        }
    }

    /// A `.rows` query's JSON array (`[]` when there are none).
    public func rows(_ q: ViewQuery) async throws -> Data { try await json(q) ?? Data("[]".utf8) }

    /// A `.row` query's JSON object, or nil.
    public func row(_ q: ViewQuery) async throws -> Data? { try await json(q) }

    /// A `.value` query's value as text, or nil.
    public func value(_ q: ViewQuery) async throws -> String? { try await scalar(q.sql, q.binds) }

    /// The rows as PostgreSQL prints each column (a table on a terminal), by column name.
    public func table(_ q: ViewQuery) async throws -> [[String: String]] {
        try await with { c in try c.query(q.sql, Self.values(q.binds)).dictionaries() }
    }
}

/// One read of a view: its SQL, its parameters and the shape of its answer. The query types build them;
/// `ViewReader` runs them.
public struct ViewQuery: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        /// Every row (a JSON array).
        case rows
        /// The first row (a JSON object), or nothing.
        case row
        /// One value.
        case value
    }

    public let sql: String
    public let binds: [String?]
    public let shape: Shape

    init(_ shape: Shape, _ sql: String, _ binds: [String?] = []) {
        self.shape = shape
        self.sql = sql
        self.binds = binds
    }
}

/// What "the last N days / hours" of a read is measured back from. Live, the wall clock. On the
/// simulated market the ledger's days are not today, so it is the ledger's latest activity (the newest
/// cycle start, position open or close).
public enum ReadReference: Sendable {
    case wall
    case ledger

    var sql: String {
        switch self {
        case .wall: "now()"
        case .ledger:
            "coalesce(greatest((SELECT max(started_at) FROM v_cycles), (SELECT max(coalesce(closed_at, opened_at)) FROM v_positions)), now())"
        }
    }
}
