import Foundation

/// Archives plus the live table, read as one continuous log in reader order (for ML replay and
/// labelling): the archived events in seq order, then `readAll(after:)` from the last archive's last
/// cursor until every event committed when the table part began has been read (see
/// `PostgresEventStore+CatchUp`).
///
/// Only valid against the store the archives came from: a cursor `(tx_id, global_position)` means
/// nothing in another store (a restored store has new transaction ids and a new `store_id`), so `open`
/// refuses a store whose id differs from the manifests', or whose table does not hold the archive's
/// last event at the recorded cursor.
///
/// Iterate event by event (`for try await event in log`) or, faster, batch by batch with
/// `Iterator.nextBatch()`. Archive segments are decoded with their LZ4 checksums checked; the hash chain
/// is not recomputed here (`catalyst archive verify` does that).
public struct ContinuousLog: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    public let archives: [URL]
    public let manifests: [ArchiveManifest]
    /// Where the table part begins: the last archived event's reader cursor.
    public let boundary: LogCursor
    let store: PostgresEventStore
    let pageSize: Int

    public static func open(archives: [URL], store: PostgresEventStore, pageSize: Int = 10_000) async throws -> ContinuousLog {
        let manifests = try ArchiveSet.load(archives)
        let live = try await store.identity()
        let archived = manifests[0].storeID
        guard archived == live.storeID else {
            throw ArchiveError.refused(
                "the archive belongs to store \(archived.uuidString.lowercased()) but the live store is "
                    + "\(live.storeID.uuidString.lowercased()); its reader cursors mean nothing here "
                    + "(a restored store has new transaction ids: read its table from the start instead)")
        }
        let boundary = manifests.last!.lastCursor.logCursor!
        let tx = try await store.pool.withConnection { c in
            try c.query("SELECT tx_id::text FROM events WHERE global_position = $1", [boundary.position]).string(0, 0)
        }
        guard tx == String(boundary.transactionID) else {
            throw ArchiveError.refused(
                "the live table does not hold the archive's last event at cursor \(boundary) "
                    + "(found \(tx.map { "tx \($0)" } ?? "no event") at position \(boundary.position))")
        }
        return ContinuousLog(archives: archives, manifests: manifests, boundary: boundary, store: store, pageSize: pageSize)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(log: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let log: ContinuousLog
        private var archiveIndex = 0
        private var reader: ArchiveReader?
        private var cursor: LogCursor
        private var buffer: [RecordedEvent] = []
        private var position = 0
        private var exhausted = false
        /// Taken when the table part begins: every event committed by then is read.
        private var target: UInt64?

        init(log: ContinuousLog) {
            self.log = log
            self.cursor = log.boundary
        }

        /// The next batch in reader order; nil once the table is exhausted.
        public mutating func nextBatch() async throws -> [RecordedEvent]? {
            while archiveIndex < log.archives.count {
                if reader == nil { reader = try ArchiveReader(directory: log.archives[archiveIndex], decodeHashes: false) }
                if let batch = try reader!.nextEvents() { return batch }
                reader = nil
                archiveIndex += 1
            }
            guard !exhausted else { return nil }
            if target == nil { target = try await log.store.catchUpTarget() }
            let batch = try await log.store.readAll(after: cursor, limit: log.pageSize, reaching: target!)
            guard let last = batch.last else {
                exhausted = true
                return nil
            }
            cursor = last.cursor
            return batch
        }

        public mutating func next() async throws -> RecordedEvent? {
            while position == buffer.count {
                guard let batch = try await nextBatch() else { return nil }
                buffer = batch
                position = 0
            }
            defer { position += 1 }
            return buffer[position]
        }
    }
}
