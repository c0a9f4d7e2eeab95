import Domain
import Foundation

/// Bull flag: a steep rally (the pole) followed by a short, shallow, quiet pullback (the flag).
///
/// Entry is the flag's high (or the last close once price has broken above it), the stop is the flag's
/// low and the target is the entry plus the pole's height (the measured move).
///
/// Confidence = 0.30 + 0.25·shallowness (full up to a 38.2 % retracement, none at the 50 % limit) +
/// 0.15·volume contraction (flag volume vs pole volume) + 0.15·pole straightness (share of rising
/// closes) + 0.15·tightness (flag range vs pole height).
public struct BullFlagDetector: PatternDetector {
    public struct Parameters: Sendable, Hashable {
        public var minPoleBars = 3
        public var maxPoleBars = 20
        public var minFlagBars = 3
        public var maxFlagBars = 15
        /// Minimum pole height as a fraction of its base price.
        public var minPoleGain = 0.02
        /// The flag may give back at most this fraction of the pole.
        public var maxRetracement = 0.5
        /// Past this fraction of the pole above the flag high, the move is too extended to chase.
        public var maxExtension = 0.5
        public init() {}
    }

    public var parameters: Parameters
    public var kind: PatternKind { .bullFlag }

    public init(parameters: Parameters = Parameters()) { self.parameters = parameters }

    public func detect(_ context: PatternContext) -> PatternMatch? {
        let s = context.bars
        let p = parameters
        let last = s.count - 1
        guard last >= p.minPoleBars + p.minFlagBars + 1 else { return nil }
        // Pole top: the highest high that leaves room for a flag after it.
        guard let top = SeriesMath.argmax(s.high, max(0, last - p.maxFlagBars - 1)...(last - p.minFlagBars)),
            top >= p.minPoleBars,
            let base = SeriesMath.argmin(s.low, max(0, top - p.maxPoleBars)...(top - 1)),
            top - base >= p.minPoleBars
        else { return nil }
        let poleHeight = s.high[top] - s.low[base]
        guard s.low[base] > 0, poleHeight / s.low[base] >= p.minPoleGain else { return nil }

        // The last bar may be the breakout out of the flag; the flag body excludes it.
        let bodyBeforeLast = (top + 1)...(last - 1)
        let breakingOut = s.close[last] > SeriesMath.max(s.high, bodyBeforeLast)
        let body = (top + 1)...(breakingOut ? last - 1 : last)
        guard body.count >= 2 else { return nil }
        let flagHigh = SeriesMath.max(s.high, body)
        let flagLow = SeriesMath.min(s.low, body)
        // A bar above the pole top inside the flag means the rally simply continued.
        guard flagHigh <= s.high[top] else { return nil }
        let retracement = (s.high[top] - flagLow) / poleHeight
        guard retracement <= p.maxRetracement else { return nil }
        // The flag drifts sideways or down; rising at a fraction of the pole's pace is still a flag.
        let poleSlope = poleHeight / Double(top - base)
        guard SeriesMath.regression(s.close, body).slope <= 0.15 * poleSlope else { return nil }
        let close = s.close[last]
        guard close >= flagLow, close <= flagHigh + p.maxExtension * poleHeight else { return nil }

        var rising = 0
        for i in (base + 1)...top where s.close[i] > s.close[i - 1] { rising += 1 }
        let straightness = SeriesMath.clamp01((Double(rising) / Double(top - base) - 0.5) / 0.5)
        let poleVolume = SeriesMath.mean(s.volume, (base + 1)...top)
        let flagVolume = SeriesMath.mean(s.volume, body)
        let volumeScore = poleVolume > 0 ? SeriesMath.clamp01((1.2 - flagVolume / poleVolume) / 0.7) : 0
        let tightness = SeriesMath.clamp01(1 - (flagHigh - flagLow) / poleHeight)
        let shallowness = SeriesMath.clamp01((p.maxRetracement - retracement) / (p.maxRetracement - 0.382))
        let confidence = 0.30 + 0.25 * shallowness + 0.15 * volumeScore + 0.15 * straightness + 0.15 * tightness

        let entry = breakingOut ? close : flagHigh
        let match = PatternMatch(
            kind: .bullFlag, confidence: confidence, entry: entry, stop: flagLow, target: entry + poleHeight,
            detail: "pole bars \(base)–\(top) (+\(percent(poleHeight / s.low[base]))), flag bars \(body.lowerBound)–\(body.upperBound), retrace \(percent(retracement))"
        )
        return match.hasValidLevels ? match : nil
    }
}

/// "12.3%" for pattern details.
func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
