import Crypto
import Foundation
import PostgresClient

/// Takes old partitions out of the partitioned log once a verified archive holds every one of their
/// events (`catalyst archive export --detach`, `catalyst archive detach`).
///
/// A partition `[first, end)` is detached only when:
/// - every archive of the chain verifies (manifest, file hashes, LZ4 checksums, the recomputed hash chain),
///   and the chain belongs to this store;
/// - the partition ends at or before the position of the chain's last archived event, so the table keeps
///   the event where a continuous read (`ContinuousLog`) crosses from the archives to the table;
/// - under an exclusive lock on the log (no append is in flight), the partition holds exactly the events
///   the archives hold at its positions: the same positions with the same event ids.
///
/// The partition's record gains the archive (its manifest's SHA-256, the count, when verified) and its
/// detach time in the same transaction as the DETACH; the database's partition guard refuses a DETACH
/// that was not recorded so. The detached table stays, outside the log, until someone drops it. Event
/// ids stay in `event_ids`, so an archived event's id can never be used again.
public enum PartitionDetach {
    public struct Report: Sendable, Equatable {
        public var detached: [String] = []
        public var detachedEvents: Int64 = 0
        /// Partitions left in the log, with the reason.
        public var kept: [String: String] = [:]
    }

    /// md5 of `position:event-id` joined by commas in position order: what the table computes with
    /// `string_agg` for the same events (empty for none).
    static func digest(_ events: [(Int64, UUID)]) -> String {
        guard !events.isEmpty else { return "" }
        let text = events.map { "\($0.0):\($0.1.uuidString.lowercased())" }.joined(separator: ",")
        return Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func run(archives: [URL], on c: PGConnection) throws -> Report {
        var manifestSHA = ""
        for dir in archives {
            switch ArchiveVerifier.verify(directory: dir) {
            case .ok(let v): manifestSHA = v.manifestSHA256
            case .broken(let error): throw ArchiveError.refused("\(dir.path) does not verify, nothing detached: \(error)")
            }
        }
        let manifests = try ArchiveSet.load(archives, requireGenesis: false)
        let store = try c.query("SELECT store_id::text FROM event_store_identity").string(0, 0).flatMap(UUID.init(uuidString:))
        guard manifests[0].storeID == store else {
            throw ArchiveError.refused("the archives belong to store \(manifests[0].storeID.uuidString.lowercased()), not this one: nothing detached")
        }
        guard let boundary = manifests.last!.lastCursor.logCursor else { throw ArchiveError.refused("the archive holds no event: nothing detached") }

        let candidates = try c.query(
            """
            SELECT p.name, p.first_position, p.end_position FROM event_partitions p
            JOIN pg_inherits i ON i.inhrelid = to_regclass('public.' || quote_ident(p.name)) AND i.inhparent = 'events'::regclass
            WHERE p.detached_at IS NULL ORDER BY p.first_position
            """)
        var report = Report()
        var ranges: [(name: String, first: Int64, end: Int64)] = []
        for row in 0..<candidates.rowCount {
            let name = candidates.string(row, 0)!
            let first = candidates.int64(row, 1)!
            let end = candidates.int64(row, 2)!
            if end <= boundary.position { ranges.append((name, first, end)) } else {
                report.kept[name] = "it ends at \(end), after the archive's last event at position \(boundary.position)"
            }
        }
        guard !ranges.isEmpty else { return report }

        // The archived events at each candidate's positions: (position, event id), to compare with the table's.
        var archived = [[(Int64, UUID)]](repeating: [], count: ranges.count)
        for dir in archives {
            let reader = try ArchiveReader(directory: dir, decodeHashes: false)
            while let events = try reader.nextEvents() {
                for e in events {
                    if let i = ranges.firstIndex(where: { e.position >= $0.first && e.position < $0.end }) { archived[i].append((e.position, e.eventID)) }
                }
            }
        }
        let digests = archived.map { Self.digest($0.sorted { $0.0 < $1.0 }) }

        try c.transaction {
            // No append is in flight past this lock, and none starts until the commit. Trading waits while the
            // partitions are compared; give up rather than wait long for the lock itself.
            try c.execute("SET LOCAL lock_timeout = '10s'")
            try c.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            for (i, r) in ranges.enumerated() {
                let table = c.quoteIdentifier(r.name)
                let row = try c.query(
                    "SELECT count(*), coalesce(md5(string_agg(global_position::text || ':' || event_id::text, ',' ORDER BY global_position)), '') FROM \(table)")
                let stored = row.int64(0, 0) ?? -1
                guard stored == Int64(archived[i].count), row.string(0, 1) == digests[i] else {
                    report.kept[r.name] =
                        "it holds \(stored) events and the archives \(archived[i].count) at its positions"
                        + (stored == Int64(archived[i].count) ? ", not the same ones" : "")
                    continue
                }
                try c.query("SELECT set_config('catalyst.detach_partition', $1, true)", [r.name])
                try c.query(
                    """
                    UPDATE event_partitions SET archive_file = $2, archive_sha256 = $3, archived_events = $4,
                           archive_verified_at = clock_timestamp(), detached_at = clock_timestamp()
                    WHERE name = $1
                    """, [r.name, archives.last!.path, manifestSHA, String(stored)])
                try c.execute("ALTER TABLE events DETACH PARTITION \(c.quoteIdentifier(r.name))")
                report.detached.append(r.name)
                report.detachedEvents += stored
            }
        }
        return report
    }
}
