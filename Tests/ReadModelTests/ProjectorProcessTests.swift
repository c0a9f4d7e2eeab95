import CatalystTestKit
import Domain
import EventStore
import Foundation
import LedgerSimulation
import PostgresClient
import Projections
import Testing

/// The projector as a process: killed with SIGKILL at random moments of a long rebuild it still
/// applies every event exactly once; two instances of one projection make one active and one standby.
@Suite(.serialized) struct ProjectorProcessTests {
    /// About `count` events of realistic simulated trading, appended once per test.
    static func seed(_ db: TestDatabase, atLeast count: Int) async throws -> Int {
        let store = db.eventStore()
        var options = SimulationOptions(seed: 4_242, days: 100_000)
        options.markEveryMinutes = 1
        var sim = LedgerSimulator(options)
        while sim.eventCount < count {
            try await ReadModels.append(try sim.nextDay(), to: store, chunk: 4_000)
        }
        return sim.eventCount
    }

    struct Progress {
        var shadow: Int64?
        var live: Int64?
        var liveChecksum: String?
    }

    static func progress(_ db: TestDatabase, _ name: String) async throws -> Progress {
        try await db.session().withConnection { c in
            func read(_ schema: String) throws -> (Int64, String)? {
                guard try c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).rowCount == 1 else { return nil }
                let r = try c.query("SELECT events_applied, checksum FROM \(c.quoteIdentifier(schema))._checkpoint")
                return r.rowCount == 1 ? (r.int64(0, 0)!, r.string(0, 1)!) : nil
            }
            let live = try read("proj_\(name)")
            return Progress(shadow: try read("proj_\(name)_next")?.0, live: live?.0, liveChecksum: live?.1)
        }
    }

    /// SIGKILL the projector process at random points of a ~200k-event rebuild, at least 20 times; the
    /// tables it finally makes live equal a clean rebuild's.
    @Test(arguments: ["orders", "positions"])
    func killedAtRandomDuringARebuildStillAppliesEveryEventOnce(_ name: String) async throws {
        let db = try await TestDatabase.create()
        let total = try await Self.seed(db, atLeast: 200_000)
        let projection = try #require(ReadModels.all.first { $0.name == name })
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var killsDuringRebuild = 0
        var lastShadow: Int64 = -1
        var stalled = 0
        while true {
            let before = try await Self.progress(db, name)
            if before.live != nil, before.shadow == nil { break }  // rebuilt and swapped in
            let process = try await ProjectorProcess.start(name, db: db)
            // Random moments: often mid-batch, sometimes right after start, sometimes after several batches.
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...2_500, using: &rng)))
            let during = try await Self.progress(db, name)
            try await process.kill()
            kills += 1
            if during.live == nil || during.shadow != nil { killsDuringRebuild += 1 }
            let after = try await Self.progress(db, name)
            // The checkpoint never goes backwards, and the killed batch left nothing behind.
            if let s = after.shadow { #expect(s >= max(lastShadow, 0)) }
            if let s = after.shadow, s == lastShadow { stalled += 1 } else { stalled = 0 }
            lastShadow = after.shadow ?? lastShadow
            #expect(stalled < 15, "the rebuild makes no progress")
            if stalled >= 15 { return }
        }
        #expect(killsDuringRebuild >= 20, "only \(killsDuringRebuild) kills landed during the rebuild (of \(kills))")

        // Let one process bring it live and follow, then stop it.
        let last = try await ProjectorProcess.start(name, db: db)
        try await ReadModels.waitCaughtUp(db, name, timeout: .seconds(300))
        try await last.terminate()
        let afterKills = try await ReadModels.checksums(db, name)
        let applied = try await Self.progress(db, name).live
        #expect(applied == Int64(total), "every event counted exactly once in the checkpoint")

        try await ReadModels.engine(db, projection, batch: 10_000).rebuildNow()
        #expect(try await ReadModels.checksums(db, name) == afterKills)
    }

    /// Two processes for one projection: only the lock holder advances; kill it and the standby takes
    /// over and keeps applying.
    @Test func aStandbyProcessTakesOverFromAKilledOne() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        var sim = LedgerSimulator(.small(seed: 77, days: 3))
        try await ReadModels.append(try sim.nextDay(), to: store)
        let first = try await ProjectorProcess.start("orders", db: db)
        try await ReadModels.waitCaughtUp(db, "orders")
        let second = try await ProjectorProcess.start("orders", db: db)
        try await Task.sleep(for: .seconds(1))

        func status() async throws -> (instance: String, state: String, applied: Int64) {
            try await db.session().withConnection { c in
                let r = try c.query("SELECT instance, state FROM projection_status WHERE name = 'orders'")
                let a = try c.query("SELECT events_applied FROM proj_orders._checkpoint").int64(0, 0) ?? 0
                return (r.string(0, 0) ?? "", r.string(0, 1) ?? "", a)
            }
        }
        let holders = try await db.session().withConnection { c in
            try c.query(
                """
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """
            ).int64(0, 0)
        }
        #expect(holders == 1, "one instance holds the projection's lock")
        var s = try await status()
        #expect(s.instance.hasSuffix(":\(first.pid)"), "the first process is active: \(s.instance)")

        try await ReadModels.append(try sim.nextDay(), to: store)
        try await ReadModels.waitCaughtUp(db, "orders")
        s = try await status()
        #expect(s.instance.hasSuffix(":\(first.pid)"), "the standby stayed a standby")
        let appliedBefore = s.applied

        try await first.kill()
        try await ReadModels.append(try sim.nextDay(), to: store)
        try await ReadModels.waitCaughtUp(db, "orders")
        s = try await status()
        #expect(s.instance.hasSuffix(":\(second.pid)"), "the standby took over: \(s.instance)")
        #expect(s.applied > appliedBefore)
        let expected = try await db.session().withConnection { c in try c.query("SELECT count(*) FROM events").int64(0, 0) ?? 0 }
        #expect(s.applied == expected)
        try await second.terminate()
    }
}
