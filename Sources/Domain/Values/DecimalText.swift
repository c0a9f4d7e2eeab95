import Foundation

/// Decimal <-> text conversion with one fixed convention, so that money never passes through a Double.
///
/// Wire format: plain decimal notation with `.` as separator and no exponent or grouping
/// (`"12.5"`, `"-0.0001"`). Parsing accepts the same, plus a leading `+`.
public enum DecimalText {
    /// Parses a decimal written in plain notation. Returns nil for anything else (`"1e5"`, `"NaN"`, `""`, `"1,5"`).
    public static func parse(_ text: String) -> Decimal? {
        // Fast path: every stored money, price and quantity is decoded through here, so the common
        // case (up to 18 significant digits) builds the Decimal from its digits without a Locale.
        var negative = false
        var significand: UInt64 = 0
        var significant = 0
        var digits = 0
        var fractionDigits = 0
        var dots = 0
        var first = true
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "+") where first: continue
            case UInt8(ascii: "-") where first: negative = true
            case UInt8(ascii: "."):
                dots += 1
                guard dots == 1 else { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                if dots == 1 { fractionDigits += 1 }
                if significand != 0 || byte != UInt8(ascii: "0") { significant += 1 }
                if significant <= 18 { significand = significand * 10 + UInt64(byte - UInt8(ascii: "0")) }
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        if significant <= 18 {
            let magnitude = Decimal(sign: .plus, exponent: -fractionDigits, significand: Decimal(significand))
            return negative ? -magnitude : magnitude
        }
        return Decimal(string: text.hasPrefix("+") ? String(text.dropFirst()) : text, locale: posix)
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The canonical text of a decimal: plain notation, no trailing zeros after the point.
    public static func format(_ value: Decimal) -> String {
        var v = value
        var out = Decimal()
        // Normalise (removes representation noise such as 1.50 vs 1.5).
        NSDecimalRound(&out, &v, 18, .plain)
        return out.description
    }

    /// Rounds to `scale` fractional digits with the given mode.
    public static func round(_ value: Decimal, scale: Int, _ mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        var v = value
        var out = Decimal()
        NSDecimalRound(&out, &v, scale, mode)
        return out
    }
}

/// Encodes a decimal as a JSON string and decodes it from a string (or, leniently, a JSON number
/// written by a peer such as Alpaca's market data API).
enum DecimalCoding {
    static func decode(from decoder: any Decoder) throws -> Decimal {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = DecimalText.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a plain decimal: \(text)")
            }
            return value
        }
        return try container.decode(Decimal.self)
    }

    static func encode(_ value: Decimal, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(DecimalText.format(value))
    }
}
