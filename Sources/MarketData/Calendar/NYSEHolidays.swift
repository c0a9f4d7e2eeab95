import CivilTime
/// NYSE holiday and early-close rules (NYSE Rule 7.2 and the exchange's published calendars).
///
/// Full closures: New Year's Day, Martin Luther King Jr. Day (3rd Monday of January, from 1998),
/// Washington's Birthday (3rd Monday of February), Good Friday, Memorial Day (last Monday of May),
/// Juneteenth (June 19, from 2022), Independence Day, Labor Day (1st Monday of September), Thanksgiving
/// (4th Thursday of November) and Christmas. A holiday on a Sunday is observed the Monday after; on a
/// Saturday the Friday before — except New Year's Day, which is then not observed at all (the Friday
/// closes a month and a year). Plus the unscheduled closures listed in `specialClosures`.
///
/// Early closes at 13:00: July 3 when it is a Monday–Thursday, the day after Thanksgiving, and
/// December 24 when it is a Monday–Thursday.
enum NYSEHolidays {
    /// Unscheduled full-day closures since 2001 (weather, national days of mourning).
    static let specialClosures: [(Int, Int, Int, String)] = [
        (2001, 9, 11, "September 11"), (2001, 9, 12, "September 11"), (2001, 9, 13, "September 11"),
        (2001, 9, 14, "September 11"), (2004, 6, 11, "Reagan national day of mourning"),
        (2007, 1, 2, "Ford national day of mourning"), (2012, 10, 29, "Hurricane Sandy"),
        (2012, 10, 30, "Hurricane Sandy"), (2018, 12, 5, "George H. W. Bush national day of mourning"),
        (2025, 1, 9, "Carter national day of mourning"),
    ]

    /// Day number → name of every weekday full closure in `year`.
    static func closures(in year: Int) -> [Int: String] {
        var out: [Int: String] = [:]
        func observe(_ month: Int, _ day: Int, _ name: String, saturdayToFriday: Bool = true) {
            let n = CivilDay.number(year: year, month: month, day: day)
            switch CivilDay.isoWeekday(n) {
            case 6: if saturdayToFriday { out[n - 1] = name }
            case 7: out[n + 1] = name
            default: out[n] = name
            }
        }
        observe(1, 1, "New Year's Day", saturdayToFriday: false)
        if year >= 1998 { out[nthWeekday(year, 1, weekday: 1, n: 3)] = "Martin Luther King Jr. Day" }
        out[nthWeekday(year, 2, weekday: 1, n: 3)] = "Washington's Birthday"
        out[easter(year) - 2] = "Good Friday"
        out[lastWeekday(year, 5, weekday: 1)] = "Memorial Day"
        if year >= 2022 { observe(6, 19, "Juneteenth National Independence Day") }
        observe(7, 4, "Independence Day")
        out[nthWeekday(year, 9, weekday: 1, n: 1)] = "Labor Day"
        out[nthWeekday(year, 11, weekday: 4, n: 4)] = "Thanksgiving Day"
        observe(12, 25, "Christmas Day")
        // New Year's Day of next year falling on a Saturday is not moved into this year (see above).
        for (y, m, d, name) in specialClosures where y == year { out[CivilDay.number(year: y, month: m, day: d)] = name }
        return out
    }

    /// Day numbers of the 13:00 early closes in `year` (only those that are trading days).
    static func earlyCloses(in year: Int, closures: [Int: String]) -> Set<Int> {
        var out: Set<Int> = []
        let july3 = CivilDay.number(year: year, month: 7, day: 3)
        if (1...4).contains(CivilDay.isoWeekday(july3)) { out.insert(july3) }
        out.insert(nthWeekday(year, 11, weekday: 4, n: 4) + 1)
        let christmasEve = CivilDay.number(year: year, month: 12, day: 24)
        if (1...4).contains(CivilDay.isoWeekday(christmasEve)) { out.insert(christmasEve) }
        return out.filter { closures[$0] == nil && CivilDay.isoWeekday($0) <= 5 }
    }

    /// Easter Sunday (Gregorian, anonymous algorithm / Meeus–Jones–Butcher) as a day number.
    static func easter(_ year: Int) -> Int {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDay.number(year: year, month: month, day: day)
    }

    /// The `n`-th ISO `weekday` of a month.
    static func nthWeekday(_ year: Int, _ month: Int, weekday: Int, n: Int) -> Int {
        let first = CivilDay.number(year: year, month: month, day: 1)
        let offset = (weekday - CivilDay.isoWeekday(first) + 7) % 7
        return first + offset + 7 * (n - 1)
    }

    /// The last ISO `weekday` of a month.
    static func lastWeekday(_ year: Int, _ month: Int, weekday: Int) -> Int {
        let nextMonth = month == 12 ? CivilDay.number(year: year + 1, month: 1, day: 1) : CivilDay.number(year: year, month: month + 1, day: 1)
        let last = nextMonth - 1
        return last - (CivilDay.isoWeekday(last) - weekday + 7) % 7
    }
}
