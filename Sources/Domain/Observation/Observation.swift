import Foundation

/// Prices of a cycle's top candidates after its decisions, traded or not. The ML labeller needs them
/// for forward returns and triple-barrier labels of candidates that were never positions (issue 9),
/// and they must be what was seen then, not re-fetched later.
public enum Observation {
    public static func stream(_ cycle: CycleID) -> StreamName { .observations(cycle) }
}

/// One candidate's prices at an observation time. High and low cover the minute before it, so a
/// barrier touched between two observations is not missed.
public struct CandidatePrice: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var last: Price
    public var bid: Price?
    public var ask: Price?
    public var high: Price?
    public var low: Price?
    public var volume: Int64?

    public init(symbol: Symbol, last: Price, bid: Price? = nil, ask: Price? = nil, high: Price? = nil, low: Price? = nil, volume: Int64? = nil) {
        self.symbol = symbol
        self.last = last
        self.bid = bid
        self.ask = ask
        self.high = high
        self.low = low
        self.volume = volume
    }
}
