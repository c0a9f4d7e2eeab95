import Foundation
import Hummingbird

/// `/v2/orders` (docs/alpaca.md §Orders): submit, list, cancel all; by id: read, replace (PATCH), cancel;
/// and the lookup by client order id.
struct OrderRoutes: FakeAlpacaRouteGroup {
    let state: FakeTradingState

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v2/orders") { request, _ in
            respond(state.submit(body: try await Self.body(request)))
        }
        router.get("/v2/orders") { request, _ in list(Query(request)) }
        router.delete("/v2/orders") { _, _ in respond(state.cancelAll()) }
        router.get("/v2/orders:by_client_order_id") { request, _ in byClientOrderID(Query(request)) }
        router.get("/v2/orders/:id") { _, context in
            byID(context.parameters.get("id") ?? "")
        }
        router.patch("/v2/orders/:id") { request, context in
            respond(state.replace(id: context.parameters.get("id") ?? "", body: try await Self.body(request)))
        }
        router.delete("/v2/orders/:id") { _, context in respond(state.cancel(id: context.parameters.get("id") ?? "")) }
    }

    static func body(_ request: Request) async throws -> String {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        return String(buffer: buffer)
    }

    func respond(_ a: FakeTradingState.Answer) -> Response {
        guard let body = a.body else { return Response(status: .init(code: a.status)) }
        return FakeResponse.json(body, status: a.status)
    }

    func byID(_ id: String) -> Response {
        state.book.withLock { b in
            guard let i = b.index(of: id) else { return FakeResponse.error(status: 404, code: 40_410_000, message: "order not found for \(id)") }
            return FakeResponse.json(b.nestedJSON(b.orders[i]))
        }
    }

    /// For a replaced order this is the original (status `replaced`, `replaced_by` set).
    func byClientOrderID(_ q: Query) -> Response {
        guard let clientID = q["client_order_id"] else {
            return FakeResponse.error(status: 422, code: 40_010_001, message: "client_order_id is required")
        }
        return state.book.withLock { b in
            guard let i = b.index(clientOrderID: clientID) else {
                return FakeResponse.error(status: 404, code: 40_410_000, message: "order not found for \(clientID)")
            }
            return FakeResponse.json(b.nestedJSON(b.orders[i]))
        }
    }

    /// `status` open|closed|all (default open), `limit` ≤ 500 (default 50), `after`/`until`
    /// (exclusive, by submission time), `direction` (default desc), `nested`, `symbols`, `side`.
    func list(_ q: Query) -> Response {
        do {
            let status = q["status"] ?? "open"
            guard ["open", "closed", "all"].contains(status) else {
                return FakeResponse.error(status: 422, code: 40_010_001, message: "invalid status \(status)")
            }
            let limit = try q.int("limit", default: 50, range: 1...500)
            let after = try q.date("after")
            let until = try q.date("until")
            let nested = q["nested"]?.lowercased() == "true"  // alpaca-py sends Python's `True`
            let symbols = q.symbols.map(Set.init)
            let side = q["side"]
            guard side == nil || ["buy", "sell"].contains(side!) else {
                return FakeResponse.error(status: 422, code: 40_010_001, message: "invalid side \(side!)")
            }
            return state.book.withLock { b in
                var list = b.orders.filter { o in
                    (status == "all" || (status == "open") == o.isOpen) && (after.map { o.createdAt > $0 } ?? true)
                        && (until.map { o.createdAt < $0 } ?? true) && (symbols.map { $0.contains(o.symbol) } ?? true)
                        && (!nested || o.parentID == nil) && (side.map { o.side == $0 } ?? true)
                }
                list.sort { $0.createdAt == $1.createdAt ? $0.id < $1.id : $0.createdAt < $1.createdAt }
                if q["direction"] != "asc" { list.reverse() }
                let page = list.prefix(limit).map { nested ? b.nestedJSON($0) : b.orderJSON($0, legs: nil) }
                return FakeResponse.json(.array(Array(page)))
            }
        } catch {
            return error.response
        }
    }
}
