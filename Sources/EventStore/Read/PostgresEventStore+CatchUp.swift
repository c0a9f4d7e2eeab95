import Foundation
import PostgresClient

/// Reading "everything committed when I began".
///
/// `readAll(after:)` stops at the read horizon: while any transaction in the cluster that is older than
/// an event's is still open (in another database too: transaction ids are cluster-wide), the event is
/// held back, and an empty batch means "nothing more to read now", not "the end of the log". A live
/// projector simply asks again. A rebuild, an as-of build or a replay has to reach the end, or it would
/// silently leave out the newest events. These readers take a target when they begin, the newest
/// committed transaction, and treat an empty batch as the end only once their cursor has reached it.
/// They wait while the horizon is behind it. Events are never skipped, because the horizon still
/// bounds every read.
extension PostgresEventStore {
    /// The newest transaction that has written an event and is visible to this session now (0 for an
    /// empty log).
    public static func catchUpTarget(on c: PGConnection) throws -> UInt64 {
        // `max(tx_id)`, never `SELECT tx_id::text … ORDER BY tx_id`: there ORDER BY names the output column,
        // the text, and "810" sorts after "1193", so a log whose transaction ids crossed a power of ten
        // got a target below its newest events and every catching-up reader stopped short (seen here).
        let r = try c.query("SELECT max(tx_id)::text FROM events")
        return r.string(0, 0).flatMap { UInt64($0) } ?? 0
    }

    public func catchUpTarget() async throws -> UInt64 {
        try await pool.withConnection { c in try Self.catchUpTarget(on: c) }
    }

    /// The same on a connection the caller holds; it blocks the caller's thread while it waits.
    public static func readAll(after cursor: LogCursor, limit: Int, reaching target: UInt64, on c: PGConnection) throws -> [RecordedEvent] {
        while true {
            let batch = try readAll(after: cursor, limit: limit, on: c)
            if !batch.isEmpty || LogCursor.hasReached(target, cursor) { return batch }
            Thread.sleep(forTimeInterval: LogCursor.catchUpPollSeconds)
        }
    }
}
