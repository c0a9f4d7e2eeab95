import Domain
import Foundation

/// Alpaca's JSON, decoded leniently where Alpaca is inconsistent: decimals may be JSON numbers (market
/// data) or strings (trading API), timestamps are RFC 3339 with 0–9 fractional digits and any offset.
enum AlpacaWire {
    /// A decimal written as a string or a number (JSON numbers decode exactly into `Decimal`).
    struct Number: Decodable {
        var value: Decimal
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                guard let d = DecimalText.parse(s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a decimal: \(s)") }
                value = d
            } else {
                value = try c.decode(Decimal.self)
            }
        }
        var price: Price { Price(value) }
    }

    struct Time: Decodable {
        var date: Date
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let d = RFC3339.parse(s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not RFC 3339: \(s)") }
            date = d
        }
    }

    struct Bar: Decodable {
        var t: Time
        var o, h, l, c: Number
        var v: Number
        var n: Int?
        var vw: Number?

        func bar(availableAt: Date) throws -> Domain.Bar {
            let volume = NSDecimalNumber(decimal: v.value).int64Value
            return Domain.Bar(
                start: t.date, open: o.price, high: h.price, low: l.price, close: c.price, volume: volume, vwap: vw?.price,
                tradeCount: n, availableAt: availableAt
            )
        }
    }

    struct BarsPage: Decodable {
        var bars: [String: [Bar]]?
        var next_page_token: String?
    }

    struct Trade: Decodable {
        var t: Time
        var p: Number
    }

    struct Quote: Decodable {
        var t: Time
        var ap: Number?
        var bp: Number?
    }

    struct Snapshot: Decodable {
        var latestTrade: Trade?
        var latestQuote: Quote?
        var minuteBar: Bar?
        var dailyBar: Bar?
        var prevDailyBar: Bar?
    }

    struct News: Decodable {
        var id: Int
        var headline: String
        var summary: String?
        var source: String?
        var symbols: [String]
        var created_at: Time
        var updated_at: Time?
    }

    struct NewsPage: Decodable {
        var news: [News]
        var next_page_token: String?
    }

    struct Clock: Decodable {
        var timestamp: Time
        var is_open: Bool
        var next_open: Time
        var next_close: Time
    }

    struct CalendarDay: Decodable {
        var date: String
        var open: String
        var close: String
    }

    struct Asset: Decodable {
        var symbol: String
        var name: String?
        var exchange: String
        var status: String
        var tradable: Bool
        var shortable: Bool?
        var fractionable: Bool?
    }
}
