import CivilTime
import Foundation

/// A bound parameter in PostgreSQL's text format. SQL text and values always travel separately: nothing
/// here is ever pasted into a statement.
public enum PGValue: Sendable, Equatable {
    case null
    case text(String)
    /// Text-format bytes built without a `String` (for large array literals on hot paths).
    case bytes([UInt8])
}

/// A Swift value that can be bound as a statement parameter.
public protocol PGBindable {
    var pgValue: PGValue { get }
}

extension PGValue: PGBindable { public var pgValue: PGValue { self } }
extension String: PGBindable { public var pgValue: PGValue { .text(self) } }
extension Substring: PGBindable { public var pgValue: PGValue { .text(String(self)) } }
extension Int: PGBindable { public var pgValue: PGValue { .text(String(self)) } }
extension Int64: PGBindable { public var pgValue: PGValue { .text(String(self)) } }
extension Int32: PGBindable { public var pgValue: PGValue { .text(String(self)) } }
extension UInt64: PGBindable { public var pgValue: PGValue { .text(String(self)) } }
extension Bool: PGBindable { public var pgValue: PGValue { .text(self ? "t" : "f") } }
extension UUID: PGBindable { public var pgValue: PGValue { .text(lowercasedText) } }

extension UUID {
    /// Parses the 36-character text form byte by byte (`UUID(uuidString:)` goes through `sscanf`).
    public init?(utf8 b: UnsafeBufferPointer<UInt8>) {
        guard b.count == 36, b[8] == 45, b[13] == 45, b[18] == 45, b[23] == 45 else { return nil }
        var out: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var ok = true
        withUnsafeMutableBytes(of: &out) { raw in
            var i = 0
            var o = 0
            func nibble(_ c: UInt8) -> UInt8? {
                switch c {
                case 48...57: c - 48
                case 97...102: c - 87
                case 65...70: c - 55
                default: nil
                }
            }
            while i < 36 && ok {
                if i == 8 || i == 13 || i == 18 || i == 23 { i += 1; continue }
                guard let hi = nibble(b[i]), let lo = nibble(b[i + 1]) else { ok = false; break }
                raw[o] = hi << 4 | lo
                o += 1
                i += 2
            }
        }
        guard ok else { return nil }
        self.init(uuid: out)
    }

    /// The canonical lower-case text form, built without `uuidString` (which formats through `sprintf`).
    public var lowercasedText: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                digits.withUTF8Buffer { hex in
                    for (i, b) in raw.enumerated() {
                        if i == 4 || i == 6 || i == 8 || i == 10 {
                            out[o] = UInt8(ascii: "-")
                            o += 1
                        }
                        out[o] = hex[Int(b >> 4)]
                        out[o + 1] = hex[Int(b & 0x0f)]
                        o += 2
                    }
                }
                return 36
            }
        }
    }
}
extension Double: PGBindable { public var pgValue: PGValue { .text(String(self)) } }
extension Decimal: PGBindable { public var pgValue: PGValue { .text(description) } }
extension Date: PGBindable { public var pgValue: PGValue { .text(PGTimestamp.format(self)) } }
extension Optional: PGBindable where Wrapped: PGBindable {
    public var pgValue: PGValue { self?.pgValue ?? .null }
}

/// Timestamps on the wire: UTC with microseconds (`2026-11-21 14:30:00.123456+00`), which is what
/// PostgreSQL's ISO DateStyle prints for `timestamptz` when the session time zone is UTC.
public enum PGTimestamp {
    public static func format(_ date: Date) -> String {
        var bytes = [UInt8](repeating: 0, count: 29)
        write(date, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the 29 bytes of `format(_:)` without allocating intermediate strings (hot path of appends).
    public static func write(_ date: Date, into out: inout [UInt8]) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        let days = Int(floorDiv(seconds, 86_400))
        let secOfDay = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        func put(_ v: Int, _ at: Int, _ width: Int) {
            var v = v
            for i in stride(from: at + width - 1, through: at, by: -1) {
                out[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        if out.count < 29 { out = [UInt8](repeating: 0, count: 29) }
        put(y, 0, 4)
        out[4] = 45
        put(m, 5, 2)
        out[7] = 45
        put(d, 8, 2)
        out[10] = 32
        put(secOfDay / 3600, 11, 2)
        out[13] = 58
        put((secOfDay / 60) % 60, 14, 2)
        out[16] = 58
        put(secOfDay % 60, 17, 2)
        out[19] = 46
        put(Int(fraction), 20, 6)
        out[26] = 43
        out[27] = 48
        out[28] = 48
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]+00` (UTC session output). Returns nil for other zones or shapes.
    public static func parse(_ text: String) -> Date? {
        parseMicros(Array(text.utf8)).map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
    }

    /// The same, as exact microseconds since 1970 (no floating point: hashes and comparisons need exactness).
    public static func parseMicros(_ u: some RandomAccessCollection<UInt8>) -> Int64? {
        let u = Array(u)
        guard u.count >= 22 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                let c = u[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
            let s = num(17, 2)
        else { return nil }
        var i = 19
        var micros = 0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(u[i] - 48) }
                digits += 1
                i += 1
            }
            for _ in digits..<6 where digits < 6 { micros *= 10 }
        }
        guard i + 3 <= u.count, u[i] == UInt8(ascii: "+"), u[i + 1] == 48, u[i + 2] == 48 else { return nil }
        let days = daysFromCivil(y, mo, d)
        let secs = Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        return secs * 1_000_000 + Int64(micros)
    }

    /// RFC 3339 UTC with microseconds (`2026-11-21T14:30:00.123456Z`) from exact microseconds.
    public static func iso8601(micros: Int64) -> String {
        var secs = micros / 1_000_000
        var frac = micros % 1_000_000
        if frac < 0 {
            frac += 1_000_000
            secs -= 1
        }
        let days = Int(floorDiv(secs, 86_400))
        let sod = Int(secs - Int64(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(sod / 3600, 2)):\(pad((sod / 60) % 60, 2)):\(pad(sod % 60, 2)).\(pad(Int(frac), 6))Z"
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) { CivilDay.date(z0) }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int { CivilDay.number(year: y0, month: m, day: d) }
}

/// Builds a PostgreSQL array literal (`{"a","b",NULL}`) byte by byte, escaping `"` and `\`.
/// Byte-oriented on purpose: appending unicode scalars one at a time was measured 2× slower.
public struct PGArrayLiteral {
    public private(set) var bytes: [UInt8]
    private var count = 0

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    public mutating func append(_ text: String?) {
        separator()
        guard var text else {
            bytes.append(contentsOf: [78, 85, 76, 76])  // NULL
            return
        }
        text.withUTF8 { appendQuoted($0) }
    }

    public mutating func append(utf8 buffer: UnsafeBufferPointer<UInt8>) {
        separator()
        appendQuoted(buffer)
    }

    public mutating func append(_ value: Int64) {
        separator()
        bytes.append(contentsOf: String(value).utf8)
    }

    private mutating func separator() {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        count += 1
    }

    private mutating func appendQuoted(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<buffer.count where buffer[i] == UInt8(ascii: "\"") || buffer[i] == UInt8(ascii: "\\") {
            if i > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<i])) }
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(buffer[i])
            runStart = i + 1
        }
        if buffer.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<buffer.count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    public func finished() -> PGValue {
        var b = bytes
        b.append(UInt8(ascii: "}"))
        return .bytes(b)
    }
}
