import Domain
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

/// Deterministic version-4-shaped UUIDs from a seed (`SplitMix64`).
public final class SeededIDGenerator: IDGenerator {
    private let state: Mutex<SplitMix64>

    public init(seed: UInt64) { state = Mutex(SplitMix64(seed: seed ^ 0x5EED_1D5E_ED1D_5EED)) }

    public func uuid() -> UUID { state.withLock { $0.uuid() } }
}
