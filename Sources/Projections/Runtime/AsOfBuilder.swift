import EventStore
import Foundation
import PostgresClient

/// Time travel for auditors: builds every given projection as it stood at one point of the log into a
/// scratch schema — the projections' tables and their views (`<schema>.v_*`) — so "what did we believe
/// at 10:31?" is a query. Never touches the live `proj_*` schemas, the public views or the log.
///
/// "As it stood" is the reader order's prefix: `.position(N)` ends with the event at global position N
/// (what a live projector held when its checkpoint reached that event); `.recordedAt(T)` ends before the
/// first event recorded after T. All projections share the schema (their table names are distinct;
/// a clash is refused by PostgreSQL when the DDL runs).
public enum AsOfBuilder {
    public enum Limit: Sendable, Hashable, CustomStringConvertible {
        case position(Int64)
        case recordedAt(Date)

        public var description: String {
            switch self {
            case .position(let p): "position \(p)"
            case .recordedAt(let t): "recorded at or before \(PGTimestamp.format(t))"
            }
        }
    }

    public struct Report: Sendable {
        public var schema: String
        public var events: Int
        public var last: LogCursor?
        public var projections: [String]
    }

    public enum AsOfError: Error, CustomStringConvertible, Equatable {
        case badSchema(String)
        case schemaExists(String)
        case positionNotInLog(Int64)

        public var description: String {
            switch self {
            case .badSchema(let s): "--into must be a new schema name (lower-case letters, digits, _; not public, pg_* or proj_*), got '\(s)'"
            case .schemaExists(let s): "schema \(s) already exists (drop it, or pass --replace)"
            case .positionNotInLog(let p): "no event at global position \(p) is visible in the log"
            }
        }
    }

    public static func validate(_ schema: String) throws(AsOfError) {
        let ok = schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil
        guard ok, schema != "public", !schema.hasPrefix("pg_"), !schema.hasPrefix("proj_"), schema != "information_schema" else {
            throw .badSchema(schema)
        }
    }

    public static func build(
        _ projections: [(projection: any Projection, definition: ProjectionDefinition)], into schema: String, limit: Limit, replace: Bool = false,
        on c: PGConnection, batchSize: Int = 5_000
    ) throws -> Report {
        try validate(schema)
        let s = c.quoteIdentifier(schema)
        if case .position(let p) = limit {
            guard try c.query("SELECT 1 FROM events WHERE global_position = $1", [p]).rowCount == 1 else { throw AsOfError.positionNotInLog(p) }
        }
        let exists = try c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).rowCount == 1
        if exists && !replace { throw AsOfError.schemaExists(schema) }
        try c.transaction {
            if exists { try c.execute("DROP SCHEMA \(s) CASCADE") }
            try c.execute("CREATE SCHEMA \(s)")
            try c.execute("SET LOCAL search_path = \(s), public")
            for p in projections { try c.execute(p.definition.schemaSQL) }
        }

        var cursor = LogCursor.start
        var report = Report(schema: schema, events: 0, last: nil, projections: projections.map(\.projection.name))
        var done = false
        while !done {
            var batch = try PostgresEventStore.readAll(after: cursor, limit: batchSize, on: c)
            guard !batch.isEmpty else { break }
            switch limit {
            case .position(let p):
                if let i = batch.firstIndex(where: { $0.position == p }) {
                    batch = Array(batch[...i])
                    done = true
                }
            case .recordedAt(let t):
                if let i = batch.firstIndex(where: { $0.recordedAt > t }) {
                    batch = Array(batch[..<i])
                    done = true
                }
            }
            if let last = batch.last { cursor = last.cursor }
            try c.transaction {
                try c.execute("SET LOCAL search_path = \(s), public")
                let context = ProjectionContext(connection: c, schema: schema)
                for p in projections {
                    let relevant = p.projection.eventTypes.map { t in batch.filter { t.contains($0.eventType) } } ?? batch
                    if !relevant.isEmpty { try p.projection.apply(relevant, to: context) }
                }
            }
            report.events += batch.count
            report.last = batch.last?.cursor ?? report.last
        }

        try c.transaction {
            try c.execute("SET LOCAL search_path = \(s), public")
            // The public views, recreated in the scratch schema over its tables (other public objects, such as
            // `events`, stay where they are).
            for p in projections where !p.definition.viewsSQL.isEmpty {
                try c.execute(p.definition.viewsSQL.replacingOccurrences(of: "public.v_", with: "\(s).v_"))
            }
            try c.execute("GRANT USAGE ON SCHEMA \(s) TO catalyst_auditor, catalyst_doctor")
            try c.execute("CREATE TABLE \(s)._as_of (limit_text text NOT NULL, events bigint NOT NULL, tx_id text, global_position bigint)")
            try c.query(
                "INSERT INTO \(s)._as_of VALUES ($1, $2, $3, $4)",
                [limit.description, Int64(report.events), report.last.map { String($0.transactionID) }, report.last?.position])
        }
        return report
    }
}
