import Foundation

/// Reads a few top-level string fields of a JSON object without building the whole object: the event
/// index looks at every event's metadata, and a full decode per event would dominate its cost.
///
/// Handles any valid JSON (whitespace, escapes, nested values are skipped); returns what it found
/// before the first malformed byte, which the store's `jsonb` check makes impossible in practice.
enum MetadataScanner {
    static func strings(in data: Data, keys: Set<String>) -> [String: String] {
        data.withUnsafeBytes { raw in
            var s = Scan(bytes: raw.bindMemory(to: UInt8.self))
            return s.topLevel(keys)
        }
    }

    private struct Scan {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func topLevel(_ keys: Set<String>) -> [String: String] {
            var out: [String: String] = [:]
            skipSpace()
            guard peek == UInt8(ascii: "{") else { return out }
            i += 1
            while true {
                skipSpace()
                guard let c = peek else { return out }
                if c == UInt8(ascii: "}") { return out }
                if c == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard c == UInt8(ascii: "\""), let key = string() else { return out }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return out }
                i += 1
                skipSpace()
                if keys.contains(key), peek == UInt8(ascii: "\"") {
                    guard let value = string() else { return out }
                    out[key] = value
                } else if !skipValue() {
                    return out
                }
            }
        }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
        }

        /// A string starting at the opening quote; decodes the common escapes.
        mutating func string() -> String? {
            i += 1
            var out = [UInt8]()
            while let c = peek {
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    guard let e = peek else { return nil }
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else { return nil }
                        i += 4
                        out.append(contentsOf: Array(String(UnicodeScalar(v).map(Character.init) ?? "\u{FFFD}").utf8))
                    default: out.append(e)
                    }
                    continue
                }
                out.append(c)
            }
            return nil
        }

        /// Skips one value of any type; false if the input ends or is malformed.
        mutating func skipValue() -> Bool {
            guard let c = peek else { return false }
            switch c {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while let d = peek {
                    if d == UInt8(ascii: "\"") {
                        guard string() != nil else { return false }
                        continue
                    }
                    i += 1
                    if d == UInt8(ascii: "{") || d == UInt8(ascii: "[") { depth += 1 }
                    if d == UInt8(ascii: "}") || d == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 { return true }
                    }
                }
                return false
            default:
                while let d = peek, d != UInt8(ascii: ","), d != UInt8(ascii: "}") { i += 1 }
                return true
            }
        }
    }
}
