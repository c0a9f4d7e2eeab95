import Foundation

/// The 11 GICS sectors. Sector exposure limits are computed over these.
public enum Sector: String, Sendable, Codable, CaseIterable {
    case energy = "Energy"
    case materials = "Materials"
    case industrials = "Industrials"
    case consumerDiscretionary = "Consumer Discretionary"
    case consumerStaples = "Consumer Staples"
    case healthCare = "Health Care"
    case financials = "Financials"
    case informationTechnology = "Information Technology"
    case communicationServices = "Communication Services"
    case utilities = "Utilities"
    case realEstate = "Real Estate"
}

/// One tradable instrument of the universe, as the market data source describes it.
public struct Security: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var name: String
    public var exchange: String
    public var sector: Sector
    public var tradable: Bool
    public var shortable: Bool
    public var fractionable: Bool

    public init(
        symbol: Symbol, name: String, exchange: String, sector: Sector, tradable: Bool = true, shortable: Bool = true,
        fractionable: Bool = true
    ) {
        self.symbol = symbol
        self.name = name
        self.exchange = exchange
        self.sector = sector
        self.tradable = tradable
        self.shortable = shortable
        self.fractionable = fractionable
    }
}

/// The latest state of one symbol at an instant: what a scan's first stage filters on.
public struct MarketSnapshot: Hashable, Sendable, Codable {
    public var symbol: Symbol
    /// Last trade price.
    public var lastPrice: Price
    public var bid: Price?
    public var ask: Price?
    /// Today's session bar so far.
    public var dailyBar: Bar?
    /// The previous session's daily bar (for gap and relative-volume computations).
    public var previousDailyBar: Bar?
    /// The most recent complete minute bar.
    public var minuteBar: Bar?
    public var asOf: Date

    public init(
        symbol: Symbol, lastPrice: Price, bid: Price? = nil, ask: Price? = nil, dailyBar: Bar? = nil,
        previousDailyBar: Bar? = nil, minuteBar: Bar? = nil, asOf: Date
    ) {
        self.symbol = symbol
        self.lastPrice = lastPrice
        self.bid = bid
        self.ask = ask
        self.dailyBar = dailyBar
        self.previousDailyBar = previousDailyBar
        self.minuteBar = minuteBar
        self.asOf = asOf
    }
}
