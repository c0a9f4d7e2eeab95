import Foundation

/// A price per share in US dollars. Built on `Decimal`; written on the wire as a decimal string.
///
/// Orders may only carry prices on a legal tick (SEC Rule 612): $0.01 at or above $1.00 and $0.0001
/// below. `roundedToTick(_:)` applies that before any approval, so a float-like price such as
/// 9.050000190734863 can never reach the broker.
public struct Price: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var value: Decimal

    public init(_ value: Decimal) { self.value = value }

    public init?(_ text: String) {
        guard let value = DecimalText.parse(text) else { return nil }
        self.value = value
    }

    public static let zero = Price(0)

    /// The legal tick size at this price level.
    public var tickSize: Decimal { value >= 1 ? Decimal(string: "0.01")! : Decimal(string: "0.0001")! }
    public var tickScale: Int { value >= 1 ? 2 : 4 }

    /// Direction for tick rounding. Buy limits round down and sell limits round up, so that rounding never
    /// makes a price worse for us than the approved one.
    public enum TickRounding: Sendable { case nearest, down, up }

    public func roundedToTick(_ mode: TickRounding = .nearest) -> Price {
        let scale = tickScale
        let rounded = DecimalText.round(value, scale: scale, Self.mode(mode))
        // Crossing $1 changes the tick; re-round at the coarser tick if we landed on or above it.
        if scale == 4, rounded >= 1 { return Price(DecimalText.round(rounded, scale: 2, Self.mode(mode))) }
        return Price(rounded)
    }

    /// True when the price already sits on a legal tick.
    public var isOnTick: Bool { roundedToTick(.nearest) == self }

    private static func mode(_ m: TickRounding) -> NSDecimalNumber.RoundingMode {
        switch m {
        case .nearest: .plain
        case .down: .down
        case .up: .up
        }
    }

    public static func + (l: Price, r: Price) -> Price { Price(l.value + r.value) }
    public static func - (l: Price, r: Price) -> Price { Price(l.value - r.value) }
    public static func * (l: Price, r: Decimal) -> Price { Price(l.value * r) }
    public static func * (l: Price, r: Quantity) -> Money { Money(l.value * r.shares) }
    public static func < (l: Price, r: Price) -> Bool { l.value < r.value }

    public var description: String { DecimalText.format(value) }

    public init(from decoder: any Decoder) throws { value = try DecimalCoding.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try DecimalCoding.encode(value, to: encoder) }
}
