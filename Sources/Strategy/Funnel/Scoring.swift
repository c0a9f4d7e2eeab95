import Domain
import Foundation

/// The five score components, each in 0…1, and the composite. Formulas are part of
/// `Strategy.scoringVersion`.
public enum Scoring {
    /// Technical component: the mean of the sub-scores that are defined. RSI and the trend score are
    /// required (nil otherwise: a warming-up indicator is not scored as 0 or 0.5).
    /// - RSI: 1 − |RSI − 55| / 25, clamped (55 ideal; 30 or 80 score 0);
    /// - trend: ½ for a close above SMA 20, ½ for a close above session VWAP (VWAP optional);
    /// - MACD: histogram > 0 and MACD > 0 → 1, histogram > 0 → 0.75, MACD > 0 → 0.25, else 0;
    /// - Bollinger %B: 0.5…1 → 1, below 0.5 → 2·%B, above 1 (stretched) → 1 − 2·(%B − 1).
    public static func technical(close: Double, table: IndicatorTable, at i: Int) -> Double? {
        let rsi = table.rsi14[i]
        let sma = table.sma20[i]
        guard !rsi.isNaN, !sma.isNaN else { return nil }
        var parts = [clamp01(1 - abs(rsi - 55) / 25)]
        let vwap = table.vwap[i]
        parts.append((close > sma ? 0.5 : 0) + (vwap.isNaN ? 0 : (close > vwap ? 0.5 : 0)))
        let hist = table.macd.histogram[i]
        let macd = table.macd.macd[i]
        if !hist.isNaN, !macd.isNaN {
            parts.append(hist > 0 ? (macd > 0 ? 1 : 0.75) : (macd > 0 ? 0.25 : 0))
        }
        let upper = table.bollinger.upper[i]
        let lower = table.bollinger.lower[i]
        if !upper.isNaN, !lower.isNaN, upper > lower {
            let b = (close - lower) / (upper - lower)
            parts.append(b < 0.5 ? clamp01(2 * b) : (b <= 1 ? 1 : clamp01(1 - 2 * (b - 1))))
        }
        return parts.reduce(0, +) / Double(parts.count)
    }

    /// Momentum component from the change since the previous close, in percent. The original v6.1
    /// curve (docs/origins.md §Momentum score) applied to the *signed* change, since the strategy is long-only
    /// (v6.0 scored falling stocks as momentum): ≤ 0 → 0; 0–2 % → up to 0.5; 2–7 % → 0.7–1.0; above
    /// 7 % it decays by 0.1 per point to a floor of 0.3 (buying the top of a spike scored worst in the
    /// original's own analysis).
    public static func momentum(changePercent c: Double) -> Double? {
        guard c.isFinite else { return nil }
        if c <= 0 { return 0 }
        if c < 2 { return 0.5 * c / 2 }
        if c <= 7 { return 0.7 + 0.3 * (c - 2) / 5 }
        return max(0.3, 1 - 0.1 * (c - 7))
    }

    /// Volume component: log₁₀ of relative volume, clamped to 0…1 (normal volume 0, 10× normal 1).
    public static func volume(relativeVolume r: Double) -> Double? {
        guard r.isFinite, r >= 0 else { return nil }
        return r <= 1 ? 0 : clamp01(log10(r))
    }

    /// Σ wᵢ·cᵢ / Σ wᵢ.
    public static func composite(
        catalyst: Double, technical: Double, pattern: Double, momentum: Double, volume: Double,
        weights w: FunnelConfiguration.CompositeWeights
    ) -> Double {
        let total = w.catalyst + w.technical + w.pattern + w.momentum + w.volume
        let sum = w.catalyst * catalyst + w.technical * technical + w.pattern * pattern + w.momentum * momentum
            + w.volume * volume
        return total > 0 ? sum / total : 0
    }

    @inline(__always) static func clamp01(_ v: Double) -> Double { min(max(v, 0), 1) }
}
