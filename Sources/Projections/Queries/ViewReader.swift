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
        case standby(primary: PGPool, standby: PGPool, wait: Duration)
    }

    let source: Source

    /// Reads through a pool (a serving process).
    public init(pool: PGPool) { source = .pool(pool) }

    /// Reads on a hot standby of the same ledger (`catalyst.read.url`), as `ReadConsistency` asks: at
    /// once when no position is required; once the standby has replayed `ReadConsistency.minimumLSN`,
    /// waiting at most `wait`, and on the primary after that. A standby that cannot be reached sends
    /// the read to the primary too. `ReadConsistency.servedBy` learns which answered.
    public init(primary: PGPool, standby: PGPool, wait: Duration = .seconds(2)) { source = .standby(primary: primary, standby: standby, wait: wait) }

    /// Whether reads may go to a standby.
    public var readsStandby: Bool {
        if case .standby = source { return true }
        return false
    }

    /// Reads with a connection opened per read (a short-lived tool, or the MCP server between calls).
    public init(conninfo: String) { source = .conninfo(conninfo) }

    func with<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        switch source {
        case .pool(let pool):
            return try await pool.withConnection(body)
        case .standby(let primary, let standby, let wait):
            return try await Self.onStandby(primary: primary, standby: standby, wait: wait, body)
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

    static func onStandby<T: Sendable>(
        primary: PGPool, standby: PGPool, wait: Duration, _ body: @escaping @Sendable (PGConnection) throws -> T
    ) async throws -> T {
        let wanted = ReadConsistency.minimumLSN
        let deadline = ContinuousClock.now + wait
        var pause: Duration = .milliseconds(2)
        do {
            while true {
                // The position is checked on the connection that then reads: replay only moves forward.
                let answer = try await standby.withConnection { c -> T? in
                    // NULL (a server not in recovery) is not "replayed that far": the primary answers.
                    if let wanted, try c.query("SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", [wanted]).bool(0, 0) != true {
                        return nil
                    }
                    return try body(c)
                }
                if let answer {
                    ReadConsistency.servedBy?.record(.standby)
                    return answer
                }
                guard ContinuousClock.now < deadline else { break }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            }
        } catch let error as PGError where error.isConnectionLoss || error.sqlState == "40001" {
            // The standby is gone (the primary answers until it is back), or replay cancelled the read.
        }
        ReadConsistency.servedBy?.record(.primary)
        return try await primary.withConnection(body)
    }

    func scalar(_ sql: String, _ binds: [String?]) async throws -> String? {
        try await with { c in try c.query(sql, Self.values(binds)).scalar }
    }

    static func values(_ binds: [String?]) -> [any PGBindable] { binds.map { $0.map { PGValue.text($0) } ?? PGValue.null } }

    /// The rows as one JSON array built by PostgreSQL (`[]` when there are none).
    public func rows(_ q: ViewQuery) async throws -> Data {
        Data((try await scalar("SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb)::text FROM (\(q.sql)) t", q.binds) ?? "[]").utf8)
    }

    /// The first row as a JSON object built by PostgreSQL, or nil.
    public func row(_ q: ViewQuery) async throws -> Data? {
        try await scalar("SELECT to_jsonb(t)::text FROM (\(q.sql)) t LIMIT 1", q.binds).map { Data($0.utf8) }
    }

    /// A `.value` query's value as text, or nil.
    public func value(_ q: ViewQuery) async throws -> String? { try await scalar(q.sql, q.binds) }

    /// The rows as PostgreSQL prints each column (a table on a terminal), by column name.
    public func table(_ q: ViewQuery) async throws -> [[String: String]] {
        try await with { c in try c.query(q.sql, Self.values(q.binds)).dictionaries() }
    }
}

/// One read of a view: its SQL and its parameters. The query types build them; `ViewReader` runs them
/// as a JSON array (`rows`), one JSON object (`row`), one value (`value`) or a terminal table (`table`),
/// as each query's doc comment says.
public struct ViewQuery: Sendable, Equatable {
    public let sql: String
    public let binds: [String?]

    init(_ sql: String, _ binds: [String?] = []) {
        self.sql = sql
        self.binds = binds
    }
}

extension ViewQuery {
    /// Runs the query on a connection the caller holds (one session for several reads, as Doctor's
    /// snapshot does) and returns its rows as PostgreSQL gives them.
    public func result(on c: PGConnection) throws -> PGResult { try c.query(sql, ViewReader.values(binds)) }
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
