import Application
import Domain
import Foundation
import MarketData
import Testing

/// A capture must give back exactly what the live cycle read: any loss (a rounded price, a truncated
/// time, a dropped optional) would make the replay decide on other data than the decision did.
@Suite struct MarketRecordingTests {
    typealias Rng = Xoshiro256

    static func price(_ rng: inout Rng) -> Price {
        // Sub-penny and whole prices, with trailing digits that a Double would not keep.
        Price(Decimal(Int.random(in: 1...9_999_999, using: &rng)) / Decimal([1, 100, 10_000].randomElement(using: &rng)!))
    }

    static func bar(_ rng: inout Rng) -> Bar {
        let t = Date(timeIntervalSinceReferenceDate: Double(Int.random(in: 700_000_000...900_000_000, using: &rng)) + Double.random(in: 0..<1, using: &rng))
        return Bar(
            start: t, open: price(&rng), high: price(&rng), low: price(&rng), close: price(&rng), volume: Int64.random(in: 0...50_000_000, using: &rng),
            vwap: Bool.random(using: &rng) ? price(&rng) : nil, tradeCount: Bool.random(using: &rng) ? Int.random(in: 0...9_000, using: &rng) : nil,
            availableAt: t.addingTimeInterval(Double.random(in: 60...61, using: &rng)))
    }

    static func recording(seed: UInt64) -> MarketRecording {
        var rng = Rng(seed: seed)
        var r = MarketRecording(kind: Bool.random(using: &rng) ? .scan : .risk, asOf: Date(timeIntervalSinceReferenceDate: 812_345_678.123_456_7))
        r.session = TradingSession.regular(NYDate("2026-12-04")!)
        let symbols = (0..<Int.random(in: 1...12, using: &rng)).map { Symbol("S\($0)\(["", ".A", "-B", "/C"].randomElement(using: &rng)!)")! }
        r.universe = symbols.map { Security(symbol: $0, name: "Name \"\($0)\" \\ co", exchange: "NYSE", sector: Sector.allCases.randomElement(using: &rng)!) }
        for s in symbols {
            r.dailyBars[s] = (0..<Int.random(in: 0...30, using: &rng)).map { _ in bar(&rng) }
            if Bool.random(using: &rng) { r.minuteBars[s] = (0..<Int.random(in: 0...60, using: &rng)).map { _ in bar(&rng) } }
            r.snapshots[s] = MarketSnapshot(
                symbol: s, lastPrice: price(&rng), bid: Bool.random(using: &rng) ? price(&rng) : nil, ask: price(&rng), dailyBar: bar(&rng),
                previousDailyBar: nil, minuteBar: bar(&rng), asOf: r.asOf)
        }
        r.news = [NewsItem(id: NewsID(rawValue: "1"), headline: "Beats\n\"guidance\"", summary: "", source: "fake", symbols: symbols, publishedAt: r.asOf, receivedAt: r.asOf)]
        r.calendar = [TradingSession.regular(NYDate("2026-12-03")!)]
        return r
    }

    @Test(arguments: 0..<40) func aRecordingComesBackExactlyAndItsHashIsItsContent(seed: UInt64) throws {
        let original = Self.recording(seed: seed)
        let encoded = try original.encoded()
        let parts = Dictionary(encoded.parts.map { ($0.hash, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        let back = try MarketRecording.decode(head: encoded.head) { try #require(parts[$0]) }
        #expect(back == original)
        #expect(try back.encoded().hash == encoded.hash, "the same data gives the same hash")
        for p in encoded.parts { #expect(MarketRecording.sha256(p.bytes) == p.hash) }
        var changed = original
        if let s = changed.dailyBars.keys.first, !(changed.dailyBars[s]!.isEmpty) {
            changed.dailyBars[s]![0].volume += 1
            #expect(try changed.encoded().hash != encoded.hash, "one share more is another capture")
        }
    }

    @Test func theCacheGivesTheSameBytesAsEncodingAgain() throws {
        let cache = MarketPartCache()
        let r = Self.recording(seed: 7)
        let first = try r.encoded(cache: cache)
        let second = try r.encoded(cache: cache)
        let plain = try r.encoded()
        var other = r
        other.dailyBars[other.dailyBars.keys.first!] = []
        let otherCached = try other.encoded(cache: cache)
        let otherPlain = try other.encoded()
        #expect(first.hash == second.hash && first.hash == plain.hash)
        #expect(otherCached.hash == otherPlain.hash && otherCached.hash != plain.hash, "a changed value is encoded again, not served stale")
    }
}
