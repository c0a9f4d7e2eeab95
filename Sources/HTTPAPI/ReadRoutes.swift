import Application
import Domain
import EventStore
import Foundation
import Hummingbird
import Projections

/// The read endpoints: each is one query of a read model (`Projections/…/…Query.swift`) or one page of
/// the event store, answered as JSON.
struct ReadRoutes {
    let backend: APIBackend

    static let orderStatuses: Set<String> = [
        "open", "requested", "submit_unknown", "new", "accepted", "pending_new", "partially_filled", "filled", "canceled", "expired",
        "rejected", "replaced", "pending_cancel", "pending_replace", "held",
    ]

    func register(on api: GuardedRouter) {
        let views = backend.reads
        let account = backend.system.account.rawValue
        api.get("/api/v1/workflow/history", .readViews) { request, _ in
            let limit = try Query(request).int("limit", default: 20, in: 1...500)
            return JSONBody.raw(try await views.rows(CyclesQuery.history(limit: limit)))
        }
        api.get("/api/v1/cycles/current", .readViews) { _, _ in
            try await one(CyclesQuery.current(), missing: "no cycle has run yet")
        }
        api.get("/api/v1/cycles/:id", .readViews) { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await one(CyclesQuery.cycle(id), missing: "cycle \(id)")
        }
        api.get("/api/v1/positions/active", .readViews) { _, _ in
            JSONBody.raw(try await views.rows(PositionsQuery.active()))
        }
        api.get("/api/v1/positions/history", .readViews) { request, _ in
            let limit = try Query(request).int("limit", default: 100, in: 1...1000)
            return JSONBody.raw(try await views.rows(PositionsQuery.closed(limit: limit)))
        }
        api.get("/api/v1/orders", .readViews) { request, _ in
            let q = Query(request)
            let limit = try q.int("limit", default: 100, in: 1...1000)
            return JSONBody.raw(try await views.rows(OrdersQuery.list(try Self.orderFilter(q), limit: limit)))
        }
        api.get("/api/v1/candidates", .readViews) { request, _ in
            let q = Query(request)
            let limit = try q.int("limit", default: 200, in: 1...5000)
            return JSONBody.raw(try await views.rows(CandidatesQuery.ofCycle(q["cycle_id"], limit: limit)))
        }
        api.get("/api/v1/risk/limits", .readViews) { _, _ in
            // The limits in force: the day's, which a risk officer may have changed through the API.
            try JSONBody.response(try await RiskDesk(system: backend.system).parametersInForce(now: backend.system.clock.now()))
        }
        api.get("/api/v1/risk/state", .readViews) { _, _ in
            try await one(RiskQuery.state(account: account), missing: "no risk day has been opened yet")
        }
        api.get("/api/v1/risk/exposure", .readViews) { _, _ in
            // The latest risk day's exposure by symbol and by sector, each row with its cap.
            JSONBody.raw(try await views.row(RiskQuery.exposure(account: account)) ?? Data("{}".utf8))
        }
        api.get("/api/v1/doctor/activity", .readViews) { request, _ in
            // Doctor Claude's latest observations, decisions and actions (claude_activity_log, newest first).
            let limit = try Query(request).int("limit", default: 20, in: 1...500)
            return JSONBody.raw(try await views.rows(DoctorQuery.activity(limit: limit)))
        }
        api.get("/api/v1/risk/violations", .readViews) { request, _ in
            let date = try Query(request).date("date") ?? backend.system.tradingDate(backend.system.clock.now())
            return JSONBody.raw(try await views.rows(RiskQuery.denials(account: account, date: date.description)))
        }
        api.get("/api/v1/reports/daily", .readViews) { request, _ in
            let date = try Query(request).date("date") ?? backend.system.tradingDate(backend.system.clock.now())
            return JSONBody.raw(try await views.row(ReportsQuery.daily(account: account, date: date.description)) ?? Data("{}".utf8))
        }
        api.get("/api/v1/events", .readEvents) { request, _ in try await events(Query(request)) }
    }

    /// `?status=` or `?cycle_id=` (one cycle's orders, oldest first; the two do not combine).
    static func orderFilter(_ q: Query) throws -> OrdersQuery.Filter {
        if let cycle = q["cycle_id"] {
            guard q["status"] == nil else { throw APIError.invalid(field: "status", reason: "does not combine with cycle_id") }
            return .cycle(cycle)
        }
        switch q["status"] {
        case nil: return .all
        case "open": return .open
        case let s? where orderStatuses.contains(s): return .status(s)
        case let s?: throw APIError.invalid(field: "status", reason: "unknown order status \"\(s)\" (one of \(orderStatuses.sorted().joined(separator: ", ")))")
        }
    }

    func one(_ query: ViewQuery, missing: String) async throws -> Response {
        guard let row = try await backend.reads.row(query) else { throw APIError.notFound(missing) }
        return JSONBody.raw(row)
    }

    /// Events, paged. With `?stream=`: the stream's events in version order, `after` = the last global
    /// position seen (a stream's positions only grow). Without: the whole log in reader order (see
    /// `PostgresEventStore.jsonPage(after:limit:)`); `after` is then the previous page's `next_after`
    /// cursor (`"tx:position"`), or a global position to start from.
    func events(_ q: Query) async throws -> Response {
        let limit = try q.int("limit", default: 100, in: 1...1000)
        let page: PostgresEventStore.JSONPage
        if let stream = q["stream"] {
            page = try await backend.store.jsonPage(stream: stream, afterPosition: Int64(try q.int("after", default: 0, in: 0...Int.max)), limit: limit)
        } else {
            page = try await backend.store.jsonPage(after: try await cursor(q["after"]), limit: limit)
        }
        // `{"events": page, "next_after": …}` (null on an empty page: nothing more is readable yet).
        return JSONBody.raw(Data(#"{"events": "#.utf8) + page.events + Data(#", "next_after": \#(page.nextAfterJSON)}"#.utf8))
    }

    /// `tx:position`, a bare global position (its event's transaction is looked up), or the start.
    func cursor(_ text: String?) async throws -> LogCursor {
        guard let text, text != "0" else { return .start }
        if let cursor = LogCursor(text) { return cursor }
        guard !text.contains(":"), let p = Int64(text), p >= 0 else {
            throw APIError.invalid(field: "after", reason: "must be a global position or a next_after cursor (tx:position)")
        }
        guard let tx = try await backend.store.transactionID(ofPosition: p) else {
            throw APIError.invalid(field: "after", reason: "no event at global position \(p)")
        }
        return LogCursor(transactionID: tx, position: p)
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
