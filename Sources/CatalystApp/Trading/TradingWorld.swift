import Application
import Broker
import Domain
import Foundation
import MarketData

/// The world a session trades in: a market, the paper broker filling against that market's minute
/// bars, and the one clock they share. `SimulatedWorld` (a generated market) and `RecordedWorld` (a day
/// recorded from Alpaca) are the two; the session, the schedule, the funnel, risk and the projectors are
/// the same code over either.
public protocol TradingWorld: Sendable {
    var source: any MarketDataSource { get }
    var broker: PaperBroker { get }
    var clock: ManualLedgerClock { get }
    var session: TradingSession { get }
    var seed: UInt64 { get }
    /// Which run over the ledger this world is (0 first): it salts the paper broker's and the system's ids.
    var incarnation: UInt64 { get }
    /// Moves the market's point-in-time clock (the ledger clock and the broker move on their own).
    func setMarketTime(_ t: Date)
}

extension TradingWorld {
    public var venue: any SimulatedVenue { PaperVenue(broker: broker) }
}

extension SimulatedWorld: TradingWorld {
    public var source: any MarketDataSource { market }
    public func setMarketTime(_ t: Date) { market.clock.set(t) }
}
