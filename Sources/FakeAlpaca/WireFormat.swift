import Domain
import Foundation

/// How the fake writes decimals and timestamps. Alpaca's market data API writes prices as JSON
/// numbers and bar times in UTC without fractions, while its trading API writes money as strings and
/// times with up to 9 fractional digits and New York offsets; tests flip these to cover both.
public struct WireStyle: Sendable, Hashable {
    public enum Decimals: Sendable, Hashable {
        case numbers
        case strings
    }

    public enum Timestamps: Sendable, Hashable {
        /// `2025-03-14T13:30:00Z` with `fractionDigits` digits after the seconds (0 = none).
        case utc(fractionDigits: Int)
        /// `2025-03-14T09:30:00.000000000-04:00`: New York offset.
        case newYork(fractionDigits: Int)
    }

    public var decimals: Decimals
    public var timestamps: Timestamps

    public init(decimals: Decimals = .numbers, timestamps: Timestamps = .utc(fractionDigits: 0)) {
        self.decimals = decimals
        self.timestamps = timestamps
    }

    func decimal(_ d: Decimal) -> JSONValue {
        let text = NSDecimalNumber(decimal: d).description(withLocale: Locale(identifier: "en_US_POSIX"))
        return decimals == .numbers ? .number(text) : .string(text)
    }

    func price(_ p: Price) -> JSONValue { decimal(p.value) }

    func time(_ date: Date) -> JSONValue {
        switch timestamps {
        case .utc(let digits): .string(WireTime.format(date, fractionDigits: digits, offset: 0))
        case .newYork(let digits):
            .string(WireTime.format(date, fractionDigits: digits, offset: NewYork.timeZone.secondsFromGMT(for: date)))
        }
    }
}

/// RFC 3339 writing for the fake (deliberately not shared with the client's parser).
enum WireTime {
    static func format(_ date: Date, fractionDigits: Int, offset: Int) -> String {
        // Nanoseconds are taken from the Double's fractional part; digits beyond its precision are noise
        // that a real server would also send, which is the point of a 9-digit test.
        let shifted = date.addingTimeInterval(Double(offset))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: shifted)
        var s = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        if fractionDigits > 0 {
            let nanos = String(format: "%09d", max(0, min(c.nanosecond!, 999_999_999)))
            s += "." + nanos.prefix(fractionDigits)
        }
        guard offset != 0 else { return s + "Z" }
        let o = abs(offset)
        return s + String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", o / 3600, (o / 60) % 60)
    }

    /// Accepts the forms Alpaca accepts in query parameters: RFC 3339 or `YYYY-MM-DD`.
    static func parse(_ text: String) -> Date? {
        if text.count == 10, let d = NYDate(text) {
            var c = Calendar(identifier: .gregorian)
            c.timeZone = TimeZone(identifier: "UTC")!
            return c.date(from: DateComponents(year: d.year, month: d.month, day: d.day))
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        // Fractions longer than ISO8601DateFormatter takes: drop them (query bounds need no nanoseconds).
        let trimmed = text.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)
        return f.date(from: trimmed)
    }
}
