import Domain
import Foundation

/// Opening-range breakout: price closes above the high of the session's first N minutes and holds.
///
/// Entry is the last close, the stop is the middle of the opening range and the target is the range
/// high plus twice the range's height.
///
/// Confidence = 0.35 + 0.25·breakout volume (breakout bar vs the session's average bar, 2× scores
/// fully) + 0.15·(1 − extension) + 0.15·narrowness (range under 1 % of price scores fully, 3 % scores
/// nothing) + 0.10 when the breakout has held for three bars.
public struct OpeningRangeBreakoutDetector: PatternDetector {
    public struct Parameters: Sendable, Hashable {
        /// Past this many range heights above the range high, the move is too extended to chase.
        public var maxExtension = 1.0
        /// The opening range needs at least this share of its minutes to have bars.
        public var minRangeCoverage = 0.5
        public init() {}
    }

    public var parameters: Parameters
    public var kind: PatternKind { .openingRangeBreakout }

    public init(parameters: Parameters = Parameters()) { self.parameters = parameters }

    public func detect(_ context: PatternContext) -> PatternMatch? {
        let s = context.bars
        let minutes = context.openingRangeMinutes
        guard minutes > 0, !s.isEmpty else { return nil }
        let rangeStart = s.firstIndex(startingAtOrAfter: context.sessionOpen)
        let rangeEnd = s.firstIndex(startingAtOrAfter: context.sessionOpen.addingTimeInterval(Double(minutes) * 60))
        let last = s.count - 1
        guard rangeEnd > rangeStart, Double(rangeEnd - rangeStart) >= parameters.minRangeCoverage * Double(minutes),
            rangeEnd <= last
        else { return nil }
        let range = rangeStart...(rangeEnd - 1)
        let orHigh = SeriesMath.max(s.high, range)
        let orLow = SeriesMath.min(s.low, range)
        let height = orHigh - orLow
        guard height > 0, orLow > 0 else { return nil }
        let mid = orLow + height / 2
        guard let breakout = (rangeEnd...last).first(where: { s.close[$0] > orHigh }) else { return nil }
        let close = s.close[last]
        // Failed breakouts (back under the range high, or a close below the midpoint since) do not count.
        guard close > orHigh, SeriesMath.min(s.close, breakout...last) >= mid else { return nil }
        let extended = (close - orHigh) / height
        guard extended <= parameters.maxExtension else { return nil }

        let sessionVolume = SeriesMath.mean(s.volume, rangeStart...last)
        let volumeScore = sessionVolume > 0 ? SeriesMath.clamp01((s.volume[breakout] / sessionVolume - 1) / 1) : 0
        let narrowness = SeriesMath.clamp01((0.03 - height / orHigh) / 0.02)
        let held = last - breakout >= 3
        let confidence = 0.35 + 0.25 * volumeScore + 0.15 * (1 - extended / parameters.maxExtension)
            + 0.15 * narrowness + (held ? 0.10 : 0)
        let match = PatternMatch(
            kind: .openingRangeBreakout, confidence: confidence, entry: close, stop: mid, target: orHigh + 2 * height,
            detail: "\(minutes)-minute range \(String(format: "%.4f", orLow))–\(String(format: "%.4f", orHigh)), breakout bar \(breakout)"
        )
        return match.hasValidLevels ? match : nil
    }
}
