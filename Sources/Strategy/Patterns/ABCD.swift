import Domain
import Foundation

/// ABCD (bullish measured move): a rally A→B, a pullback to a higher low C that retraces 38.2–78.6 % of
/// AB, then a second leg expected to travel as far as the first: D = C + (B − A).
///
/// Entry is B (or the last close once above B), the stop is C and the target is D. Swing points come
/// from a ZigZag whose threshold adapts to the symbol's bar size.
///
/// Confidence = 0.35 + 0.25·closeness of the retracement to 0.59 (between the 0.5 and 0.618 ratios) +
/// 0.15·time symmetry (BC vs AB duration) + 0.15·volume (AB leg heavier than BC) + 0.10 once B is broken.
public struct ABCDDetector: PatternDetector {
    public struct Parameters: Sendable, Hashable {
        public var lookback = 150
        /// ZigZag threshold: the larger of this fraction and `rangeMultiple` average bars.
        public var minSwing = 0.004
        public var rangeMultiple = 3.0
        /// Minimum AB leg as a fraction of A.
        public var minLegGain = 0.015
        public var minRetracement = 0.382
        public var maxRetracement = 0.786
        /// BC duration / AB duration must lie in this range.
        public var minTimeRatio = 0.25
        public var maxTimeRatio = 3.0
        /// Once price has covered this share of the CD leg, the setup is over.
        public var maxLegCompleted = 0.8
        public init() {}
    }

    public var parameters: Parameters
    public var kind: PatternKind { .abcd }

    public init(parameters: Parameters = Parameters()) { self.parameters = parameters }

    public func detect(_ context: PatternContext) -> PatternMatch? {
        let s = context.bars
        let p = parameters
        let last = s.count - 1
        guard last >= 10, s.close[last] > 0 else { return nil }
        let threshold = max(p.minSwing, p.rangeMultiple * SeriesMath.averageRange(s, last: 30) / s.close[last])
        let pivots = Swings.zigzag(high: s.high, low: s.low, from: max(0, last - p.lookback), threshold: threshold)
        // The last pivot is the current extreme. Either it is a high (the CD leg is under way) and A, B, C
        // precede it, or it is C itself with price already off the low.
        guard pivots.count >= 3 else { return nil }
        var cIndex = pivots.count - 1
        if pivots[cIndex].isHigh { cIndex -= 1 }
        guard cIndex >= 2 else { return nil }
        let a = pivots[cIndex - 2]
        let b = pivots[cIndex - 1]
        let c = pivots[cIndex]
        guard !a.isHigh, b.isHigh, !c.isHigh, a.price > 0 else { return nil }
        let ab = b.price - a.price
        guard ab / a.price >= p.minLegGain, c.price > a.price, c.price < b.price else { return nil }
        let retracement = (b.price - c.price) / ab
        guard retracement >= p.minRetracement, retracement <= p.maxRetracement else { return nil }
        let timeRatio = Double(c.index - b.index) / Double(b.index - a.index)
        guard timeRatio >= p.minTimeRatio, timeRatio <= p.maxTimeRatio else { return nil }
        let close = s.close[last]
        let d = c.price + ab
        guard close > c.price, close < c.price + p.maxLegCompleted * ab else { return nil }

        let abVolume = SeriesMath.mean(s.volume, a.index...b.index)
        let bcVolume = SeriesMath.mean(s.volume, b.index...c.index)
        let volumeScore = abVolume > 0 ? SeriesMath.clamp01((1.2 - bcVolume / abVolume) / 0.7) : 0
        let symmetry = SeriesMath.clamp01(1 - abs(log(timeRatio)) / log(p.maxTimeRatio))
        let fib = SeriesMath.clamp01(1 - abs(retracement - 0.59) / 0.25)
        let brokeB = close > b.price
        let confidence = 0.35 + 0.25 * fib + 0.15 * symmetry + 0.15 * volumeScore + (brokeB ? 0.10 : 0)
        let entry = brokeB ? close : b.price
        let match = PatternMatch(
            kind: .abcd, confidence: confidence, entry: entry, stop: c.price, target: d,
            detail: "A bar \(a.index), B bar \(b.index), C bar \(c.index), retrace \(percent(retracement))"
        )
        return match.hasValidLevels ? match : nil
    }
}
