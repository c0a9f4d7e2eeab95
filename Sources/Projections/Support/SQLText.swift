import Domain
import Foundation
import PostgresClient

/// Values as PostgreSQL input text for the bulk helpers. Money, prices and quantities go in as plain
/// decimal text (never through a float); times as UTC with microseconds.
enum SQLText {
    static func decimal(_ d: Decimal?) -> String? { d.map { DecimalText.format($0) } }
    static func money(_ m: Money?) -> String? { m.map(\.description) }
    static func price(_ p: Price?) -> String? { p.map(\.description) }
    static func quantity(_ q: Quantity?) -> String? { q.map(\.description) }
    static func time(_ d: Date?) -> String? { d.map(PGTimestamp.format) }
    static func int(_ i: Int?) -> String? { i.map { String($0) } }
    static func int64(_ i: Int64?) -> String? { i.map { String($0) } }
    static func bool(_ b: Bool) -> String { b ? "t" : "f" }
    static func date(_ d: NYDate?) -> String? { d?.description }

    /// A JSON array of strings (lists are stored as `jsonb`: the unnest-based upsert cannot carry
    /// array columns, and readers get `jsonb_array_elements_text` for free).
    static func jsonArray(_ items: [String]) -> String {
        "[" + items.map(jsonString).joined(separator: ",") + "]"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Parses a `jsonb` array of strings as PostgreSQL prints it.
    static func parseJSONArray(_ text: String?) -> [String] {
        guard let text, let data = text.data(using: .utf8),
            let array = try? JSONSerialization.jsonObject(with: data) as? [Any]
        else { return [] }
        return array.compactMap { $0 as? String }
    }
}

/// A row loaded back from a read model's table: column name → text, with typed accessors.
struct TextRow {
    let values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    func string(_ c: String) -> String? { values[c] }
    func decimal(_ c: String) -> Decimal? { values[c].flatMap(DecimalText.parse) }
    func int(_ c: String) -> Int? { values[c].flatMap { Int($0) } }
    func int64(_ c: String) -> Int64? { values[c].flatMap { Int64($0) } }
    func bool(_ c: String) -> Bool { values[c] == "t" }
    func date(_ c: String) -> Date? { values[c].flatMap(PGTimestamp.parse) }
    func nyDate(_ c: String) -> NYDate? { values[c].flatMap { NYDate($0) } }
    func stringArray(_ c: String) -> [String] { SQLText.parseJSONArray(values[c]) }
}

extension ProjectionContext {
    /// Loads rows by key into typed rows (empty input: no query).
    func loadRows(from table: String, keyColumn: String, keys: some Collection<String>) throws -> [String: TextRow] {
        try load(from: table, keyColumn: keyColumn, keys: keys).mapValues(TextRow.init)
    }
}

extension ProjectionContext {
    /// Every row whose text column `column` is one of `keys` (several rows per key, unlike `load`).
    func loadAll(from table: String, where column: String, in keys: some Collection<String>) throws -> [TextRow] {
        guard !keys.isEmpty else { return [] }
        var a = PGArrayLiteral()
        for k in keys { a.append(k) }
        let r = try connection.query(
            "SELECT * FROM \(qualified(table)) WHERE \(connection.quoteIdentifier(column)) = ANY($1::text[])", [a.finished()])
        var out: [TextRow] = []
        out.reserveCapacity(r.rowCount)
        for row in 0..<r.rowCount {
            var d: [String: String] = [:]
            for c in 0..<r.columnCount { if let v = r.string(row, c) { d[r.columnName(c)] = v } }
            out.append(TextRow(d))
        }
        return out
    }
}
