import Domain
import Foundation
import Synchronization

/// The default broker: Alpaca's paper-trading behaviour (docs/alpaca.md §Paper trading) over a price feed, fully
/// deterministic — the same configuration (seed), feed and sequence of calls give the same orders,
/// ids and fills on every run and machine. It reads no clock: time moves only by `advance(to:)`.
///
/// ```swift
/// let broker = PaperBroker(configuration: .init(seed: 42, start: open, session: .init(open: open, close: close)), feed: market)
/// _ = try await broker.submit(intent)          // stamped at the broker's clock
/// let fills = broker.advance(to: open + 60)     // matches working orders against the feed
/// ```
///
/// Submissions, cancels and replaces happen at the broker's current time (the last `advance`
/// target); the next `advance` fills what became fillable in between. See `PaperBook+Matching`
/// for the fill rules.
public final class PaperBroker: Broker {
    private let book: Mutex<PaperBook>

    public init(configuration: PaperConfiguration, feed: any PaperPriceFeed) {
        book = Mutex(PaperBook(configuration: configuration, feed: feed))
    }

    public var mode: BrokerMode { .simulated }

    /// The broker's clock.
    public var now: Date { book.withLock { $0.now } }

    /// The cash the broker started with.
    public var startingCash: Money { book.withLock { $0.configuration.startingCash } }

    /// Moves the clock forward to `time` (earlier times are ignored), filling working orders against
    /// the feed, activating bracket legs, and expiring `day` orders if the session's close is passed.
    /// Returns the executions that happened, oldest first (they are also in the `fills` feed).
    @discardableResult
    public func advance(to time: Date) -> [BrokerFill] { book.withLock { $0.advance(to: time) } }

    /// Starts the next regular session (call it before the next day's first `advance`): orders
    /// accepted while closed start working at its open; `day` orders expire at its close.
    public func beginSession(_ session: PaperSession) { book.withLock { $0.begin(session) } }

    /// Takes back the ledger's positions, cash and open orders after a restart (see `PaperAdoption`).
    public func adopt(_ adoption: PaperAdoption) { book.withLock { $0.adopt(adoption) } }

    public func submit(_ intent: OrderIntent) async throws(BrokerError) -> BrokerSubmitOutcome {
        try book.withLock { (b: inout PaperBook) throws(BrokerError) in try b.submit(intent) }
    }

    public func cancel(_ id: BrokerOrderID) async throws(BrokerError) {
        try book.withLock { (b: inout PaperBook) throws(BrokerError) in try b.cancel(id) }
    }

    public func replace(_ id: BrokerOrderID, with change: BrokerReplace) async throws(BrokerError) -> BrokerOrder {
        try book.withLock { (b: inout PaperBook) throws(BrokerError) in try b.replace(id, with: change) }
    }

    public func order(id: BrokerOrderID) async throws(BrokerError) -> BrokerOrder? { book.withLock { $0.order(id: id) } }

    public func order(clientOrderID: ClientOrderID) async throws(BrokerError) -> BrokerOrder? {
        book.withLock { $0.order(clientOrderID: clientOrderID) }
    }

    public func openOrders() async throws(BrokerError) -> [BrokerOrder] { book.withLock { $0.openOrders() } }

    public func positions() async throws(BrokerError) -> [BrokerPosition] { book.withLock { $0.positionList() } }

    public func account() async throws(BrokerError) -> AccountSnapshot { book.withLock { $0.accountSnapshot() } }

    public func fills(since: Date, after cursor: String?, limit: Int) async throws(BrokerError) -> BrokerFillPage {
        try book.withLock { (b: inout PaperBook) throws(BrokerError) in try b.fillPage(since: since, after: cursor, limit: limit) }
    }

    public var health: BrokerHealth { .healthy }

    /// Every execution so far, oldest first (for reports and tests; the application reads `fills`).
    public var allFills: [BrokerFill] { book.withLock { $0.fills } }

    /// How many times each client order id was submitted, whatever the answer: a count above one is an
    /// order the application sent twice (the book refuses or deduplicates the second).
    public var submissionCounts: [String: Int] { book.withLock { $0.submissions } }
}
