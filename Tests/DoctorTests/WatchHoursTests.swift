import Domain
import DoctorClaude
import Foundation
import Testing

/// When `doctor watch` runs a pass: market hours on exchange sessions, or always (`--any-hour`, for soaks
/// whose ledger runs on a simulated clock while the wall clock may be on a weekend night).
@Suite struct WatchHoursTests {
    let sessions = DoctorHours(isSession: { !$0.isWeekend })
    let saturdayNight = NYDate("2025-03-15")!.at(hour: 3, minute: 0)
    let fridayMorning = NYDate("2025-03-14")!.at(hour: 10, minute: 0)
    let fridayEvening = NYDate("2025-03-14")!.at(hour: 16, minute: 15)

    @Test func marketHoursSkipNightsWeekendsAndAfterTheBuffer() {
        #expect(sessions.contains(fridayMorning))
        #expect(!sessions.contains(fridayEvening))
        #expect(!sessions.contains(saturdayNight))
    }

    @Test func alwaysCoversEveryMinuteOfEveryDay() {
        #expect(DoctorHours.always.contains(saturdayNight))
        #expect(DoctorHours.always.contains(fridayEvening))
        #expect(DoctorHours.always.contains(NYDate("2025-03-16")!.at(hour: 23, minute: 59)))
        #expect(DoctorHours.always.contains(NYDate("2025-03-16")!.at(hour: 0, minute: 0)))
    }
}
