import Synchronization
import Domain
import Foundation

/// The market data port: everything the strategy observes about the market, point-in-time.
///
/// Every method that returns observations takes the decision time `asOf` and returns only what could
/// be known by then: bars with `availableAt ≤ asOf` and news with `receivedAt ≤ asOf`. A source also
/// never returns anything later than its own `now()`, even when asked for a later `asOf`, so a caller's
/// mistake cannot turn into look-ahead.
///
/// With a live source (Alpaca), take the decision time *after* the data has arrived
/// (`await source.now()`): data fetched at 10:00:00.3 is not "known at 10:00:00.0".
public protocol MarketDataSource: Sendable {
    /// The source's current time: the simulated clock, a replay clock, or the wall clock.
    func now() async -> Date

    /// The tradable universe: symbol, name, exchange, sector and broker flags.
    func universe() async throws -> [Security]

    /// The latest state of each symbol at `asOf`. Symbols without data are absent from the result.
    func snapshots(for symbols: [Symbol], asOf: Date) async throws -> [Symbol: MarketSnapshot]

    /// One-minute bars starting at or after `from`, oldest first, available by `asOf`.
    func minuteBars(for symbols: [Symbol], from: Date, asOf: Date) async throws -> [Symbol: [Bar]]

    /// Daily bars of sessions on or after `from`, oldest first, complete by `asOf` (today's bar is not
    /// complete until the close, so it is not returned during the session; see `snapshots`).
    func dailyBars(for symbols: [Symbol], from: NYDate, asOf: Date) async throws -> [Symbol: [Bar]]

    /// News tagged with any of `symbols`, received in `[since, asOf]`, oldest first.
    func news(for symbols: [Symbol], since: Date, asOf: Date) async throws -> [NewsItem]

    /// Whether the market is open at `asOf`, and the next open and close.
    func clock(asOf: Date) async throws -> MarketClock

    /// The regular sessions between two dates, inclusive (early closes have their real close time).
    func calendar(from: NYDate, through: NYDate) async throws -> [TradingSession]
}

/// A settable clock shared by the simulated market and replays: the caller decides what "now" is, so a
/// day can run accelerated or be stepped in tests.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    /// Moves time to `instant`. Time may move backwards (a replay restarting); sources then hand out
    /// correspondingly less.
    public func set(_ instant: Date) { current.withLock { $0 = instant } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Point-in-time helpers shared by the sources.
public enum PointInTime {
    /// The effective cutoff: never later than the source's own now.
    public static func cutoff(_ asOf: Date, now: Date) -> Date { min(asOf, now) }

    /// The bars available by `cutoff`, oldest first.
    public static func available(_ bars: [Bar], by cutoff: Date) -> [Bar] {
        bars.filter { $0.availableAt <= cutoff }.sorted { $0.start < $1.start }
    }

    /// Aggregates minute bars (oldest first) into one bar starting at `start`: the session bar so far.
    /// The volume-weighted price is Σ(vw·v)/Σv over the bars that carry one, nil if none does.
    public static func aggregate(_ bars: [Bar], start: Date) -> Bar? {
        guard let first = bars.first, let last = bars.last else { return nil }
        var high = first.high
        var low = first.low
        var volume: Int64 = 0
        var pv = Decimal(0)
        var vwVolume: Int64 = 0
        var trades = 0
        for b in bars {
            if b.high > high { high = b.high }
            if b.low < low { low = b.low }
            volume += b.volume
            if let vw = b.vwap {
                pv += vw.value * Decimal(b.volume)
                vwVolume += b.volume
            }
            trades += b.tradeCount ?? 0
        }
        let vwap = vwVolume > 0 ? Price(DecimalText.round(pv / Decimal(vwVolume), scale: 4)) : nil
        return Bar(
            start: start, open: first.open, high: high, low: low, close: last.close, volume: volume, vwap: vwap,
            tradeCount: trades > 0 ? trades : nil, availableAt: last.availableAt
        )
    }
}

extension Decimal {
    /// For spreads and other statistics; never for money.
    var asDouble: Double { NSDecimalNumber(decimal: self).doubleValue }
}
