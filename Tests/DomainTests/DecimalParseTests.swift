import Foundation
import Testing

@testable import Domain

/// The allocation-free fast path of `DecimalText.parse` must accept and produce exactly what
/// `Decimal(string:locale:)` does.
@Suite struct DecimalParseTests {
    @Test func theFastPathAgreesWithFoundation() {
        var x: UInt64 = 88172645463325252
        for _ in 0..<20_000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let intDigits = Int(x % 12), fracDigits = Int((x >> 8) % 10)
            var s = (x >> 16) % 3 == 0 ? "-" : ((x >> 16) % 3 == 1 ? "+" : "")
            var y = x
            for _ in 0..<max(intDigits, 1) { s.append(Character(String(y % 10))); y /= 10 }
            if fracDigits > 0 { s.append("."); for _ in 0..<fracDigits { s.append(Character(String(y % 10))); y /= 7 } }
            let foundation = Decimal(string: s.hasPrefix("+") ? String(s.dropFirst()) : s, locale: Locale(identifier: "en_US_POSIX"))
            #expect(DecimalText.parse(s) == foundation, "\(s)")
        }
        for s in ["0", "-0", "0.0001", "1.", ".5", "007.10", "123456789012345678.9", "1234567890123456789012.5", "-0.000000000000000000001"] {
            #expect(DecimalText.parse(s) == Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")), "\(s)")
        }
        for bad in ["", "+", "-", ".", "1e5", "1.2.3", "--1", "1-", " 1", "NaN", "1,5", "+-1"] { #expect(DecimalText.parse(bad) == nil, "\(bad)") }
    }

    /// `format`'s digit-building fast path prints exactly what the general path (round to 18 places, then
    /// Foundation's description) prints, for every shape it takes and declines.
    @Test func theFormatFastPathAgreesWithFoundation() {
        func general(_ d: Decimal) -> String {
            var v = d
            var out = Decimal()
            NSDecimalRound(&out, &v, 18, .plain)
            return out.description
        }
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var fast = 0
        for _ in 0..<50_000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let significand = x >> (x % 60)
            let exponent = Int((x >> 5) % 48) - 30
            var d = Decimal(sign: (x >> 3) % 2 == 0 ? .plus : .minus, exponent: exponent, significand: Decimal(significand))
            if (x >> 9) % 7 == 0 { d = d * 100 }  // trailing zeros in the significand
            if DecimalText.formatSmall(d) != nil { fast += 1 }
            #expect(DecimalText.format(d) == general(d), "\(general(d))")
        }
        #expect(DecimalText.rawLayoutVerified && fast > 25_000, "fast path taken \(fast) times")
        for text in ["0", "-0", "0.0001", "12.50", "-12.5", "100", "1E+3", "0.000000000000000001", "0.0000000000000000001", "123456789012345678901234567890"] {
            let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
            #expect(DecimalText.format(d) == general(d), "\(text)")
        }
    }
}
