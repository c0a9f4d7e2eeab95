import Broker
import Domain
import Foundation
import Synchronization
import Testing

/// A clock the test moves by hand (circuit-breaker cool-downs, rate-limit windows).
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { [self] in self.now } }
}

/// A price tape for the paper broker: trades per symbol at given times. `lastPrice` is the last
/// trade at or before the time; `range` spans the trades in (start, end].
struct TapeFeed: PaperPriceFeed {
    var trades: [Symbol: [(Date, Price)]]

    init(_ trades: [Symbol: [(Date, Price)]]) {
        self.trades = trades.mapValues { $0.sorted { $0.0 < $1.0 } }
    }

    func lastPrice(_ symbol: Symbol, at time: Date) -> Price? { trades[symbol]?.last { $0.0 <= time }?.1 }

    func range(_ symbol: Symbol, after start: Date, through end: Date) -> PaperPriceRange? {
        let inside = (trades[symbol] ?? []).filter { $0.0 > start && $0.0 <= end }.map(\.1)
        guard let low = inside.min(), let high = inside.max() else { return nil }
        return PaperPriceRange(low: low, high: high)
    }
}

/// Shared fixtures: a trading day (2025-03-14, 09:30–16:00 New York = 13:30–20:00 UTC) and intents.
enum Fixture {
    static let open = Date(timeIntervalSince1970: 1_741_959_000)  // 2025-03-14T13:30:00Z
    static let close = open.addingTimeInterval(6.5 * 3600)
    static let session = PaperSession(open: open, close: close)
    static let aaa = Symbol("AAA")!
    static let bbb = Symbol("BBB")!

    static func minute(_ n: Double) -> Date { open.addingTimeInterval(n * 60) }
    static func price(_ text: String) -> Price { Price(text)! }
    static func cid(_ text: String) -> ClientOrderID { ClientOrderID(text)! }

    static func entry(
        _ id: String, _ symbol: Symbol = aaa, side: PositionSide = .long, qty: Int = 10, type: OrderType = .market, limit: String? = nil,
        tif: TimeInForce = .day
    ) -> OrderIntent {
        OrderIntent(
            clientOrderID: cid(id), symbol: symbol, positionSide: side, purpose: .entry, quantity: Quantity(qty), type: type,
            limitPrice: limit.map(price), timeInForce: tif)
    }

    static func bracket(
        _ id: String, _ symbol: Symbol = aaa, side: PositionSide = .long, qty: Int = 10, limit: String? = "10", takeProfit: String = "11",
        stopLoss: String = "9.5", tif: TimeInForce = .day
    ) -> OrderIntent {
        OrderIntent(
            clientOrderID: cid(id), symbol: symbol, positionSide: side, purpose: .entry, quantity: Quantity(qty), type: limit == nil ? .market : .limit,
            limitPrice: limit.map(price), timeInForce: tif, orderClass: .bracket, takeProfit: price(takeProfit), stopLoss: price(stopLoss))
    }

    static func exit(_ id: String, _ symbol: Symbol = aaa, side: PositionSide = .long, qty: Int = 10) -> OrderIntent {
        OrderIntent(
            clientOrderID: cid(id), symbol: symbol, positionSide: side, purpose: .exit, quantity: Quantity(qty), type: .market, timeInForce: .day)
    }
}

extension BrokerError {
    /// The HTTP status of a rejection, for terse assertions.
    var rejectedStatus: Int? {
        if case .rejected(let s, _) = self { return s }
        return nil
    }

    var rejectedMessage: String? {
        if case .rejected(_, let m) = self { return m }
        return nil
    }

    var isOutcomeUnknown: Bool {
        if case .outcomeUnknown = self { return true }
        return false
    }

    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}

/// Runs `body` and returns the `BrokerError` it threw, or nil.
/// (A closure's thrown type is inferred as `any Error`, hence the cast; anything else is recorded.)
func brokerError<T>(_ body: () async throws -> T) async -> BrokerError? {
    do {
        _ = try await body()
        return nil
    } catch let error as BrokerError {
        return error
    } catch {
        Issue.record("expected a BrokerError, got \(error)")
        return nil
    }
}
