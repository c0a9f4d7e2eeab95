import Domain
import Foundation

@testable import Strategy

/// Builds minute bars for pattern tests from a few anchor points, so that each test reads like the
/// chart it describes: `path([(0, 100), (8, 108)])` is a straight rally from 100 to 108 over 8 bars.
enum SeriesBuilder {
    static let day = NYDate(year: 2025, month: 3, day: 14)!
    static let open = day.at(hour: 9, minute: 30)

    /// Linear interpolation of closes between `(barIndex, price)` anchors (indices increasing from 0).
    static func path(_ anchors: [(Int, Double)]) -> [Double] {
        precondition(anchors.first?.0 == 0)
        var closes: [Double] = [anchors[0].1]
        for (a, b) in zip(anchors, anchors.dropFirst()) {
            for i in (a.0 + 1)...b.0 {
                let t = Double(i - a.0) / Double(b.0 - a.0)
                closes.append(a.1 + (b.1 - a.1) * t)
            }
        }
        return closes
    }

    /// Bars whose open is the previous close and whose wicks stick out `wick` beyond the body.
    static func bars(closes: [Double], volumes: [Double]? = nil, wick: Double = 0.05, start: Date = open) -> BarSeries {
        var s = BarSeries()
        for (i, c) in closes.enumerated() {
            let o = i == 0 ? c : closes[i - 1]
            let t = start.addingTimeInterval(Double(i) * 60)
            s.append(
                start: t, open: o, high: max(o, c) + wick, low: min(o, c) - wick, close: c, volume: volumes?[i] ?? 1000,
                availableAt: t.addingTimeInterval(60)
            )
        }
        return s
    }

    /// Volumes given per segment: `[(count, volume)]`.
    static func volumes(_ segments: [(Int, Double)]) -> [Double] {
        segments.flatMap { [Double](repeating: $0.1, count: $0.0) }
    }

    static func context(_ s: BarSeries, openingRangeMinutes: Int = 15) -> PatternContext {
        PatternContext(bars: s, sessionOpen: open, openingRangeMinutes: openingRangeMinutes)
    }
}
