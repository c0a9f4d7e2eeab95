import Foundation

/// An amount of US dollars. Built on `Decimal`; written on the wire as a decimal string.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var amount: Decimal

    public init(_ amount: Decimal) { self.amount = amount }

    /// Parses plain decimal text (`"1234.56"`); nil for anything else.
    public init?(_ text: String) {
        guard let value = DecimalText.parse(text) else { return nil }
        self.amount = value
    }

    public static let zero = Money(0)

    public var isNegative: Bool { amount < 0 }
    public var magnitude: Money { Money(amount < 0 ? -amount : amount) }
    /// Rounded to cents, half away from zero (the convention for statements and reports).
    public var roundedToCents: Money { Money(DecimalText.round(amount, scale: 2, .plain)) }

    public static func + (l: Money, r: Money) -> Money { Money(l.amount + r.amount) }
    public static func - (l: Money, r: Money) -> Money { Money(l.amount - r.amount) }
    public static prefix func - (m: Money) -> Money { Money(-m.amount) }
    public static func * (l: Money, r: Decimal) -> Money { Money(l.amount * r) }
    public static func / (l: Money, r: Decimal) -> Money { Money(l.amount / r) }
    public static func += (l: inout Money, r: Money) { l.amount += r.amount }
    public static func -= (l: inout Money, r: Money) { l.amount -= r.amount }
    public static func < (l: Money, r: Money) -> Bool { l.amount < r.amount }

    public var description: String { DecimalText.format(amount) }

    public init(from decoder: any Decoder) throws { amount = try DecimalCoding.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try DecimalCoding.encode(amount, to: encoder) }
}
