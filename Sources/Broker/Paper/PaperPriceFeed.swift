import Domain
import Foundation

/// The prices the paper broker fills against. The application adapts the simulated market (or any
/// other source) to it; the broker asks nothing else of the market.
///
/// Both answers must be point-in-time: nothing that happened after the given time may be used, or
/// paper fills would see the future. With minute bars, `lastPrice(at: t)` is the close of the last bar
/// available at `t`, and `range(after: a, through: b)` spans the bars that became available in
/// `(a, b]`.
public protocol PaperPriceFeed: Sendable {
    /// The last trade price of `symbol` known at `time`; nil when the symbol has not traded (or is
    /// unknown), in which case orders in it stay working.
    func lastPrice(_ symbol: Symbol, at time: Date) -> Price?

    /// The lowest and highest trade prices of `symbol` in `(start, end]`; nil when nothing traded.
    /// Used to trigger limit and stop orders on prices touched between two `advance` calls.
    func range(_ symbol: Symbol, after start: Date, through end: Date) -> PaperPriceRange?
}

/// The low and high of an interval.
public struct PaperPriceRange: Sendable, Hashable {
    public var low: Price
    public var high: Price

    public init(low: Price, high: Price) {
        self.low = min(low, high)
        self.high = max(low, high)
    }

    /// The lowest low and highest high of `bars`; nil for none.
    public init?(spanning bars: [Bar]) {
        guard let low = bars.map(\.low).min(), let high = bars.map(\.high).max() else { return nil }
        self.init(low: low, high: high)
    }

    /// The range widened to include `price` (the interval's last price may sit outside a feed's
    /// reported extremes, e.g. when bars and trades disagree).
    func including(_ price: Price) -> PaperPriceRange { PaperPriceRange(low: min(low, price), high: max(high, price)) }
}
