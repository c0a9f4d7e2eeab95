import Foundation
import PostgresClient

/// The invariant every reader relies on: every stored `tx_id` is below the running cluster's next
/// transaction id. Readers take only rows older than the oldest transaction in flight; a log restored
/// from a logical dump (`pg_dump`/`pg_restore`) or copied into a new cluster keeps the old cluster's
/// transaction ids, which can be far ahead of the new cluster's counter, so new events interleave with
/// and hide behind restored ones: projections stall and the audit chain reports a break that is no
/// tamper. Physical backups, point-in-time recovery, streaming replicas and `pg_upgrade` keep the
/// transaction-id space, so they pass. Checked by every role before it appends or applies anything.
public struct TransactionIDCheck: Sendable {
    public struct Reading: Sendable, Equatable {
        /// The largest stored `tx_id` (nil: an empty log).
        public var maxStored: UInt64?
        /// The cluster's next transaction id (`pg_snapshot_xmax` of a fresh snapshot).
        public var next: UInt64
        public var holds: Bool { (maxStored ?? 0) < next }
    }

    public struct Violation: Error, CustomStringConvertible, Sendable, Equatable {
        public var reading: Reading
        public init(reading: Reading) { self.reading = reading }
        public var description: String {
            let stored = reading.maxStored.map(String.init) ?? "0"
            return """
                the event log holds transaction ids up to \(stored), but this cluster's next transaction id is \(reading.next): \
                the log was restored from a logical dump (pg_dump/pg_restore) or copied into another cluster, so readers \
                would stop short and the audit chain would report a false break. Nothing was appended or applied. \
                Fix: for the embedded cluster, restore with `catalyst restore DUMP` into a fresh CATALYST_HOME (it moves the \
                cluster's transaction counter past the log); on a server you run, stop it and run \
                `pg_resetwal -e \(TransactionIDCheck.epoch(of: reading)) -x \(TransactionIDCheck.safeNextXid(after: reading.maxStored ?? 0)) -D <data directory>`, \
                then start it (see docs/backup-and-restore.md)
                """
        }
    }

    public init() {}

    public func read(on c: PGConnection) throws -> Reading {
        let r = try c.query("SELECT (SELECT max(tx_id) FROM events)::text, pg_snapshot_xmax(pg_current_snapshot())::text")
        return Reading(maxStored: r.string(0, 0).flatMap { UInt64($0) }, next: UInt64(r.string(0, 1) ?? "0") ?? 0)
    }

    /// The same, on a database that holds an event store; nothing to check before `catalyst migrate`.
    public func requireIfStore(on c: PGConnection) throws {
        guard try c.query("SELECT to_regclass('events') IS NOT NULL").bool(0, 0) == true else { return }
        try require(on: c)
    }

    /// Throws `Violation` when a stored transaction id is not below the next one.
    public func require(on c: PGConnection) throws {
        let reading = try read(on: c)
        guard reading.holds else { throw Violation(reading: reading) }
    }

    /// The epoch (upper 32 bits) of the largest stored transaction id.
    static func epoch(of reading: Reading) -> UInt64 { (reading.maxStored ?? 0) >> 32 }

    /// The 32-bit next xid to give `pg_resetwal -x` so that every stored id is below it: the start of the
    /// next `pg_xact` segment after the largest one (1,048,576 transactions each), so the server creates
    /// that segment itself.
    public static func safeNextXid(after maxStored: UInt64) -> UInt64 {
        let low = maxStored & 0xFFFF_FFFF
        return (low / 1_048_576 + 1) * 1_048_576
    }
}
