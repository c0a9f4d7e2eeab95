import Domain
import Foundation

/// Entry, stop and target of a long proposal, on legal ticks.
///
/// - Entry: the pattern's entry (breakout level, or the last close once broken out); the last price
///   when there is no pattern.
/// - Stop: the pattern's support when `use_pattern_levels` and the pattern has one below the entry;
///   otherwise entry − `stop_atr_multiple` × ATR(14).
/// - Target: the pattern's measured move under the same rule; otherwise entry + `target_atr_multiple`
///   × ATR(14).
/// - Ticks (Domain `Price.TickRounding`): the entry is a buy limit and rounds down; the target is a sell
///   limit and rounds up; the stop is a sell stop and rounds up. Rounding never makes a price worse for
///   us than the computed one; the risk decision sees exactly these prices.
enum ProposalLevels {
    struct Levels {
        var entry: Price
        var stop: Price
        var target: Price
    }

    static func compute(
        lastPrice: Double, pattern: PatternMatch?, atr: Double?, rules: FunnelConfiguration.StopsAndTargets
    ) -> Screened<Levels> {
        let entry = pattern?.entry ?? lastPrice
        let usePattern = rules.usePatternLevels ? pattern : nil
        let atrValue = atr.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        var stop: Double?
        var target: Double?
        if let p = usePattern, p.stop < entry { stop = p.stop } else if let a = atrValue { stop = entry - rules.stopATRMultiple * a }
        if let p = usePattern, p.target > entry { target = p.target } else if let a = atrValue { target = entry + rules.targetATRMultiple * a }
        guard let s = stop, let t = target else {
            return .rejected(RejectionReason.missingData.at(.final, "no ATR(14) and no pattern levels to place a stop and target"))
        }
        guard let e = FeatureValue.price(entry, .down), let sp = FeatureValue.price(s, .up), let tp = FeatureValue.price(t, .up),
            sp < e, e < tp
        else {
            return .rejected(
                RejectionReason.invalidLevels.at(.final, String(format: "stop %.4f / entry %.4f / target %.4f are not ordered on legal ticks", s, entry, t))
            )
        }
        return .passed(Levels(entry: e, stop: sp, target: tp))
    }
}
