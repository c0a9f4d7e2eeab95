import Application
import Broker
import Domain
import Foundation
import MarketData

/// A day recorded by `catalyst data backfill` as the world of a session (`catalyst session run --data`):
/// its bars, news and asset list as the market (`CSVMarketData`, point in time: a minute bar is seen one
/// minute after it starts, a news item once it was received), and the paper broker filling against the
/// same recorded minute bars, both on one clock that starts at the session's open. Deterministic from
/// the data and the seed (the broker's partial fills and ids).
public struct RecordedWorld: TradingWorld {
    public let market: CSVMarketData
    public let broker: PaperBroker
    public let clock: ManualLedgerClock
    public let session: TradingSession
    public let seed: UInt64
    public let incarnation: UInt64

    public init(dataset: MarketDataset, date: NYDate, seed: UInt64, incarnation: UInt64 = 0) throws {
        guard let session = NYSECalendar().session(on: date) else {
            throw CatalystError.invalidInput(field: "date", reason: "\(date) is not a trading day (weekend or NYSE holiday)")
        }
        guard dataset.isComplete(date) else {
            throw CatalystError.setup("\(date) is not recorded under \(dataset.root.path): run `catalyst data backfill --from \(date) --to \(date)` first")
        }
        func table(_ name: String) throws -> CSVTable { try CSVTable(text: try dataset.text(date, name), file: "\(date)/\(name)") }
        // The minute bars (millions of rows for thousands of symbols) are parsed piece by piece.
        var minute = CSVMarketData.MinuteBars()
        try dataset.forEachPiece(date, "minute_bars.csv.lz4") { text, label in try minute.add(CSVTable(text: text, file: label)) }
        let market = try CSVMarketData(
            securities: try table("securities.csv.lz4"), minuteBars: minute, dailyBars: try table("daily_bars.csv.lz4"),
            news: try table("news.csv.lz4"), now: session.open)
        self.market = market
        self.session = session
        self.seed = seed
        self.incarnation = incarnation
        self.clock = ManualLedgerClock(session.open)
        self.broker = PaperBroker(
            configuration: PaperConfiguration(seed: seed, start: session.open, session: PaperSession(open: session.open, close: session.close), incarnation: incarnation),
            feed: RecordedPriceFeed(market: market))
    }

    public var source: any MarketDataSource { market }
    public func setMarketTime(_ t: Date) { market.clock.set(t) }
}

/// Prices for the paper broker from the recorded minute bars, point in time: it fills only against bars
/// complete at its clock, like `SimulatedPriceFeed` over the generated ones.
final class RecordedPriceFeed: PaperPriceFeed {
    let market: CSVMarketData

    init(market: CSVMarketData) { self.market = market }

    func lastPrice(_ symbol: Symbol, at time: Date) -> Price? {
        market.completedMinutes(symbol, from: NYDate(time).at(hour: 0, minute: 0), through: time).last?.close
    }

    func range(_ symbol: Symbol, after start: Date, through end: Date) -> PaperPriceRange? {
        PaperPriceRange(spanning: market.completedMinutes(symbol, from: start.addingTimeInterval(-60), through: end).filter { $0.start < end })
    }
}
