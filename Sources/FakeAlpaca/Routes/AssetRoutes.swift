import Foundation
import Hummingbird

/// `/v2/assets`: the tradable universe (Alpaca lists no sector; the client maps sectors itself).
struct AssetRoutes: FakeAlpacaRouteGroup {
    let state: FakeMarketDataState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v2/assets") { request, _ in assets(Query(request)) }
    }

    func assets(_ q: Query) -> Response {
        let status = q["status"]
        let list = state.book.withLock { $0.assets }.filter { status == nil || $0.status == status }
        return FakeResponse.json(.array(list.enumerated().map { i, a in
            .object([
                ("id", .string(String(format: "00000000-0000-4000-8000-%012d", i))), ("class", .string("us_equity")),
                ("exchange", .string(a.exchange)), ("symbol", .string(a.symbol)), ("name", .string(a.name)),
                ("status", .string(a.status)), ("tradable", .bool(a.tradable)), ("marginable", .bool(true)),
                ("shortable", .bool(a.shortable)), ("easy_to_borrow", .bool(a.shortable)), ("fractionable", .bool(a.fractionable)),
            ])
        }))
    }
}
