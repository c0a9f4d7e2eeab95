import Domain
import Foundation
import Testing

@testable import Strategy

/// Each detector on a constructed series that shows its pattern, and on series that do not.
struct BullFlagTests {
    let detector = BullFlagDetector()

    @Test func poleThenQuietPullbackIsAFlag() throws {
        var closes = (0..<10).map { $0 % 2 == 0 ? 100.0 : 100.05 }
        closes += SeriesBuilder.path([(0, 100.05), (8, 108)]).dropFirst()
        closes += SeriesBuilder.path([(0, 108), (6, 106.6)]).dropFirst()
        let volumes = SeriesBuilder.volumes([(10, 1000), (8, 5000), (6, 1500)])
        let s = SeriesBuilder.bars(closes: closes, volumes: volumes)
        let m = try #require(detector.detect(SeriesBuilder.context(s)))
        #expect(m.kind == .bullFlag)
        #expect(m.confidence >= 0.6)
        expectClose(m.entry, 108.05, tolerance: 1e-9)  // flag high: the first flag bar opens at the pole top
        expectClose(m.stop, 106.55, tolerance: 1e-9)  // flag low
        expectClose(m.target - m.entry, 108.05 - 99.95, tolerance: 1e-9)  // pole height
    }

    @Test func steadyUptrendHasNoFlag() {
        let s = SeriesBuilder.bars(closes: SeriesBuilder.path([(0, 100), (40, 112)]))
        #expect(detector.detect(SeriesBuilder.context(s)) == nil)
    }

    @Test func deepPullbackIsNotAFlag() {
        var closes = SeriesBuilder.path([(0, 100), (8, 108)])
        closes += SeriesBuilder.path([(0, 108), (6, 102)]).dropFirst()
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }

    @Test func smallDriftHasNoPole() {
        var closes = SeriesBuilder.path([(0, 100), (8, 101)])
        closes += SeriesBuilder.path([(0, 101), (6, 100.8)]).dropFirst()
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }
}

struct CupAndHandleTests {
    let detector = CupAndHandleDetector()

    /// Left rim at bar 5, a rounded bottom at bar 30, right rim at bar 55, handle to bar 62.
    static func cup(_ shape: (Double) -> Double) -> [Double] {
        var closes = SeriesBuilder.path([(0, 97), (5, 100)])
        for i in 6...55 { closes.append(shape(Double(i - 5) / 50)) }
        closes += SeriesBuilder.path([(0, 100), (7, 98.8)]).dropFirst()
        closes.append(99.3)
        return closes
    }

    @Test func roundedCupWithShallowHandle() throws {
        let closes = Self.cup { 95 + 5 * (1 - sin(Double.pi * $0)) }
        let volumes = SeriesBuilder.volumes([(56, 2000), (8, 800)])
        let m = try #require(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes, volumes: volumes))))
        #expect(m.kind == .cupAndHandle)
        #expect(m.confidence >= 0.7)
        expectClose(m.entry, 100.05, tolerance: 1e-9)  // rim high
        expectClose(m.stop, 98.75, tolerance: 1e-9)  // handle low
        expectClose(m.target - m.entry, 100.05 - 94.95, tolerance: 1e-9)  // cup depth
    }

    @Test func sharpVBottomIsNotACup() {
        let closes = Self.cup { 95 + 5 * abs(2 * $0 - 1).squareRoot() }
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }

    @Test func downtrendIsNotACup() {
        var closes = SeriesBuilder.path([(0, 100), (60, 90)])
        closes += SeriesBuilder.path([(0, 90), (4, 90.6)]).dropFirst()
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }
}

struct AscendingTriangleTests {
    let detector = AscendingTriangleDetector()

    @Test func flatCeilingWithRisingLows() throws {
        let closes = SeriesBuilder.path([
            (0, 96), (8, 100), (14, 96.5), (20, 100), (26, 97.5), (32, 100), (37, 98.5), (40, 99.6),
        ])
        let volumes = (0..<closes.count).map { 3000 - Double($0) * 50 }
        let m = try #require(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes, volumes: volumes))))
        #expect(m.kind == .ascendingTriangle)
        #expect(m.confidence >= 0.7)
        expectClose(m.entry, 100.05, tolerance: 1e-9)
        expectClose(m.stop, 98.45, tolerance: 1e-9)
        expectClose(m.target - m.entry, 100.05 - 96.45, tolerance: 1e-9)
    }

    @Test func fallingHighsAreNotAscending() {
        let closes = SeriesBuilder.path([
            (0, 96), (8, 100), (14, 96.5), (20, 99), (26, 97.5), (32, 98), (37, 97.8), (40, 97.9),
        ])
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }

    @Test func flatLowsMakeARectangleNotATriangle() {
        let closes = SeriesBuilder.path([
            (0, 96), (8, 100), (14, 96.5), (20, 100), (26, 96.5), (32, 100), (37, 96.5), (40, 98),
        ])
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }
}

struct ABCDTests {
    let detector = ABCDDetector()

    @Test func rallyPullbackToHigherLowThenSecondLeg() throws {
        let closes = SeriesBuilder.path([(0, 101), (5, 100), (20, 106), (30, 102.5), (36, 104.5)])
        let volumes = SeriesBuilder.volumes([(5, 1000), (16, 4000), (10, 1500), (6, 2500)])
        let m = try #require(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes, volumes: volumes))))
        #expect(m.kind == .abcd)
        #expect(m.confidence >= 0.7)
        expectClose(m.entry, 106.05, tolerance: 1e-9)  // B
        expectClose(m.stop, 102.45, tolerance: 1e-9)  // C
        expectClose(m.target, 102.45 + (106.05 - 99.95), tolerance: 1e-9)  // D = C + AB
    }

    @Test func lowerLowBreaksTheStructure() {
        let closes = SeriesBuilder.path([(0, 101), (5, 100), (20, 106), (30, 99), (36, 101)])
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }

    @Test func tooDeepRetracementIsNotABCD() {
        let closes = SeriesBuilder.path([(0, 101), (5, 100), (20, 106), (30, 100.6), (36, 102)])
        #expect(detector.detect(SeriesBuilder.context(SeriesBuilder.bars(closes: closes))) == nil)
    }
}

struct OpeningRangeBreakoutTests {
    let detector = OpeningRangeBreakoutDetector()

    static func session(after range: [Double]) -> BarSeries {
        let opening = (0..<15).map { $0 % 2 == 0 ? 100.2 : 100.8 }
        let closes = opening + [100.6, 100.5, 100.7, 100.6, 100.6] + range
        let volumes = [Double](repeating: 5000, count: 15) + [Double](repeating: 2000, count: 5)
            + [9000] + [Double](repeating: 3000, count: max(0, range.count - 1))
        var s = SeriesBuilder.bars(closes: closes, volumes: volumes, wick: 0)
        // Give the opening range explicit extremes: 100.00–101.00.
        var bars = (0..<s.count).map { i in
            (s.start[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i])
        }
        bars[3].2 = 101.0
        bars[7].3 = 100.0
        s = BarSeries()
        for b in bars { s.append(start: b.0, open: b.1, high: b.2, low: b.3, close: b.4, volume: b.5) }
        return s
    }

    @Test func closeAboveTheRangeHighThatHolds() throws {
        let s = Self.session(after: [101.4, 101.5, 101.6, 101.55])
        let m = try #require(detector.detect(SeriesBuilder.context(s)))
        #expect(m.kind == .openingRangeBreakout)
        #expect(m.confidence >= 0.7)
        expectClose(m.entry, 101.55, tolerance: 1e-9)
        expectClose(m.stop, 100.5, tolerance: 1e-9)  // range midpoint
        expectClose(m.target, 103.0, tolerance: 1e-9)  // range high + 2 × height
    }

    @Test func priceInsideTheRangeIsNoBreakout() {
        #expect(detector.detect(SeriesBuilder.context(Self.session(after: [100.7, 100.8, 100.6]))) == nil)
    }

    @Test func failedBreakoutDoesNotCount() {
        #expect(detector.detect(SeriesBuilder.context(Self.session(after: [101.4, 100.9, 100.3]))) == nil)
    }

    @Test func breakdownIsNotABreakout() {
        #expect(detector.detect(SeriesBuilder.context(Self.session(after: [99.6, 99.4, 99.2]))) == nil)
    }
}

struct PatternScannerTests {
    @Test func quietSidewaysSessionShowsNoPattern() {
        let closes = (0..<120).map { 100 + 0.3 * sin(Double($0) * 2 * Double.pi / 20) }
        let s = SeriesBuilder.bars(closes: closes)
        #expect(PatternScanner().scan(SeriesBuilder.context(s)).isEmpty)
    }

    @Test func scannerRanksByConfidenceAndRespectsEnabledSet() {
        let s = OpeningRangeBreakoutTests.session(after: [101.4, 101.5, 101.6, 101.55])
        let all = PatternScanner().scan(SeriesBuilder.context(s))
        #expect(all.first?.kind == .openingRangeBreakout)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        #expect(PatternScanner(enabled: [.bullFlag]).scan(SeriesBuilder.context(s)).allSatisfy { $0.kind == .bullFlag })
    }
}
