import ArgumentParser
import CatalystApp
import Foundation
import PostgresClient

/// `catalyst positions`, `catalyst orders`, `catalyst events`: the read models straight from the
/// database (`DatabaseTarget`), as a table or `--json` (the view's rows, column names as keys).
enum LedgerRead {
    /// The rows of a query as a JSON array built by PostgreSQL, plus the rows as dictionaries for the table.
    static func query(_ sql: String, _ binds: [String] = []) async throws -> (json: String, rows: [[String: String]]) {
        let target = try DatabaseTarget.resolve()
        try await target.ensureAvailable()
        return try await PGSession(conninfo: target.conninfo).withConnection { c in
            let values = binds.map { $0 as any PGBindable }
            let json = try c.query("SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb)::text FROM (\(sql)) t", values).scalar ?? "[]"
            let rows = try c.query(sql, values).dictionaries()
            return (json, rows)
        }
    }

    static func printTable(_ rows: [[String: String]], columns: [String], empty: String) {
        guard !rows.isEmpty else { return print(empty) }
        let widths = columns.map { c in max(c.count, rows.map { ($0[c] ?? "").count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        print(line(columns))
        for r in rows { print(line(columns.map { r[$0] ?? "" })) }
    }
}

struct PositionsCommand: CatalystCommand {
    static let configuration = CommandConfiguration(commandName: "positions", abstract: "Open positions (v_positions_current), or --closed.")
    @Flag(help: "Closed positions instead of open ones (latest first).") var closed = false
    @Option(help: "Most rows to show.") var limit = 100
    @Flag(help: "Print the rows as JSON.") var json = false

    func execute() async throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        let sql = closed
            ? "SELECT * FROM v_positions WHERE status = 'closed' ORDER BY closed_at DESC NULLS LAST LIMIT \(limit)"
            : "SELECT * FROM v_positions_current LIMIT \(limit)"
        let r = try await LedgerRead.query(sql)
        if json { return print(r.json) }
        LedgerRead.printTable(
            r.rows, columns: ["symbol", "side", "quantity", "avg_entry_price", "last_price", "unrealized_pnl", "realized_pnl", "stop_price", "target_price"],
            empty: closed ? "no closed positions" : "no open positions")
    }
}

struct OrdersCommand: CatalystCommand {
    static let configuration = CommandConfiguration(commandName: "orders", abstract: "Orders (v_orders_status), latest first.")
    @Option(help: "Only this status (e.g. filled, canceled), or `open` for non-terminal orders.") var status: String?
    @Option(help: "Most rows to show.") var limit = 100
    @Flag(help: "Print the rows as JSON.") var json = false

    func execute() async throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        let r: (json: String, rows: [[String: String]])
        switch status {
        case nil: r = try await LedgerRead.query("SELECT * FROM v_orders_status ORDER BY requested_at DESC LIMIT \(limit)")
        case "open": r = try await LedgerRead.query("SELECT * FROM v_orders_status WHERE NOT is_terminal ORDER BY requested_at DESC LIMIT \(limit)")
        case let s?: r = try await LedgerRead.query("SELECT * FROM v_orders_status WHERE status = $1 ORDER BY requested_at DESC LIMIT \(limit)", [s])
        }
        if json { return print(r.json) }
        LedgerRead.printTable(
            r.rows, columns: ["order_id", "symbol", "side", "order_type", "order_purpose", "quantity", "filled_qty", "status", "requested_at"],
            empty: "no orders")
    }
}

struct EventsCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Events in log order: one stream with --stream, paged with --after (the last position seen).")
    @Option(help: "Only this stream (e.g. cycle-…, order-…, risk-sim-2025-03-14).") var stream: String?
    @Option(help: "Show events after this global position.") var after: Int64 = 0
    @Option(help: "Most events to show.") var limit = 100
    @Flag(help: "Print the events as JSON (payload and metadata included).") var json = false

    func execute() async throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        guard after >= 0 else { throw ValidationError("--after must be 0 or positive") }
        var sql = "SELECT global_position, stream_id, stream_version, event_type, occurred_at, payload, metadata FROM events WHERE global_position > $1::bigint"
        var binds = [String(after)]
        if let stream {
            sql += " AND stream_id = $2"
            binds.append(stream)
        }
        sql += " ORDER BY global_position LIMIT \(limit)"
        let r = try await LedgerRead.query(sql, binds)
        if json { return print(r.json) }
        LedgerRead.printTable(r.rows, columns: ["global_position", "stream_id", "stream_version", "event_type", "occurred_at"], empty: "no events")
    }
}
