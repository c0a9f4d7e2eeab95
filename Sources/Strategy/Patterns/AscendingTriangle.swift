import Domain
import Foundation

/// Ascending triangle: a flat ceiling touched at least twice, with a series of higher lows under it.
///
/// Entry is the ceiling (or the last close once above it), the stop is the latest higher low and the
/// target is the entry plus the triangle's height (ceiling − first low).
///
/// Confidence = 0.30 + 0.10 per touch beyond two (max 0.20) + 0.20·R² of the rising lows + 0.15·flatness
/// of the ceiling + 0.15·volume contraction (second half vs first half of the triangle).
public struct AscendingTriangleDetector: PatternDetector {
    public struct Parameters: Sendable, Hashable {
        /// Bars on each side that a swing point must dominate.
        public var pivotSpan = 2
        public var lookback = 120
        public var minTouches = 2
        public var minRisingLows = 2
        /// Ceiling tolerance: the larger of this fraction of price and `rangeTolerance` × the average bar.
        public var priceTolerance = 0.002
        public var rangeTolerance = 0.75
        public var minBars = 10
        public var maxExtension = 0.5
        public init() {}
    }

    public var parameters: Parameters
    public var kind: PatternKind { .ascendingTriangle }

    public init(parameters: Parameters = Parameters()) { self.parameters = parameters }

    public func detect(_ context: PatternContext) -> PatternMatch? {
        let s = context.bars
        let p = parameters
        let last = s.count - 1
        guard last >= p.minBars + 2 * p.pivotSpan else { return nil }
        let window = max(0, last - p.lookback)...last
        let tol = max(p.priceTolerance * s.close[last], p.rangeTolerance * SeriesMath.averageRange(s, last: 30))
        let highs = Swings.pivotHighs(s.high, k: p.pivotSpan, in: window)
        // Walk back from the latest swing high collecting touches of one level.
        var touches: [Int] = []
        var ceiling = -Double.infinity
        var floor = Double.infinity
        for i in highs.reversed() {
            let h = s.high[i]
            if touches.isEmpty || (max(ceiling, h) - min(floor, h) <= tol) {
                touches.append(i)
                ceiling = max(ceiling, h)
                floor = min(floor, h)
            } else {
                break
            }
        }
        touches.reverse()
        guard touches.count >= p.minTouches, let first = touches.first, last - first >= p.minBars else { return nil }
        // No close may have escaped above the ceiling before the latest bar (that would be an old breakout).
        if first < last - 1 { guard SeriesMath.max(s.close, first...(last - 1)) <= ceiling + tol / 2 else { return nil } }

        let lows = Swings.pivotLows(s.low, k: p.pivotSpan, in: first...last)
        guard lows.count >= p.minRisingLows else { return nil }
        for (a, b) in zip(lows, lows.dropFirst()) where s.low[b] <= s.low[a] + tol / 4 { return nil }
        let fit = SeriesMath.regression(points: lows.map { (Double($0), s.low[$0]) })
        guard fit.slope > 0 else { return nil }
        let firstLow = s.low[lows[0]]
        let lastLow = s.low[lows[lows.count - 1]]
        let height = ceiling - firstLow
        guard height > 0, lastLow < ceiling - tol / 2 else { return nil }
        let close = s.close[last]
        guard close >= lastLow, close <= ceiling + p.maxExtension * height else { return nil }

        let mid = (first + last) / 2
        let early = SeriesMath.mean(s.volume, first...mid)
        let late = SeriesMath.mean(s.volume, mid...last)
        let volumeScore = early > 0 ? SeriesMath.clamp01((1.2 - late / early) / 0.7) : 0
        let confidence = 0.30 + 0.10 * Double(min(touches.count - 2, 2)) + 0.20 * fit.r2
            + 0.15 * SeriesMath.clamp01(1 - (ceiling - floor) / tol) + 0.15 * volumeScore
        let entry = close > ceiling ? close : ceiling
        let match = PatternMatch(
            kind: .ascendingTriangle, confidence: confidence, entry: entry, stop: lastLow, target: entry + height,
            detail: "ceiling \(String(format: "%.4f", ceiling)) touched at bars \(touches.map(String.init).joined(separator: ",")), rising lows at bars \(lows.map(String.init).joined(separator: ","))"
        )
        return match.hasValidLevels ? match : nil
    }
}
