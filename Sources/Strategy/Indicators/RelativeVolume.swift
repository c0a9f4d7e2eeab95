import Foundation

/// Relative volume: how much more (or less) than usual has traded so far today.
///
/// Definition (named because many exist):
///   relative volume = session volume so far ÷ (average daily volume of the previous N sessions ×
///   expected fraction of a day's volume traded by this point of the session).
/// The expected fraction comes from a fixed U-shaped intraday profile, not a linear pro-rating: US
/// equities trade roughly 15 % of the day's volume in the first half hour and again in the last, so a
/// linear rule would flag every stock as "3× volume" at 09:45. A typical day scores ≈ 1 at any time.
/// The profile is an approximation for the whole market; a per-symbol same-time-of-day average
/// over the previous 20 sessions needs that much minute history per symbol and is not used here.
public enum RelativeVolume {
    /// Intraday volume intensity at fraction x ∈ [0, 1] of the session: 0.6 + 2.4·(2x − 1)², i.e.
    /// 3.0 at the open and close and 0.6 at midday.
    public static func intensity(atFraction x: Double) -> Double {
        let u = 2 * x - 1
        return 0.6 + 2.4 * u * u
    }

    /// The expected share of a full session's volume traded by fraction x of the session (0 → 0, 1 → 1).
    /// Closed-form integral of `intensity`, normalised by its total of 1.4.
    public static func expectedCumulativeFraction(atFraction x: Double) -> Double {
        let c = min(max(x, 0), 1)
        let u = 2 * c - 1
        return (0.6 * c + 0.4 * (u * u * u + 1)) / 1.4
    }

    /// Relative volume, or `.nan` when it is not defined (no history, no time elapsed).
    public static func ratio(sessionVolume: Double, averageDailyVolume: Double, elapsedFraction: Double) -> Double {
        let expectedShare = expectedCumulativeFraction(atFraction: elapsedFraction)
        guard averageDailyVolume > 0, expectedShare > 0, sessionVolume >= 0 else { return .nan }
        return sessionVolume / (averageDailyVolume * expectedShare)
    }
}
