import Foundation
import PostgresClient

/// Pages of the log as JSON, built by PostgreSQL from the stored rows (payload and metadata as the
/// objects they are), for the front ends that show events: `GET /api/v1/events`, the MCP
/// `events://stream/{id}` resource and `catalyst events`.
extension PostgresEventStore {
    /// A page of events and where the next page starts.
    public struct JSONPage: Sendable {
        /// A JSON array of events: `global_position`, `stream_id`, `stream_version`, `event_id`,
        /// `event_type`, `schema_version`, `occurred_at`, `recorded_at`, `payload`, `metadata` (and
        /// `tx_id` in reader-order pages).
        public var events: Data
        /// The cursor after the page's last event, as a JSON value: a global position (stream pages), a
        /// `"tx:position"` string (reader-order pages), or `null` for an empty page.
        public var nextAfterJSON: String
    }

    static let pageColumns =
        "global_position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, recorded_at, payload, metadata"

    /// One stream's events after a global position (a stream's positions only grow), oldest first.
    public func jsonPage(stream: String, afterPosition: Int64, limit: Int) async throws -> JSONPage {
        try await pool.withConnection { c in
            let r = try c.query(
                """
                SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.global_position), '[]'::jsonb)::text, max(t.global_position)::text
                FROM (SELECT \(Self.pageColumns) FROM events WHERE stream_id = $1 AND global_position > $2::bigint ORDER BY global_position LIMIT $3) t
                """, [stream, afterPosition, limit])
            return JSONPage(events: Data((r.string(0, 0) ?? "[]").utf8), nextAfterJSON: r.string(0, 1) ?? "null")
        }
    }

    /// The whole log after `cursor` in reader order, below the read horizon (see `readAll(after:limit:)`),
    /// so a page never skips an event that commits later with a lower position.
    public func jsonPage(after cursor: LogCursor, limit: Int) async throws -> JSONPage {
        try await pool.withConnection { c in
            let r = try c.query(
                """
                WITH page AS (
                    SELECT tx_id AS tx, tx_id::text AS tx_id, \(Self.pageColumns) FROM events
                    WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
                    ORDER BY tx_id, global_position LIMIT $3)
                SELECT (SELECT coalesce(jsonb_agg(to_jsonb(p) - 'tx' ORDER BY p.tx, p.global_position), '[]'::jsonb)::text FROM page p),
                       (SELECT l.tx_id || ':' || l.global_position FROM page l ORDER BY l.tx DESC, l.global_position DESC LIMIT 1)
                """, [String(cursor.transactionID), cursor.position, limit])
            let next = r.string(0, 1).map { "\"\($0)\"" } ?? "null"
            return JSONPage(events: Data((r.string(0, 0) ?? "[]").utf8), nextAfterJSON: next)
        }
    }
}
