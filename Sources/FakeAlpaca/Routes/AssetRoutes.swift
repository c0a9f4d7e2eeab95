import Foundation
import Hummingbird

/// `/v2/assets` and `/v2/assets/{symbol_or_asset_id}`: the tradable universe (Alpaca lists no sector; the client maps sectors itself).
struct AssetRoutes: FakeAlpacaRouteGroup {
    let state: FakeMarketDataState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v2/assets") { request, _ in assets(Query(request)) }
        router.get("/v2/assets/:symbol") { _, context in asset(context.parameters.get("symbol") ?? "") }
    }

    /// One asset by symbol or by id (Alpaca's `{symbol_or_asset_id}`); 404 when unknown.
    func asset(_ key: String) -> Response {
        let list = state.book.withLock { $0.assets }
        guard let a = list.first(where: { $0.symbol == key.uppercased() || FakeTradingState.Book.assetID($0.symbol) == key.lowercased() }) else {
            return FakeResponse.error(status: 404, code: 40_410_000, message: "asset not found for \(key)")
        }
        return FakeResponse.json(json(a))
    }

    func assets(_ q: Query) -> Response {
        let status = q["status"]
        let list = state.book.withLock { $0.assets }.filter { status == nil || $0.status == status }
        return FakeResponse.json(.array(list.map(json)))
    }

    /// The asset's id is the one its orders and positions carry (`asset_id`), so `GET /v2/assets/{id}` finds it.
    func json(_ a: FakeAsset) -> JSONValue {
        .object([
            ("id", .string(FakeTradingState.Book.assetID(a.symbol))), ("class", .string("us_equity")),
            ("exchange", .string(a.exchange)), ("symbol", .string(a.symbol)), ("name", .string(a.name)),
            ("status", .string(a.status)), ("tradable", .bool(a.tradable)), ("marginable", .bool(true)),
            ("shortable", .bool(a.shortable)), ("easy_to_borrow", .bool(a.shortable)), ("fractionable", .bool(a.fractionable)),
        ])
    }
}
