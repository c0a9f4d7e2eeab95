import Domain
import Foundation
import Synchronization

/// The embedded market: about 4,000 symbols over the 11 GICS sectors, deterministic from a seed, with
/// full 09:30–16:00 New York sessions of minute bars, U-shaped volume, gaps, trends, a minority of
/// news-driven moves (positive and negative) and rare feed outages, on the NYSE calendar.
///
/// Time is the caller's: `clock` says what "now" is and nothing later is ever handed out, so a day
/// can run accelerated or be stepped bar by bar. Any symbol's day is generated on demand from
/// (seed, symbol, date) alone, so nothing is stored and memory stays flat however long it runs.
///
/// ```swift
/// let market = SimulatedMarket(seed: 42, now: NYDate("2025-03-14")!.at(hour: 10, minute: 30))
/// let snaps = try await market.snapshots(for: market.symbols, asOf: await market.now())
/// market.clock.advance(by: 15 * 60)
/// ```
public final class SimulatedMarket: MarketDataSource {
    public struct Configuration: Sendable, Hashable {
        public var seed: UInt64
        public var symbolCount: Int
        /// Share of symbol-sessions with a news catalyst: 5 %, ≈ 200 a day for 4,000 symbols, 50 for the
        /// demo's 1,000. A US session has roughly 40 earnings reports on an average day (200+ in season),
        /// 100–150 analyst rating changes, and a dozen or two FDA decisions, contracts, deals, offerings and
        /// suits across ~4,000–5,000 listed names, so 4–6 % of names carry company news on a given day. Half
        /// of the news lands before the open and about 60 % of that gaps the stock by more than 4 %, so
        /// ≈ 1.5 % of names gap > 4 % on news (15 of the demo's 1,000, 60 of 4,000): the busy end of the
        /// few dozen news gappers of a typical US session.
        public var catalystRate: Double
        /// Share of symbol-sessions whose feed stops during the day.
        public var outageRate: Double
        /// Delay between a minute's end and its bar being available (Alpaca: about a second).
        public var barLatency: TimeInterval

        public init(seed: UInt64, symbolCount: Int = 4000, catalystRate: Double = 0.05, outageRate: Double = 0.004, barLatency: TimeInterval = 1) {
            self.seed = seed
            self.symbolCount = symbolCount
            self.catalystRate = catalystRate
            self.outageRate = outageRate
            self.barLatency = barLatency
        }
    }

    public let configuration: Configuration
    public let clock: ManualClock
    public let calendar = NYSECalendar()
    private let listings: [SimulatedSymbol]
    private let bySymbol: [Symbol: Int]
    private let planner: DayPlanner
    private let injected = Mutex(Injected())

    private struct Injected {
        var news: [NewsItem] = []
        var bars: [Symbol: [Bar]] = [:]
    }

    public convenience init(seed: UInt64, symbolCount: Int = 4000, now: Date) {
        self.init(configuration: Configuration(seed: seed, symbolCount: symbolCount), now: now)
    }

    public init(configuration: Configuration, now: Date) {
        self.configuration = configuration
        clock = ManualClock(now)
        listings = SimulatedUniverse.generate(seed: configuration.seed, count: configuration.symbolCount)
        bySymbol = Dictionary(uniqueKeysWithValues: listings.map { ($0.security.symbol, $0.index) })
        planner = DayPlanner(
            seed: configuration.seed, calendar: NYSECalendar(), catalystRate: configuration.catalystRate,
            outageRate: configuration.outageRate
        )
    }

    /// Every symbol of the universe, in universe order.
    public var symbols: [Symbol] { listings.map(\.security.symbol) }

    // MARK: Scripting

    /// Adds a news item (it is handed out once `receivedAt` has passed, like any other).
    public func inject(news item: NewsItem) { injected.withLock { $0.news.append(item) } }

    /// Adds a minute bar for `symbol`, replacing a generated bar with the same start.
    public func inject(minuteBar bar: Bar, for symbol: Symbol) { injected.withLock { $0.bars[symbol, default: []].append(bar) } }

    // MARK: MarketDataSource

    public func now() async -> Date { clock.now }

    public func universe() async throws -> [Security] { listings.map(\.security) }

    public func clock(asOf: Date) async throws -> MarketClock { calendar.clock(at: PointInTime.cutoff(asOf, now: clock.now)) }

    public func calendar(from: NYDate, through: NYDate) async throws -> [TradingSession] {
        calendar.sessions(from: from, through: through)
    }

    public func snapshots(for symbols: [Symbol], asOf: Date) async throws -> [Symbol: MarketSnapshot] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        let today = NYDate(cutoff)
        let session = calendar.session(on: today)
        // The session the snapshot describes: today's once it has opened, else the last complete one.
        let current = session.flatMap { $0.open <= cutoff ? $0 : nil } ?? calendar.previousSession(before: today)
        let extra = injected.withLock { $0.bars }
        var out: [Symbol: MarketSnapshot] = [:]
        out.reserveCapacity(symbols.count)
        for symbol in symbols {
            guard let i = bySymbol[symbol] else { continue }
            let s = listings[i]
            let plans = planner.plans(s, sessions: [calendar.previousSession(before: current.date), current])
            let previous = dailyBar(plans[0])
            let last: Bar
            let daily: Bar?
            if let planted = extra[symbol], !planted.isEmpty {
                // Planted bars: build the day from `Bar`s like every other reader does.
                let minutes = minuteBars(s, plans[1], extra: planted, from: current.open, cutoff: cutoff)
                guard let l = minutes.last else { continue }
                last = l
                daily = PointInTime.aggregate(minutes, start: midnight(current))
            } else {
                // The common case stays in Double and converts two bars, not a session's worth.
                let minutes = availableMinutes(s, plans[1], cutoff: cutoff)
                guard let l = minutes.last else { continue }
                last = bar(l, plans[1].session)
                daily = aggregate(minutes, plans[1].session, start: midnight(current))
            }
            let mid = last.close.value.asDouble
            let spread = max(mid * s.halfSpread, mid >= 1 ? 0.01 : 0.0001)
            out[symbol] = MarketSnapshot(
                symbol: symbol, lastPrice: last.close, bid: Tick.price(Tick.down(mid - spread)), ask: Tick.price(Tick.up(mid + spread)),
                dailyBar: daily, previousDailyBar: previous, minuteBar: last, asOf: cutoff
            )
        }
        return out
    }

    public func minuteBars(for symbols: [Symbol], from: Date, asOf: Date) async throws -> [Symbol: [Bar]] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        guard from <= cutoff else { return [:] }
        let sessions = calendar.sessions(from: NYDate(from), through: NYDate(cutoff)).filter { $0.open <= cutoff && $0.close > from }
        let extra = injected.withLock { $0.bars }
        var out: [Symbol: [Bar]] = [:]
        for symbol in symbols {
            guard let i = bySymbol[symbol], !sessions.isEmpty else { continue }
            let s = listings[i]
            var bars: [Bar] = []
            for plan in planner.plans(s, sessions: sessions) {
                bars += minuteBars(s, plan, extra: extra[symbol], from: from, cutoff: cutoff)
            }
            if !bars.isEmpty { out[symbol] = bars }
        }
        return out
    }

    public func dailyBars(for symbols: [Symbol], from: NYDate, asOf: Date) async throws -> [Symbol: [Bar]] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        // A session's daily bar exists once it has closed.
        let sessions = calendar.sessions(from: from, through: NYDate(cutoff)).filter { $0.close <= cutoff }
        var out: [Symbol: [Bar]] = [:]
        for symbol in symbols {
            guard let i = bySymbol[symbol], !sessions.isEmpty else { continue }
            out[symbol] = planner.plans(listings[i], sessions: sessions).map(dailyBar)
        }
        return out
    }

    public func news(for symbols: [Symbol], since: Date, asOf: Date) async throws -> [NewsItem] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        guard since <= cutoff else { return [] }
        // Pre-market news of a session arrives before its open, so look one session beyond `since`'s day.
        let sessions = calendar.sessions(from: NYDate(since), through: NYDate(cutoff).adding(days: 1))
        let wanted = Set(symbols)
        var items: [NewsItem] = []
        for symbol in symbols {
            guard let i = bySymbol[symbol], !sessions.isEmpty else { continue }
            let s = listings[i]
            for plan in planner.plans(s, sessions: sessions) {
                if let c = plan.catalyst {
                    items.append(
                        NewsItem(
                            id: NewsID(rawValue: "sim-\(configuration.seed)-\(s.security.symbol)-\(plan.session.date)-c"), headline: c.headline,
                            summary: c.summary, source: "simwire", symbols: [symbol], publishedAt: c.receivedAt.addingTimeInterval(-2),
                            receivedAt: c.receivedAt
                        )
                    )
                }
                if let (t, h, sm) = plan.chatter {
                    items.append(
                        NewsItem(
                            id: NewsID(rawValue: "sim-\(configuration.seed)-\(s.security.symbol)-\(plan.session.date)-n"), headline: h,
                            summary: sm, source: "simwire", symbols: [symbol], publishedAt: t.addingTimeInterval(-2), receivedAt: t
                        )
                    )
                }
            }
        }
        items += injected.withLock { $0.news }.filter { !Set($0.symbols).isDisjoint(with: wanted) }
        return items.filter { $0.receivedAt >= since && $0.receivedAt <= cutoff }
            .sorted { ($0.receivedAt, $0.id.rawValue) < ($1.receivedAt, $1.id.rawValue) }
    }

    /// The session minute bars of one symbol available by `cutoff` (at most the market's own clock),
    /// synchronously: what a price feed matching orders minute by minute needs (the paper broker's).
    public func sessionMinutes(_ symbol: Symbol, on date: NYDate, asOf: Date) -> [Bar] {
        let cutoff = PointInTime.cutoff(asOf, now: clock.now)
        guard let i = bySymbol[symbol], let session = calendar.session(on: date), session.open <= cutoff else { return [] }
        let extra = injected.withLock { $0.bars[symbol] }
        guard let plan = planner.plans(listings[i], sessions: [session]).first else { return [] }
        return minuteBars(listings[i], plan, extra: extra, from: session.open, cutoff: cutoff)
    }

    // MARK: Generation

    /// The generated minutes of a planned session whose bars are available by `cutoff` (feed outages
    /// respected).
    private func availableMinutes(_ s: SimulatedSymbol, _ plan: DayPlan, cutoff: Date) -> [SimMinute] {
        // A minute's bar is available one bar plus the feed latency after the minute starts.
        let lastMinute = Int((cutoff.timeIntervalSince(plan.session.open) - 60 - configuration.barLatency) / 60)
        guard lastMinute >= 0 else { return [] }
        let limit = min(lastMinute, plan.outageFrom.map { $0 - 1 } ?? Int.max)
        return MinutePath.generate(plan, dailyVolatility: s.dailyVolatility, tradeSize: s.tradeSize).filter { $0.minute <= limit }
    }

    private func bar(_ m: SimMinute, _ session: TradingSession) -> Bar {
        let start = session.open.addingTimeInterval(Double(m.minute) * 60)
        return Bar(
            start: start, open: Tick.price(m.open), high: Tick.price(m.high), low: Tick.price(m.low), close: Tick.price(m.close),
            volume: m.volume, vwap: Tick.price(m.vwap), tradeCount: m.trades, availableAt: start.addingTimeInterval(60 + configuration.barLatency)
        )
    }

    /// The session bar so far, aggregated in `Double` (vwap rounded to 4 places).
    private func aggregate(_ minutes: [SimMinute], _ session: TradingSession, start: Date) -> Bar? {
        guard let first = minutes.first, let last = minutes.last else { return nil }
        var high = first.high
        var low = first.low
        var volume: Int64 = 0
        var pv = 0.0
        var trades = 0
        for m in minutes {
            high = max(high, m.high)
            low = min(low, m.low)
            volume += m.volume
            pv += m.vwap * Double(m.volume)
            trades += m.trades
        }
        return Bar(
            start: start, open: Tick.price(first.open), high: Tick.price(high), low: Tick.price(low), close: Tick.price(last.close),
            volume: volume, vwap: volume > 0 ? Tick.price(pv / Double(volume)) : nil, tradeCount: trades,
            availableAt: bar(last, session).availableAt
        )
    }

    /// Minute bars of one planned session that start at or after `from` and are available by `cutoff`.
    private func minuteBars(_ s: SimulatedSymbol, _ plan: DayPlan, extra: [Bar]?, from: Date, cutoff: Date) -> [Bar] {
        let open = plan.session.open
        var bars: [Bar] = []
        for m in availableMinutes(s, plan, cutoff: cutoff) {
            let b = bar(m, plan.session)
            if b.start >= from { bars.append(b) }
        }
        guard let extra, !extra.isEmpty else { return bars }
        let planted = extra.filter { $0.start >= from && $0.start >= open && $0.start < plan.session.close }
        let starts = Set(planted.map(\.start))
        return PointInTime.available(bars.filter { !starts.contains($0.start) } + planted, by: cutoff)
    }

    /// The complete daily bar of a planned session (available at its close).
    private func dailyBar(_ plan: DayPlan) -> Bar {
        Bar(
            start: midnight(plan.session), open: Tick.price(plan.open), high: Tick.price(plan.high), low: Tick.price(plan.low),
            close: Tick.price(plan.close), volume: plan.volume, availableAt: plan.session.close
        )
    }

    /// New York midnight of a session's date. Sessions open at 09:30 and DST changes at 02:00 on
    /// Sundays, so this is exact without calendar arithmetic.
    private func midnight(_ session: TradingSession) -> Date { session.open.addingTimeInterval(-9.5 * 3600) }
}
