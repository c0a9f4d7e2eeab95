import Foundation

/// SplitMix64 (Steele, Lea & Flood 2014): the one small seeded generator of the code base. Simulated
/// markets seed their streams with it, the paper broker keys its draws with it, seeded id generators
/// and generated histories draw from it. Never the system generator: the same seed must give the same
/// numbers on every run and every machine. Never used for anything secret.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a good 64-bit hash.
    @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for one (purpose, keys…) stream of a root seed; `salt` separates families of streams.
    public static func derive(_ root: UInt64, salt: UInt64 = 0x5EED_5EED_5EED_5EED, _ keys: [UInt64]) -> UInt64 {
        var h = mix(root ^ salt)
        for k in keys { h = mix(h ^ mix(k &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }

    public static func derive(_ root: UInt64, _ keys: UInt64...) -> UInt64 { derive(root, keys) }

    /// Uniform in [0, 1), 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A version-4-shaped UUID from the next two draws (reproducible event, command and correlation ids).
    public mutating func uuid() -> UUID {
        let a = next()
        let b = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
