import Foundation

/// A JSON value written by hand, so the fake controls exactly what goes on the wire: decimals as JSON
/// numbers or as strings, timestamps with 0–9 fractional digits and any offset, key order as written.
public indirect enum JSONValue: Sendable, Hashable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number, written verbatim (so `143.4300` stays as given).
    case number(String)
    case bool(Bool)
    case null

    public static func == (l: JSONValue, r: JSONValue) -> Bool { l.serialized == r.serialized }
    public func hash(into h: inout Hasher) { h.combine(serialized) }

    public var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out += "," }
                JSONValue.string(k).write(to: &out)
                out += ":"
                v.write(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .string(let s):
            out += "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
                }
            }
            out += "\""
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}
