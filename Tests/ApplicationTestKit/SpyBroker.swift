import Broker
import Domain
import Foundation
import Synchronization

/// A broker in front of another that records every intent it is sent and, at the moment of each
/// submit, asks `check` a question about the ledger (e.g. "is this order already requested?").
/// Everything else is passed through unchanged.
final class SpyBroker: Broker {
    let inner: any Broker
    let check: @Sendable (OrderIntent) async -> Bool
    private let log = Mutex<[(intent: OrderIntent, checked: Bool)]>([])

    init(_ inner: any Broker, check: @escaping @Sendable (OrderIntent) async -> Bool = { _ in true }) {
        self.inner = inner
        self.check = check
    }

    /// Every submit, in order, with the answer `check` gave at that moment.
    var submits: [(intent: OrderIntent, checked: Bool)] { log.withLock { $0 } }

    var mode: BrokerMode { inner.mode }

    func submit(_ intent: OrderIntent) async throws(BrokerError) -> BrokerSubmitOutcome {
        let ok = await check(intent)
        log.withLock { $0.append((intent, ok)) }
        return try await inner.submit(intent)
    }

    func cancel(_ id: BrokerOrderID) async throws(BrokerError) { try await inner.cancel(id) }
    func replace(_ id: BrokerOrderID, with change: BrokerReplace) async throws(BrokerError) -> BrokerOrder {
        try await inner.replace(id, with: change)
    }
    func order(id: BrokerOrderID) async throws(BrokerError) -> BrokerOrder? { try await inner.order(id: id) }
    func order(clientOrderID: ClientOrderID) async throws(BrokerError) -> BrokerOrder? { try await inner.order(clientOrderID: clientOrderID) }
    func openOrders() async throws(BrokerError) -> [BrokerOrder] { try await inner.openOrders() }
    func positions() async throws(BrokerError) -> [BrokerPosition] { try await inner.positions() }
    func account() async throws(BrokerError) -> AccountSnapshot { try await inner.account() }
    func fills(since: Date, after cursor: String?, limit: Int) async throws(BrokerError) -> BrokerFillPage {
        try await inner.fills(since: since, after: cursor, limit: limit)
    }
}
