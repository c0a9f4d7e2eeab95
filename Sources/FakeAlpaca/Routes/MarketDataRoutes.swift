import Domain
import Foundation
import Hummingbird

/// `/v2/stocks/bars`, `/v2/stocks/snapshots` and `/v1beta1/news`, as Alpaca's market data API serves
/// them (docs/alpaca.md §Market data): multi-symbol bars grouped by symbol, sorted by symbol then time, paginated
/// across symbols with `next_page_token`; snapshots keyed by symbol; news newest first by default,
/// at most 50 per page.
struct MarketDataRoutes: FakeAlpacaRouteGroup {
    let state: FakeMarketDataState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v2/stocks/bars") { request, _ in bars(Query(request)) }
        router.get("/v2/stocks/snapshots") { request, _ in snapshots(Query(request)) }
        router.get("/v1beta1/news") { request, _ in news(Query(request)) }
    }

    func bars(_ q: Query) -> Response {
        do {
            guard let symbols = q.symbols, !symbols.isEmpty else {
                return FakeResponse.error(status: 400, code: 40_010_001, message: "symbols is required")
            }
            guard let tf = q["timeframe"], let timeframe = BarTimeframe(rawValue: tf) else {
                return FakeResponse.error(status: 422, code: 42_210_000, message: "invalid timeframe: \(q["timeframe"] ?? "")")
            }
            let start = try q.date("start") ?? .distantPast
            let end = try q.date("end") ?? .distantFuture
            let book = state.book.withLock { $0 }
            let limit = min(try q.int("limit", default: 1000, range: 1...10_000), book.maxBarsPerPage)
            let offset = try PageToken.offset(q["page_token"])
            let descending = q["sort"] == "desc"
            // The whole answer in order, then the requested page of it.
            var all: [(String, Bar)] = []
            for s in symbols.sorted() {
                var bars = (book.bars[timeframe]?[s] ?? []).filter { $0.start >= start && $0.start <= end }
                if descending { bars.reverse() }
                all += bars.map { (s, $0) }
            }
            let page = all.dropFirst(offset).prefix(limit)
            var grouped: [(String, [JSONValue])] = []
            for (s, bar) in page {
                if grouped.last?.0 != s { grouped.append((s, [])) }
                grouped[grouped.count - 1].1.append(barJSON(bar, book.wire))
            }
            let next = offset + page.count < all.count ? JSONValue.string(PageToken.make(offset + page.count)) : .null
            return FakeResponse.json(.object([("bars", .object(grouped.map { ($0.0, .array($0.1)) })), ("next_page_token", next)]))
        } catch {
            return error.response
        }
    }

    func snapshots(_ q: Query) -> Response {
        guard let symbols = q.symbols, !symbols.isEmpty else {
            return FakeResponse.error(status: 400, code: 40_010_001, message: "symbols is required")
        }
        let book = state.book.withLock { $0 }
        var members: [(String, JSONValue)] = []
        for s in symbols {
            guard let snap = book.snapshots[s] else { continue }
            let w = book.wire
            var fields: [(String, JSONValue)] = [
                ("latestTrade", .object([
                    ("t", w.time(snap.asOf)), ("x", .string("V")), ("p", w.price(snap.lastPrice)), ("s", .number("100")),
                    ("c", .array([.string("@")])), ("i", .number("52983525029461")), ("z", .string("C")),
                ])),
            ]
            if let bid = snap.bid, let ask = snap.ask {
                fields.append(("latestQuote", .object([
                    ("t", w.time(snap.asOf)), ("ax", .string("V")), ("ap", w.price(ask)), ("as", .number("2")),
                    ("bx", .string("V")), ("bp", w.price(bid)), ("bs", .number("3")), ("c", .array([.string("R")])), ("z", .string("C")),
                ])))
            }
            if let b = snap.minuteBar { fields.append(("minuteBar", barJSON(b, w))) }
            if let b = snap.dailyBar { fields.append(("dailyBar", barJSON(b, w))) }
            if let b = snap.previousDailyBar { fields.append(("prevDailyBar", barJSON(b, w))) }
            members.append((s, .object(fields)))
        }
        return FakeResponse.json(.object(members))
    }

    func news(_ q: Query) -> Response {
        do {
            let book = state.book.withLock { $0 }
            let limit = min(try q.int("limit", default: 10, range: 1...50), book.maxNewsPerPage)
            let start = try q.date("start") ?? .distantPast
            let end = try q.date("end") ?? .distantFuture
            let offset = try PageToken.offset(q["page_token"])
            let wanted = q.symbols.map(Set.init)
            var all = book.news.filter { a in
                a.createdAt >= start && a.createdAt <= end && (wanted.map { !$0.isDisjoint(with: a.symbols) } ?? true)
            }
            // Alpaca sorts by update time, newest first unless sort=asc.
            all.sort { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
            if q["sort"]?.lowercased() != "asc" { all.reverse() }
            let page = all.dropFirst(offset).prefix(limit)
            let w = book.wire
            let items: [JSONValue] = page.map { a in
                .object([
                    ("id", .number(String(a.id))), ("headline", .string(a.headline)), ("author", .string(a.author)),
                    ("created_at", w.time(a.createdAt)), ("updated_at", w.time(a.updatedAt)), ("summary", .string(a.summary)),
                    ("content", .string("")), ("url", .string("https://example.invalid/news/\(a.id)")), ("images", .array([])),
                    ("symbols", .array(a.symbols.map { .string($0) })), ("source", .string(a.source)),
                ])
            }
            let next = offset + page.count < all.count ? JSONValue.string(PageToken.make(offset + page.count)) : .null
            return FakeResponse.json(.object([("news", .array(items)), ("next_page_token", next)]))
        } catch {
            return error.response
        }
    }

    func barJSON(_ b: Bar, _ w: WireStyle) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("t", w.time(b.start)), ("o", w.price(b.open)), ("h", w.price(b.high)), ("l", w.price(b.low)), ("c", w.price(b.close)),
            ("v", .number(String(b.volume))),
        ]
        // Alpaca always sends both (alpaca-py's Bar requires them); unknown is null, never absent.
        fields.append(("n", b.tradeCount.map { .number(String($0)) } ?? .null))
        fields.append(("vw", b.vwap.map { w.price($0) } ?? .null))
        return .object(fields)
    }
}
