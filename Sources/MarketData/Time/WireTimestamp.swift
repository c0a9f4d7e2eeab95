import CivilTime
import Foundation

/// RFC 3339 timestamps in the variants Alpaca writes: `2022-04-28T14:07:04.451420928-04:00`,
/// `2021-02-01T16:01:00Z` — up to 9 fractional digits, `Z` or a numeric offset. Used for request
/// parameters and by the fake server to reproduce each variant.
///
/// Reading them is `Domain.RFC3339.parse`, which accepts all of these (sub-microsecond digits are rounded).
public enum WireTimestamp {
    /// Formats with `fractionDigits` (0–9) in UTC (`Z`) or at a fixed offset from UTC in seconds.
    public static func format(_ date: Date, fractionDigits: Int = 0, utcOffset: Int = 0) -> String {
        let t = date.timeIntervalSince1970 + Double(utcOffset)
        var whole = Int(t.rounded(.down))
        let scale = pow(10, Double(fractionDigits))
        var frac = Int(((t - Double(whole)) * scale).rounded())
        if frac >= Int(scale) {
            whole += 1
            frac = 0
        }
        let day = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secs = whole - day * 86_400
        let (y, m, d) = CivilDay.date(day)
        var s = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
        if fractionDigits > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: fractionDigits - f.count) + f
        }
        if utcOffset == 0 { return s + "Z" }
        let o = abs(utcOffset)
        return s + String(format: "%@%02d:%02d", utcOffset < 0 ? "-" : "+", o / 3600, o / 60 % 60)
    }
}
