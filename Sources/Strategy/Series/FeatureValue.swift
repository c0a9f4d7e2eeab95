import Domain
import Foundation

/// Converts the `Double` results of indicator math into the `Decimal`s recorded in events.
///
/// Recorded features are rounded to 6 fractional digits *in integer arithmetic* so that the same
/// `Double` always yields the same `Decimal` (and the same event hash); `Decimal(Double)` is both slow
/// and noisy in its last digits.
public enum FeatureValue {
    /// `value` rounded half away from zero to 6 places; nil for NaN or infinities (undefined, never 0).
    public static func decimal6(_ value: Double) -> Decimal? {
        decimal(value, places: 6)
    }

    /// `value` rounded half away from zero to `places` fractional digits; nil when not finite.
    public static func decimal(_ value: Double, places: Int) -> Decimal? {
        guard value.isFinite else { return nil }
        let scale = pow(10.0, Double(places))
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        // Beyond 2^53 a Double no longer holds every integer; fall back to text, which is exact for the
        // Double it is given (such magnitudes only occur for OBV-like running sums).
        guard abs(scaled) < 9.0e15 else { return Decimal(string: String(value.rounded())) }
        let integer = Int64(scaled)
        return Decimal(sign: integer < 0 ? .minus : .plus, exponent: -places, significand: Decimal(integer.magnitude))
    }

    /// A price level on a legal tick (SEC Rule 612) from a `Double`, rounded in `mode`.
    public static func price(_ value: Double, _ mode: Price.TickRounding = .nearest) -> Price? {
        guard value.isFinite, value > 0 else { return nil }
        // Six places first (exact integer arithmetic), then the Domain's tick rounding decides the tick.
        guard let d = decimal(value, places: 6) else { return nil }
        return Price(d).roundedToTick(mode)
    }

    /// Rounds a `Double` to 6 places in `Double` space: used for ranking, so that the order the funnel
    /// chooses is the order a reader of the recorded 6-place scores would choose.
    @inline(__always) public static func rounded6(_ value: Double) -> Double {
        (value * 1_000_000).rounded(.toNearestOrAwayFromZero) / 1_000_000
    }
}
