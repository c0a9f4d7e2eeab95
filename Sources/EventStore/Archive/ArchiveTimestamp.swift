import CivilTime

/// The archive's timestamp text, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, exactly six fractional digits):
/// the same string the audit chain's canonical bytes use, so an auditor can hash archive lines directly.
///
/// Written and parsed byte by byte without `Calendar` or `DateFormatter`: exact integer arithmetic on
/// microseconds (no floating point), and fast enough for the replay decoder's budget.
enum ArchiveTimestamp {
    static let length = 27
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the range a four-digit year can express.
    static let minMicros: Int64 = -62_135_596_800_000_000
    static let maxMicros: Int64 = 253_402_300_799_999_999

    /// Appends the 27 bytes; nil when the instant has no four-digit year (the caller reports the event).
    static func append(micros: Int64, to out: inout [UInt8]) -> Bool {
        guard micros >= minMicros, micros <= maxMicros else { return false }
        let seconds = floorDiv(micros, 1_000_000)
        let fraction = Int(micros - seconds * 1_000_000)
        let days = Int(floorDiv(seconds, 86_400))
        let secOfDay = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = CivilDay.date(days)
        // Constant divisors only (the compiler turns them into multiplications): this runs four times
        // per event in export and verify.
        func put2(_ v: Int) {
            out.append(UInt8(truncatingIfNeeded: 48 + v / 10))
            out.append(UInt8(truncatingIfNeeded: 48 + v % 10))
        }
        put2(y / 100)
        put2(y % 100)
        out.append(45)  // -
        put2(m)
        out.append(45)
        put2(d)
        out.append(84)  // T
        put2(secOfDay / 3600)
        out.append(58)  // :
        put2((secOfDay / 60) % 60)
        out.append(58)
        put2(secOfDay % 60)
        out.append(46)  // .
        put2(fraction / 10_000)
        put2((fraction / 100) % 100)
        put2(fraction % 100)
        out.append(90)  // Z
        return true
    }

    /// Parses exactly the 27-byte form; nil for anything else.
    static func parse(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b.count == length, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 46, b[26] == 90 else {
            return nil
        }
        var bad = false
        func digit(_ i: Int) -> Int {
            let v = b[i] &- 48
            bad = bad || v > 9
            return Int(v)
        }
        func two(_ i: Int) -> Int { digit(i) * 10 + digit(i + 1) }
        let y = two(0) * 100 + two(2)
        let (mo, d, h, mi, s) = (two(5), two(8), two(11), two(14), two(17))
        let f = two(20) * 10_000 + two(22) * 100 + two(24)
        guard !bad, (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 60 else { return nil }
        let days = Int64(CivilDay.number(year: y, month: mo, day: d))
        return (days * 86_400 + Int64(h * 3600 + mi * 60 + s)) * 1_000_000 + Int64(f)
    }

    static func text(micros: Int64) -> String? {
        var out: [UInt8] = []
        guard append(micros: micros, to: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
