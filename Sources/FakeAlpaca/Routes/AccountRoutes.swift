import Foundation
import Hummingbird

/// `/v2/positions` (list, one, close one, close all), `/v2/account` and `/v2/account/activities/FILL` (docs/alpaca.md §Positions, §Account, §Account activities).
struct AccountRoutes: FakeAlpacaRouteGroup {
    let state: FakeTradingState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v2/positions") { _, _ in
            state.book.withLock { b in
                FakeResponse.json(.array(b.positions.keys.sorted().compactMap { b.positions[$0].map(b.positionJSON) }))
            }
        }
        router.get("/v2/positions/:symbol") { _, context in
            let symbol = (context.parameters.get("symbol") ?? "").uppercased()
            return state.book.withLock { b in
                guard let p = b.positions[symbol] else {
                    return FakeResponse.error(status: 404, code: 40_410_000, message: "position does not exist")
                }
                return FakeResponse.json(b.positionJSON(p))
            }
        }
        router.delete("/v2/positions/:symbol") { request, context in
            let q = Query(request)
            return respond(state.closePosition(symbol: context.parameters.get("symbol") ?? "", qty: q["qty"], percentage: q["percentage"]))
        }
        router.delete("/v2/positions") { request, _ in
            respond(state.closeAll(cancelOrders: Query(request)["cancel_orders"]?.lowercased() == "true"))
        }
        router.get("/v2/account") { _, _ in state.book.withLock { FakeResponse.json($0.accountJSON()) } }
        router.get("/v2/account/activities/:type") { request, context in
            activities(type: context.parameters.get("type") ?? "", Query(request))
        }
    }

    func respond(_ a: FakeTradingState.Answer) -> Response {
        guard let body = a.body else { return Response(status: .init(code: a.status)) }
        return FakeResponse.json(body, status: a.status)
    }

    /// `after`/`until` (exclusive), `date`, `direction` (default desc), `page_size` ≤ 100 (default
    /// 100), `page_token` = the id of the last activity of the previous page.
    func activities(type: String, _ q: Query) -> Response {
        do {
            let size = try q.int("page_size", default: 100, range: 1...100)
            let after = try q.date("after")
            let until = try q.date("until")
            let day = try q.date("date")
            let ascending = q["direction"] == "asc"
            return state.book.withLock { b in
                guard type == "FILL" else { return FakeResponse.json(.array([])) }
                var list = b.fills.filter { f in
                    (after.map { f.time > $0 } ?? true) && (until.map { f.time < $0 } ?? true)
                        && (day.map { f.time >= $0 && f.time < $0.addingTimeInterval(86_400) } ?? true)
                }
                // Activity ids are time-prefixed, so the id order is the time order.
                list.sort { $0.time == $1.time ? $0.id < $1.id : $0.time < $1.time }
                if !ascending { list.reverse() }
                if let token = q["page_token"] {
                    guard let k = list.firstIndex(where: { $0.id == token }) else {
                        return FakeResponse.error(status: 422, code: 40_010_001, message: "invalid page_token")
                    }
                    list = Array(list[(k + 1)...])
                }
                return FakeResponse.json(.array(list.prefix(size).map(b.fillJSON)))
            }
        } catch {
            return error.response
        }
    }
}
