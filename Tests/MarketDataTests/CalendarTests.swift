import Domain
import Foundation
import Testing

@testable import MarketData

/// The NYSE rules against the exchange's published calendars.
struct NYSECalendarTests {
    let calendar = NYSECalendar()

    func dates(_ list: [String]) -> Set<NYDate> { Set(list.map { NYDate($0)! }) }

    @Test func holidays2025IncludeGoodFridayJuneteenthAndTheCarterClosure() {
        #expect(Set(calendar.holidays(in: 2025).keys) == dates([
            "2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26", "2025-06-19",
            "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25",
        ]))
        #expect(Set(calendar.earlyCloses(in: 2025)) == dates(["2025-07-03", "2025-11-28", "2025-12-24"]))
    }

    @Test func holidays2026ObserveSaturdayHolidaysOnFriday() {
        #expect(Set(calendar.holidays(in: 2026).keys) == dates([
            "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19", "2026-07-03",
            "2026-09-07", "2026-11-26", "2026-12-25",
        ]))
        // July 3 is the observed holiday, so there is no early close that week.
        #expect(Set(calendar.earlyCloses(in: 2026)) == dates(["2026-11-27", "2026-12-24"]))
    }

    @Test func saturdayNewYearIsNotObservedButSaturdayChristmasIs() {
        #expect(calendar.session(on: NYDate("2021-12-31")!) != nil, "New Year's Day 2022 fell on a Saturday")
        #expect(calendar.session(on: NYDate("2021-12-24")!) == nil, "Christmas 2021 fell on a Saturday")
        #expect(calendar.session(on: NYDate("2027-06-18")!) == nil, "Juneteenth 2027 falls on a Saturday")
        #expect(calendar.session(on: NYDate("2022-06-20")!) == nil, "Juneteenth 2022 fell on a Sunday")
        #expect(calendar.session(on: NYDate("2021-06-18")!) != nil, "no Juneteenth closure before 2022")
    }

    @Test(arguments: [(2019, "2019-04-21"), (2024, "2024-03-31"), (2025, "2025-04-20"), (2038, "2038-04-25")])
    func easter(year: Int, expected: String) {
        #expect(NYSECalendar.nyDate(NYSEHolidays.easter(year)) == NYDate(expected)!)
    }

    @Test func sessionsFollowDaylightSaving() {
        // DST began on 2025-03-09: the open moves from 14:30 to 13:30 UTC.
        #expect(WireTimestamp.format(calendar.session(on: NYDate("2025-03-07")!)!.open) == "2025-03-07T14:30:00Z")
        #expect(WireTimestamp.format(calendar.session(on: NYDate("2025-03-10")!)!.open) == "2025-03-10T13:30:00Z")
        #expect(WireTimestamp.format(calendar.session(on: NYDate("2025-11-03")!)!.close) == "2025-11-03T21:00:00Z")
        let early = calendar.session(on: NYDate("2025-11-28")!)!
        #expect(early.isEarlyClose && WireTimestamp.format(early.close) == "2025-11-28T18:00:00Z")
    }

    @Test func clockAnswersOpenClosedAndNext() {
        let friday = NYDate("2025-03-14")!
        let during = calendar.clock(at: friday.at(hour: 11, minute: 0))
        #expect(during.isOpen && during.nextClose == friday.at(hour: 16, minute: 0))
        #expect(during.nextOpen == NYDate("2025-03-17")!.at(hour: 9, minute: 30))
        let before = calendar.clock(at: friday.at(hour: 8, minute: 0))
        #expect(!before.isOpen && before.nextOpen == friday.at(hour: 9, minute: 30))
        let after = calendar.clock(at: friday.at(hour: 16, minute: 0))
        #expect(!after.isOpen && after.nextOpen == NYDate("2025-03-17")!.at(hour: 9, minute: 30))
        let goodFriday = calendar.clock(at: NYDate("2025-04-18")!.at(hour: 11, minute: 0))
        #expect(!goodFriday.isOpen && goodFriday.session == nil)
        #expect(goodFriday.nextOpen == NYDate("2025-04-21")!.at(hour: 9, minute: 30))
    }

    @Test func sessionCountsPerYear() {
        // 2024: 262 weekdays − 10 holidays. 2025: 261 weekdays − 10 holidays − the January 9 closure.
        #expect(calendar.sessions(from: NYDate("2024-01-01")!, through: NYDate("2024-12-31")!).count == 252)
        #expect(calendar.sessions(from: NYDate("2025-01-01")!, through: NYDate("2025-12-31")!).count == 250)
    }
}

struct RFC3339Tests {
    @Test func parsesNineFractionalDigitsAndOffsets() throws {
        let t = try #require(RFC3339.parse("2022-04-28T14:07:04.451420928-04:00"))
        let whole = try #require(RFC3339.parse("2022-04-28T18:07:04Z"))
        #expect(abs(t.timeIntervalSince(whole) - 0.451420928) < 1e-6)
        #expect(RFC3339.parse("2022-04-28t18:07:04z") == whole)
        #expect(RFC3339.parse("2022-04-28T23:37:04+05:30") == whole)
        #expect(RFC3339.parse("2021-02-01T16:01:00.5Z")!.timeIntervalSince(RFC3339.parse("2021-02-01T16:01:00Z")!) == 0.5)
    }

    @Test(arguments: ["2022-02-30T00:00:00Z", "2022-04-28T14:07:04", "2022-04-28 14:07", "2022-04-28T14:07:04.Z", "yesterday", "2022-04-28T25:00:00Z"])
    func rejectsMalformed(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func formatsWithNanosecondsAndOffsetAndRoundTrips() throws {
        let t = try #require(RFC3339.parse("2022-04-28T14:07:04.451420928-04:00"))
        let text = WireTimestamp.format(t, fractionDigits: 9, utcOffset: -4 * 3600)
        #expect(text.hasPrefix("2022-04-28T14:07:04.4514") && text.hasSuffix("-04:00"))
        #expect(abs(RFC3339.parse(text)!.timeIntervalSince(t)) < 1e-6)
    }
}
