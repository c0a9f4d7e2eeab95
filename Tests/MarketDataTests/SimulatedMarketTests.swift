import Domain
import Foundation
import Testing

@testable import MarketData

/// The simulated market: deterministic, realistic in shape, and never ahead of its clock.
struct SimulatedMarketTests {
    static let day = NYDate("2025-03-14")!
    static let close = day.at(hour: 16, minute: 5)

    @Test func universeHas4000UniqueSymbolsOverAllSectorsAndIsSeeded() async throws {
        let a = SimulatedMarket(seed: 1, now: Self.close)
        let securities = try await a.universe()
        #expect(securities.count == 4000)
        #expect(Set(securities.map(\.symbol)).count == 4000)
        #expect(Set(securities.map(\.sector)) == Set(Sector.allCases))
        let b = try await SimulatedMarket(seed: 1, now: Self.close).universe()
        #expect(securities == b)
        let c = try await SimulatedMarket(seed: 2, now: Self.close).universe()
        #expect(securities != c)
    }

    @Test func fullSessionOfMinuteBarsAgreesWithTheDailyBar() async throws {
        let market = SimulatedMarket(seed: 3, symbolCount: 300, now: Self.close)
        let symbols = market.symbols
        let minutes = try await market.minuteBars(for: symbols, from: Self.day.at(hour: 9, minute: 30), asOf: Self.close)
        let daily = try await market.dailyBars(for: symbols, from: Self.day, asOf: Self.close)
        var fullSessions = 0
        var checked = 0
        for symbol in symbols {
            guard let bars = minutes[symbol], let d = daily[symbol]?.last else { continue }
            #expect(bars.allSatisfy { Self.day.at(hour: 9, minute: 30) <= $0.start && $0.start < Self.day.at(hour: 16, minute: 0) })
            #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.start < $1.start })
            #expect(bars.allSatisfy { $0.low <= $0.open && $0.low <= $0.close && $0.high >= $0.open && $0.high >= $0.close })
            #expect(bars.allSatisfy { $0.open.isOnTick && $0.close.isOnTick && $0.vwap! >= $0.low && $0.vwap! <= $0.high })
            if bars.count == 390 { fullSessions += 1 }
            // Days without a feed outage aggregate exactly to the daily bar.
            if bars.last!.start == Self.day.at(hour: 15, minute: 59) {
                let agg = PointInTime.aggregate(bars, start: d.start)!
                #expect((agg.open, agg.high, agg.low, agg.close, agg.volume) == (d.open, d.high, d.low, d.close, d.volume), "\(symbol)")
                checked += 1
            }
        }
        #expect(fullSessions > 150, "liquid names print every minute")
        #expect(fullSessions < 300, "thin names have minutes without trades, hence without bars")
        #expect(checked > 250)
    }

    @Test func volumeIsUShaped() async throws {
        let market = SimulatedMarket(seed: 4, symbolCount: 200, now: Self.close)
        let minutes = try await market.minuteBars(for: market.symbols, from: Self.day.at(hour: 9, minute: 30), asOf: Self.close)
        var buckets = [Double](repeating: 0, count: 13)
        for bars in minutes.values {
            for b in bars { buckets[Int(b.start.timeIntervalSince(Self.day.at(hour: 9, minute: 30)) / 1800)] += Double(b.volume) }
        }
        let midday = buckets[5...7].reduce(0, +) / 3
        #expect(buckets[0] > 2 * midday)
        #expect(buckets[12] > 2 * midday)
    }

    @Test func catalystsMoveAMinorityOfStocksAndComeWithNews() async throws {
        let market = SimulatedMarket(seed: 5, symbolCount: 2000, now: Self.close)
        let news = try await market.news(for: market.symbols, since: Self.day.at(hour: 0, minute: 0), asOf: Self.close)
        let catalysts = news.filter { $0.id.rawValue.hasSuffix("-c") }
        #expect(catalysts.count > 60 && catalysts.count < 150, "≈ 5 % of 2,000 symbol-sessions: \(catalysts.count)")
        #expect(news.allSatisfy { $0.receivedAt <= Self.close && $0.publishedAt <= $0.receivedAt })
        let snaps = try await market.snapshots(for: market.symbols, asOf: Self.close)
        func absMove(_ s: Symbol) -> Double? {
            guard let snap = snaps[s], let prev = snap.previousDailyBar else { return nil }
            return abs((snap.lastPrice.value / prev.close.value - 1).asDouble)
        }
        let newsSymbols = Set(catalysts.flatMap(\.symbols))
        let withNews = newsSymbols.compactMap(absMove)
        let without = Set(market.symbols).subtracting(newsSymbols).compactMap(absMove)
        let meanWith = withNews.reduce(0, +) / Double(withNews.count)
        let meanWithout = without.reduce(0, +) / Double(without.count)
        #expect(meanWith > 3 * meanWithout, "news movers \(meanWith) vs others \(meanWithout)")
    }

    @Test func sameSeedSameMarket() async throws {
        let t = Self.day.at(hour: 11, minute: 17)
        let a = SimulatedMarket(seed: 6, symbolCount: 100, now: t)
        let b = SimulatedMarket(seed: 6, symbolCount: 100, now: t)
        #expect(try await a.snapshots(for: a.symbols, asOf: t) == b.snapshots(for: b.symbols, asOf: t))
        let from = Self.day.adding(days: -3).at(hour: 9, minute: 30)
        #expect(try await a.minuteBars(for: a.symbols, from: from, asOf: t) == b.minuteBars(for: b.symbols, from: from, asOf: t))
        // The same bars come out however the day is walked: generation does not depend on "now".
        let later = SimulatedMarket(seed: 6, symbolCount: 100, now: Self.close)
        let early = try await a.minuteBars(for: a.symbols, from: from, asOf: t)
        let full = try await later.minuteBars(for: later.symbols, from: from, asOf: Self.close)
        for (s, bars) in early { #expect(Array(full[s]!.prefix(bars.count)) == bars) }
    }

    @Test func neverHandsOutTheFutureWhileTimeAdvances() async throws {
        let start = Self.day.at(hour: 9, minute: 25)
        let market = SimulatedMarket(seed: 7, symbolCount: 150, now: start)
        let symbols = market.symbols
        let since = Self.day.adding(days: -1).at(hour: 0, minute: 0)
        var now = start
        while now <= Self.close {
            market.clock.set(now)
            // Ask for far more than "now": the market must cap at its clock.
            let greedy = now.addingTimeInterval(86_400)
            let bars = try await market.minuteBars(for: symbols, from: since, asOf: greedy)
            #expect(bars.values.allSatisfy { $0.allSatisfy { $0.availableAt <= now } })
            let daily = try await market.dailyBars(for: symbols, from: Self.day.adding(days: -10), asOf: greedy)
            #expect(daily.values.allSatisfy { $0.allSatisfy { $0.availableAt <= now } })
            let news = try await market.news(for: symbols, since: since, asOf: greedy)
            #expect(news.allSatisfy { $0.receivedAt <= now })
            let snaps = try await market.snapshots(for: symbols, asOf: greedy)
            #expect(snaps.values.allSatisfy { $0.asOf <= now && ($0.minuteBar?.availableAt ?? now) <= now })
            now = now.addingTimeInterval(47 * 60 + 13)
        }
    }

    @Test func plantedFutureBarAndHeadlineStayHiddenUntilTheirTime() async throws {
        let now = Self.day.at(hour: 10, minute: 0)
        let market = SimulatedMarket(seed: 8, symbolCount: 50, now: now)
        let symbol = market.symbols[0]
        let start = Self.day.at(hour: 10, minute: 5)
        let planted = Bar(
            start: start, open: Price(Decimal(777)), high: Price(Decimal(778)), low: Price(Decimal(776)), close: Price(Decimal(777)),
            volume: 1_000_000, availableAt: start.addingTimeInterval(61)
        )
        market.inject(minuteBar: planted, for: symbol)
        let headline = NewsItem(
            id: "planted", headline: "Acme to be acquired", summary: "", source: "test", symbols: [symbol],
            publishedAt: start, receivedAt: start.addingTimeInterval(30)
        )
        market.inject(news: headline)
        let from = Self.day.at(hour: 9, minute: 30)
        var bars = try await market.minuteBars(for: [symbol], from: from, asOf: Self.close)
        #expect(!(bars[symbol] ?? []).contains(planted))
        #expect(try await market.news(for: [symbol], since: from, asOf: Self.close).contains(headline) == false)
        #expect(try await market.snapshots(for: [symbol], asOf: Self.close)[symbol]?.lastPrice != planted.close)

        market.clock.set(start.addingTimeInterval(61))
        bars = try await market.minuteBars(for: [symbol], from: from, asOf: Self.close)
        #expect(bars[symbol]?.last == planted)
        #expect(try await market.news(for: [symbol], since: from, asOf: Self.close).contains(headline))
        #expect(try await market.snapshots(for: [symbol], asOf: Self.close)[symbol]?.lastPrice == planted.close)
    }

    @Test func holidaysHaveNoBars() async throws {
        let goodFriday = NYDate("2025-04-18")!
        let market = SimulatedMarket(seed: 9, symbolCount: 20, now: goodFriday.at(hour: 15, minute: 0))
        let bars = try await market.minuteBars(for: market.symbols, from: goodFriday.at(hour: 0, minute: 0), asOf: goodFriday.at(hour: 15, minute: 0))
        #expect(bars.isEmpty)
        let clock = try await market.clock(asOf: goodFriday.at(hour: 11, minute: 0))
        #expect(!clock.isOpen)
    }
}
