import Foundation

/// A forward-only reader over the bytes of one JSON document, for the hand-written decoders of the
/// hottest event types (`HotEventDecoder`).
///
/// It reads the JSON our encoder writes, in any key order (PostgreSQL's `jsonb` hands keys back sorted by
/// length). Whatever it does not handle exactly as `JSONDecoder` would, such as an escape in a string, a
/// number where a decimal string belongs, an unknown or repeated key, makes it give up: every reader
/// returns nil or false, and the caller decodes the payload with `JSONDecoder` instead. Giving up is
/// always safe. Building a different value would not be, and `HotEventDecoderTests` checks that both
/// decoders agree.
struct JSONBytes {
    private let base: UnsafeRawBufferPointer
    private var i = 0

    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    /// Skips the insignificant whitespace JSON allows.
    private mutating func skipSpace() {
        while i < base.count {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after whitespace) if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard i < base.count, base[i] == byte else { return false }
        i += 1
        return true
    }

    /// True when only whitespace is left.
    mutating func atEnd() -> Bool {
        skipSpace()
        return i == base.count
    }

    /// Consumes `null` if it is next.
    mutating func null() -> Bool {
        skipSpace()
        guard i + 4 <= base.count, base[i] == 0x6E, base[i + 1] == 0x75, base[i + 2] == 0x6C, base[i + 3] == 0x6C else { return false }
        i += 4
        return true
    }

    /// The bytes of the next string, without its quotes. Nil for an escape or a control character (left
    /// to `JSONDecoder`), and for bytes that are not UTF-8.
    private mutating func stringBytes() -> UnsafeRawBufferPointer? {
        guard consume(0x22) else { return nil }
        let start = i
        var ascii = true
        while i < base.count {
            let b = base[i]
            if b == 0x22 {
                let bytes = UnsafeRawBufferPointer(rebasing: base[start..<i])
                i += 1
                if !ascii, String(validating: bytes, as: UTF8.self) == nil { return nil }
                return bytes
            }
            if b == 0x5C || b < 0x20 { return nil }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        return nil
    }

    mutating func string() -> String? {
        guard let bytes = stringBytes() else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A decimal written as a string, parsed exactly as `DecimalText.parse` parses the string. A JSON number is
    /// left to `JSONDecoder` (it accepts both).
    mutating func decimal() -> Decimal? {
        guard let bytes = stringBytes() else { return nil }
        return DecimalText.parse(utf8: bytes)
    }

    /// `null` or a decimal string: `.some(nil)` for null, nil when neither.
    mutating func optionalDecimal() -> Decimal?? {
        if null() { return .some(nil) }
        return decimal().map { .some($0) }
    }

    mutating func date() -> Date? {
        guard let bytes = stringBytes() else { return nil }
        return RFC3339.parse(utf8: bytes)
    }

    /// An integer in plain notation. A fraction or exponent (which `JSONDecoder` may accept) is left to it.
    mutating func int64() -> Int64? {
        skipSpace()
        var negative = false
        if i < base.count, base[i] == 0x2D {
            negative = true
            i += 1
        }
        let start = i
        var value: Int64 = 0
        while i < base.count, base[i] >= 0x30, base[i] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(base[i] - 0x30))
            guard !o1, !o2 else { return nil }
            value = a
            i += 1
        }
        guard i > start, i - start == 1 || base[start] != 0x30 else { return nil }
        if i < base.count, base[i] == 0x2E || base[i] == 0x65 || base[i] == 0x45 { return nil }
        return negative ? -value : value
    }

    /// Reads an object, handing each key's index in `keys` to `field`, which reads the value. False (give
    /// up) for a repeated key, or when `field` gives up, and for an unknown key unless `skippingOthers`: then
    /// its value is skipped, as `JSONDecoder` does for a type that ignores the keys it does not know.
    mutating func object(_ keys: JSONKeys, skippingOthers: Bool = false, _ field: (inout JSONBytes, Int) -> Bool) -> Bool {
        guard consume(0x7B) else { return false }
        if consume(0x7D) { return true }
        var seen: UInt64 = 0
        repeat {
            guard let name = stringBytes(), consume(0x3A) else { return false }
            guard let k = keys.index(of: name) else {
                guard skippingOthers, skipValue() else { return false }
                continue
            }
            guard seen & (1 << k) == 0 else { return false }
            seen |= 1 << k
            guard field(&self, k) else { return false }
        } while consume(0x2C)
        return consume(0x7D)
    }

    /// Skips one value of any kind (strings with their escapes, nested objects and arrays up to `depth`).
    /// The payloads come from PostgreSQL's `json` type, which checked their syntax; anything unexpected still
    /// gives up rather than guessing.
    mutating func skipValue(depth: Int = 32) -> Bool {
        skipSpace()
        guard i < base.count, depth > 0 else { return false }
        switch base[i] {
        case 0x22:
            i += 1
            while i < base.count {
                switch base[i] {
                case 0x22:
                    i += 1
                    return true
                case 0x5C: i += 2
                default: i += 1
                }
            }
            return false
        case 0x7B:
            i += 1
            if consume(0x7D) { return true }
            repeat {
                guard skipValue(depth: depth - 1), consume(0x3A), skipValue(depth: depth - 1) else { return false }
            } while consume(0x2C)
            return consume(0x7D)
        case 0x5B:
            i += 1
            if consume(0x5D) { return true }
            repeat {
                guard skipValue(depth: depth - 1) else { return false }
            } while consume(0x2C)
            return consume(0x5D)
        default:
            // A number or a literal (true, false, null).
            let start = i
            while i < base.count {
                let b = base[i]
                let numberOrLetter = (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2B || b == 0x2E || b == 0x45
                guard numberOrLetter else { break }
                i += 1
            }
            return i > start
        }
    }

    /// Reads an array, calling `element` for each element; false when it gives up.
    mutating func array(_ element: (inout JSONBytes) -> Bool) -> Bool {
        guard consume(0x5B) else { return false }
        if consume(0x5D) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(0x2C)
        return consume(0x5D)
    }
}

/// The key names of one object type, looked up by their bytes without building a String.
struct JSONKeys: Sendable {
    private let names: [[UInt8]]

    init(_ names: [String]) {
        precondition(names.count <= 64, "JSONBytes tracks repeated keys in 64 bits")
        self.names = names.map { Array($0.utf8) }
    }

    func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        for (k, name) in names.enumerated() where name.count == bytes.count {
            if name.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return k }
        }
        return nil
    }
}
