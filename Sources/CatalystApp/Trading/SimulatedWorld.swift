import Application
import Broker
import Domain
import Foundation
import MarketData

/// The simulated market, the paper broker trading on it, and the clock they share: the world of
/// `catalyst session run --simulate` and `catalyst serve --simulate`. Deterministic from the seed.
public struct SimulatedWorld: Sendable {
    public let market: SimulatedMarket
    public let broker: PaperBroker
    public let clock: ManualLedgerClock
    public let session: TradingSession
    public let seed: UInt64

    /// Which run over the ledger this world is (0 first; a resumed day gives the log's head): it salts the
    /// paper broker's ids and the trading system's id stream.
    public let incarnation: UInt64

    /// `incarnation`: 0 for a first run over a ledger; a process that resumes a day gives a new value (the
    /// log's head), so its paper broker's order and execution ids differ from the first run's.
    public init(date: NYDate, seed: UInt64, symbolCount: Int = 4000, start: Date? = nil, incarnation: UInt64 = 0) throws {
        self.incarnation = incarnation
        let calendar = NYSECalendar()
        guard let session = calendar.session(on: date) else {
            throw CatalystError.invalidInput(field: "date", reason: "\(date) is not a trading day (weekend or NYSE holiday)")
        }
        let begin = start ?? session.open
        self.session = session
        self.seed = seed
        self.clock = ManualLedgerClock(begin)
        self.market = SimulatedMarket(configuration: .init(seed: seed, symbolCount: symbolCount), now: begin)
        self.broker = PaperBroker(
            configuration: PaperConfiguration(
                seed: seed, start: begin, session: PaperSession(open: session.open, close: session.close), incarnation: incarnation),
            feed: SimulatedPriceFeed(market: market))
    }

    /// Moves market and ledger time together (the broker moves with `advance`).
    public func setTime(_ t: Date) {
        clock.set(t)
        market.clock.set(t)
    }
}

/// The paper broker as the session's venue.
struct PaperVenue: SimulatedVenue {
    let broker: PaperBroker
    func advance(to time: Date) async throws { _ = broker.advance(to: time) }
}

/// Prices for the paper broker from the simulated market's minute bars, point in time: the broker can
/// only fill against bars that already exist at its clock.
final class SimulatedPriceFeed: PaperPriceFeed {
    let market: SimulatedMarket

    init(market: SimulatedMarket) { self.market = market }

    func lastPrice(_ symbol: Symbol, at time: Date) -> Price? {
        market.sessionMinutes(symbol, on: NYDate(time), asOf: time).last?.close
    }

    func range(_ symbol: Symbol, after start: Date, through end: Date) -> PaperPriceRange? {
        PaperPriceRange(spanning: market.sessionMinutes(symbol, on: NYDate(end), asOf: end).filter { $0.start >= start.addingTimeInterval(-60) && $0.start < end })
    }
}
