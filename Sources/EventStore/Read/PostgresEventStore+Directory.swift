import Foundation
import PostgresClient

/// The store's own questions about its streams and business time, so that no other module writes SQL
/// against `streams` or `events`.
extension PostgresEventStore {
    public func streamHeads(prefix: String, touchedWithin: TimeInterval?) async throws -> [StreamHead] {
        try await read { c -> [StreamHead] in
            // Stream heads carry the database's own clock (`updated_at`), so "touched within" is wall time.
            let r = try c.prepared(
                "es_stream_heads",
                """
                SELECT stream_id, version FROM streams
                WHERE starts_with(stream_id, $1)
                  AND ($2::float8 IS NULL OR updated_at >= clock_timestamp() - make_interval(secs => $2::float8))
                ORDER BY created_at, stream_id
                """, [prefix, touchedWithin.map { PGValue.text(String($0)) } ?? .null])
            return (0..<r.rowCount).compactMap { i in r.string(i, 0).map { StreamHead(id: $0, version: r.int64(i, 1) ?? 0) } }
        }
    }

    public func events(occurredFrom from: Date, before: Date) async throws -> [RecordedEvent] {
        try await read { c in
            try Self.decodeRows(
                try c.prepared(
                    "es_events_occurred",
                    "SELECT \(Self.columns) FROM events e WHERE e.occurred_at >= $1::timestamptz AND e.occurred_at < $2::timestamptz ORDER BY e.global_position",
                    [PGTimestamp.format(from), PGTimestamp.format(before)], binaryResults: true))
        }
    }
}
