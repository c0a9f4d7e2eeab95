import CatalystTestKit
import Domain
import EventStore
import Foundation
import LedgerSimulation
import PostgresClient
import Projections
import Synchronization
import Testing

/// The projector as a process: killed with SIGKILL at random moments of a long rebuild it still
/// applies every event exactly once; two instances of one projection make one active and one standby.
@Suite(.serialized) struct ProjectorProcessTests {
    /// ~200k events of realistic simulated trading, generated and appended once per test process; each
    /// test gets its own copy of that database.
    actor SeededLog {
        static let shared = SeededLog()
        private var seeded: (TestDatabase, Int)?

        func copy(atLeast count: Int) async throws -> (TestDatabase, Int) {
            if seeded == nil {
                let db = try await TestDatabase.create()
                let store = db.eventStore()
                var options = SimulationOptions(seed: 4_242, days: 100_000)
                options.markEveryMinutes = 1
                var sim = LedgerSimulator(options)
                while sim.eventCount < count {
                    try await ReadModels.append(try sim.nextDay(), to: store, chunk: 4_000)
                }
                seeded = (db, sim.eventCount)
            }
            let (template, total) = seeded!
            return (try await template.copy(), total)
        }
    }

    struct Progress {
        var shadow: Int64?
        var live: Int64?
        var activeInstance: String?
        var rebuilding: Bool { live == nil || shadow != nil }
    }

    static func progress(_ db: TestDatabase, _ name: String) async throws -> Progress {
        try await progress(db.session(), name)
    }

    /// The same over one session kept open: a poll that connects afresh each time can lag a busy machine's
    /// projector by several batches, and the rebuild then ends before the kills it needs have landed.
    static func progress(_ session: PGSession, _ name: String) async throws -> Progress {
        try await session.withConnection { c in
            func applied(_ schema: String) throws -> Int64? {
                guard try c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).rowCount == 1 else { return nil }
                do {
                    return try c.query("SELECT events_applied FROM \(c.quoteIdentifier(schema))._checkpoint").int64(0, 0)
                } catch {
                    // The projector (another process) swapped the shadow in between the two queries.
                    let state = error.sqlState
                    if state == "42P01" || state == "3F000" { return nil }
                    throw error
                }
            }
            let instance = try c.query("SELECT instance FROM projection_status WHERE name = $1", [name]).string(0, 0)
            return Progress(shadow: try applied("proj_\(name)_next"), live: try applied("proj_\(name)"), activeInstance: instance)
        }
    }

    static func poll(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// SIGKILL the projector process at random points of a ~200k-event rebuild, at least 20 times; the
    /// tables it finally makes live equal a clean rebuild's.
    ///
    /// Each round starts `catalyst project --only NAME`, lets it commit a random number of batches (0–2;
    /// 0 near the end while kills are still needed, so at least 24 land before the swap), then kills it at a random moment
    /// of the next batch — mostly inside its open transaction. Should the rebuild still end before 20 kills landed
    /// (rounds of 0 batches kill within 12 ms, and a loaded CI machine once let enough batches commit in them to
    /// finish with 18), the projection is rebuilt again from zero as for a changed definition, and the kills go on.
    @Test(arguments: ["orders", "positions"])
    func killedAtRandomDuringARebuildStillAppliesEveryEventOnce(_ name: String) async throws {
        let (db, total) = try await SeededLog.shared.copy(atLeast: 200_000)
        let projection = try #require(ReadModels.all.first { $0.name == name })
        let batch: Int64 = 10_000  // the engine's rebuild batch
        let wanted = 24
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var killsDuringRebuild = 0
        var lastShadow: Int64 = 0
        var rebuilds = 1
        let probe = db.session()
        while true {
            let before = try await Self.progress(probe, name)
            if !before.rebuilding {
                if killsDuringRebuild >= 20 { break }
                // The live tables are marked as another definition's, as a deploy of a changed projection finds them:
                // the next process rebuilds from zero in the shadow, and the ones after it resume there. (Holding a lock
                // to slow the process down instead would hold back the read horizon of every database on the test
                // cluster, and other suites read their whole log.)
                try await probe.withConnection { c in
                    _ = try c.query("UPDATE \(c.quoteIdentifier("proj_\(name)"))._checkpoint SET checksum = 'a changed definition'")
                }
                rebuilds += 1
                let process = try await ProjectorProcess.start(name, db: db)
                try await Self.poll { try await Self.progress(probe, name).shadow != nil }
                try await process.kill()
                kills += 1
                lastShadow = 0  // the new shadow counts from zero
                continue
            }
            let start = before.shadow ?? 0
            let remaining = (Int64(total) - start + batch - 1) / batch
            let needed = Int64(max(0, wanted - killsDuringRebuild))
            // While kills are still needed, keep back enough batches for them; once enough landed, let it
            // move on by one or two batches per round so the rebuild finishes.
            let batches: Int64 =
                if needed == 0 { Int64.random(in: 1...2, using: &rng) } else if remaining <= needed + 4 { 0 } else { Int64.random(in: 0...2, using: &rng) }
            let process = try await ProjectorProcess.start(name, db: db)
            try await Self.poll { try await Self.progress(probe, name).activeInstance?.hasSuffix(":\(process.pid)") == true }
            try await Self.poll {
                let p = try await Self.progress(probe, name)
                return (p.shadow ?? 0) >= start + batches * batch || !p.rebuilding
            }
            // A round that must not move the rebuild on kills soon: a quiet machine applies a 10k batch of orders
            // in about 60 ms (typed pages in binary format, readers' indexes built at the swap).
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...(batches == 0 ? 12 : 250), using: &rng)))
            let during = try await Self.progress(probe, name)
            try await process.kill()
            kills += 1
            if during.rebuilding { killsDuringRebuild += 1 }
            // The checkpoint never moves backwards; whatever the killed transaction did is gone with it.
            let after = try await Self.progress(probe, name)
            if let s = after.shadow {
                #expect(s >= lastShadow)
                lastShadow = s
            }
        }
        await probe.close()
        print("[\(name)] \(kills) SIGKILLs, \(killsDuringRebuild) during \(rebuilds) rebuild(s) of \(total) events")
        #expect(killsDuringRebuild >= 20, "only \(killsDuringRebuild) of \(kills) kills landed during the rebuild")

        // One more process brings it live and follows; then stop it.
        let last = try await ProjectorProcess.start(name, db: db)
        try await ReadModels.waitCaughtUp(db, name, timeout: .seconds(300))
        try await last.terminate()
        let afterKills = try await ReadModels.checksums(db, name)
        #expect(try await Self.progress(db, name).live == Int64(total), "the checkpoint counted every event exactly once")

        try await ReadModels.engine(db, projection, batch: 10_000).rebuildNow()
        #expect(try await ReadModels.checksums(db, name) == afterKills)
    }

    /// SIGKILL the live projector in a loop while trading goes on: simulated trading days are appended the
    /// whole time (commands of a few events each, as the workflow appends them), and `catalyst project --only
    /// NAME` is started, allowed to follow the log for a random moment, and killed — at least 20 times. Then a
    /// last process catches up: every event counted once, the tables equal a clean rebuild's.
    @Test(arguments: ["positions"])
    func killedInALoopWhileTradingGoesOnStillAppliesEveryEventOnce(_ name: String) async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        let projection = try #require(ReadModels.all.first { $0.name == name })
        let trading = LiveTrading()
        let appender = Task {
            var sim = LedgerSimulator(SimulationOptions(seed: 9_191, days: 100_000))
            while !trading.stopped {
                // One simulated day, a few events per append, with a pause now and then as live trading has.
                for (i, request) in try sim.nextDay().appendRequests(codec: ReadModels.codec, maxEvents: 8).enumerated() {
                    guard case .appended = try await store.append(request) else { throw TestFailure("append was not applied") }
                    if i % 50 == 0 { try await Task.sleep(for: .milliseconds(5)) }
                }
            }
            return sim.eventCount
        }
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var lastApplied: Int64 = 0
        var advancedBetweenKills = 0
        while kills < 20 {
            let process = try await ProjectorProcess.start(name, db: db)
            try await Self.poll { try await Self.progress(db, name).activeInstance?.hasSuffix(":\(process.pid)") == true }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...400, using: &rng)))
            try await process.kill()
            kills += 1
            let applied = try await Self.progress(db, name).live ?? 0
            #expect(applied >= lastApplied, "the checkpoint moved backwards")
            if applied > lastApplied { advancedBetweenKills += 1 }
            lastApplied = applied
        }
        trading.stop()
        let total = try await appender.value
        print("[\(name) live] \(kills) SIGKILLs while trading appended \(total) events; the checkpoint advanced in \(advancedBetweenKills) rounds")
        #expect(advancedBetweenKills >= 10, "the projector rarely got to apply anything between kills")

        let last = try await ProjectorProcess.start(name, db: db)
        try await ReadModels.waitCaughtUp(db, name, timeout: .seconds(300))
        try await last.terminate()
        let afterKills = try await ReadModels.checksums(db, name)
        #expect(try await Self.progress(db, name).live == Int64(total), "the checkpoint counted every event exactly once")
        try await ReadModels.engine(db, projection, batch: 10_000).rebuildNow()
        #expect(try await ReadModels.checksums(db, name) == afterKills)
    }

    /// A stop flag shared with the appending task.
    final class LiveTrading: Sendable {
        private let flag = Mutex(false)
        var stopped: Bool { flag.withLock { $0 } }
        func stop() { flag.withLock { $0 = true } }
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
