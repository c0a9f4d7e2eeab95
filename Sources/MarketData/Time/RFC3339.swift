import Foundation

/// RFC 3339 timestamps as Alpaca writes them: `2022-04-28T14:07:04.451420928-04:00`,
/// `2021-02-01T16:01:00Z` — up to 9 fractional digits, `Z` or a numeric offset.
///
/// Parsed by hand: `ISO8601DateFormatter` on Linux does not take 9 fractional digits, and it is slow.
/// `Date` holds a `Double`, so sub-microsecond digits are rounded (about 100 ns at today's epoch).
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
            b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2),
            b[16] == 58, let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        // The day must exist in its month (CivilDay would silently roll "02-30" into March).
        let n = CivilDay.number(year: year, month: month, day: day)
        guard CivilDay.date(n) == (year, month, day) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = digits(i + 4, 2), oh < 24, om < 60 else {
                return nil
            }
            offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = n * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

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
