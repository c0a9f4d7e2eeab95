import Domain
import Foundation

/// Alpaca's market data REST API behind the port: bars (paginated with `next_page_token`),
/// snapshots, news, and the clock, calendar and asset list of the trading API.
///
/// Point-in-time rules for data fetched live:
/// - a minute bar (labelled by its start) is available 61 s after its start — its minute plus the
///   second Alpaca takes to publish it; Alpaca may revise it ~30 s later (`updatedBars`), and a bar
///   fetched later is that revised version;
/// - a daily bar is available from the next New York midnight (today's is incomplete until the close);
/// - a news item is available from its `updated_at` (the REST API returns an article's latest version,
///   which did not exist before that time);
/// - snapshots describe the present only; asking for one more than 60 s in the past is refused.
///
/// ```swift
/// let alpaca = AlpacaMarketData(configuration: .init(keyID: key, secretKey: secret, sectors: sectorMap))
/// let bars = try await alpaca.minuteBars(for: symbols, from: open, asOf: await alpaca.now())
/// ```
public final class AlpacaMarketData: MarketDataSource {
    public let configuration: AlpacaConfiguration
    private let http: AlpacaHTTP
    private let wallClock: @Sendable () -> Date

    /// - Parameter clock: the wall clock (injectable so that tests can fix "now").
    public init(configuration: AlpacaConfiguration, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.http = AlpacaHTTP(configuration: configuration)
        self.wallClock = clock
    }

    public func now() async -> Date { wallClock() }

    public func universe() async throws -> [Security] {
        let assets = try await http.get(
            [AlpacaWire.Asset].self, base: configuration.tradingBaseURL, path: "/v2/assets",
            query: [("status", "active"), ("asset_class", "us_equity")]
        )
        return assets.compactMap { a in
            guard a.status == "active", let symbol = Symbol(a.symbol), let sector = configuration.sectors[symbol] else { return nil }
            return Security(
                symbol: symbol, name: a.name ?? a.symbol, exchange: a.exchange, sector: sector, tradable: a.tradable,
                shortable: a.shortable ?? false, fractionable: a.fractionable ?? false
            )
        }
    }

    public func minuteBars(for symbols: [Symbol], from: Date, asOf: Date) async throws -> [Symbol: [Bar]] {
        let cutoff = PointInTime.cutoff(asOf, now: wallClock())
        guard from <= cutoff else { return [:] }
        return try await bars(symbols, timeframe: "1Min", start: WireTimestamp.format(from, fractionDigits: 0), end: cutoff) {
            $0.addingTimeInterval(61)
        }
    }

    public func dailyBars(for symbols: [Symbol], from: NYDate, asOf: Date) async throws -> [Symbol: [Bar]] {
        let cutoff = PointInTime.cutoff(asOf, now: wallClock())
        return try await bars(symbols, timeframe: "1Day", start: from.description, end: cutoff) { start in
            NYDate(start.addingTimeInterval(12 * 3600)).adding(days: 1).at(hour: 0, minute: 0)
        }
    }

    public func snapshots(for symbols: [Symbol], asOf: Date) async throws -> [Symbol: MarketSnapshot] {
        let received = wallClock()
        guard asOf >= received.addingTimeInterval(-60) else {
            throw AlpacaError(kind: .unsupported("snapshots describe the present; use bars for a past decision time"), request: "GET /v2/stocks/snapshots")
        }
        var out: [Symbol: MarketSnapshot] = [:]
        for chunk in chunks(symbols) {
            let page = try await http.get(
                [String: AlpacaWire.Snapshot?].self, base: configuration.dataBaseURL, path: "/v2/stocks/snapshots",
                query: [("symbols", chunk.map(\.rawValue).joined(separator: ",")), ("feed", configuration.feed)]
            )
            for (raw, snap) in page {
                guard let snap, let symbol = Symbol(raw), let trade = snap.latestTrade else { continue }
                let minute = try snap.minuteBar.map { try $0.bar(availableAt: $0.t.date.addingTimeInterval(61)) }
                // Today's bar so far was known when it was received; yesterday's from midnight.
                let daily = try snap.dailyBar.map { try $0.bar(availableAt: received) }
                let previous = try snap.prevDailyBar.map { try $0.bar(availableAt: $0.t.date.addingTimeInterval(86_400)) }
                let bid = snap.latestQuote?.bp.flatMap { $0.value > 0 ? $0.price : nil }
                let ask = snap.latestQuote?.ap.flatMap { $0.value > 0 ? $0.price : nil }
                out[symbol] = MarketSnapshot(
                    symbol: symbol, lastPrice: trade.p.price, bid: bid, ask: ask, dailyBar: daily, previousDailyBar: previous,
                    minuteBar: minute, asOf: received
                )
            }
        }
        return out
    }

    public func news(for symbols: [Symbol], since: Date, asOf: Date) async throws -> [NewsItem] {
        let cutoff = PointInTime.cutoff(asOf, now: wallClock())
        guard since <= cutoff else { return [] }
        var items: [NewsItem] = []
        for chunk in chunks(symbols) {
            var token: String?
            repeat {
                var query = [
                    ("symbols", chunk.map(\.rawValue).joined(separator: ",")), ("start", WireTimestamp.format(since)),
                    ("end", WireTimestamp.format(cutoff)), ("limit", "50"), ("sort", "asc"),
                ]
                if let token { query.append(("page_token", token)) }
                let page = try await http.get(AlpacaWire.NewsPage.self, base: configuration.dataBaseURL, path: "/v1beta1/news", query: query)
                for n in page.news {
                    let tagged = n.symbols.compactMap(Symbol.init)
                    guard !tagged.isEmpty else { continue }
                    let updated = max(n.updated_at?.date ?? n.created_at.date, n.created_at.date)
                    guard updated >= since, updated <= cutoff else { continue }
                    items.append(
                        NewsItem(
                            id: NewsID(rawValue: String(n.id)), headline: n.headline, summary: n.summary ?? "", source: n.source ?? "alpaca",
                            symbols: tagged, publishedAt: n.created_at.date, receivedAt: updated
                        )
                    )
                }
                token = page.next_page_token
            } while token != nil
        }
        // An article tagged with symbols from two chunks comes back twice.
        var seen: Set<NewsID> = []
        return items.filter { seen.insert($0.id).inserted }.sorted { ($0.receivedAt, $0.id.rawValue) < ($1.receivedAt, $1.id.rawValue) }
    }

    public func clock(asOf: Date) async throws -> MarketClock {
        let c = try await http.get(AlpacaWire.Clock.self, base: configuration.tradingBaseURL, path: "/v2/clock", query: [])
        let today = NYDate(c.timestamp.date)
        let session = try await calendar(from: today, through: today).first
        return MarketClock(timestamp: c.timestamp.date, isOpen: c.is_open, nextOpen: c.next_open.date, nextClose: c.next_close.date, session: session)
    }

    public func calendar(from: NYDate, through: NYDate) async throws -> [TradingSession] {
        let days = try await http.get(
            [AlpacaWire.CalendarDay].self, base: configuration.tradingBaseURL, path: "/v2/calendar",
            query: [("start", from.description), ("end", through.description)]
        )
        return try days.map { d in
            // Times are New York wall clock ("09:30", "13:00"); the zone is ours to apply.
            guard let date = NYDate(d.date), let open = Self.hhmm(d.open), let close = Self.hhmm(d.close) else {
                throw AlpacaError(kind: .decoding("bad calendar day \(d.date) \(d.open)–\(d.close)"), request: "GET /v2/calendar")
            }
            return TradingSession(date: date, open: date.at(hour: open.0, minute: open.1), close: date.at(hour: close.0, minute: close.1))
        }
    }

    // MARK: Helpers

    /// Multi-symbol bars over every page, filtered to those available by `end`.
    private func bars(
        _ symbols: [Symbol], timeframe: String, start: String, end: Date, availableAt: (Date) -> Date
    ) async throws -> [Symbol: [Bar]] {
        var out: [Symbol: [Bar]] = [:]
        for chunk in chunks(symbols) {
            var token: String?
            repeat {
                var query = [
                    ("symbols", chunk.map(\.rawValue).joined(separator: ",")), ("timeframe", timeframe), ("start", start),
                    ("end", WireTimestamp.format(end)), ("limit", String(configuration.barsPerPage)), ("adjustment", "raw"),
                    ("feed", configuration.feed), ("sort", "asc"),
                ]
                if let token { query.append(("page_token", token)) }
                let page = try await http.get(AlpacaWire.BarsPage.self, base: configuration.dataBaseURL, path: "/v2/stocks/bars", query: query)
                for (raw, bars) in page.bars ?? [:] {
                    guard let symbol = Symbol(raw) else { continue }
                    for b in bars {
                        let bar = try b.bar(availableAt: availableAt(b.t.date))
                        if bar.availableAt <= end { out[symbol, default: []].append(bar) }
                    }
                }
                token = page.next_page_token
            } while token != nil
        }
        for (s, bars) in out { out[s] = bars.sorted { $0.start < $1.start } }
        return out
    }

    private func chunks(_ symbols: [Symbol]) -> [[Symbol]] {
        stride(from: 0, to: symbols.count, by: max(1, configuration.symbolsPerRequest)).map {
            Array(symbols[$0..<min($0 + configuration.symbolsPerRequest, symbols.count)])
        }
    }

    static func hhmm(_ s: String) -> (Int, Int)? {
        let p = s.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return (h, m)
    }
}
