import Domain
import Foundation

@testable import Strategy

/// A small deterministic market for funnel tests: `count` random-walk symbols from a seed, plus named
/// symbols planted to exercise each path (a clean catalyst + bull flag, stale data, missing data, …).
struct FunnelFixture {
    static let day = NYDate(year: 2025, month: 3, day: 14)!
    static let session = TradingSession.regular(day)
    /// 10:48 New York: 78 minutes into the session.
    static let asOf = day.at(hour: 10, minute: 48)

    var universe: [UniverseEntry] = []
    var minuteBars: [Symbol: [Bar]] = [:]
    var news: [NewsItem] = []
    var time = ScanTime(asOf: asOf, session: session)

    init(seed: UInt64, count: Int = 300) {
        var rng = TestRNG(seed: seed)
        for i in 0..<count {
            let symbol = Symbol("S\(String(format: "%04d", i))")!
            let sector = Sector.allCases[i % Sector.allCases.count]
            let base = 8 + rng.unit() * 150
            let adv = 1_500_000 + rng.unit() * 8_000_000
            // Some symbols run hot today, so that relative volume varies.
            let heat = rng.unit() < 0.3 ? 1 + rng.unit() * 3 : 0.6 + rng.unit() * 0.6
            var closes: [Double] = []
            var p = base * (1 + (rng.unit() - 0.5) * 0.04)
            for _ in 0..<78 {
                p *= 1 + (rng.unit() - 0.5) * 0.004 + (heat > 2 ? 0.0004 : 0)
                closes.append(p)
            }
            let perBar = adv * heat * 0.31 / 78
            add(symbol, sector, previousClose: base, adv: adv, closes: closes, volumes: closes.map { _ in perBar * (0.5 + rng.unit()) })
            if i % 7 == 0 {
                addNews(symbol, "\(symbol) shares drift as traders await the Fed", minutesBefore: 40 + Double(i % 50))
            }
        }
        plantCatalystFlag()
    }

    /// ACME: flat morning, upbeat earnings at 10:25, a pole to 53 and a quiet flag: the textbook pick.
    mutating func plantCatalystFlag() {
        let acme = Symbol("ACME")!
        var closes = (0..<60).map { $0 % 2 == 0 ? 50.0 : 50.04 }
        closes += (1...8).map { 50.04 + (53 - 50.04) * Double($0) / 8 }
        closes += (1...8).map { 53 - 0.9 * Double($0) / 8 }
        let volumes = [Double](repeating: 8000, count: 60) + [Double](repeating: 150_000, count: 8)
            + [Double](repeating: 40_000, count: 8)
        add(acme, .informationTechnology, previousClose: 50, adv: 2_000_000, closes: closes, volumes: volumes)
        addNews(acme, "Acme beats Q3 earnings estimates, raises full-year guidance", minutesBefore: 23)
        addNews(acme, "Acme shares surge after record quarter", minutesBefore: 15)
    }

    /// Adds a symbol with `closes` as today's minute bars from 09:30, 20 sessions of daily history and a
    /// snapshot consistent with both.
    mutating func add(_ symbol: Symbol, _ sector: Sector, previousClose: Double, adv: Double, closes: [Double], volumes: [Double]) {
        var bars: [Bar] = []
        for (i, c) in closes.enumerated() {
            let o = i == 0 ? previousClose : closes[i - 1]
            let t = Self.session.open.addingTimeInterval(Double(i) * 60)
            bars.append(Self.bar(t, o, max(o, c) * 1.0005, min(o, c) * 0.9995, c, Int64(volumes[i]), available: t.addingTimeInterval(61)))
        }
        var daily: [Bar] = []
        for k in (1...20).reversed() {
            let d = Self.day.adding(days: -k - (k / 5) * 2)
            let t = d.at(hour: 0, minute: 0)
            daily.append(Self.bar(t, previousClose, previousClose * 1.01, previousClose * 0.99, previousClose, Int64(adv), available: d.at(hour: 16, minute: 0)))
        }
        let security = Security(symbol: symbol, name: "\(symbol) Inc", exchange: "NASDAQ", sector: sector)
        universe.append(UniverseEntry(security: security, snapshot: Self.snapshot(symbol, bars, previous: daily.last!), dailyBars: daily))
        minuteBars[symbol] = bars
    }

    mutating func addNews(_ symbol: Symbol, _ headline: String, minutesBefore: Double) {
        let t = Self.asOf.addingTimeInterval(-minutesBefore * 60)
        news.append(
            NewsItem(id: NewsID(rawValue: "n\(news.count)"), headline: headline, summary: "", source: "fixture", symbols: [symbol], publishedAt: t, receivedAt: t)
        )
    }

    static func snapshot(_ symbol: Symbol, _ bars: [Bar], previous: Bar) -> MarketSnapshot {
        let available = bars.filter { $0.availableAt <= asOf }
        let last = available.last!
        let daily = Bar(
            start: day.at(hour: 0, minute: 0), open: available[0].open, high: available.map(\.high).max()!,
            low: available.map(\.low).min()!, close: last.close, volume: available.reduce(0) { $0 + $1.volume },
            availableAt: last.availableAt
        )
        let tick = Price(Decimal(string: "0.01")!)
        return MarketSnapshot(
            symbol: symbol, lastPrice: last.close, bid: last.close - tick, ask: last.close + tick, dailyBar: daily,
            previousDailyBar: previous, minuteBar: last, asOf: asOf
        )
    }

    static func bar(_ t: Date, _ o: Double, _ h: Double, _ l: Double, _ c: Double, _ v: Int64, available: Date) -> Bar {
        Bar(
            start: t, open: FeatureValue.price(o)!, high: FeatureValue.price(h, .up)!, low: FeatureValue.price(l, .down)!,
            close: FeatureValue.price(c)!, volume: v, availableAt: available
        )
    }

    /// Replaces a symbol's snapshot or history (for planting bad data).
    mutating func modify(_ symbol: Symbol, _ change: (inout UniverseEntry) -> Void) {
        let i = universe.firstIndex { $0.security.symbol == symbol }!
        change(&universe[i])
    }
}

/// Fixtures never touch the system's random numbers.
typealias TestRNG = SplitMix64
