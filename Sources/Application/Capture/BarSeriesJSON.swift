import Domain
import Foundation

/// Writes bar series (`[{"symbol": …, "bars": [Bar]}]`) as JSON directly into bytes: the form
/// `JSONEncoder` would give them (keys sorted, decimals as strings, dates as seconds since the reference
/// date), read back by `JSONDecoder`, at a tenth of the cost. A day's capture is mostly bars.
enum BarSeriesJSON {
    static func encode(_ series: [Symbol: [Bar]]) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(series.values.reduce(64) { $0 + $1.count * 120 })
        out.append(UInt8(ascii: "["))
        for (i, symbol) in series.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(&out, #"{"bars":["#)
            for (j, bar) in series[symbol]!.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                write(bar, into: &out)
            }
            append(&out, #"],"symbol":"#)
            string(symbol.rawValue, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return Data(out)
    }

    private static func write(_ b: Bar, into out: inout [UInt8]) {
        append(&out, #"{"available_at":"#)
        append(&out, "\(b.availableAt.timeIntervalSinceReferenceDate)")
        field("c", b.close, &out)
        field("h", b.high, &out)
        field("l", b.low, &out)
        if let n = b.tradeCount { append(&out, #","n":"#); append(&out, "\(n)") }
        field("o", b.open, &out)
        append(&out, #","t":"#)
        append(&out, "\(b.start.timeIntervalSinceReferenceDate)")
        append(&out, #","v":"#)
        append(&out, "\(b.volume)")
        if let vw = b.vwap { field("vw", vw, &out) }
        out.append(UInt8(ascii: "}"))
    }

    private static func field(_ key: String, _ price: Price, _ out: inout [UInt8]) {
        append(&out, ",\"\(key)\":")
        string(DecimalText.format(price.value), into: &out)
    }

    /// Symbols and decimals need no escaping; anything else is escaped as JSON requires.
    private static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                append(&out, String(format: "\\u%04x", byte))
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func append(_ out: inout [UInt8], _ s: String) { out.append(contentsOf: s.utf8) }
}
