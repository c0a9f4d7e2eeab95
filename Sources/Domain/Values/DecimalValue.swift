import Foundation

/// A plain decimal with no currency: a ratio, a fraction of equity, a multiple of ATR, a score.
/// Exists so that such values are written as decimal strings like `Money` and `Price`, never as
/// JSON numbers that other readers would parse as floats.
public struct DecimalValue: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var value: Decimal

    public init(_ value: Decimal) { self.value = value }
    public init(integerLiteral value: Int) { self.value = Decimal(value) }

    /// Parses plain decimal text; crashes on anything else. For literals in code and tests.
    public init(_ text: StaticString) {
        guard let v = DecimalText.parse("\(text)") else { preconditionFailure("not a plain decimal: \(text)") }
        self.value = v
    }

    public static func < (l: Self, r: Self) -> Bool { l.value < r.value }
    public var description: String { DecimalText.format(value) }

    public init(from decoder: any Decoder) throws { value = try DecimalCoding.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try DecimalCoding.encode(value, to: encoder) }
}
