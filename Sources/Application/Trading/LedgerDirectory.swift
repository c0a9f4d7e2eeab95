import Broker
import Domain
import EventStore
import Foundation

/// Finds the streams the live workflow works on (open orders, pending approvals) and folds them, so
/// every answer is as fresh as the log itself.
///
/// It lists candidates from the stream heads, which the store stamps with its own clock, over a window of recent wall time, then folds each stream and filters on business time. That
/// is enough for the operational loop of one trading day (a simulated day runs inside the window too);
/// historical questions go to the projections.
public struct LedgerDirectory: Sendable {
    let log: EventLog
    /// How far back (wall time) stream heads are considered.
    public var window: TimeInterval = 36 * 3600

    public init(log: EventLog) {
        self.log = log
    }

    /// Streams of a category touched within the window, oldest first.
    public func recentStreams(_ category: StreamCategory) async throws -> [StreamName] {
        try await recentHeads(category).map(\.stream)
    }

    /// The same, each with the version the directory lists (a stream folded before at that version is not
    /// read again).
    func recentHeads(_ category: StreamCategory) async throws -> [(stream: StreamName, version: Int64)] {
        try await log.store.streamHeads(prefix: category.rawValue + "-", touchedWithin: window).compactMap { head in
            StreamName(parsing: head.id).map { ($0, head.version) }
        }
    }

    /// Orders touched recently, folded.
    public func recentOrders() async throws -> [Order.Record] {
        var out: [Order.Record] = []
        for (s, version) in try await recentHeads(.order) {
            if let o = try await log.load(Order.self, s, knownVersion: version).state.order { out.append(o) }
        }
        return out
    }

    /// Orders that can still change at the broker.
    public func openOrders() async throws -> [Order.Record] {
        try await recentOrders().filter { !$0.status.isTerminal }
    }

    /// Our order for a broker order id (entries, legs, exits, replacements); the newest if a broker
    /// ever reused an id.
    public func order(brokerOrderID: BrokerOrderID) async throws -> Order.Record? {
        try await recentOrders().last { $0.brokerOrderID == brokerOrderID }
    }

    /// Supervised approvals still waiting for a human, with their approval event.
    public func pendingApprovals() async throws -> [Approval.State] {
        var out: [Approval.State] = []
        for (s, version) in try await recentHeads(.approval) {
            let st = try await log.load(Approval.self, s, knownVersion: version).state
            if st.outcome == .pending { out.append(st) }
        }
        return out
    }
}
