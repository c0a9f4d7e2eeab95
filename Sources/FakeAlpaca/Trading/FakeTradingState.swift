import Foundation
import Synchronization

/// The scriptable broker behind the fake's trading routes: orders, executions, positions and the
/// account, on a clock the test controls (`setNow`, `advance`). Nothing reads the wall clock, so ids
/// and timestamps are the same on every run.
///
/// Tests drive it through the Swift methods in `FakeTradingState+Script` — fill, reject, cancel,
/// expire, external orders and positions — and read what clients did through `orders`,
/// `receivedBodies` and the server's request log.
public final class FakeTradingState: Sendable {
    struct Book: Sendable {
        var now: Date
        var behavior = FakeTradingBehavior()
        var wire = WireStyle(decimals: .strings, timestamps: .utc(fractionDigits: 9))
        var orders: [FakeOrder] = []
        var fills: [FakeFill] = []
        var positions: [String: FakePosition] = [:]
        var marks: [String: Decimal] = [:]
        var cash: Decimal
        var lastEquity: Decimal
        var accountNumber = "PA3FAKE00001"
        var sequence = 0
        var received: [FakeReceivedBody] = []

        mutating func nextUUID() -> String {
            sequence += 1
            let n = String(sequence)
            return "fa7e0000-0000-4000-8000-" + String(repeating: "0", count: 12 - n.count) + n
        }

        func index(of id: String) -> Int? { orders.firstIndex { $0.id == id } }
        func index(clientOrderID: String) -> Int? { orders.firstIndex { $0.clientOrderID == clientOrderID } }

        func mark(_ symbol: String) -> Decimal? { marks[symbol] ?? positions[symbol].map(\.averageEntryPrice) }

        var longMarketValue: Decimal {
            positions.values.reduce(0) { $0 + ($1.quantity > 0 ? $1.quantity * (mark($1.symbol) ?? 0) : 0) }
        }

        var shortMarketValue: Decimal {
            positions.values.reduce(0) { $0 + ($1.quantity < 0 ? $1.quantity * (mark($1.symbol) ?? 0) : 0) }
        }

        /// Alpaca: equity = cash + long market value + short market value (negative).
        var equity: Decimal { cash + longMarketValue + shortMarketValue }

        var buyingPower: Decimal {
            let reserved = orders.reduce(Decimal(0)) { total, o in
                guard o.isOpen, o.parentID == nil, o.side == "buy", positions[o.symbol].map({ $0.quantity >= 0 }) ?? true else { return total }
                return total + o.remaining * (o.limitPrice ?? mark(o.symbol) ?? 0)
            }
            let power = equity * behavior.buyingPowerMultiplier - longMarketValue + shortMarketValue - reserved
            return max(0, power)
        }

        /// Shares of a position not held by open orders on its reducing side (Alpaca `qty_available`);
        /// the legs of one bracket hold the same shares once.
        func available(_ symbol: String) -> Decimal {
            guard let p = positions[symbol], p.quantity != 0 else { return 0 }
            let reducing = p.quantity > 0 ? "sell" : "buy"
            var held: Decimal = 0
            var groups: [String: Decimal] = [:]
            for o in orders where o.symbol == symbol && o.side == reducing && o.isOpen {
                if let parent = o.parentID {
                    guard let pi = index(of: parent), orders[pi].status == "filled" else { continue }
                    groups[parent] = max(groups[parent] ?? 0, o.remaining)
                } else {
                    held += o.remaining
                }
            }
            return abs(p.quantity) - held - groups.values.reduce(0, +)
        }
    }

    let book: Mutex<Book>

    /// A fresh account with `cash` (Alpaca paper: $100,000) at time `now`.
    public init(now: Date, cash: Decimal = 100_000) {
        book = Mutex(Book(now: now, cash: cash, lastEquity: cash))
    }

    // MARK: Clock and settings

    public var now: Date { book.withLock { $0.now } }
    public func setNow(_ date: Date) { book.withLock { $0.now = date } }
    public func advance(seconds: TimeInterval) { book.withLock { $0.now = $0.now.addingTimeInterval(seconds) } }
    public func setBehavior(_ behavior: FakeTradingBehavior) { book.withLock { $0.behavior = behavior } }
    /// How decimals and timestamps are written (default: strings, UTC with 9 fractional digits).
    public func setWire(_ style: WireStyle) { book.withLock { $0.wire = style } }
    /// The price positions are valued at (and market orders checked against for buying power).
    public func setPrice(_ symbol: String, _ price: Decimal) { book.withLock { $0.marks[symbol.uppercased()] = price } }

    // MARK: Reading

    public var orders: [FakeOrder] { book.withLock { $0.orders } }
    public func order(id: String) -> FakeOrder? { book.withLock { b in b.index(of: id).map { b.orders[$0] } } }
    public func order(clientOrderID: String) -> FakeOrder? { book.withLock { b in b.index(clientOrderID: clientOrderID).map { b.orders[$0] } } }
    public var fills: [FakeFill] { book.withLock { $0.fills } }
    public var positions: [FakePosition] { book.withLock { $0.positions.values.sorted { $0.symbol < $1.symbol } } }
    public var cash: Decimal { book.withLock { $0.cash } }
    public var equity: Decimal { book.withLock { $0.equity } }
    public var buyingPower: Decimal { book.withLock { $0.buyingPower } }
    /// Bodies of every POST and PATCH received, in order.
    public var receivedBodies: [FakeReceivedBody] { book.withLock { $0.received } }
}
