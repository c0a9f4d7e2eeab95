import Application
import Domain
import Foundation
import MarketData

/// Manual trades (ExecuteTrade) on liquid symbols of the simulated market: the shortest way to get an
/// approved, placed entry without depending on what the scanner picks.
extension SimHarness {
    /// Tradable symbols priced between $5 and $200 at the harness's time, in universe order, with
    /// their last price.
    func liquidSymbols(_ count: Int) async throws -> [(symbol: Symbol, price: Price)] {
        let universe = try await market.universe().filter(\.tradable)
        let snaps = try await market.snapshots(for: universe.map(\.symbol), asOf: now)
        var out: [(Symbol, Price)] = []
        for s in universe {
            guard let p = snaps[s.symbol]?.lastPrice, p.value >= 5, p.value <= 200 else { continue }
            out.append((s.symbol, p))
            if out.count == count { break }
        }
        return out
    }

    /// A long entry with a marketable limit (0.2 % above the last price), a 2 % stop and a 5 % target.
    static func longRequest(_ symbol: Symbol, _ price: Price, quantity: Decimal? = nil) -> TradingOperations.TradeRequest {
        TradingOperations.TradeRequest(
            symbol: symbol.rawValue, side: "long", quantity: quantity, entry: price.value * Decimal(string: "1.002")!,
            stop: price.value * Decimal(string: "0.98")!, target: price.value * Decimal(string: "1.05")!)
    }

    func trade(
        _ symbol: Symbol, _ price: Price, quantity: Decimal? = nil, actor: Actor = SimHarness.operatorActor
    ) async throws -> TradingOperations.TradeOutcome {
        try await TradingOperations(system: system).executeTrade(Self.longRequest(symbol, price, quantity: quantity), placeAtOnce: true, context: context(actor))
    }

    /// A placed order from a trade outcome (fails the test otherwise).
    func placed(_ outcome: TradingOperations.TradeOutcome) throws -> Order.Record {
        guard case .placed(let record) = outcome else { throw HarnessError("expected a placed order, got \(outcome)") }
        return record
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Order.Record {
    /// The broker's id of an acknowledged order (fails the test when the order was never acknowledged).
    func brokerID() throws -> String {
        guard let id = brokerOrderID else { throw HarnessError("order \(orderID) has no broker id (status \(status))") }
        return id.rawValue
    }

    /// The entry's limit price.
    func limit() throws -> Decimal {
        guard let p = intent.limitPrice else { throw HarnessError("order \(orderID) has no limit price") }
        return p.value
    }
}

/// The stable code of a refusal, whether it came as an application error or a decider's refusal.
func refusalCode(_ error: any Error) -> String? {
    if let e = error as? ApplicationError { return e.code }
    if let e = error as? any CommandRefusal { return e.code }
    return nil
}

extension SimHarness {
    /// A long entry resting 10 % below the market (it will not fill for a while).
    func restingTrade(_ symbol: Symbol, _ price: Price) async throws -> TradingOperations.TradeOutcome {
        let entry = price.value * Decimal(string: "0.9")!
        let request = TradingOperations.TradeRequest(
            symbol: symbol.rawValue, side: "long", quantity: nil, entry: entry, stop: entry * Decimal(string: "0.98")!,
            target: entry * Decimal(string: "1.05")!)
        return try await TradingOperations(system: system).executeTrade(request, placeAtOnce: true, context: context(SimHarness.operatorActor))
    }

    /// Plants a minute bar at `price` for `symbol` starting at `start` (it replaces the generated bar).
    func plant(_ symbol: Symbol, at start: Date, price: Price) {
        market.inject(minuteBar: Bar(start: start, open: price, high: price, low: price, close: price, volume: 10_000, availableAt: start.addingTimeInterval(61)), for: symbol)
    }
}
