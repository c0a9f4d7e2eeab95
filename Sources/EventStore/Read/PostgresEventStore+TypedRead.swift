import Foundation
import PostgresClient

/// A page of the whole log in which only some event types carry their payloads.
///
/// A reader that folds a few event types (the orders projection reads 15 % of a trading log) still has to
/// pass every event to keep its cursor, its count and reader order exact. Sending the payloads is the
/// largest cost of a table replay for the server and the client, so here it is paid only for the event
/// types asked for; the other rows come back as position, transaction and recording time.
public struct TypedLogPage: Sendable {
    /// The events of the asked types, in reader order, whole.
    public var events: [RecordedEvent]
    /// For each of `events`, its index among all the events the page passed.
    public var ordinals: [Int]
    /// Every event the page passed, asked for or not (the page size, unless the log ended).
    public var count: Int
    /// The cursor of the last event passed; nil when the page is empty.
    public var last: LogCursor?
    /// The recording time of the last event passed.
    public var lastRecordedAt: Date?

    public init(events: [RecordedEvent], ordinals: [Int], count: Int, last: LogCursor? = nil, lastRecordedAt: Date? = nil) {
        self.events = events
        self.ordinals = ordinals
        self.count = count
        self.last = last
        self.lastRecordedAt = lastRecordedAt
    }
}

extension PostgresEventStore {
    static let typedReadAllSQL = """
        SELECT e.global_position, e.tx_id, e.stream_id, e.stream_version, e.event_id, e.event_type, e.schema_version,
               CASE WHEN e.event_type = ANY($4::text[]) THEN e.payload END,
               CASE WHEN e.event_type = ANY($4::text[]) THEN e.metadata END,
               e.occurred_at, e.recorded_at
        FROM events e
        WHERE (e.tx_id, e.global_position) > ($1::text::xid8, $2::bigint)
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx_id, e.global_position
        LIMIT $3
        """

    /// `readAll(after:limit:on:)` with payloads only for `types`: the same events pass, in the same order,
    /// below the same horizon; the others are counted and skipped.
    public static func readAll(after cursor: LogCursor, limit: Int, types: Set<String>, on c: PGConnection) throws -> TypedLogPage {
        var list = PGArrayLiteral()
        for t in types.sorted() { list.append(t) }
        let r = try c.prepared(
            "es_read_all_typed", typedReadAllSQL, [String(cursor.transactionID), cursor.position, limit, list.finished()], binaryResults: true)
        var page = TypedLogPage(events: [], ordinals: [], count: r.rowCount)
        guard r.rowCount > 0 else { return page }
        for row in 0..<r.rowCount {
            // A row of another type has no payload: only its place in the log is kept.
            if !r.isNull(row, 7) {
                page.events.append(try decodeRow(r, row, offset: 0))
                page.ordinals.append(row)
            }
        }
        let lastRow = r.rowCount - 1
        guard let position = r.binaryInt64(lastRow, 0), let tx = r.binaryUInt64(lastRow, 1) else {
            throw PGError(.decoding, message: "malformed event row \(lastRow)")
        }
        page.last = LogCursor(transactionID: tx, position: position)
        page.lastRecordedAt = r.binaryTimestampMicros(lastRow, 10).map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
        return page
    }

    /// The typed read of a replay that has to reach the end: an empty page only once `cursor` has reached
    /// `target` (see `readAll(after:limit:reaching:)`).
    public func readAll(after cursor: LogCursor, limit: Int, types: Set<String>, reaching target: UInt64) async throws -> TypedLogPage {
        while true {
            let page = try await pool.withConnection { c in try Self.readAll(after: cursor, limit: limit, types: types, on: c) }
            if page.count > 0 || LogCursor.hasReached(target, cursor) { return page }
            try await Task.sleep(for: .seconds(LogCursor.catchUpPollSeconds))
        }
    }
}
