import CatalystApp
import Domain
import EventStore
import Foundation
import LedgerSimulation
import Logging
import PostgresClient
import Projections
import Synchronization

/// Live lag: every projection runs live (LISTEN wake-up plus polling fallback) while simulated batches
/// are appended at a steady rate; a watcher polls all checkpoints every 2 ms and records, for each
/// append, the time from its commit (the append call returning) to the checkpoint — committed in the
/// same transaction as the rows — covering it.
///
/// The bench is the only writer, so reader order equals position order and "covers" is a comparison of
/// positions.
enum LiveLag {
    static func measure(
        db: BenchDatabase, projections: [any Projection], files: ProjectFiles, simulator sim: inout LedgerSimulator, rate: Int, seconds: Int,
        logger: Logger
    ) async throws -> [String: [Double]] {
        let waker = LogWaker(conninfo: db.conninfo)
        let engines = try projections.map { p in
            ProjectorEngine(
                projection: p, definition: try ProjectionDefinition.load(p, from: files.projections), conninfo: db.conninfo, waker: waker, logger: logger)
        }
        let runners = engines.map { e in Task { try await e.run() } }
        defer { for r in runners { r.cancel() } }

        // The batches to append: whole simulated days, cut into the commands' own batches.
        var pending: [SimulatedBatch] = []
        while pending.eventCount < rate * seconds { pending += try sim.nextDay() }
        let codec = EventCodec()
        let encoded = try pending.map { try $0.newEvents(codec: codec) }

        let store = PostgresEventStore(
            pool: PGPool(conninfo: db.conninfo, size: 1, name: "bench-live"), notifier: AppendNotifier(conninfo: db.conninfo))
        let commits = CommitLog()
        let names = projections.map(\.name)
        let watcher = Task { try await watch(db: db, names: names, commits: commits) }

        let clock = ContinuousClock()
        let start = clock.now
        var sent = 0
        for events in encoded {
            let due = start + .milliseconds(sent * 1000 / rate)
            if due > clock.now { try await Task.sleep(until: due, clock: clock) }
            let result = try await store.append(AppendRequest(events: events))
            let at = clock.now
            if let last = result.receipt?.lastPosition { commits.append(last, at) }
            sent += events.count
            if clock.now - start > .seconds(seconds) { break }
        }
        // Let the projections drain, then collect.
        try await Task.sleep(for: .seconds(2))
        watcher.cancel()
        return try await watcher.value
    }

    /// Polls every checkpoint; returns, per projection, the lag of each append in seconds.
    private static func watch(
        db: BenchDatabase, names: [String], commits: CommitLog
    ) async throws -> [String: [Double]] {
        let session = PGSession(conninfo: db.conninfo, name: "bench-watch")
        let sql = names.map { "SELECT '\($0)'::text, position FROM \"proj_\($0)\"._checkpoint" }.joined(separator: " UNION ALL ")
        var next: [String: Int] = Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })
        var lags: [String: [Double]] = Dictionary(uniqueKeysWithValues: names.map { ($0, []) })
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let seen = try await session.withConnection { c -> [(String, Int64)] in
                let r = try c.query(sql)
                return (0..<r.rowCount).map { (r.string($0, 0)!, r.int64($0, 1) ?? 0) }
            }
            let now = clock.now
            let appended = commits.snapshot()
            for (name, position) in seen {
                var i = next[name]!
                while i < appended.count, appended[i].position <= position {
                    let d = now - appended[i].at
                    lags[name]!.append(max(0, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18))
                    i += 1
                }
                next[name] = i
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
        await session.close()
        return lags
    }
}

/// Appends' last positions and commit times, shared between the appender and the watcher.
final class CommitLog: Sendable {
    private let entries = Mutex<[(position: Int64, at: ContinuousClock.Instant)]>([])

    func append(_ position: Int64, _ at: ContinuousClock.Instant) { entries.withLock { $0.append((position, at)) } }
    func snapshot() -> [(position: Int64, at: ContinuousClock.Instant)] { entries.withLock { $0 } }
}
