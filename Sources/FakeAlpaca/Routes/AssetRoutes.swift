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
        guard let i = list.indices.first(where: { list[$0].symbol == key.uppercased() || Self.id($0) == key.lowercased() }) else {
            return FakeResponse.error(status: 404, code: 40_410_000, message: "asset not found for \(key)")
        }
        return FakeResponse.json(json(list[i], index: i))
    }

    static func id(_ index: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", index) }

    func assets(_ q: Query) -> Response {
        let status = q["status"]
        // An asset's id is its place in the whole list, so it is the same whatever the filter.
        let list = state.book.withLock { $0.assets }.enumerated().filter { status == nil || $0.element.status == status }
        return FakeResponse.json(.array(list.map { i, a in json(a, index: i) }))
    }

    func json(_ a: FakeAsset, index i: Int) -> JSONValue {
        .object([
            ("id", .string(Self.id(i))), ("class", .string("us_equity")),
            ("exchange", .string(a.exchange)), ("symbol", .string(a.symbol)), ("name", .string(a.name)),
            ("status", .string(a.status)), ("tradable", .bool(a.tradable)), ("marginable", .bool(true)),
            ("shortable", .bool(a.shortable)), ("easy_to_borrow", .bool(a.shortable)), ("fractionable", .bool(a.fractionable)),
        ])
    }
}
