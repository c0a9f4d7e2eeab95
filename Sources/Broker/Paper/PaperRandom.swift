import Foundation

/// The paper broker's only source of chance: SplitMix64 (Steele, Lea & Flood 2014) keyed by
/// (seed, order, evaluation). Keying each draw rather than consuming one stream makes an order's
/// fills independent of how many other orders exist, so adding an unrelated order to a scenario does
/// not change the fills of the others. Never the system generator.
struct PaperRandom {
    private var state: UInt64

    init(_ seed: UInt64, _ keys: UInt64...) {
        var h = Self.mix(seed ^ 0x5041_5045_5242_524B)  // "PAPERBRK"
        for k in keys { h = Self.mix(h ^ Self.mix(k &+ 0x9E37_79B9_7F4A_7C15)) }
        state = h
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in [0, 1), 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
