import Foundation
import PostgresClient

extension PostgresEventStore {
    /// The eleven columns of an event, as stored: read them in binary format (`binaryResults: true`) and
    /// decode them with `decodeRow`. No timestamp, uuid or number is printed by the server and parsed again here.
    public static let columns = """
        e.global_position, e.tx_id, e.stream_id, e.stream_version, e.event_id, e.event_type,
        e.schema_version, e.payload, e.metadata, e.occurred_at, e.recorded_at
        """

    /// The events of one stream from `version` (1-based, inclusive) in stream order.
    public func readStream(_ streamID: String, from version: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await read { c in
            let r = try c.prepared(
                "es_read_stream",
                "SELECT \(Self.columns) FROM events e WHERE e.stream_id = $1 AND e.stream_version >= $2 ORDER BY e.stream_version LIMIT $3",
                [streamID, version, limit], binaryResults: true)
            return try Self.decodeRows(r)
        }
    }

    /// The next events of the whole log after `cursor`, in reader order, at most `limit`.
    ///
    /// Only events whose transaction is older than every transaction still in flight are returned, so an
    /// event that commits later can never land behind a cursor already handed out. A long-running writing
    /// transaction anywhere in the cluster therefore delays readers (lag), but never makes them skip.
    public func readAll(after cursor: LogCursor, limit: Int = 1000) async throws -> [RecordedEvent] {
        try await pool.withConnection { c in try Self.readAll(after: cursor, limit: limit, on: c) }
    }

    static let readAllSQL = """
        SELECT \(columns) FROM events e
        WHERE (e.tx_id, e.global_position) > ($1::text::xid8, $2::bigint)
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx_id, e.global_position
        LIMIT $3
        """

    /// The same read on a connection the caller holds (projectors read and apply on their own session).
    public static func readAll(after cursor: LogCursor, limit: Int, on c: PGConnection) throws -> [RecordedEvent] {
        try readPage(after: cursor, limit: limit, on: c).events()
    }

    /// One page as the server sent it (binary format), not decoded yet: its last cursor is known at once,
    /// so a reader can ask for the next page before decoding this one (`readPages`).
    static func readPage(after cursor: LogCursor, limit: Int, on c: PGConnection) throws -> RawLogPage {
        RawLogPage(result: try c.prepared("es_read_all", readAllSQL, [String(cursor.transactionID), cursor.position, limit], binaryResults: true))
    }

    /// The cursor of the newest event a reader may see now, and how many events are not yet visible to
    /// readers because an older transaction is still open.
    public func head() async throws -> LogHead {
        try await read { c in try Self.head(on: c) }
    }

    /// The same on a connection the caller holds.
    public static func head(on c: PGConnection) throws -> LogHead {
        let r = try c.query(
            """
            SELECT (SELECT max(global_position) FROM events),
                   (SELECT count(*) FROM events WHERE tx_id >= pg_snapshot_xmin(pg_current_snapshot())),
                   pg_snapshot_xmin(pg_current_snapshot())::text
            """)
        return LogHead(maxPosition: r.int64(0, 0) ?? 0, invisibleEvents: r.int64(0, 1) ?? 0, horizon: UInt64(r.string(0, 2) ?? "0") ?? 0)
    }

    /// The latest business time (`occurred_at`) of a committed event within `[from, to]`, or nil: where a
    /// restarted simulated clock resumes (one pass over the log; run once at start).
    public func latestOccurrence(from: Date, to: Date) async throws -> Date? {
        try await read { c in
            let r = try c.query(
                "SELECT max(occurred_at) FROM events WHERE occurred_at >= $1::timestamptz AND occurred_at <= $2::timestamptz",
                [PGTimestamp.format(from), PGTimestamp.format(to)])
            return r.string(0, 0).flatMap(PGTimestamp.parse)
        }
    }

    /// Decodes every row of `columns` read in binary format.
    public static func decodeRows(_ r: PGResult) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        out.reserveCapacity(r.rowCount)
        for row in 0..<r.rowCount { out.append(try decodeRow(r, row, offset: 0)) }
        return out
    }

    /// `jsonb`'s type OID: a log not yet migrated to `json` payloads (before migration 0004) sends its version byte.
    static let jsonbOID: UInt32 = 3802

    /// Decodes the eleven `columns`, read in binary format, starting at column `offset` of a row.
    public static func decodeRow(_ r: PGResult, _ row: Int, offset o: Int) throws -> RecordedEvent {
        let jsonb = r.typeOID(o + 7) == jsonbOID
        guard let position = r.binaryInt64(row, o), let tx = r.binaryUInt64(row, o + 1), let stream = r.string(row, o + 2),
            let version = r.binaryInt64(row, o + 3), let id = r.binaryUUID(row, o + 4), let type = r.string(row, o + 5),
            let schema = r.binaryInt32(row, o + 6), let payload = r.binaryJSON(row, o + 7, isJSONB: jsonb),
            let meta = r.binaryJSON(row, o + 8, isJSONB: jsonb), let occurred = r.binaryTimestampMicros(row, o + 9),
            let recorded = r.binaryTimestampMicros(row, o + 10)
        else { throw PGError(.decoding, message: "malformed event row \(row)") }
        return RecordedEvent(
            position: position, transactionID: tx, streamID: stream, streamVersion: version, eventID: id, eventType: type,
            schemaVersion: Int(schema), payload: Data(buffer: payload), metadata: Data(buffer: meta), occurredAtMicros: occurred,
            recordedAtMicros: recorded)
    }
}

/// A snapshot of the log's head.
public struct LogHead: Sendable, Hashable {
    /// The largest global position stored (committed).
    public var maxPosition: Int64
    /// Committed events that readers cannot take yet because an older transaction is still open.
    public var invisibleEvents: Int64
    /// The oldest in-flight transaction id (`pg_snapshot_xmin`).
    public var horizon: UInt64
}
