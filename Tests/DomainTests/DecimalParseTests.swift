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
}
