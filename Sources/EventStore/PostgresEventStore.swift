import Foundation
import Logging
import PostgresClient

/// The PostgreSQL event store: atomic multi-stream appends with optimistic concurrency, idempotent
/// retries, stream reads, and a global reader that never skips a committed event.
///
/// Reader order is `(tx_id, global_position)` below the oldest in-flight transaction (see `LogCursor`).
/// Writers take no global lock; the only lock an append takes is the head row of each stream it writes.
public final class PostgresEventStore: EventStore {
    public let pool: PGPool
    let notifier: AppendNotifier?
    let logger: Logger

    /// Batches of at least this many events go through COPY instead of the append function.
    public let copyThreshold: Int

    /// Channel on which appenders announce new events (coalesced, outside the append transaction).
    public static let notificationChannel = "catalyst_events"

    /// How long an append keeps trying through a failover (see `append(_:)`); zero fails at once.
    public let failoverWindow: Duration

    /// Group commit of concurrent single-event appends (`CommitGroups`); nil appends each alone.
    let commitGroups: CommitGroups?

    /// - Parameter commitGroups: how many groups of concurrent single-event appends may be in flight at
    ///   once (at most the pool's size less one); 0 appends each one alone, in its own transaction.
    public init(
        pool: PGPool, notifier: AppendNotifier? = nil, copyThreshold: Int = 32, failoverWindow: Duration = .zero,
        commitGroups: Int = PostgresEventStore.defaultCommitGroups, logger: Logger = Logger(label: "catalyst.eventstore")
    ) {
        self.pool = pool
        self.notifier = notifier
        self.copyThreshold = copyThreshold
        self.failoverWindow = failoverWindow
        // A flusher holds a connection while it serves the queue; one is always left for appends that go alone.
        let flushers = min(commitGroups, pool.size - 1)
        self.commitGroups = flushers > 0 ? CommitGroups(limit: flushers, pool: pool, notifier: notifier) : nil
        self.logger = logger
    }

    /// Groups in flight at once by default (measured with `catalyst bench append --commit-groups`).
    public static let defaultCommitGroups = 2

    /// Single-event appends this store committed in a group of two or more, since it was opened.
    public var groupedAppends: Int { commitGroups?.grouped ?? 0 }

    /// Commit groups of two or more appends this store ran, since it was opened.
    public var commitGroupsRun: Int { commitGroups?.groups ?? 0 }

    /// Opens a store with its own pool of `connections` sessions and a coalescing notifier. A connection
    /// string naming several hosts (a failover formation) gets `highAvailabilityWindow` to ride out a
    /// failover; one host keeps failing at once, as before.
    public convenience init(conninfo: String, connections: Int = 4, role: String? = nil, logger: Logger = Logger(label: "catalyst.eventstore")) {
        let pool = PGPool(conninfo: conninfo, size: connections, name: "eventstore", setup: Self.connectionSetup(role: role))
        self.init(
            pool: pool, notifier: AppendNotifier(conninfo: conninfo),
            failoverWindow: PGConnectionString.hostCount(conninfo) > 1 ? Self.highAvailabilityWindow : .zero, logger: logger)
    }

    /// Longer than a failover takes with pg_auto_failover's default timings when the primary's machine
    /// dies (it is declared unhealthy after 20 s, then given 30 s to demote itself; docs/high-availability.md).
    public static let highAvailabilityWindow: Duration = .seconds(90)

    /// A session setup that drops to `role` (e.g. `catalyst_app`) right after connecting.
    /// What every (re)connect of the store runs: the role, then the transaction-id invariant
    /// (`TransactionIDCheck`), so a process that reconnects to a server restored under it refuses to
    /// append or read rather than stalling.
    public static func connectionSetup(role: String?) -> @Sendable (PGConnection) throws -> Void {
        let setRole = roleSetup(role)
        return { c in
            try setRole?(c)
            try TransactionIDCheck().requireIfStore(on: c)
        }
    }

    public static func roleSetup(_ role: String?) -> (@Sendable (PGConnection) throws -> Void)? {
        guard let role else { return nil }
        return { (c: PGConnection) throws -> Void in
            try c.execute("SET ROLE \(c.quoteIdentifier(role))")
        }
    }

    /// The current version of a stream (0 when it does not exist).
    public func streamVersion(_ streamID: String) async throws -> Int64 {
        try await read { c in
            try c.prepared("es_stream_version", "SELECT version FROM streams WHERE stream_id = $1", [streamID]).int64(0, 0) ?? 0
        }
    }

    /// The store's identity: stays fixed for the life of the log; changes on a restore into a new store.
    public func identity() async throws -> StoreIdentity {
        try await read { c in try Self.identity(on: c) }
    }
}

public struct StoreIdentity: Sendable, Hashable, Codable {
    public var storeID: UUID
    public var systemIdentifier: String

    public init(storeID: UUID, systemIdentifier: String) {
        self.storeID = storeID
        self.systemIdentifier = systemIdentifier
    }
}
