import Foundation

/// The one timestamp format of the event payloads: RFC 3339 in UTC with microsecond precision
/// (`2026-03-09T13:30:00.25Z`), the precision PostgreSQL keeps.
///
/// Hand-rolled rather than a `DateFormatter` because projections decode every timestamp of the log
/// through it: civil-date arithmetic is an order of magnitude cheaper than a calendar, and it involves
/// no locale or host time zone. Formatting is canonical, so `format(parse(format(d)))` is stable.
public enum RFC3339 {
    /// Seconds between 1970-01-01 and 2001-01-01, Foundation's reference date.
    private static let referenceOffset: Int64 = 978_307_200

    public static func format(_ date: Date) -> String {
        // Rounding against the 2001 reference keeps more precision than going through 1970.
        let referenceMicros = Int64((date.timeIntervalSinceReferenceDate * 1_000_000).rounded(.toNearestOrEven))
        let total = referenceMicros + referenceOffset * 1_000_000
        var seconds = total / 1_000_000
        var micros = total % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = civil(fromDays: days)
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if micros != 0 {
            var fraction = pad(micros, 6)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            out += "." + fraction
        }
        return out + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)`; fractions beyond microseconds are rounded.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `parse` over UTF-8 bytes (the hot event decoders read timestamps in place).
    static func parse(utf8 b: UnsafeRawBufferPointer) -> Date? {
        guard b.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + len) {
                guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
            b[10] == 84 || b[10] == 116 || b[10] == 32,
            let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58, let s = num(17, 2),
            (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var micros: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            var roundUp = false
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 6 {
                    micros = micros * 10 + Int64(b[i] - 48)
                } else if digits == 6 {
                    roundUp = b[i] >= 53
                }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
            if roundUp { micros += 1 }
        }
        guard i < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch b[i] {
        case 90, 122:  // Z z
            guard i + 1 == b.count else { return nil }
        case 43, 45:  // + -
            guard i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2) else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        default:
            return nil
        }
        let days = daysFromCivil(y, mo, d)
        // Reject days the month does not have (2022-02-30 would otherwise roll into March).
        guard civil(fromDays: days) == (y, mo, d) else { return nil }
        let unixSeconds = days * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds
        let referenceSeconds = unixSeconds - referenceOffset
        return Date(timeIntervalSinceReferenceDate: Double(referenceSeconds) + Double(micros) / 1_000_000)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian, 1970-01-01 = day 0). The one copy
    // outside the `CivilTime` module (which the database client, the archive, the label CSV and the market
    // calendar share): the domain imports Foundation only, so it keeps its own.
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
