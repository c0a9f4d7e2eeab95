import Foundation
import Testing

@testable import Domain

@Suite struct ValuesTests {
    @Test func decimalsAreWrittenAsStrings() throws {
        let data = try JSONEncoder().encode([Money(Decimal(string: "1234.50")!)])
        #expect(String(decoding: data, as: UTF8.self) == #"["1234.5"]"#)
        let back = try JSONDecoder().decode([Money].self, from: data)
        #expect(back == [Money(Decimal(string: "1234.5")!)])
    }

    @Test func plainDecimalParsingRejectsExponentsAndJunk() {
        #expect(DecimalText.parse("12.34") == Decimal(string: "12.34"))
        #expect(DecimalText.parse("-0.0001") == Decimal(string: "-0.0001"))
        #expect(DecimalText.parse("1e5") == nil)
        #expect(DecimalText.parse("NaN") == nil)
        #expect(DecimalText.parse("") == nil)
        #expect(DecimalText.parse("1,5") == nil)
        #expect(DecimalText.parse("1.2.3") == nil)
    }

    @Test(arguments: [
        ("9.050000190734863", "9.05"), ("0.123456", "0.1235"), ("0.99996", "1"), ("1.005", "1.01"), ("12.344", "12.34"),
    ])
    func pricesRoundToLegalTicks(raw: String, expected: String) {
        let p = Price(raw)!.roundedToTick()
        #expect(p == Price(expected)!)
        #expect(p.isOnTick)
    }

    @Test func tickRoundingDirectionIsRespected() {
        #expect(Price("10.019")!.roundedToTick(.down) == Price("10.01")!)
        #expect(Price("10.011")!.roundedToTick(.up) == Price("10.02")!)
    }

    @Test func clientOrderIDsAreBounded() {
        #expect(ClientOrderID(String(repeating: "a", count: 48)) != nil)
        #expect(ClientOrderID(String(repeating: "a", count: 49)) == nil)
        #expect(ClientOrderID("") == nil)
        #expect(ClientOrderID("has space") == nil)
    }

    @Test func symbolsAreNormalised() {
        #expect(Symbol("brk.b")?.rawValue == "BRK.B")
        #expect(Symbol("") == nil)
        #expect(Symbol("DROP TABLE") == nil)
    }

    @Test func newYorkDatesFollowDaylightSaving() {
        let d = NYDate("2026-03-09")!  // first Monday after the DST change
        let open = d.at(hour: 9, minute: 30)
        #expect(open.timeIntervalSince1970 == 1_773_063_000)  // 13:30 UTC
        let winter = NYDate("2026-01-05")!.at(hour: 9, minute: 30)
        #expect(winter.timeIntervalSince1970 == 1_767_623_400)  // 14:30 UTC
        #expect(NYDate(open) == d)
        #expect(NYDate("2026-02-30") == nil)
        #expect(NYDate("2026-11-21")!.isWeekend)
    }
}
