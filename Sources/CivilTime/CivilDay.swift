/// Calendar dates as day numbers (days since 1970-01-01), with pure integer arithmetic: the civil-date
/// algorithm shared by the database client's timestamps (`PGTimestamp`), the archive lines, the label
/// CSV and the market calendar. `Domain.RFC3339` keeps its own copy: the domain imports Foundation only.
///
/// The simulated market and the calendar walk thousands of dates per scan, and every event decode
/// parses timestamps; `Foundation.Calendar` costs microseconds per call, these cost nanoseconds.
/// Algorithms: Howard Hinnant, "chrono-compatible low-level date algorithms" (proleptic Gregorian).
public enum CivilDay {
    @inlinable public static func number(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @inlinable public static func date(_ n: Int) -> (year: Int, month: Int, day: Int) {
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    @inlinable public static func isoWeekday(_ n: Int) -> Int {
        let w = (n + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    /// UTC `yyyy-MM-ddTHH:mm:ss` parts of a whole number of seconds since 1970 (negative ones too):
    /// (year, month, day, second of the day).
    @inlinable public static func split(seconds: Int) -> (year: Int, month: Int, day: Int, secondOfDay: Int) {
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (y, m, d) = date(days)
        return (y, m, d, rem)
    }
}
