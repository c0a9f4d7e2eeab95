import Domain
import Foundation

/// OHLCV bars in columns of `Double`, oldest first: the input of every indicator and pattern detector.
///
/// Indicators are statistics, not money, so they run in `Double` for speed; prices only become
/// `Decimal` again when a result is recorded (`FeatureValue`) or turned into an order level
/// (`PriceLevel`). A bar without a volume-weighted price carries `.nan` in `vwap`.
public struct BarSeries: Sendable, Hashable {
    /// Bar start times (bars are labelled by their start, as Alpaca does).
    public private(set) var start: [Date]
    public private(set) var open: [Double]
    public private(set) var high: [Double]
    public private(set) var low: [Double]
    public private(set) var close: [Double]
    public private(set) var volume: [Double]
    /// Volume-weighted price inside each bar; `.nan` where the source did not provide one.
    public private(set) var vwap: [Double]
    /// When each bar could first be known (point-in-time).
    public private(set) var availableAt: [Date]

    public var count: Int { close.count }
    public var isEmpty: Bool { close.isEmpty }

    public init() {
        start = []
        open = []
        high = []
        low = []
        close = []
        volume = []
        vwap = []
        availableAt = []
    }

    /// Builds columns from domain bars (assumed sorted by start; the funnel sorts before calling).
    public init(bars: [Bar]) {
        self.init()
        reserveCapacity(bars.count)
        for bar in bars {
            append(
                start: bar.start, open: bar.open.value.doubleValue, high: bar.high.value.doubleValue,
                low: bar.low.value.doubleValue, close: bar.close.value.doubleValue, volume: Double(bar.volume),
                vwap: bar.vwap?.value.doubleValue ?? .nan, availableAt: bar.availableAt
            )
        }
    }

    public mutating func reserveCapacity(_ n: Int) {
        start.reserveCapacity(n)
        open.reserveCapacity(n)
        high.reserveCapacity(n)
        low.reserveCapacity(n)
        close.reserveCapacity(n)
        volume.reserveCapacity(n)
        vwap.reserveCapacity(n)
        availableAt.reserveCapacity(n)
    }

    public mutating func append(
        start: Date, open: Double, high: Double, low: Double, close: Double, volume: Double, vwap: Double = .nan,
        availableAt: Date? = nil
    ) {
        self.start.append(start)
        self.open.append(open)
        self.high.append(high)
        self.low.append(low)
        self.close.append(close)
        self.volume.append(volume)
        self.vwap.append(vwap)
        self.availableAt.append(availableAt ?? start)
    }

    /// The bars in `range`, as a new series.
    public func slice(_ range: Range<Int>) -> BarSeries {
        var s = BarSeries()
        s.start = Array(start[range])
        s.open = Array(open[range])
        s.high = Array(high[range])
        s.low = Array(low[range])
        s.close = Array(close[range])
        s.volume = Array(volume[range])
        s.vwap = Array(vwap[range])
        s.availableAt = Array(availableAt[range])
        return s
    }

    /// Index of the first bar starting at or after `instant` (binary search; `count` if none).
    public func firstIndex(startingAtOrAfter instant: Date) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if start[mid] < instant { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Typical price (H + L + C) / 3 of bar `i`.
    @inline(__always) public func typicalPrice(_ i: Int) -> Double { (high[i] + low[i] + close[i]) / 3 }
}

extension Decimal {
    /// The value as a `Double` (for statistics only; never for money).
    public var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }
}
