import Foundation
import Synchronization

/// Source of event ids, command ids and other random identifiers. A seeded generator makes a simulated
/// day reproduce the same ids, which is what lets the golden-master test pin the event stream's hash.
public protocol IDGenerator: Sendable {
    func uuid() -> UUID
}

public struct RandomIDGenerator: IDGenerator {
    public init() {}
    public func uuid() -> UUID { UUID() }
}

/// Deterministic version-4-shaped UUIDs from a seed (SplitMix64).
public final class SeededIDGenerator: IDGenerator {
    private let state: Mutex<UInt64>

    public init(seed: UInt64) { state = Mutex(seed ^ 0x5EED_1D5E_ED1D_5EED) }

    public func uuid() -> UUID {
        let (a, b) = state.withLock { s -> (UInt64, UInt64) in (Self.next(&s), Self.next(&s)) }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * i))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * i))
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    private static func next(_ s: inout UInt64) -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
