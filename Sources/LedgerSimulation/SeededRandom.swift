import Domain
import Foundation

/// The generated histories' draws (`SplitMix64`): the same seed always gives the same history, so a
/// failing property test or a benchmark run can be reproduced exactly.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var inner: SplitMix64

    public init(seed: UInt64) { inner = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15) }

    public mutating func next() -> UInt64 { inner.next() }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { inner.unit() }

    public mutating func chance(_ p: Double) -> Bool { p > 0 && unit() < p }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A standard normal draw (Box–Muller).
    public mutating func gaussian() -> Double {
        let u = max(unit(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }

    /// A version-4 UUID drawn from the generator (event ids and correlation ids are reproducible).
    public mutating func uuid() -> UUID { inner.uuid() }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}
