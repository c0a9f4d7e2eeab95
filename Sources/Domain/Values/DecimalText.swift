import Foundation

/// Decimal <-> text conversion with one fixed convention, so that money never passes through a Double.
///
/// Wire format: plain decimal notation with `.` as separator and no exponent or grouping
/// (`"12.5"`, `"-0.0001"`). Parsing accepts the same, plus a leading `+`.
public enum DecimalText {
    /// Parses a decimal written in plain notation. Returns nil for anything else (`"1e5"`, `"NaN"`, `""`, `"1,5"`).
    public static func parse(_ text: String) -> Decimal? {
        var text = text
        return text.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `parse` over UTF-8 bytes (the hot event decoders read decimals in place).
    static func parse(utf8 text: UnsafeRawBufferPointer) -> Decimal? {
        // Fast path: every stored money, price and quantity is decoded through here, so the common
        // case (up to 18 significant digits) builds the Decimal from its digits without a Locale.
        var negative = false
        var significand: UInt64 = 0
        var significant = 0
        var digits = 0
        var fractionDigits = 0
        var dots = 0
        var first = true
        for byte in text {
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
        let plain = String(decoding: text.first == UInt8(ascii: "+") ? UnsafeRawBufferPointer(rebasing: text.dropFirst()) : text, as: UTF8.self)
        return Decimal(string: plain, locale: posix)
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The canonical text of a decimal: plain notation, no trailing zeros after the point.
    public static func format(_ value: Decimal) -> String {
        if let fast = formatSmall(value) { return fast }
        var v = value
        var out = Decimal()
        // Normalise (removes representation noise such as 1.50 vs 1.5).
        NSDecimalRound(&out, &v, 18, .plain)
        return out.description
    }

    /// The same text as `format` for the common case — a significand that fits in 64 bits and at most 18
    /// fractional digits, where rounding to 18 places changes nothing — built from the digits directly.
    /// Labelling and statements format millions of decimals; `Decimal.description` goes through generic
    /// big-number code. Nil: use the general path. (`DecimalParseTests` checks both agree.)
    static func formatSmall(_ value: Decimal) -> String? {
        guard rawLayoutVerified, !value.isNaN, let (negative, significand, exponent) = raw(value) else { return nil }
        var m = significand
        if m == 0 { return "0" }
        var e = exponent
        while m % 10 == 0 {
            m /= 10
            e += 1
        }
        guard e >= -18, e <= 20 else { return nil }
        var digits = Array(String(m).utf8)
        if e >= 0 {
            digits.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: e))
        } else {
            let fraction = -e
            if digits.count <= fraction {
                digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: fraction - digits.count + 1), at: 0)
            }
            digits.insert(UInt8(ascii: "."), at: digits.count - fraction)
        }
        if negative { digits.insert(UInt8(ascii: "-"), at: 0) }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Sign, significand (when it fits in 64 bits) and exponent, read from Decimal's storage: Foundation
    /// keeps them internal, and going through its public API costs as much as `description`. The layout
    /// (20 bytes: an `Int8` exponent; a flags byte with the length in its high nibble and the sign in bit 3;
    /// two reserved bytes; eight `UInt16` mantissa words, least significant first) is checked once against
    /// known values; if it ever differs, `rawLayoutVerified` is false and every value takes the general path.
    static func raw(_ value: Decimal) -> (negative: Bool, significand: UInt64, exponent: Int)? {
        guard MemoryLayout<Decimal>.size == 20 else { return nil }
        return withUnsafeBytes(of: value) { b -> (Bool, UInt64, Int)? in
            let exponent = Int(b.loadUnaligned(fromByteOffset: 0, as: Int8.self))
            let flags = b[1]
            let length = Int(flags >> 4)
            guard length <= 4 else { return nil }
            var m: UInt64 = 0
            for i in stride(from: length - 1, through: 0, by: -1) { m = m << 16 | UInt64(b.loadUnaligned(fromByteOffset: 4 + 2 * i, as: UInt16.self)) }
            return (flags & 0x08 != 0, m, exponent)
        }
    }

    static let rawLayoutVerified: Bool = {
        let posix = Locale(identifier: "en_US_POSIX")
        let cases: [(String, Bool, UInt64, Int)] = [
            ("12345", false, 12345, 0), ("-1.5", true, 15, -1), ("0.0001", false, 1, -4), ("4294967296123", false, 4_294_967_296_123, 0),
            ("-18446744073709551615", true, 18_446_744_073_709_551_615, 0),
        ]
        for (text, negative, significand, exponent) in cases {
            guard let d = Decimal(string: text, locale: posix), let r = raw(d) else { return false }
            // Foundation may store a value with trailing zeros or a different exponent; compare the value.
            var m = r.significand, e = r.exponent
            while m != 0, m % 10 == 0 { m /= 10; e += 1 }
            guard r.negative == negative, m == significand, e == exponent else { return false }
        }
        return true
    }()

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
