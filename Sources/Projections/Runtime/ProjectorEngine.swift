import EventStore
import Foundation
import Logging
import PostgresClient
import ServiceLifecycle
import Synchronization

/// Runs one projection: waits as a standby until it holds the projection's advisory lock, brings the live
/// schema up to the current definition (rebuilding in a shadow schema when the SQL or code version
/// changed, or the log was restored into another store), then follows the log live.
///
/// Every batch is applied together with its checkpoint in one transaction. The checkpoint only moves
/// forward and only while this session holds the lock, so a batch has its effect exactly once even if
/// the process is killed at any point or a second instance wakes up.
public struct ProjectorEngine: Sendable, CustomStringConvertible {
    /// The projection's name only: never the connection string (it may carry a password).
    public var description: String { "ProjectorEngine(\(definition.name))" }

    public let projection: any Projection
    public let definition: ProjectionDefinition
    let conninfo: String
    let waker: LogWaker?
    let logger: Logger
    let instance: String

    public var liveBatchSize = 2_000
    public var rebuildBatchSize = 10_000
    public var pollInterval: Duration = .milliseconds(250)
    public var standbyInterval: Duration = .milliseconds(500)
    public var heartbeatInterval: Duration = .seconds(2)
    /// Read typed pages when the projection names its event types (see `applyNext`). Off, every page is
    /// read whole and filtered here: what `bench rebuild --whole-pages` compares against.
    public var typedPages = true
    /// Counts (re)connects of the engine's session, so the first batch on every new connection first checks
    /// that the log still holds the checkpoint's event (`requireSameTimeline`).
    let connects = ConnectionCount()
    /// A hot standby to read the log from while following (`catalyst.read.url`). Pages are read there and
    /// applied, with the checkpoint, on the primary (`conninfo`): the checkpoint only moves forward from
    /// where it stood, under the projection's lock, so a page applies once whichever side fails over. A
    /// standby that lags only delays the projection; one behind the checkpoint returns nothing new until
    /// it catches up. Rebuilds read the primary. Give it a waker made with `LogWaker(replayOf:)`.
    public var readConninfo: String?

    public init(projection: any Projection, definition: ProjectionDefinition, conninfo: String, waker: LogWaker?, logger: Logger) {
        self.projection = projection
        self.definition = definition
        self.conninfo = conninfo
        self.waker = waker
        self.logger = logger
        self.instance = "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    var name: String { definition.name }
    private var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    /// Runs until cancelled or a graceful shutdown is requested; throws when the projection fails.
    public func run() async throws {
        let connects = self.connects
        let session = PGSession(conninfo: conninfo, name: "projector-\(name)") { c in
            try TransactionIDCheck().requireIfStore(on: c)
            connects.connected()
        }
        defer { Task { await session.close() } }
        while !stopping {
            guard try await session.withConnection({ c in try ProjectionLock.tryAcquire(c, name: name) }) else {
                try? await Task.sleep(for: standbyInterval)
                continue
            }
            logger.info("projection active", metadata: ["projection.name": "\(name)", "instance": "\(instance)"])
            do {
                try await prepare(session)
                try await follow(session)
            } catch ProjectionLockLost.lost {
                logger.warning("projection lock lost; returning to standby", metadata: ["projection.name": "\(name)"])
                await session.reset()
                continue
            }
        }
        _ = try? await session.withConnection { c in try ProjectionStatusSQL.set(c, name: name, state: "stopped", instance: instance) }
    }

    /// Rebuilds from the start of the log into the shadow schema and swaps it in; returns once the rebuilt
    /// tables are live and hold every event committed before the call (it waits while an older open
    /// transaction holds the read horizon back). Takes the lock itself (waiting while another instance holds it).
    /// `progress` gets the global position reached after each batch.
    public func rebuildNow(progress: (@Sendable (Int64) -> Void)? = nil) async throws {
        let connects = self.connects
        let session = PGSession(conninfo: conninfo, name: "rebuild-\(name)") { c in
            try TransactionIDCheck().requireIfStore(on: c)
            connects.connected()
        }
        defer { Task { await session.close() } }
        while !(try await session.withConnection { c in try ProjectionLock.tryAcquire(c, name: name) }) {
            try await Task.sleep(for: standbyInterval)
        }
        let target = try await session.withConnection { c in try PostgresEventStore.catchUpTarget(on: c) }
        try await rebuild(session, resume: false, reaching: target, progress: progress)
    }

    private func storeIdentity(_ session: PGSession) async throws -> StoreIdentity {
        try await session.withConnection { c in try PostgresEventStore.identity(on: c) }
    }

    /// Makes the live schema current; rebuilds when it is missing, stale, or from another store.
    private func prepare(_ session: PGSession) async throws {
        let store = try await storeIdentity(session)
        let checksum = definition.checksum
        let live = try await session.withConnection { c in try CheckpointSQL.read(c, schema: definition.liveSchema) }
        if let live, live.checksum == checksum, live.storeID == store.storeID { return }
        let reason = live == nil ? "first build" : live?.storeID != store.storeID ? "log belongs to another store" : "definition changed"
        logger.notice("rebuilding projection", metadata: ["projection.name": "\(name)", "reason": "\(reason)"])
        try await rebuild(session, resume: true)
    }

    /// `reaching`: a catch-up target (`PostgresEventStore.catchUpTarget`); without one the rebuild swaps in
    /// at the read horizon and the live follower takes it from there.
    private func rebuild(
        _ session: PGSession, resume: Bool, reaching target: UInt64? = nil, progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws {
        let store = try await storeIdentity(session)
        let def = definition
        let shadow = try await session.withConnection { c -> CheckpointSQL.Checkpoint? in
            try ProjectionStatusSQL.set(c, name: def.name, state: "rebuilding", instance: instance)
            if resume, let s = try CheckpointSQL.read(c, schema: def.shadowSchema), s.checksum == def.checksum, s.storeID == store.storeID {
                return s  // an interrupted rebuild of the same definition resumes where it stopped
            }
            try CheckpointSQL.create(c, schema: def.shadowSchema, definition: def, store: store)
            return nil
        }
        var cursor = shadow?.cursor ?? .start
        while true {
            if stopping { return }
            let applied = try await applyNext(session, schema: def.shadowSchema, after: &cursor, limit: rebuildBatchSize)
            guard applied == 0 else {
                progress?(cursor.position)
                continue
            }
            guard let target, !LogCursor.hasReached(target, cursor) else { break }
            try await Task.sleep(for: .seconds(LogCursor.catchUpPollSeconds))
        }
        try await session.withConnection { c in
            try CheckpointSQL.swap(c, definition: def)
            try ProjectionStatusSQL.set(c, name: def.name, state: "live", instance: instance, checksum: def.checksum, codeVersion: def.codeVersion, liveNow: true)
        }
        logger.notice("projection rebuilt and live", metadata: ["projection.name": "\(name)"])
    }

    /// Follows the log on the live schema until stopped.
    private func follow(_ session: PGSession) async throws {
        let reader = readConninfo.map { PGSession(conninfo: $0, name: "projector-read-\(name)") }
        defer { if let reader { Task { await reader.close() } } }
        if let reader {
            // The standby must be one of this ledger (a leftover read URL of another account or store is refused).
            let identity = "SELECT store_id::text || ' ' || system_identifier FROM event_store_identity"
            let mine = try await session.withConnection { c in try c.query(identity).string(0, 0) }
            let theirs = try await reader.withConnection { c in try c.query(identity).string(0, 0) }
            guard let mine, mine == theirs else {
                throw ProjectionRuntimeError.failed(
                    name: name, error: "catalyst.read.url is not a standby of this ledger (its store is \(theirs ?? "unknown"), this one's \(mine ?? "unknown"))")
            }
        }
        let def = definition
        guard let start = try await session.withConnection({ c in try CheckpointSQL.read(c, schema: def.liveSchema) }) else {
            throw ProjectionRuntimeError.failed(name: name, error: "live schema vanished")
        }
        var cursor = start.cursor
        var state = ""
        var lastBeat = ContinuousClock.now
        func setState(_ s: String) async throws {
            guard s != state else { return }
            state = s
            try await session.withConnection { c in
                try ProjectionStatusSQL.set(c, name: def.name, state: s, instance: instance, checksum: def.checksum, codeVersion: def.codeVersion)
            }
        }
        try await setState("catching_up")
        while !stopping {
            if ContinuousClock.now - lastBeat > heartbeatInterval {
                lastBeat = .now
                if try await session.withConnection({ c in try ProjectionStatusSQL.heartbeat(c, name: def.name) }) {
                    try await rebuild(session, resume: false)
                    return try await follow(session)
                }
            }
            let seen = await waker?.currentGeneration ?? 0
            let applied = try await applyNext(session, reader: reader, schema: def.liveSchema, after: &cursor, limit: liveBatchSize)
            if applied > 0 {
                if applied == liveBatchSize { try await setState("catching_up") }
                continue
            }
            try await setState("live")
            if let waker {
                await waker.wait(after: seen, timeout: pollInterval)
            } else {
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Reads the next batch after `cursor` and applies it with its checkpoint. Returns how many events were
    /// read (0 when caught up). On an apply failure the batch is retried one event at a time, so the error
    /// names the exact event and everything before it is kept.
    ///
    /// A projection that names its event types reads a typed page: every event passes (the cursor and the
    /// count stay exact) but only those types come back with payloads, so the server does not turn the
    /// others' `jsonb` into text.
    private func applyNext(_ session: PGSession, reader: PGSession? = nil, schema: String, after cursor: inout LogCursor, limit: Int) async throws -> Int {
        let projection = self.projection
        let name = self.name
        let typed = typedPages
        let from = cursor
        let connects = self.connects
        let outcome: (Int, LogCursor, ProjectionApplyError?)
        do {
            // Read on the standby when there is one; nothing new there is nothing to apply.
            let types = projection.eventTypes
            let page = try await reader?.withConnection { c in try Self.readPage(after: from, limit: limit, types: types, typed: typed, on: c) }
            if let page, page.last == nil { return 0 }
            outcome = try await session.withConnection { c -> (Int, LogCursor, ProjectionApplyError?) in
                // On a new connection (after a restart, a lost connection or a failover) the checkpoint's event
                // must still be where it was, before anything is read on top of it.
                if let generation = connects.unverified {
                    try Self.requireSameTimeline(c, cursor: from, name: name)
                    connects.verified(generation)
                }
                if let page, let last = page.last {
                    // A standby only replays what the primary wrote: an event it has that the primary lacks
                    // (a standby left on a timeline the failover abandoned) is a fork, never applied. A standby
                    // can show a commit a moment before the primary's own snapshots do (its WAL is flushed and
                    // shipped before the committing backend leaves the primary's process array): a missing row
                    // is looked for again for up to a second before it counts as a fork.
                    var attempts = 0
                    while try PostgresEventStore.transactionID(ofPosition: last.position, on: c) == nil, attempts < 50 {
                        attempts += 1
                        Thread.sleep(forTimeInterval: 0.02)
                    }
                    try Self.requireSameTimeline(c, cursor: last, name: name)
                    return try Self.apply(page: page, after: from, projection: projection, name: name, schema: schema, on: c)
                }
                return try Self.applyPage(after: from, limit: limit, typed: typed, projection: projection, name: name, schema: schema, on: c)
            }
        } catch let forked as ProjectionRuntimeError {
            guard case .forkedTimeline = forked else { throw forked }
            let def = definition
            try? await session.withConnection { c in
                try ProjectionStatusSQL.set(c, name: def.name, state: "failed", instance: instance, error: forked.description, errorPosition: from.position)
            }
            logger.critical("projection stopped: the log no longer holds its checkpoint", metadata: ["projection.name": "\(name)", "checkpoint": "\(from)"])
            throw forked
        }
        cursor = outcome.1
        if let failure = outcome.2 {
            let def = definition
            try await session.withConnection { c in
                try ProjectionStatusSQL.set(
                    c, name: def.name, state: "failed", instance: instance, error: failure.description, errorPosition: failure.position,
                    errorEventType: failure.eventType)
            }
            logger.error("projection failed", metadata: ["projection.name": "\(name)", "position": "\(failure.position)", "error": "\(failure.reason)"])
            throw ProjectionRuntimeError.failed(name: name, error: failure.description)
        }
        return outcome.0
    }

    /// Fails with `forkedTimeline` unless the event the checkpoint stands on is in the log with the same
    /// transaction: after an asynchronous failover the new primary may lack the last events a projection
    /// applied, and following on would fold a forked history onto them.
    static func requireSameTimeline(_ c: PGConnection, cursor: LogCursor, name: String) throws {
        guard cursor.position > 0 else { return }
        guard try PostgresEventStore.transactionID(ofPosition: cursor.position, on: c) == cursor.transactionID else {
            throw ProjectionRuntimeError.forkedTimeline(name: name, checkpoint: cursor.description)
        }
    }

    /// Reads one page after `from` and applies it with its checkpoint (narrowing a failure to its event).
    static func applyPage(
        after from: LogCursor, limit: Int, typed: Bool, projection: any Projection, name: String, schema: String, on c: PGConnection
    ) throws -> (Int, LogCursor, ProjectionApplyError?) {
        try apply(page: try Self.readPage(after: from, limit: limit, types: projection.eventTypes, typed: typed, on: c), after: from,
            projection: projection, name: name, schema: schema, on: c)
    }

    /// Applies a page read after `from` (here or on a standby) with its checkpoint, narrowing a failure to its event.
    static func apply(
        page: TypedLogPage, after from: LogCursor, projection: any Projection, name: String, schema: String, on c: PGConnection
    ) throws -> (Int, LogCursor, ProjectionApplyError?) {
        guard let last = page.last else { return (0, from, nil) }
        do {
            try Self.apply(page.events, through: last, passed: page.count, lastRecordedAt: page.lastRecordedAt, projection: projection, name: name, schema: schema, on: c)
            return (page.count, last, nil)
        } catch let e as ProjectionLockLost {
            throw e
        } catch let e as PGError where e.isConnectionLoss || e.isServerCannotWrite {
            // Not the event's fault (the server is gone, its disk is full, it is read-only): nothing is
            // marked failed; the runner tries again once the server can take writes.
            throw e
        } catch {
            // Narrow down: apply one by one; the first failure is the culprit.
            var cur = from
            var passed = 0
            for (event, ordinal) in zip(page.events, page.ordinals) {
                do {
                    try Self.apply(
                        [event], through: event.cursor, passed: ordinal + 1 - passed, lastRecordedAt: event.recordedAt, projection: projection, name: name,
                        schema: schema, on: c)
                    cur = event.cursor
                    passed = ordinal + 1
                } catch let e as ProjectionApplyError {
                    return (0, cur, e)
                } catch {
                    return (0, cur, ProjectionApplyError(event: event, reason: "\(error)"))
                }
            }
            if cur != last {
                try Self.apply([], through: last, passed: page.count - passed, lastRecordedAt: page.lastRecordedAt, projection: projection, name: name, schema: schema, on: c)
            }
            return (page.count, last, nil)
        }
    }

    /// The next page for a projection: typed when it names its event types, whole otherwise.
    static func readPage(after cursor: LogCursor, limit: Int, types: Set<String>?, typed: Bool, on c: PGConnection) throws -> TypedLogPage {
        if let types, typed { return try PostgresEventStore.readAll(after: cursor, limit: limit, types: types, on: c) }
        let batch = try PostgresEventStore.readAll(after: cursor, limit: limit, on: c)
        let ordinals = types.map { t in batch.indices.filter { t.contains(batch[$0].eventType) } } ?? Array(batch.indices)
        return TypedLogPage(
            events: ordinals.map { batch[$0] }, ordinals: ordinals, count: batch.count, last: batch.last?.cursor, lastRecordedAt: batch.last?.recordedAt)
    }

    /// Applies `events` (already only the projection's types) and moves the checkpoint to `through`,
    /// counting `passed` events, in one transaction.
    static func apply(
        _ events: [RecordedEvent], through last: LogCursor, passed: Int, lastRecordedAt: Date?, projection: any Projection, name: String, schema: String,
        on c: PGConnection
    ) throws {
        try c.transaction {
            if !events.isEmpty {
                try c.execute("SET LOCAL search_path = \(c.quoteIdentifier(schema)), public")
                try projection.apply(events, to: ProjectionContext(connection: c, schema: schema))
            }
            guard try ProjectionLock.isHeld(c, name: name) else { throw ProjectionLockLost.lost }
            guard try CheckpointSQL.advance(c, schema: schema, to: last, applied: passed, lastRecordedAt: lastRecordedAt) else {
                throw ProjectionRuntimeError.checkpointMovedUnderneath(name)
            }
        }
    }
}

enum ProjectionLockLost: Error { case lost }

/// The (re)connects of an engine's session and the last one whose timeline was checked.
final class ConnectionCount: Sendable {
    private let state = Mutex<(connects: Int, verified: Int)>((0, 0))

    /// Called by the session's setup on every (re)connect.
    func connected() { state.withLock { $0.connects += 1 } }

    /// The current connect, when its timeline has not been checked yet.
    var unverified: Int? { state.withLock { $0.connects != $0.verified ? $0.connects : nil } }

    func verified(_ generation: Int) { state.withLock { $0.verified = generation } }
}

/// The advisory lock that makes one instance of a projection active; more instances wait as standbys.
/// Session-level: it is released when the connection closes, which is what lets a standby take over
/// from a killed process.
public enum ProjectionLock {
    static func tryAcquire(_ c: PGConnection, name: String) throws -> Bool {
        if try isHeld(c, name: name) { return true }
        return try c.query(
            "SELECT pg_try_advisory_lock(hashtext('catalyst:projection') & 2147483647, hashtext($1) & 2147483647)", [name]
        ).bool(0, 0) == true
    }

    /// True when another session (a running projector) holds the projection's lock. Probes by taking it
    /// and giving it back at once.
    public static func isHeldElsewhere(name: String, on c: PGConnection) throws -> Bool {
        guard try tryAcquire(c, name: name) else { return true }
        try c.query("SELECT pg_advisory_unlock(hashtext('catalyst:projection') & 2147483647, hashtext($1) & 2147483647)", [name])
        return false
    }

    static func isHeld(_ c: PGConnection, name: String) throws -> Bool {
        try c.prepared(
            "proj_lock_held",
            """
            SELECT EXISTS (SELECT 1 FROM pg_locks
                           WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 2
                             AND classid = (hashtext('catalyst:projection') & 2147483647)::oid
                             AND objid = (hashtext($1) & 2147483647)::oid)
            """, [name]
        ).bool(0, 0) == true
    }
}
