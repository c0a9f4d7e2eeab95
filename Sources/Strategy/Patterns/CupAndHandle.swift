import Domain
import Foundation

/// Cup and handle: a rounded (U, not V) dip between two similar highs, then a short shallow pullback.
///
/// Entry is the rim (or the last close once above it), the stop is the handle's low and the target is
/// the entry plus the cup's depth.
///
/// Confidence = 0.30 + 0.20·roundness (time spent in the lower part of the cup) + 0.15·rim symmetry +
/// 0.20·handle shallowness + 0.15·volume contraction (handle vs cup).
public struct CupAndHandleDetector: PatternDetector {
    public struct Parameters: Sendable, Hashable {
        public var minCupBars = 20
        public var maxCupBars = 180
        public var minHandleBars = 2
        public var maxHandleBars = 30
        /// Cup depth as a fraction of the rim, bounds inclusive.
        public var minDepth = 0.01
        public var maxDepth = 0.35
        /// The rims may differ by at most this fraction of the depth.
        public var rimTolerance = 0.2
        /// A V bottom spends little time low: at least this share of cup bars must close in the lowest
        /// 40 % of the depth.
        public var minRoundness = 0.3
        /// The handle may give back at most this fraction of the depth.
        public var maxHandleRetracement = 0.5
        public var maxExtension = 0.5
        public init() {}
    }

    public var parameters: Parameters
    public var kind: PatternKind { .cupAndHandle }

    public init(parameters: Parameters = Parameters()) { self.parameters = parameters }

    public func detect(_ context: PatternContext) -> PatternMatch? {
        let s = context.bars
        let p = parameters
        let last = s.count - 1
        guard last >= p.minCupBars + p.minHandleBars else { return nil }
        guard let right = SeriesMath.argmax(s.high, max(0, last - p.maxHandleBars)...(last - p.minHandleBars)),
            right - 10 >= 0,
            let bottom = SeriesMath.argmin(s.low, max(0, right - p.maxCupBars)...(right - 5)),
            bottom - 5 >= max(0, right - p.maxCupBars),
            let left = SeriesMath.argmax(s.high, max(0, right - p.maxCupBars)...(bottom - 5))
        else { return nil }
        let width = right - left
        guard width >= p.minCupBars else { return nil }
        let rimHigh = max(s.high[left], s.high[right])
        let rim = min(s.high[left], s.high[right])
        let depth = rim - s.low[bottom]
        guard depth > 0, depth / rim >= p.minDepth, depth / rim <= p.maxDepth else { return nil }
        let rimGap = abs(s.high[right] - s.high[left])
        guard rimGap <= p.rimTolerance * depth else { return nil }
        // Nothing inside the cup may stand above the rims.
        guard SeriesMath.max(s.high, left...right) <= rimHigh else { return nil }
        let position = Double(bottom - left) / Double(width)
        guard (0.2...0.8).contains(position) else { return nil }
        var low = 0
        for i in left...right where s.close[i] <= s.low[bottom] + 0.4 * depth { low += 1 }
        let roundness = Double(low) / Double(width + 1)
        guard roundness >= p.minRoundness else { return nil }

        let breakingOut = s.close[last] > rimHigh
        let handle = (right + 1)...(breakingOut ? last - 1 : last)
        guard handle.count >= p.minHandleBars, handle.count <= max(p.minHandleBars, width / 2) else { return nil }
        guard SeriesMath.max(s.high, handle) <= rimHigh else { return nil }
        let handleLow = SeriesMath.min(s.low, handle)
        let handleRetracement = (s.high[right] - handleLow) / depth
        guard handleRetracement <= p.maxHandleRetracement, handleLow > s.low[bottom] else { return nil }
        let close = s.close[last]
        guard close >= handleLow, close <= rimHigh + p.maxExtension * depth else { return nil }

        let cupVolume = SeriesMath.mean(s.volume, left...right)
        let handleVolume = SeriesMath.mean(s.volume, handle)
        let volumeScore = cupVolume > 0 ? SeriesMath.clamp01((1.2 - handleVolume / cupVolume) / 0.7) : 0
        let confidence = 0.30 + 0.20 * SeriesMath.clamp01((roundness - p.minRoundness) / 0.25)
            + 0.15 * SeriesMath.clamp01(1 - rimGap / (p.rimTolerance * depth))
            + 0.20 * SeriesMath.clamp01(1 - handleRetracement / p.maxHandleRetracement) + 0.15 * volumeScore
        let entry = breakingOut ? close : rimHigh
        let match = PatternMatch(
            kind: .cupAndHandle, confidence: confidence, entry: entry, stop: handleLow, target: entry + depth,
            detail: "rims bars \(left) and \(right), bottom bar \(bottom) (depth \(percent(depth / rim))), handle bars \(handle.lowerBound)–\(handle.upperBound)"
        )
        return match.hasValidLevels ? match : nil
    }
}
