import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import LedgerSimulation
import Labelling
import Logging
import PostgresClient
import Projections
import Testing

/// A rebuild, an as-of build and a table replay read every event committed when they began, even while
/// an older open transaction (here in another database of the cluster: transaction ids are cluster-wide)
/// holds the read horizon back. Before, each stopped at the horizon and silently left the newest events out.
@Suite struct CatchUpReadTests {
    @Test func rebuildAsOfAndReplayWaitForTheHorizonInsteadOfStoppingShort() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        let history = try LedgerSimulator.history(.small(seed: 4, days: 1))
        let last = history.count - 3
        try await AsOfTests.append(history[..<last], to: store)

        // An open transaction that has taken an id, then the rest of the history: newer transactions, held back.
        let other = try await TestDatabase.create()
        let holder = other.session()
        try await holder.withConnection { c -> Void in
            try c.execute("BEGIN")
            try c.execute("SELECT pg_current_xact_id()")
        }
        try await AsOfTests.append(history[last...], to: store)
        let all = try await db.session().withConnection { c in try c.query("SELECT count(*) FROM events").int64(0, 0)! }
        #expect(try await store.head().invisibleEvents > 0)

        let released = Task {
            try await Task.sleep(for: .milliseconds(600))
            try await holder.withConnection { c -> Void in try c.execute("COMMIT") }
            await holder.close()
        }
        var logger = Logger(label: "catch-up")
        logger.logLevel = .critical
        let seal = AuditSealProjection()
        let sealDefinition = try ProjectionDefinition.load(seal, from: TestCluster.repositoryRoot.appendingPathComponent("projections"))
        async let rebuilt: Void = ProjectorEngine(projection: seal, definition: sealDefinition, conninfo: db.conninfo, waker: nil, logger: logger).rebuildNow()
        async let replayed = LabelRun.fold(LabelRun.table(store, pageSize: 500), labeller: Labeller())
        async let asOf = db.session().withConnection { c in
            try AsOfBuilder.build(try AsOfTests.definitions(), into: "asof_now", limit: .recordedAt(.distantFuture), on: c)
        }
        try await rebuilt
        let (fold, built) = try await (replayed, asOf)
        try await released.value

        let sealed = try await db.session().withConnection { c in try c.query("SELECT count(*) FROM audit_chain").int64(0, 0)! }
        #expect(sealed == all)
        #expect(Int64(fold.eventsRead) == all)
        #expect(Int64(built.events) == all)
    }
}
