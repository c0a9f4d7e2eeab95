import Domain
import Foundation

/// Market data from the user's own CSV files, for people with their own history.
///
/// Files (headers as documented; columns in any order):
/// - securities: `symbol,name,exchange,sector` and optionally `tradable,shortable,fractionable`
///   (`true`/`false`, default true); `sector` is one of the 11 GICS sector names, e.g.
///   `Information Technology`.
/// - minute bars: `symbol,timestamp,open,high,low,close,volume[,vwap][,trade_count]` (see `CSVBars`);
///   each bar becomes available one minute after its start.
/// - daily bars (optional): same columns, `timestamp` a date; a day's bar becomes available at that
///   session's close. Without this file, daily bars are aggregated from the minute bars.
/// - news (optional): `id,symbols,published_at,headline` and optionally `received_at,source,summary`;
///   `symbols` separated by spaces or `;`; `received_at` defaults to `published_at`.
///
/// Everything is loaded at start and checked; the first problem throws a `CSVError` naming file, line
/// and field. Time is the replay clock's (`clock`), like the simulated market's.
public final class CSVMarketData: MarketDataSource {
    public let clock: ManualClock
    public let calendar = NYSECalendar()
    private let securities: [Security]
    private let minute: [Symbol: [Bar]]
    private let daily: [Symbol: [Bar]]
    private let newsItems: [NewsItem]

    public convenience init(securities: URL, minuteBars: URL, dailyBars: URL? = nil, news: URL? = nil, now: Date) throws(CSVError) {
        try self.init(
            securities: CSVTable(contentsOf: securities), minuteBars: CSVTable(contentsOf: minuteBars),
            dailyBars: dailyBars.map { url throws(CSVError) in try CSVTable(contentsOf: url) }, news: news.map { url throws(CSVError) in try CSVTable(contentsOf: url) },
            now: now)
    }

    /// The same from tables already read (a recorded day's decompressed files).
    public convenience init(securities: CSVTable, minuteBars: CSVTable, dailyBars: CSVTable? = nil, news: CSVTable? = nil, now: Date) throws(CSVError) {
        var minute = MinuteBars()
        try minute.add(minuteBars)
        try self.init(securities: securities, minuteBars: minute, dailyBars: dailyBars, news: news, now: now)
    }

    /// Minute bars read table by table (a large recorded day: one table per decompressed piece), so the
    /// whole text and its parsed table are never held at once. Order is checked across the pieces too.
    public struct MinuteBars: Sendable {
        var bars: [Symbol: [Bar]] = [:]

        public init() {}

        public mutating func add(_ table: CSVTable) throws(CSVError) {
            for (symbol, list) in try CSVMarketData.group(table, interval: 60) {
                if let last = bars[symbol]?.last, let first = list.first, first.start <= last.start {
                    throw CSVError(file: table.file, line: 2, field: "timestamp", message: "bars of \(symbol) out of order across pieces of the file")
                }
                bars[symbol, default: []].append(contentsOf: list)
            }
        }
    }

    public init(securities: CSVTable, minuteBars: MinuteBars, dailyBars: CSVTable? = nil, news: CSVTable? = nil, now: Date) throws(CSVError) {
        clock = ManualClock(now)
        self.securities = try Self.readSecurities(securities)
        minute = minuteBars.bars
        if let dailyBars {
            // A daily bar is complete at its session's close (13:00 on early closes).
            let calendar = NYSECalendar()
            var d = try Self.group(dailyBars, interval: 0)
            for (s, bars) in d {
                d[s] = bars.map { b in
                    var b = b
                    b.availableAt = calendar.session(on: NYDate(b.start))?.close ?? b.start.addingTimeInterval(86_400)
                    return b
                }
            }
            daily = d
        } else {
            daily = Self.aggregateDaily(minute, calendar: NYSECalendar())
        }
        newsItems = try news.map { table throws(CSVError) in try Self.readNews(table) } ?? []
    }

    /// The minute bars of `symbol` that started from `from` on and were complete by `through` (point in
    /// time, as `minuteBars`), synchronously: the paper broker's price feed over recorded data.
    public func completedMinutes(_ symbol: Symbol, from: Date, through: Date) -> [Bar] {
        (minute[symbol] ?? []).filter { $0.start >= from && $0.availableAt <= through }
    }

    // MARK: MarketDataSource

    public func now() async -> Date { clock.now }
    public func universe() async throws -> [Security] { securities }
    public func clock(asOf: Date) async throws -> MarketClock { calendar.clock(at: PointInTime.cutoff(asOf, now: clock.now)) }
    public func calendar(from: NYDate, through: NYDate) async throws -> [TradingSession] { calendar.sessions(from: from, through: through) }

    public func minuteBars(for symbols: [Symbol], from: Date, asOf: Date) async throws -> [Symbol: [Bar]] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        var out: [Symbol: [Bar]] = [:]
        for s in symbols {
            let bars = (minute[s] ?? []).filter { $0.start >= from && $0.availableAt <= cutoff }
            if !bars.isEmpty { out[s] = bars }
        }
        return out
    }

    public func dailyBars(for symbols: [Symbol], from: NYDate, asOf: Date) async throws -> [Symbol: [Bar]] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        let start = from.at(hour: 0, minute: 0)
        var out: [Symbol: [Bar]] = [:]
        for s in symbols {
            let bars = (daily[s] ?? []).filter { $0.start >= start && $0.availableAt <= cutoff }
            if !bars.isEmpty { out[s] = bars }
        }
        return out
    }

    public func snapshots(for symbols: [Symbol], asOf: Date) async throws -> [Symbol: MarketSnapshot] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        var out: [Symbol: MarketSnapshot] = [:]
        for s in symbols {
            let available = (minute[s] ?? []).filter { $0.availableAt <= cutoff }
            guard let last = available.last else { continue }
            let day = NYDate(last.start)
            let midnight = day.at(hour: 0, minute: 0)
            let today = available.filter { $0.start >= midnight }
            let previous = (daily[s] ?? []).last { $0.start < midnight && $0.availableAt <= cutoff }
            out[s] = MarketSnapshot(
                symbol: s, lastPrice: last.close, dailyBar: PointInTime.aggregate(today, start: midnight), previousDailyBar: previous,
                minuteBar: last, asOf: cutoff
            )
        }
        return out
    }

    public func news(for symbols: [Symbol], since: Date, asOf: Date) async throws -> [NewsItem] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        let wanted = Set(symbols)
        return newsItems.filter { $0.receivedAt >= since && $0.receivedAt <= cutoff && !wanted.isDisjoint(with: $0.symbols) }
    }

    // MARK: Loading

    static func readSecurities(_ t: CSVTable) throws(CSVError) -> [Security] {
        try t.require(["symbol", "name", "exchange", "sector"])
        var out: [Security] = []
        var seen: Set<Symbol> = []
        for row in t.rows {
            let raw = try t.text(row, "symbol")
            guard let symbol = Symbol(raw) else { throw t.error(row, "symbol", "not a ticker: \"\(raw)\"") }
            guard seen.insert(symbol).inserted else { throw t.error(row, "symbol", "\(symbol) is listed twice") }
            let sectorText = try t.text(row, "sector")
            guard let sector = Sector.allCases.first(where: { $0.rawValue.lowercased() == sectorText.lowercased() }) else {
                throw t.error(row, "sector", "not a GICS sector: \"\(sectorText)\" (one of \(Sector.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            func flag(_ column: String) throws(CSVError) -> Bool {
                guard let v = try t.optionalText(row, column) else { return true }
                switch v.lowercased() {
                case "true", "yes", "1": return true
                case "false", "no", "0": return false
                default: throw t.error(row, column, "not true/false: \"\(v)\"")
                }
            }
            out.append(
                Security(
                    symbol: symbol, name: try t.text(row, "name"), exchange: try t.text(row, "exchange"), sector: sector,
                    tradable: try flag("tradable"), shortable: try flag("shortable"), fractionable: try flag("fractionable")
                )
            )
        }
        return out
    }

    static func group(_ t: CSVTable, interval: TimeInterval) throws(CSVError) -> [Symbol: [Bar]] {
        try t.require(["symbol"])
        var out: [Symbol: [Bar]] = [:]
        for (i, entry) in try CSVBars.read(t, interval: interval).enumerated() {
            guard let raw = entry.symbol, let symbol = Symbol(raw) else {
                throw t.error(t.rows[i], "symbol", "not a ticker: \"\(entry.symbol ?? "")\"")
            }
            out[symbol, default: []].append(entry.bar)
        }
        return out
    }

    static func aggregateDaily(_ minute: [Symbol: [Bar]], calendar: NYSECalendar) -> [Symbol: [Bar]] {
        var out: [Symbol: [Bar]] = [:]
        for (s, bars) in minute {
            var days: [Bar] = []
            var current: [Bar] = []
            var day: NYDate?
            func flush() {
                guard let d = day, let session = calendar.session(on: d) else { return }
                let inSession = current.filter { session.contains($0.start) }
                if var bar = PointInTime.aggregate(inSession, start: d.at(hour: 0, minute: 0)) {
                    bar.availableAt = session.close
                    days.append(bar)
                }
            }
            for b in bars {
                let d = NYDate(b.start)
                if d != day {
                    flush()
                    day = d
                    current = []
                }
                current.append(b)
            }
            flush()
            out[s] = days
        }
        return out
    }

    static func readNews(_ t: CSVTable) throws(CSVError) -> [NewsItem] {
        try t.require(["id", "symbols", "published_at", "headline"])
        var out: [NewsItem] = []
        for row in t.rows {
            let published = try t.text(row, "published_at")
            guard let pub = RFC3339.parse(published) else { throw t.error(row, "published_at", "not an RFC 3339 timestamp: \"\(published)\"") }
            var received = pub
            if let r = try t.optionalText(row, "received_at") {
                guard let rec = RFC3339.parse(r) else { throw t.error(row, "received_at", "not an RFC 3339 timestamp: \"\(r)\"") }
                guard rec >= pub else { throw t.error(row, "received_at", "received before it was published") }
                received = rec
            }
            let rawSymbols = try t.text(row, "symbols").split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init)
            var symbols: [Symbol] = []
            for r in rawSymbols {
                guard let s = Symbol(r) else { throw t.error(row, "symbols", "not a ticker: \"\(r)\"") }
                symbols.append(s)
            }
            guard !symbols.isEmpty else { throw t.error(row, "symbols", "no symbols") }
            out.append(
                NewsItem(
                    id: NewsID(rawValue: try t.text(row, "id")), headline: try t.text(row, "headline"),
                    summary: try t.optionalText(row, "summary") ?? "", source: try t.optionalText(row, "source") ?? "csv",
                    symbols: symbols, publishedAt: pub, receivedAt: received
                )
            )
        }
        return out.sorted { ($0.receivedAt, $0.id.rawValue) < ($1.receivedAt, $1.id.rawValue) }
    }
}
