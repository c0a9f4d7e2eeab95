import Foundation

/// A number of shares. Signed where a direction matters (a position's net quantity); order and fill
/// quantities are positive. Built on `Decimal` so fractional shares stay exact.
public struct Quantity: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var shares: Decimal

    public init(_ shares: Decimal) { self.shares = shares }
    public init(_ shares: Int) { self.shares = Decimal(shares) }

    public init?(_ text: String) {
        guard let value = DecimalText.parse(text) else { return nil }
        self.shares = value
    }

    public static let zero = Quantity(0)

    public var isZero: Bool { shares == 0 }
    public var isPositive: Bool { shares > 0 }
    public var isNegative: Bool { shares < 0 }
    public var magnitude: Quantity { Quantity(shares < 0 ? -shares : shares) }
    /// True when the quantity is a whole number of shares.
    public var isWhole: Bool { DecimalText.round(shares, scale: 0, .down) == shares }
    /// Whole shares, rounding toward zero (what a non-fractionable order may carry).
    public var wholeSharesTowardZero: Quantity {
        Quantity(DecimalText.round(shares, scale: 0, shares < 0 ? .up : .down))
    }

    public static func + (l: Quantity, r: Quantity) -> Quantity { Quantity(l.shares + r.shares) }
    public static func - (l: Quantity, r: Quantity) -> Quantity { Quantity(l.shares - r.shares) }
    public static prefix func - (q: Quantity) -> Quantity { Quantity(-q.shares) }
    public static func += (l: inout Quantity, r: Quantity) { l.shares += r.shares }
    public static func -= (l: inout Quantity, r: Quantity) { l.shares -= r.shares }
    public static func < (l: Quantity, r: Quantity) -> Bool { l.shares < r.shares }

    public var description: String { DecimalText.format(shares) }

    public init(from decoder: any Decoder) throws { shares = try DecimalCoding.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try DecimalCoding.encode(shares, to: encoder) }
}
