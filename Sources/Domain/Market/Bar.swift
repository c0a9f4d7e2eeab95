import Foundation

/// One OHLCV bar, labelled by its **start** time (Alpaca's convention).
///
/// `availableAt` is when the bar could first be known: the end of its interval for a live feed, or the
/// moment it was received. Point-in-time readers only hand out bars whose `availableAt` is at or before
/// the decision time, so a feature can never see the future.
public struct Bar: Hashable, Sendable, Codable {
    public var start: Date
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    /// Shares traded in the interval.
    public var volume: Int64
    /// Volume-weighted average price of the trades inside the bar, when the feed provides it.
    public var vwap: Price?
    public var tradeCount: Int?
    public var availableAt: Date

    public init(
        start: Date, open: Price, high: Price, low: Price, close: Price, volume: Int64,
        vwap: Price? = nil, tradeCount: Int? = nil, availableAt: Date
    ) {
        self.start = start
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.vwap = vwap
        self.tradeCount = tradeCount
        self.availableAt = availableAt
    }

    enum CodingKeys: String, CodingKey {
        case start = "t", open = "o", high = "h", low = "l", close = "c", volume = "v", vwap = "vw", tradeCount = "n"
        case availableAt = "available_at"
    }
}

/// The bar interval.
public enum BarTimeframe: String, Sendable, Codable, CaseIterable {
    case minute = "1Min"
    case fiveMinutes = "5Min"
    case day = "1Day"

    public var seconds: TimeInterval {
        switch self {
        case .minute: 60
        case .fiveMinutes: 300
        case .day: 86_400
        }
    }
}
