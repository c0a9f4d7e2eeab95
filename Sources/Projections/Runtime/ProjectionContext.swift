import Foundation
import PostgresClient

/// What a projection may do inside its apply transaction: bulk reads and writes of its own tables, in its
/// own schema. Table and column names come from code, never from events; values are always bound.
public final class ProjectionContext {
    public let connection: PGConnection
    /// The schema being written (the live one, or the shadow during a rebuild).
    public let schema: String
    private var columnTypes: [String: [String: String]] = [:]

    init(connection: PGConnection, schema: String) {
        self.connection = connection
        self.schema = schema
    }

    /// Runs statements in one pipeline round trip.
    public func run(_ statements: [PGStatement]) throws {
        guard !statements.isEmpty else { return }
        if statements.count == 1 {
            _ = try connection.query(statements[0].sql, statements[0].params)
        } else {
            _ = try connection.pipeline(statements)
        }
    }

    /// Inserts or replaces whole rows in one statement: `INSERT … SELECT FROM unnest(typed arrays)
    /// ON CONFLICT (key) DO UPDATE`. Values are text in PostgreSQL input syntax; nil is NULL.
    public func upsert(into table: String, columns: [String], key: [String], rows: [[String?]]) throws {
        guard !rows.isEmpty else { return }
        let types = try typesOf(table)
        var arrays: [PGValue] = []
        for (i, _) in columns.enumerated() {
            var a = PGArrayLiteral(reservingCapacity: rows.count * 16)
            for row in rows { a.append(row[i]) }
            arrays.append(a.finished())
        }
        let unnest = columns.enumerated().map { i, c in "$\(i + 1)::\(types[c] ?? "text")[]" }.joined(separator: ", ")
        let quoted = columns.map { connection.quoteIdentifier($0) }
        let updates = columns.filter { !key.contains($0) }.map { "\(connection.quoteIdentifier($0)) = EXCLUDED.\(connection.quoteIdentifier($0))" }
        let conflict = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET \(updates.joined(separator: ", "))"
        let sql = """
            INSERT INTO \(qualified(table)) (\(quoted.joined(separator: ", ")))
            SELECT * FROM unnest(\(unnest))
            ON CONFLICT (\(key.map { connection.quoteIdentifier($0) }.joined(separator: ", "))) \(conflict)
            """
        try connection.query(sql, arrays)
    }

    /// Appends rows (no conflict handling) — for insert-only tables such as one row per candidate.
    public func insert(into table: String, columns: [String], rows: [[String?]]) throws {
        guard !rows.isEmpty else { return }
        try insert(into: table, columns: columns) { w in
            for row in rows {
                for (i, v) in row.enumerated() {
                    if i > 0 { w.endField() }
                    w.field(v)
                }
                try w.endRow()
            }
        }
    }

    /// Appends rows written straight into the COPY stream by `write` (fields separated by `endField`, rows
    /// ended by `endRow`): for a fold that writes many rows per event, with no row arrays in between.
    public func insert(into table: String, columns: [String], _ write: (inout PGCopyWriter) throws -> Void) throws {
        try connection.copyIn("COPY \(qualified(table)) (\(columns.map { connection.quoteIdentifier($0) }.joined(separator: ", "))) FROM STDIN", write)
    }

    /// Loads rows whose `keyColumn` is one of `keys`, as column-name → text dictionaries keyed by the key.
    public func load(from table: String, keyColumn: String, keys: some Collection<String>) throws -> [String: [String: String]] {
        guard !keys.isEmpty else { return [:] }
        let types = try typesOf(table)
        var a = PGArrayLiteral()
        for k in keys { a.append(k) }
        let r = try connection.query(
            "SELECT * FROM \(qualified(table)) WHERE \(connection.quoteIdentifier(keyColumn)) = ANY($1::\(types[keyColumn] ?? "text")[])",
            [a.finished()])
        guard let keyIndex = r.column(named: keyColumn) else { return [:] }
        var out: [String: [String: String]] = [:]
        for row in 0..<r.rowCount {
            var d: [String: String] = [:]
            for c in 0..<r.columnCount { if let v = r.string(row, c) { d[r.columnName(c)] = v } }
            if let k = r.string(row, keyIndex) { out[k] = d }
        }
        return out
    }

    /// `schema.table`, quoted.
    public func qualified(_ table: String) -> String {
        "\(connection.quoteIdentifier(schema)).\(connection.quoteIdentifier(table))"
    }

    private func typesOf(_ table: String) throws -> [String: String] {
        if let t = columnTypes[table] { return t }
        let r = try connection.query(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, ["\(connection.quoteIdentifier(schema)).\(connection.quoteIdentifier(table))"])
        guard r.rowCount > 0 else { throw PGError(.usage, message: "projection table \(schema).\(table) does not exist") }
        var t: [String: String] = [:]
        for row in 0..<r.rowCount { t[r.string(row, 0)!] = r.string(row, 1)! }
        columnTypes[table] = t
        return t
    }
}
