import Foundation

/// A calendar date in New York (the exchange's time zone). Trading days, risk days and reports are keyed
/// by this, never by a UTC date or the host's zone. Wire form: `"YYYY-MM-DD"`.
public struct NYDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        var comps = DateComponents()
        comps.year = year
        comps.month = month
        comps.day = day
        guard (1...12).contains(month), (1...31).contains(day), NewYork.calendar.date(from: comps) != nil,
            let check = NewYork.calendar.date(from: comps).map({ NewYork.calendar.dateComponents([.day], from: $0) }),
            check.day == day
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The New York date of an instant.
    public init(_ instant: Date) {
        let c = NewYork.calendar.dateComponents([.year, .month, .day], from: instant)
        self.year = c.year!
        self.month = c.month!
        self.day = c.day!
    }

    /// The instant of a New York wall-clock time on this date (DST-correct).
    public func at(hour: Int, minute: Int, second: Int = 0) -> Date {
        var comps = DateComponents()
        comps.year = year
        comps.month = month
        comps.day = day
        comps.hour = hour
        comps.minute = minute
        comps.second = second
        return NewYork.calendar.date(from: comps)!
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let wd = NewYork.calendar.component(.weekday, from: at(hour: 12, minute: 0))  // 1 = Sunday
        return wd == 1 ? 7 : wd - 1
    }

    public var isWeekend: Bool { isoWeekday >= 6 }

    public func adding(days: Int) -> NYDate {
        NYDate(NewYork.calendar.date(byAdding: .day, value: days, to: at(hour: 12, minute: 0))!)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (l: NYDate, r: NYDate) -> Bool { (l.year, l.month, l.day) < (r.year, r.month, r.day) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let d = NYDate(text) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM-DD date: \(text)") }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The exchange's time zone. Reading the zone rules is deterministic; no clock is read here.
public enum NewYork {
    public static let timeZone = TimeZone(identifier: "America/New_York")!
    public static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }()

    /// Minutes since New York midnight of an instant.
    public static func minuteOfDay(_ instant: Date) -> Int {
        let c = calendar.dateComponents([.hour, .minute], from: instant)
        return c.hour! * 60 + c.minute!
    }
}
