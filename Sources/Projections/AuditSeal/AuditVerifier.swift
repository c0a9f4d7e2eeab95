import EventStore
import Foundation
import PostgresClient

/// Recomputes the audit chain from the events themselves and compares it with the seal.
public struct AuditVerifier: Sendable {
    public struct Anchor: Codable, Sendable, Hashable {
        public var seq: Int64
        public var hash: String
        public var globalPosition: Int64
        public var storeID: UUID?
        public var exportedAt: Date?

        public init(seq: Int64, hash: String, globalPosition: Int64, storeID: UUID? = nil, exportedAt: Date? = nil) {
            self.seq = seq
            self.hash = hash
            self.globalPosition = globalPosition
            self.storeID = storeID
            self.exportedAt = exportedAt
        }

        enum CodingKeys: String, CodingKey {
            case seq, hash
            case globalPosition = "global_position"
            case storeID = "store_id"
            case exportedAt = "exported_at"
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// Every sealed event matches; `head` is the last link checked.
        case ok(head: Anchor, checked: Int64, unsealed: Int64)
        /// The first event whose bytes no longer produce the sealed hash (or that is missing or out of order).
        case broken(seq: Int64, globalPosition: Int64, streamID: String, reason: String)
        /// Every sealed event matches, but events appended after the seal (positions beyond its last) sort
        /// inside the sealed range because their transaction ids are lower than sealed ones: not sealed yet,
        /// and no sealed event changed. The cause is a log restored without moving the cluster's transaction
        /// counter (docs/backup-and-restore.md), not tampering.
        case unsealedInsideRange(count: Int64, firstPosition: Int64, checked: Int64)
    }

    public init() {}

    /// `[first, end)` of every partition detached after a verified archive; none on a log never partitioned.
    static func detachedRanges(on c: PGConnection) throws -> [(Int64, Int64)] {
        guard try c.query("SELECT to_regclass('event_partitions') IS NOT NULL").bool(0, 0) == true else { return [] }
        let r = try c.query("SELECT first_position, end_position FROM event_partitions WHERE detached_at IS NOT NULL")
        return (0..<r.rowCount).map { (r.int64($0, 0)!, r.int64($0, 1)!) }
    }

    /// Verifies from the genesis, or from an exported anchor (whose hash must match the seal at its seq).
    public func verify(from anchor: Anchor? = nil, on c: PGConnection, pageSize: Int = 10_000, progress: ((Int64) -> Void)? = nil) throws -> Outcome {
        var seq = anchor?.seq ?? 0
        var previous = AuditChain.genesis
        if let anchor {
            guard let bytes = AuditChain.bytes(fromHex: anchor.hash) else {
                return .broken(seq: anchor.seq, globalPosition: anchor.globalPosition, streamID: "", reason: "anchor hash is not hex")
            }
            let sealed = try c.query("SELECT hash, global_position FROM audit_chain WHERE seq = $1", [anchor.seq])
            if anchor.seq > 0 {
                guard sealed.rowCount == 1, sealed.string(0, 0) == anchor.hash, sealed.int64(0, 1) == anchor.globalPosition else {
                    return .broken(
                        seq: anchor.seq, globalPosition: anchor.globalPosition, streamID: "",
                        reason: "the seal at the anchor's seq does not match the exported anchor (history was resealed)")
                }
            }
            previous = bytes
        }
        var lastCursor: LogCursor?
        var checked: Int64 = 0
        var head = anchor ?? Anchor(seq: 0, hash: AuditChain.hex(AuditChain.genesis), globalPosition: 0)
        // Positions of partitions taken out of the log after a verified archive (docs/partitioned-log.md): their
        // sealed events are in the archive, whose own chain `catalyst archive verify` recomputes. Here the chain
        // carries on from their seals.
        let detached = try Self.detachedRanges(on: c)
        while true {
            let r = try c.prepared(
                "audit_verify_page",
                """
                SELECT a.seq, a.hash, a.global_position, a.stream_id, e.tx_id IS NOT NULL, \(PostgresEventStore.columns)
                FROM audit_chain a LEFT JOIN events e ON e.global_position = a.global_position
                WHERE a.seq > $1 ORDER BY a.seq LIMIT $2
                """, [seq, pageSize], binaryResults: true)
            if r.rowCount == 0 { break }
            for row in 0..<r.rowCount {
                let s = r.binaryInt64(row, 0)!
                let stored = r.string(row, 1)!
                let position = r.binaryInt64(row, 2)!
                let stream = r.string(row, 3)!
                guard s == seq + 1 else { return .broken(seq: seq + 1, globalPosition: position, streamID: stream, reason: "audit sequence has a gap") }
                guard r.binaryBool(row, 4) == true else {
                    if detached.contains(where: { position >= $0.0 && position < $0.1 }), let sealedBytes = AuditChain.bytes(fromHex: stored) {
                        previous = sealedBytes
                        seq = s
                        head = Anchor(seq: s, hash: stored, globalPosition: position)
                        continue
                    }
                    return .broken(seq: s, globalPosition: position, streamID: stream, reason: "the sealed event is missing from the log")
                }
                let event = try PostgresEventStore.decodeRow(r, row, offset: 5)
                if let lastCursor, !(lastCursor < event.cursor) {
                    return .broken(seq: s, globalPosition: position, streamID: stream, reason: "event is out of reader order")
                }
                let link = AuditChain.link(previous: previous, seq: s, event: event)
                guard AuditChain.hex(link) == stored else {
                    return .broken(seq: s, globalPosition: position, streamID: event.streamID, reason: "content does not match its seal (event \(event.eventID), \(event.eventType))")
                }
                previous = link
                seq = s
                lastCursor = event.cursor
                checked += 1
                head = Anchor(seq: s, hash: stored, globalPosition: position)
            }
            progress?(checked)
        }
        // Events that are not sealed must all lie after the seal's cursor; anything behind it escaped the chain.
        let behind: Int64
        if let lastCursor {
            behind = try c.query(
                """
                SELECT count(*) FROM events e
                WHERE (e.tx_id, e.global_position) <= ($1::text::xid8, $2::bigint)
                  AND NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.global_position = e.global_position)
                """, [String(lastCursor.transactionID), lastCursor.position]
            ).int64(0, 0) ?? 0
        } else {
            behind = 0
        }
        if behind > 0, let lastCursor {
            // All of them appended after the seal's last event: not sealed yet, not a change of history.
            let maxSealed = head.globalPosition
            let early = try c.query(
                """
                SELECT count(*) FROM events e
                WHERE (e.tx_id, e.global_position) <= ($1::text::xid8, $2::bigint) AND e.global_position <= $3::bigint
                  AND NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.global_position = e.global_position)
                """, [String(lastCursor.transactionID), lastCursor.position, maxSealed]
            ).int64(0, 0) ?? 0
            if early == 0 {
                let first = try c.query(
                    """
                    SELECT min(e.global_position) FROM events e
                    WHERE (e.tx_id, e.global_position) <= ($1::text::xid8, $2::bigint)
                      AND NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.global_position = e.global_position)
                    """, [String(lastCursor.transactionID), lastCursor.position]
                ).int64(0, 0) ?? 0
                return .unsealedInsideRange(count: behind, firstPosition: first, checked: checked)
            }
        }
        if behind > 0 {
            let first = try c.query(
                """
                SELECT e.global_position, e.stream_id FROM events e
                WHERE (e.tx_id, e.global_position) <= ($1::text::xid8, $2::bigint)
                  AND NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.global_position = e.global_position)
                ORDER BY e.tx_id, e.global_position LIMIT 1
                """, [String(lastCursor!.transactionID), lastCursor!.position])
            return .broken(seq: seq, globalPosition: first.int64(0, 0) ?? 0, streamID: first.string(0, 1) ?? "", reason: "\(behind) event(s) inside the sealed range are not in the chain")
        }
        let unsealed = try c.query("SELECT count(*) FROM events").int64(0, 0)! - (try c.query("SELECT count(*) FROM audit_chain").int64(0, 0)!)
        return .ok(head: head, checked: checked, unsealed: unsealed)
    }

    /// The current head of the seal, for export outside the database.
    public func anchor(on c: PGConnection) throws -> Anchor {
        let r = try c.query("SELECT seq, hash, global_position FROM audit_chain ORDER BY seq DESC LIMIT 1")
        let store = try c.query("SELECT store_id::text FROM event_store_identity").uuid(0, 0)
        guard r.rowCount == 1 else { return Anchor(seq: 0, hash: AuditChain.hex(AuditChain.genesis), globalPosition: 0, storeID: store) }
        return Anchor(seq: r.int64(0, 0)!, hash: r.string(0, 1)!, globalPosition: r.int64(0, 2)!, storeID: store)
    }
}
