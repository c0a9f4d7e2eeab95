import Application
import Broker
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Synchronization
import Testing

@testable import ApplicationTestKit

/// The stream directory's loops (open orders, an order by broker id, pending approvals) fold every
/// recent stream, each minute and for each fill. A stream whose version the directory lists unchanged
/// since it was last folded is not read again; one that moved is. Before, a 20-day soak read every order
/// stream ever made about 5,000 times a second, and each simulated day took longer than the one before.
@Suite struct LedgerDirectoryReadsTests {
    /// Counts reads of each stream, passing everything to an in-memory store.
    final class CountingStore: ForwardingEventStore {
        let inner = InMemoryEventStore()
        let reads = Mutex<[String: Int]>([:])
        func readStream(_ s: String, from v: Int64, limit: Int) async throws -> [RecordedEvent] {
            reads.withLock { $0[s, default: 0] += 1 }
            return try await inner.readStream(s, from: v, limit: limit)
        }

        func orderReads() -> Int { reads.withLock { $0.filter { $0.key.hasPrefix("order-") }.values.reduce(0, +) } }
    }

    @Test func unchangedOrdersAreNotReadAgainAndAChangedOneIs() async throws {
        let store = CountingStore()
        let h = try await SimHarness.make(store: store)
        var placed: [Order.Record] = []
        for (symbol, price) in try await h.liquidSymbols(2) { placed.append(try h.placed(try await h.trade(symbol, price))) }
        let directory = h.system.directory
        let first = try await directory.recentOrders()
        #expect(first.count >= placed.count)

        let before = store.orderReads()
        let again = try await directory.recentOrders()
        #expect(store.orderReads() == before, "no order moved: the folded states answer")
        #expect(again.map(\.orderID) == first.map(\.orderID) && again.map(\.status) == first.map(\.status))

        // One order is cancelled: exactly the streams that moved are read again, and the answer shows it.
        func heads() async throws -> [String: Int64] {
            Dictionary(uniqueKeysWithValues: try await store.streamHeads(prefix: "order-", touchedWithin: nil).map { ($0.id, $0.version) })
        }
        let headsBefore = try await heads()
        let cancelled = placed[0]
        try await OrderCancellation(system: h.system).cancel(cancelled.orderID, reason: "test", context: h.context(SimHarness.operatorActor))
        let moved = Set(try await heads().filter { headsBefore[$0.key] != $0.value }.map(\.key))
        let reads = store.reads.withLock { $0 }
        let after = try await directory.recentOrders()
        let now = store.reads.withLock { $0 }
        let reread = Set(now.filter { $0.key.hasPrefix("order-") && $0.value != reads[$0.key] }.map(\.key))
        #expect(moved.contains(StreamName.order(cancelled.orderID).rawValue))
        #expect(reread == moved, "read again: \(reread.sorted()); moved: \(moved.sorted())")
        #expect(after.first { $0.orderID == cancelled.orderID }?.cancelRequested == true || after.first { $0.orderID == cancelled.orderID }?.status.isTerminal == true)
    }
}
