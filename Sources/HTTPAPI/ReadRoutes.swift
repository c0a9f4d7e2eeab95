import Application
import Domain
import Foundation
import Hummingbird

/// The read endpoints: each is one SQL query over a projection view, answered as the view's rows.
struct ReadRoutes {
    let backend: APIBackend

    static let orderStatuses: Set<String> = [
        "open", "requested", "submit_unknown", "new", "accepted", "pending_new", "partially_filled", "filled", "canceled", "expired",
        "rejected", "replaced", "pending_cancel", "pending_replace", "held",
    ]

    func register(on api: GuardedRouter) {
        api.get("/api/v1/workflow/history", .readViews) { request, _ in
            let limit = try Query(request).int("limit", default: 20, in: 1...500)
            return JSONBody.raw(try await backend.rows("SELECT * FROM v_cycles ORDER BY started_at DESC LIMIT \(limit)"))
        }
        api.get("/api/v1/cycles/current", .readViews) { _, _ in
            // The cycle first, then its funnel: joining the view before the LIMIT aggregated every cycle's
            // candidates on each request (the soak saw it grow with the history until the API stalled).
            try await cycle(
                "SELECT c.*, (SELECT to_jsonb(f) - 'cycle_id' FROM v_candidate_funnel f WHERE f.cycle_id = c.cycle_id) AS funnel "
                    + "FROM (SELECT * FROM v_cycles ORDER BY (status = 'running') DESC, started_at DESC LIMIT 1) c", [], missing: "no cycle has run yet")
        }
        api.get("/api/v1/cycles/:id", .readViews) { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await cycle(
                "SELECT c.*, to_jsonb(f) - 'cycle_id' AS funnel FROM v_cycles c LEFT JOIN v_candidate_funnel f USING (cycle_id) WHERE c.cycle_id = $1",
                [id], missing: "cycle \(id)")
        }
        api.get("/api/v1/positions/active", .readViews) { _, _ in
            JSONBody.raw(try await backend.rows("SELECT * FROM v_positions_current"))
        }
        api.get("/api/v1/positions/history", .readViews) { request, _ in
            let limit = try Query(request).int("limit", default: 100, in: 1...1000)
            return JSONBody.raw(
                try await backend.rows("SELECT * FROM v_positions WHERE status = 'closed' ORDER BY closed_at DESC NULLS LAST LIMIT \(limit)"))
        }
        api.get("/api/v1/orders", .readViews) { request, _ in
            let q = Query(request)
            let limit = try q.int("limit", default: 100, in: 1...1000)
            if let cycle = q["cycle_id"] {
                // One cycle's orders (the dashboard's cycle view), oldest first; `status` does not combine with it.
                guard q["status"] == nil else { throw APIError.invalid(field: "status", reason: "does not combine with cycle_id") }
                return JSONBody.raw(try await backend.rows("SELECT * FROM v_orders_status WHERE cycle_id = $1 ORDER BY requested_at LIMIT \(limit)", [cycle]))
            }
            switch q["status"] {
            case nil:
                return JSONBody.raw(try await backend.rows("SELECT * FROM v_orders_status ORDER BY requested_at DESC LIMIT \(limit)"))
            case "open":
                return JSONBody.raw(try await backend.rows("SELECT * FROM v_orders_status WHERE NOT is_terminal ORDER BY requested_at DESC LIMIT \(limit)"))
            case let s? where Self.orderStatuses.contains(s):
                return JSONBody.raw(try await backend.rows("SELECT * FROM v_orders_status WHERE status = $1 ORDER BY requested_at DESC LIMIT \(limit)", [s]))
            case let s?:
                throw APIError.invalid(field: "status", reason: "unknown order status \"\(s)\" (one of \(Self.orderStatuses.sorted().joined(separator: ", ")))")
            }
        }
        api.get("/api/v1/candidates", .readViews) { request, _ in
            let q = Query(request)
            let limit = try q.int("limit", default: 200, in: 1...5000)
            var cycle = q["cycle_id"]
            if cycle == nil { cycle = try await backend.scalar("SELECT cycle_id FROM v_cycles ORDER BY started_at DESC LIMIT 1") }
            guard let cycle else { return JSONBody.raw(Data("[]".utf8)) }
            return JSONBody.raw(try await backend.rows("SELECT * FROM v_candidates WHERE cycle_id = $1 LIMIT \(limit)", [cycle]))
        }
        api.get("/api/v1/risk/limits", .readViews) { _, _ in
            // The limits in force: the day's, which a risk officer may have changed through the API.
            try JSONBody.response(try await RiskDesk(system: backend.system).parametersInForce(now: backend.system.clock.now()))
        }
        api.get("/api/v1/risk/state", .readViews) { _, _ in
            guard let row = try await backend.row("SELECT * FROM v_risk_state WHERE account = $1", [backend.system.account.rawValue]) else {
                throw APIError.notFound("no risk day has been opened yet")
            }
            return JSONBody.raw(row)
        }
        api.get("/api/v1/risk/exposure", .readViews) { _, _ in
            // The latest risk day's exposure by symbol and by sector, each row with its cap.
            let day = "(SELECT max(trading_date) FROM v_risk_state WHERE account = $1)"
            let sql = """
                SELECT (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_symbol s WHERE s.account = $1 AND s.trading_date = \(day)) AS by_symbol,
                       (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_sector s WHERE s.account = $1 AND s.trading_date = \(day)) AS by_sector
                """
            return JSONBody.raw(try await backend.row(sql, [backend.system.account.rawValue]) ?? Data("{}".utf8))
        }
        api.get("/api/v1/doctor/activity", .readViews) { request, _ in
            // Doctor Claude's latest observations, decisions and actions (claude_activity_log, newest first).
            let limit = try Query(request).int("limit", default: 20, in: 1...500)
            return JSONBody.raw(try await backend.rows("SELECT * FROM claude_activity_log LIMIT \(limit)"))
        }
        api.get("/api/v1/risk/violations", .readViews) { request, _ in
            let date = try Query(request).date("date") ?? backend.system.tradingDate(backend.system.clock.now())
            return JSONBody.raw(
                try await backend.rows(
                    "SELECT * FROM v_risk_denials WHERE account = $1 AND trading_date = $2::date", [backend.system.account.rawValue, date.description]))
        }
        api.get("/api/v1/reports/daily", .readViews) { request, _ in
            let date = try Query(request).date("date") ?? backend.system.tradingDate(backend.system.clock.now())
            return try await daily(date)
        }
        api.get("/api/v1/events", .readEvents) { request, _ in try await events(Query(request)) }
    }

    func cycle(_ sql: String, _ binds: [String], missing: String) async throws -> Response {
        guard let row = try await backend.row(sql, binds) else { throw APIError.notFound(missing) }
        return JSONBody.raw(row)
    }

    /// The day in one object: performance, the risk day, the cycles and the pipeline status.
    func daily(_ date: NYDate) async throws -> Response {
        let account = backend.system.account.rawValue
        let sql = """
            SELECT $2::date AS date,
                   (SELECT to_jsonb(p) FROM v_performance_daily p WHERE p.account = $1 AND p.trading_date = $2::date) AS performance,
                   (SELECT to_jsonb(r) FROM v_risk_state r WHERE r.account = $1 AND r.trading_date = $2::date) AS risk,
                   (SELECT count(*) FROM v_cycles c WHERE c.trading_date = $2::date) AS cycles,
                   (SELECT count(*) FROM v_positions p WHERE p.status = 'closed' AND (p.closed_at AT TIME ZONE 'America/New_York')::date = $2::date) AS positions_closed
            """
        return JSONBody.raw(try await backend.row(sql, [account, date.description]) ?? Data("{}".utf8))
    }

    /// Events, paged. With `?stream=`: the stream's events in version order, `after` = the last global
    /// position seen (a stream's positions only grow). Without: the whole log in reader order — by
    /// (transaction, position) and only below the oldest transaction still in flight — so a page never
    /// skips an event that commits later with a lower position; `after` is then the previous page's
    /// `next_after` cursor (`"tx:position"`), or a global position to start from.
    func events(_ q: Query) async throws -> Response {
        let limit = try q.int("limit", default: 100, in: 1...1000)
        let columns = "global_position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, recorded_at, payload, metadata"
        if let stream = q["stream"] {
            let after = try q.int("after", default: 0, in: 0...Int.max)
            let page = try await backend.rows(
                "SELECT \(columns) FROM events WHERE stream_id = $1 AND global_position > $2::bigint ORDER BY global_position LIMIT \(limit)",
                [stream, String(after)])
            return try await wrap(page, next: "(SELECT max((e->>'global_position')::bigint) FROM jsonb_array_elements(x.events) e)")
        }
        let (tx, position) = try await cursor(q["after"])
        let page = try await backend.rows(
            """
            SELECT tx_id::text AS tx_id, \(columns) FROM events
            WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx_id, global_position LIMIT \(limit)
            """, [tx, position])
        // The largest (transaction, position) of the page, whatever order the aggregate kept.
        return try await wrap(
            page,
            next: """
                (SELECT (e->>'tx_id') || ':' || (e->>'global_position') FROM jsonb_array_elements(x.events) e
                 ORDER BY (e->>'tx_id')::numeric DESC, (e->>'global_position')::bigint DESC LIMIT 1)
                """)
    }

    /// `{"events": page, "next_after": …}` (null on an empty page: nothing more is readable yet).
    func wrap(_ page: Data, next: String) async throws -> Response {
        let wrapped = try await backend.row("SELECT x.events, \(next) AS next_after FROM (SELECT $1::jsonb AS events) x", [String(decoding: page, as: UTF8.self)])
        return JSONBody.raw(wrapped ?? page)
    }

    /// `tx:position`, a bare global position (its event's transaction is looked up), or the start.
    func cursor(_ text: String?) async throws -> (String, String) {
        guard let text, text != "0" else { return ("0", "0") }
        let parts = text.split(separator: ":")
        if parts.count == 2, let tx = UInt64(parts[0]), let p = Int64(parts[1]) { return (String(tx), String(p)) }
        guard parts.count == 1, let p = Int64(text), p >= 0 else {
            throw APIError.invalid(field: "after", reason: "must be a global position or a next_after cursor (tx:position)")
        }
        guard let tx = try await backend.scalar("SELECT tx_id::text FROM events WHERE global_position = $1::bigint", [String(p)]) else {
            throw APIError.invalid(field: "after", reason: "no event at global position \(p)")
        }
        return (tx, String(p))
    }
}

/// Query parameters, validated into 422s that name the parameter.
struct Query {
    let items: [String: String]

    init(_ request: Request) {
        var items: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { items[String(k)] = String(v) }
        self.items = items
    }

    /// A parameter as given. An empty value (`?status=`) is a value, not an absence: it is validated
    /// like any other (an unknown status, a bad date or cursor is a 422), never silently defaulted.
    subscript(_ name: String) -> String? { items[name] }

    /// An integer parameter; absent = `value`.
    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = self[name] else { return value }
        guard let v = Int(text) else { throw APIError.invalid(field: name, reason: "must be an integer") }
        guard range.contains(v) else { throw APIError.invalid(field: name, reason: "must be between \(range.lowerBound) and \(range.upperBound)") }
        return v
    }

    func date(_ name: String) throws -> NYDate? {
        guard let text = self[name] else { return nil }
        guard let d = NYDate(text) else { throw APIError.invalid(field: name, reason: "must be a date YYYY-MM-DD") }
        return d
    }
}
