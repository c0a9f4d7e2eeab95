import Foundation
import PostgresClient

/// What one export will write, decided inside the export's snapshot: the store, the cutoff instant, the
/// seq range and the chain link it starts from, and what it leaves out and why.
struct ExportPlan {
    var identity: StoreIdentity
    var before: String
    /// Midnight of `before` in America/New_York, as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    var cutoff: String
    var firstSeq: Int64
    var lastSeq: Int64
    var startHash: ChainHash
    var unsealedBeforeCutoff: Int64
    var deferredBeforeCutoff: Int64

    static func make(before: String, previous: ArchiveManifest?, on c: PGConnection) throws -> ExportPlan {
        let id = try c.query("SELECT store_id::text, system_identifier FROM event_store_identity")
        guard id.rowCount == 1, let storeID = id.uuid(0, 0), let system = id.string(0, 1) else {
            throw ArchiveError.refused("event_store_identity is missing; run `catalyst migrate`")
        }
        // The database's time zone rules decide New York midnight (daylight saving included).
        let cutoff = try c.query(
            """
            SELECT to_char(($1::date::timestamp AT TIME ZONE 'America/New_York') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            """, [before]
        ).string(0, 0)!

        var firstSeq: Int64 = 1
        var startHash = ChainHash.zero
        if let previous {
            guard previous.storeID == storeID else {
                throw ArchiveError.refused("the previous archive belongs to store \(previous.storeID), this database is store \(storeID)")
            }
            let sealed = try c.query("SELECT hash FROM audit_chain WHERE seq = $1", [previous.lastSeq]).string(0, 0)
            guard sealed == previous.chainEndHash else {
                throw ArchiveError.refused(
                    "the previous archive ends at seq \(previous.lastSeq) with hash \(previous.chainEndHash), but this store's seal there is \(sealed ?? "missing")")
            }
            firstSeq = previous.lastSeq + 1
            startHash = ChainHash(hex: previous.chainEndHash)!
        }

        let head = try c.query("SELECT coalesce(max(seq), 0) FROM audit_chain").int64(0, 0) ?? 0
        let firstNewer = try c.query(
            """
            SELECT min(a.seq) FROM audit_chain a JOIN events e ON e.global_position = a.global_position
            WHERE a.seq >= $1 AND e.recorded_at >= $2::timestamptz
            """, [firstSeq, cutoff]
        ).int64(0, 0)
        let lastSeq = firstNewer.map { $0 - 1 } ?? head
        let unsealed = try c.query(
            """
            SELECT count(*) FROM events e
            WHERE e.recorded_at < $1::timestamptz AND NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.global_position = e.global_position)
            """, [cutoff]
        ).int64(0, 0) ?? 0
        let deferred = try c.query(
            """
            SELECT count(*) FROM audit_chain a JOIN events e ON e.global_position = a.global_position
            WHERE a.seq > $1 AND e.recorded_at < $2::timestamptz
            """, [lastSeq, cutoff]
        ).int64(0, 0) ?? 0

        guard lastSeq >= firstSeq else {
            var why = "nothing to export: no sealed event from seq \(firstSeq) on was recorded before \(before) (midnight America/New_York = \(cutoff))"
            if unsealed > 0 { why += "; \(unsealed) older event(s) are not sealed yet: run the audit_seal projection (`catalyst project`) first" }
            throw ArchiveError.refused(why)
        }
        return ExportPlan(
            identity: StoreIdentity(storeID: storeID, systemIdentifier: system), before: before, cutoff: cutoff, firstSeq: firstSeq,
            lastSeq: lastSeq, startHash: startHash, unsealedBeforeCutoff: unsealed, deferredBeforeCutoff: deferred)
    }
}
