import Application
import Domain
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections
import ServiceLifecycle
import Synchronization

/// What the routes call: the trading system (commands), the read models (`views`, through the query
/// types of `Projections`), the event store (the `/events` pages), the projections whose lag `/health`
/// reports, and the cycles running in the background.
public final class APIBackend: Sendable {
    public let system: TradingSystem
    public let pool: PGPool
    /// The read models' queries that commands and `/health` depend on run here, on the primary.
    public let views: ViewReader
    /// The GET routes' reads: on the standby at `catalyst.read.url` when there is one (read-your-writes
    /// through `Catalyst-Min-LSN`, `ReadConsistency`), else the same as `views`.
    public let reads: ViewReader
    /// The log, for the event pages and the store's head.
    public let store: PostgresEventStore
    /// Applies `key=value` changes to the limits, checked as an edit of `config/risk_parameters.yaml`
    /// would be (a refusal is `ApplicationError.invalid` naming `set.<key>`). The composition root
    /// supplies it: the file's format is configuration, not the API's business.
    public let editRiskParameters: @Sendable ([String], RiskParameters) throws -> RiskParameters
    public let projections: [String]
    public let cycles: CycleRunner
    public let logger: Logger
    /// "simulated" or "live": shown by `/health` and the dashboard.
    public let venue: String
    /// Whose credential a request carries, and what each principal may do.
    public let directory: PrincipalDirectory
    public let gate: AuthorityGate
    /// Maker–checker settings (`config/authority.yaml`).
    public let policy: AuthorityPolicy
    let metrics = APIMetrics()
    /// The database's part of `/health`, at most `healthMaxAge` old.
    let healthProbe: HealthProbe

    public init(
        system: TradingSystem, store: PostgresEventStore, editRiskParameters: @escaping @Sendable ([String], RiskParameters) throws -> RiskParameters,
        projections: [String], venue: String, policy: AuthorityPolicy = AuthorityPolicy(), healthMaxAge: Duration = .seconds(1), standby: PGPool? = nil,
        logger: Logger
    ) {
        self.healthProbe = HealthProbe(maxAge: healthMaxAge)
        self.system = system
        self.directory = PrincipalDirectory(log: system.log)
        self.gate = AuthorityGate(log: system.log, directory: directory, logger: logger)
        self.policy = policy
        self.store = store
        self.editRiskParameters = editRiskParameters
        self.pool = store.pool
        self.views = ViewReader(pool: store.pool)
        self.reads = standby.map { ViewReader(primary: store.pool, standby: $0) } ?? views
        self.projections = projections
        self.cycles = CycleRunner(system: system, logger: logger)
        self.logger = logger
        self.venue = venue
    }

    /// The primary's WAL position now: after a command's answer is settled, a standby that has replayed
    /// this far shows the command and its projections (`Catalyst-Commit-LSN`).
    func commitLSN() async throws -> String? {
        try await pool.withConnection { c in try c.query("SELECT pg_current_wal_lsn()::text").string(0, 0) }
    }

    /// A command context for a request: the authenticated principal is the actor, the ledger's clock.
    func context(_ principal: AuthenticatedPrincipal) -> CommandContext { system.context(principal.actor) }

    /// Read-your-writes: waits (briefly) until the given projections have applied everything the log
    /// holds now, so a client that reads right after a write sees it. A slow projector only delays the
    /// answer by the timeout; the write itself has already succeeded.
    public func settle(_ names: [String], timeout: Duration = .seconds(3)) async {
        do {
            let head = try await system.log.store.head().maxPosition
            let waiter = ProjectionWaiter(pool: pool)
            for name in names where projections.contains(name) { try await waiter.wait(for: name, toReach: head, timeout: timeout) }
        } catch {
            logger.debug("projection did not catch up in time", metadata: ["error": "\(error)"])
        }
    }

    /// Waits until every projection has built its tables and caught up once (state `live`), so the
    /// first requests do not meet missing views. Throws after `timeout`.
    public func waitUntilReady(timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let live = Int(try await views.value(ProjectionStatusReport.liveCount(names: projections)) ?? "0") ?? 0
            if live >= projections.count { return }
            if ContinuousClock.now >= deadline { throw APIStartupError.projectionsNotReady(live: live, of: projections.count) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

}

/// Cycles started through the API (or the simulated cron) run in the background: the start answers
/// at once, as the original workflow did. The runner is a service of `serve`'s group and owns the
/// cycles in a task group: no cycle is an unstructured task, and a graceful shutdown stops taking new
/// cycles, then waits for those in flight to finish (up to the group's limit) before the projectors
/// stop. It remembers them so the clock driver and tests can wait until none is running.
public actor CycleRunner: Service, CustomStringConvertible {
    let system: TradingSystem
    let logger: Logger
    private let launches: AsyncStream<(CycleID, CommandContext)>
    private let queue: AsyncStream<(CycleID, CommandContext)>.Continuation
    /// Launched and not yet taken by the task group.
    private var queued: Set<CycleID> = []
    /// Running in the task group.
    private var running: Set<CycleID> = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var accepting = true

    init(system: TradingSystem, logger: Logger) {
        self.system = system
        self.logger = logger
        (launches, queue) = AsyncStream.makeStream()
    }

    /// Queues a started cycle for execution (once per cycle id); ignored once the runner has stopped.
    public func launch(_ cycleID: CycleID, context: CommandContext) {
        guard accepting, !queued.contains(cycleID), !running.contains(cycleID) else { return }
        queued.insert(cycleID)
        queue.yield((cycleID, context))
    }

    /// Runs queued cycles until the group shuts down (or the task is cancelled), then waits for the
    /// cycles in flight.
    public nonisolated func run() async throws {
        await withDiscardingTaskGroup { group in
            for await (cycleID, context) in launches.cancelOnGracefulShutdown() {
                await self.take(cycleID)
                group.addTask { await self.execute(cycleID, context: context) }
            }
            await self.stopAccepting()
        }
    }

    private func execute(_ cycleID: CycleID, context: CommandContext) async {
        do {
            let summary = try await CycleExecution(system: system).run(cycleID, context: context.followUp(commandID: system.ids.uuid()))
            logger.info("cycle finished", metadata: ["cycle": "\(cycleID)", "signals": "\(summary.signals)", "orders": "\(summary.orders)"])
        } catch {
            logger.error("cycle failed", metadata: ["cycle": "\(cycleID)", "error": "\(error)"])
        }
        finished(cycleID)
    }

    private func take(_ cycleID: CycleID) {
        queued.remove(cycleID)
        running.insert(cycleID)
    }

    private func finished(_ cycleID: CycleID) {
        running.remove(cycleID)
        if queued.isEmpty && running.isEmpty { resumeIdleWaiters() }
    }

    /// Cycles queued but never started (the runner stopped first) are dropped, so no one waits for them.
    private func stopAccepting() {
        accepting = false
        queue.finish()
        queued.removeAll()
        if running.isEmpty { resumeIdleWaiters() }
    }

    private func resumeIdleWaiters() {
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for w in waiters { w.resume() }
    }

    /// Waits until every cycle launched so far has finished.
    public func waitIdle() async {
        if queued.isEmpty && running.isEmpty { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    public var count: Int { queued.count + running.count }

    public nonisolated var description: String { "CycleRunner" }
}
