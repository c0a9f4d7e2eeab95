import Foundation

/// The broker account as read at decision time (Alpaca `GET /v2/account`). An input to risk decisions,
/// recorded with them so an auditor sees the equity and buying power each decision used.
public struct AccountSnapshot: Hashable, Sendable, Codable {
    public var equity: Money
    public var buyingPower: Money
    /// Equity at the previous session's close.
    public var lastEquity: Money?
    public var asOf: Date

    public init(equity: Money, buyingPower: Money, lastEquity: Money? = nil, asOf: Date) {
        self.equity = equity
        self.buyingPower = buyingPower
        self.lastEquity = lastEquity
        self.asOf = asOf
    }

    enum CodingKeys: String, CodingKey {
        case equity
        case buyingPower = "buying_power"
        case lastEquity = "last_equity"
        case asOf = "as_of"
    }
}

/// A symbol and a price, the element of mark and observation lists (arrays rather than dictionaries
/// so the JSON is stable and ordered).
public struct SymbolPrice: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var price: Price

    public init(_ symbol: Symbol, _ price: Price) {
        self.symbol = symbol
        self.price = price
    }
}
