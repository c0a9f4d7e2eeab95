import ArgumentParser
import CatalystApp
import Foundation
import EventStore
import PostgresClient
import Projections

/// `catalyst positions`, `catalyst orders`, `catalyst events`: the read models straight from the
/// database (`DatabaseTarget`), as a table or `--json` (the view's rows, column names as keys).
enum LedgerRead {
    /// A read model's rows: the JSON array (`--json`) and the rows as PostgreSQL prints them (the table).
    static func query(_ query: ViewQuery, _ configuration: CatalystConfiguration) async throws -> (json: String, rows: [[String: String]]) {
        let views = ViewReader(conninfo: try await target(configuration).conninfo)
        return (String(decoding: try await views.rows(query), as: UTF8.self), try await views.table(query))
    }

    static func target(_ configuration: CatalystConfiguration) async throws -> DatabaseTarget {
        let target = try configuration.database
        try await target.ensureAvailable()
        return target
    }

    /// JSON rows as text cells, for the table.
    static func textRows(_ json: Data) -> [[String: String]] {
        let rows = (try? JSONSerialization.jsonObject(with: json)) as? [[String: Any]] ?? []
        return rows.map { $0.mapValues { "\($0)" } }
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

    func execute(_ configuration: CatalystConfiguration) async throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        let r = try await LedgerRead.query(closed ? PositionsQuery.closed(limit: limit) : PositionsQuery.active(limit: limit), configuration)
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

    func execute(_ configuration: CatalystConfiguration) async throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        let filter: OrdersQuery.Filter =
            switch status {
            case nil: .all
            case "open": .open
            case let s?: .status(s)
            }
        let r = try await LedgerRead.query(OrdersQuery.list(filter, limit: limit), configuration)
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

    func execute(_ configuration: CatalystConfiguration) async throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        guard after >= 0 else { throw ValidationError("--after must be 0 or positive") }
        let store = try await LedgerRead.target(configuration).store()
        let page: PostgresEventStore.JSONPage
        if let stream {
            page = try await store.jsonPage(stream: stream, afterPosition: after, limit: limit)
        } else {
            // The whole log in reader order from the event at `after` (the store's cursor rule).
            var cursor = LogCursor.start
            if after > 0 {
                guard let tx = try await store.transactionID(ofPosition: after) else { throw ValidationError("--after: no event at global position \(after)") }
                cursor = LogCursor(transactionID: tx, position: after)
            }
            page = try await store.jsonPage(after: cursor, limit: limit)
        }
        let r = (json: String(decoding: page.events, as: UTF8.self), rows: LedgerRead.textRows(page.events))
        if json { return print(r.json) }
        LedgerRead.printTable(r.rows, columns: ["global_position", "stream_id", "stream_version", "event_type", "occurred_at"], empty: "no events")
    }
}
