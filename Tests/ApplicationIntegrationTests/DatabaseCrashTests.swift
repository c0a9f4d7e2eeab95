import Application
import Broker
import CatalystTestKit
import Domain
import EventStore
import Foundation
import PostgresClient
import Testing

@testable import ApplicationTestKit

/// PostgreSQL is stopped with `pg_ctl stop -m immediate` while a cycle runs, then started again. The
/// in-flight cycle fails cleanly (it cannot even record its failure); the restarted process reconnects,
/// fails the interrupted cycle with its reason at start-up, and the ledger and the broker agree: every
/// order the broker took is in the ledger once, and nothing was sent twice.
@Suite(.serialized) struct DatabaseCrashTests {
    @Test func postgresStoppedImmediatelyMidCycleThenRestarted() async throws {
        let cluster = try await TestCluster.crashable()
        let db = try await TestDatabase.create(on: cluster)
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute, db: db)
        let before = try await db.committedEvents().count

        let cycle = Task { try await h.runCycle(StartCycleRequest(mode: "normal", idempotencyKey: "crash-slot")) }
        // Stop the server as soon as the cycle has started writing (its scan takes a while after that).
        let watcher = PGSession(conninfo: db.conninfo)
        for _ in 0..<400 {
            let n = try await watcher.withConnection { c in try c.query("SELECT count(*) FROM events").int64(0, 0) ?? 0 }
            if n > before { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        await watcher.close()
        try await cluster.stop(immediate: true)
        let outcome = await cycle.result
        try await cluster.start()

        // The restarted process: same database, the same broker (it kept running), fresh ids.
        let restarted = try await SimHarness.make(
            hour: SimHarness.busy.hour, minute: SimHarness.busy.minute + 1, seed: 99, reconciled: false, db: db, wrap: { _, _ in h.broker })
        let report = try await restarted.reconcileAtStartup()

        let events = try await db.committedEvents()
        let cycles = Dictionary(grouping: events.filter { $0.streamID.hasPrefix("cycle-") }, by: \.streamID)
        #expect(cycles.count == 1)
        let last = try #require(cycles.values.first?.last)
        switch outcome {
        case .success:
            #expect(last.eventType == "cycle.completed", "the cycle finished before the stop")
        case .failure:
            #expect(last.eventType == "cycle.failed")
            #expect(report.interruptedCycles.count == 1 || String(decoding: last.payload, as: UTF8.self).contains("error"))
        }
        // Every stream's versions are 1…n: nothing half-written, nothing duplicated.
        for (stream, rows) in Dictionary(grouping: events, by: \.streamID) {
            #expect(rows.map(\.streamVersion) == Array(1...Int64(rows.count)), "\(stream)")
        }
        // The broker and the ledger agree on the orders: each one the broker took is known to the ledger.
        var orders = try await h.broker.openOrders()
        for fill in h.broker.allFills { if let o = try await h.broker.order(id: fill.brokerOrderID) { orders.append(o) } }
        let legs = Set(orders.flatMap { $0.legs.map(\.id) })
        for order in orders where !legs.contains(order.id) {
            #expect(events.contains { $0.streamID == "order-\(order.clientOrderID)" }, "broker order \(order.clientOrderID) is in the ledger")
        }
        // Trading works again on the restarted process.
        let next = try await restarted.runCycle(StartCycleRequest(mode: "normal", idempotencyKey: "after-crash"))
        #expect(try await restarted.system.log.load(Cycle.self, .cycle(next.0.cycleID)).state.status == .completed)
    }
}
