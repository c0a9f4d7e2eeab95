import Domain
import Foundation

/// The paper broker's only source of chance: SplitMix64 (Steele, Lea & Flood 2014) keyed by
/// (seed, order, evaluation). Keying each draw rather than consuming one stream makes an order's
/// fills independent of how many other orders exist, so adding an unrelated order to a scenario does
/// not change the fills of the others. Never the system generator.
struct PaperRandom {
    private var inner: SplitMix64

    init(_ seed: UInt64, _ keys: UInt64...) {
        inner = SplitMix64(seed: SplitMix64.derive(seed, salt: 0x5041_5045_5242_524B, keys))  // "PAPERBRK"
    }

    mutating func next() -> UInt64 { inner.next() }

    /// Uniform in [0, 1), 53 bits.
    mutating func unit() -> Double { inner.unit() }

    /// Uniform in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// A UUID-shaped id (like Alpaca's order ids) derived from the seed and a sequence number, so the
    /// same run gives the same ids.
    static func orderID(seed: UInt64, sequence: Int) -> String {
        var r = PaperRandom(seed, 0x4F52_4445_5249_44, UInt64(sequence))  // "ORDERID"
        let a = r.next()
        let b = r.next()
        func hex(_ v: UInt64, _ digits: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s.suffix(digits)
        }
        return hex(a >> 32, 8) + "-" + hex((a >> 16) & 0xFFFF, 4) + "-4" + hex(a & 0xFFF, 3) + "-"
            + hex(0x8000 | ((b >> 48) & 0x3FFF), 4) + "-" + hex(b & 0xFFFF_FFFF_FFFF, 12)
    }
}
