import CivilTime
import Domain
import Foundation
import Synchronization

/// The NYSE regular-session calendar as rules (`NYSEHolidays`), for the simulated market, the CSV
/// source and anyone without a broker calendar. Sessions are 09:30–16:00 New York (13:00 on early
/// closes); daylight saving comes from the time-zone rules via `NYDate.at`.
///
/// Years are computed once and cached: the simulated market asks for sessions thousands of times per scan.
public struct NYSECalendar: Sendable {
    public init() {}

    /// Named full closures (holidays and special closures) on weekdays of `year`.
    public func holidays(in year: Int) -> [NYDate: String] {
        var out: [NYDate: String] = [:]
        for (n, name) in Self.table(year).closures { out[Self.nyDate(n)] = name }
        return out
    }

    /// The early-close dates of `year`.
    public func earlyCloses(in year: Int) -> [NYDate] {
        Self.table(year).earlyCloses.sorted().map(Self.nyDate)
    }

    /// The session on `date`, or nil on weekends and holidays.
    public func session(on date: NYDate) -> TradingSession? {
        session(dayNumber: CivilDay.number(year: date.year, month: date.month, day: date.day))
    }

    /// The session on a day number (see `CivilDay`).
    public func session(dayNumber n: Int) -> TradingSession? {
        let (y, _, _) = CivilDay.date(n)
        return Self.table(y).sessions[n]
    }

    /// Sessions from `from` through `through`, inclusive, in order.
    public func sessions(from: NYDate, through: NYDate) -> [TradingSession] {
        let a = CivilDay.number(year: from.year, month: from.month, day: from.day)
        let b = CivilDay.number(year: through.year, month: through.month, day: through.day)
        guard a <= b else { return [] }
        return (a...b).compactMap { session(dayNumber: $0) }
    }

    /// The last session strictly before `date`.
    public func previousSession(before date: NYDate) -> TradingSession {
        var n = CivilDay.number(year: date.year, month: date.month, day: date.day) - 1
        while true {
            if let s = session(dayNumber: n) { return s }
            n -= 1
        }
    }

    /// The first session strictly after `date`.
    public func nextSession(after date: NYDate) -> TradingSession {
        var n = CivilDay.number(year: date.year, month: date.month, day: date.day) + 1
        while true {
            if let s = session(dayNumber: n) { return s }
            n += 1
        }
    }

    /// The market clock at `instant`.
    public func clock(at instant: Date) -> MarketClock {
        let today = NYDate(instant)
        let session = self.session(on: today)
        let isOpen = session?.contains(instant) ?? false
        let nextOpen: Date
        let nextClose: Date
        if let s = session, instant < s.open {
            nextOpen = s.open
            nextClose = s.close
        } else if let s = session, instant < s.close {
            nextOpen = nextSession(after: today).open
            nextClose = s.close
        } else {
            let next = nextSession(after: today)
            nextOpen = next.open
            nextClose = next.close
        }
        return MarketClock(timestamp: instant, isOpen: isOpen, nextOpen: nextOpen, nextClose: nextClose, session: session)
    }

    // MARK: - Year tables

    struct YearTable: Sendable {
        var closures: [Int: String]
        var earlyCloses: Set<Int>
        var sessions: [Int: TradingSession]
    }

    private static let cache = Mutex<[Int: YearTable]>([:])

    static func table(_ year: Int) -> YearTable {
        if let t = cache.withLock({ $0[year] }) { return t }
        let closures = NYSEHolidays.closures(in: year)
        let early = NYSEHolidays.earlyCloses(in: year, closures: closures)
        var sessions: [Int: TradingSession] = [:]
        let first = CivilDay.number(year: year, month: 1, day: 1)
        let last = CivilDay.number(year: year + 1, month: 1, day: 1) - 1
        for n in first...last where CivilDay.isoWeekday(n) <= 5 && closures[n] == nil {
            let d = nyDate(n)
            sessions[n] = early.contains(n) ? .earlyClose(d) : .regular(d)
        }
        let table = YearTable(closures: closures, earlyCloses: early, sessions: sessions)
        cache.withLock { $0[year] = table }
        return table
    }

    static func nyDate(_ n: Int) -> NYDate {
        let (y, m, d) = CivilDay.date(n)
        return NYDate(year: y, month: m, day: d)!
    }
}

extension NYDate {
    /// This date's day number (see `CivilDay`).
    public var dayNumber: Int { CivilDay.number(year: year, month: month, day: day) }
}
