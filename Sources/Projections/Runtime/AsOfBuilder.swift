import EventStore
import Foundation
import PostgresClient

/// Time travel for auditors: builds every given projection as it stood at one point of the log into a
/// scratch schema — their views as `<schema>.v_*` (like the live ones in `public`), over their tables in
/// `<schema>_tables` (like the live `proj_*`) — so "what did we believe at 10:31?" is a query. Never
/// touches the live `proj_*` schemas, the public views or the log.
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
        let ok = schema.range(of: "^[a-z_][a-z0-9_]{0,55}$", options: .regularExpression) != nil
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
        let tables = tableSchema(schema)
        let ts = c.quoteIdentifier(tables)
        if case .position(let p) = limit {
            guard try PostgresEventStore.transactionID(ofPosition: p, on: c) != nil else { throw AsOfError.positionNotInLog(p) }
        }
        let exists = try c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1 OR nspname = $2", [schema, tables]).rowCount > 0
        if exists && !replace { throw AsOfError.schemaExists(schema) }
        try c.transaction {
            if exists {
                try c.execute("DROP SCHEMA IF EXISTS \(s) CASCADE")
                try c.execute("DROP SCHEMA IF EXISTS \(ts) CASCADE")
            }
            try c.execute("CREATE SCHEMA \(s)")
            try c.execute("CREATE SCHEMA \(ts)")
            try c.execute("SET LOCAL search_path = \(ts), public")
            for p in projections { try c.execute(p.definition.schemaSQL) }
        }

        // Everything committed now is readable in the end, even while an older open transaction holds the
        // read horizon back: the position asked for, or the recorded time's last event, may be behind it.
        let target = try PostgresEventStore.catchUpTarget(on: c)
        var cursor = LogCursor.start
        var report = Report(schema: schema, events: 0, last: nil, projections: projections.map(\.projection.name))
        var done = false
        while !done {
            var batch = try PostgresEventStore.readAll(after: cursor, limit: batchSize, reaching: target, on: c)
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
                try c.execute("SET LOCAL search_path = \(ts), public")
                let context = ProjectionContext(connection: c, schema: tables)
                for p in projections {
                    let relevant = p.projection.eventTypes.map { t in batch.filter { t.contains($0.eventType) } } ?? batch
                    if !relevant.isEmpty { try p.projection.apply(relevant, to: context) }
                }
            }
            report.events += batch.count
            report.last = batch.last?.cursor ?? report.last
        }

        try c.transaction {
            try c.execute("SET LOCAL search_path = \(ts), public")
            for p in projections where !p.definition.indexesSQL.isEmpty { try c.execute(p.definition.indexesSQL) }
            // The public views, recreated in the scratch schema over its tables (other public objects, such as
            // `events`, stay where they are).
            let views = viewNames(projections.map(\.definition.viewsSQL))
            for p in projections where !p.definition.viewsSQL.isEmpty {
                try c.execute(retarget(p.definition.viewsSQL, views: views, to: s))
            }
            try c.execute("GRANT USAGE ON SCHEMA \(s), \(ts) TO catalyst_auditor, catalyst_doctor")
            try c.execute("CREATE TABLE \(s)._as_of (limit_text text NOT NULL, events bigint NOT NULL, tx_id text, global_position bigint)")
            try c.query(
                "INSERT INTO \(s)._as_of VALUES ($1, $2, $3, $4)",
                [limit.description, Int64(report.events), report.last.map { String($0.transactionID) }, report.last?.position])
        }
        return report
    }

    /// Where the scratch tables live (the views live in the schema itself).
    public static func tableSchema(_ schema: String) -> String { schema + "_tables" }

    /// The names of the views the projections create in `public`.
    static func viewNames(_ sqls: [String]) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+public\.([A-Za-z0-9_]+)"#)
        var names: [String] = []
        for sql in sqls {
            for m in pattern.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)) {
                if let r = Range(m.range(at: 1), in: sql) { names.append(String(sql[r])) }
            }
        }
        return names
    }

    /// `public.<view>` → `<schema>.<view>` for the projections' own views only (`public.events` stays).
    static func retarget(_ sql: String, views: [String], to schema: String) -> String {
        var out = sql
        for v in views.sorted(by: { $0.count > $1.count }) {
            out = out.replacingOccurrences(of: #"public\.\#(v)\b"#, with: "\(schema).\(v)", options: .regularExpression)
        }
        return out
    }
}
