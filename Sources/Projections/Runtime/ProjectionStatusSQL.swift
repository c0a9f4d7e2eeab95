import Foundation
import PostgresClient

/// Writes to `projection_status`, the operator-facing record of each projection.
enum ProjectionStatusSQL {
    static func set(
        _ c: PGConnection, name: String, state: String, instance: String, checksum: String? = nil, codeVersion: Int? = nil,
        error: String? = nil, errorPosition: Int64? = nil, errorEventType: String? = nil, liveNow: Bool = false
    ) throws {
        try c.query(
            """
            INSERT INTO projection_status (name, state, instance, live_checksum, code_version, error, error_position, error_event_type,
                                           live_since, heartbeat_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::boolean THEN clock_timestamp() END, clock_timestamp(), clock_timestamp())
            ON CONFLICT (name) DO UPDATE SET
                state = EXCLUDED.state, instance = EXCLUDED.instance,
                live_checksum = coalesce(EXCLUDED.live_checksum, projection_status.live_checksum),
                code_version = coalesce(EXCLUDED.code_version, projection_status.code_version),
                error = EXCLUDED.error, error_position = EXCLUDED.error_position, error_event_type = EXCLUDED.error_event_type,
                live_since = coalesce(EXCLUDED.live_since, projection_status.live_since),
                rebuild_requested = CASE WHEN $9::boolean THEN false ELSE projection_status.rebuild_requested END,
                heartbeat_at = clock_timestamp(), updated_at = clock_timestamp()
            """,
            [name, state, instance, checksum, codeVersion, error, errorPosition, errorEventType, liveNow])
    }

    static func heartbeat(_ c: PGConnection, name: String) throws -> Bool {
        let r = try c.query(
            "UPDATE projection_status SET heartbeat_at = clock_timestamp() WHERE name = $1 RETURNING rebuild_requested", [name])
        return r.bool(0, 0) ?? false
    }

    static func requestRebuild(_ c: PGConnection, name: String) throws {
        try c.query(
            """
            INSERT INTO projection_status (name, state, rebuild_requested) VALUES ($1, 'stopped', true)
            ON CONFLICT (name) DO UPDATE SET rebuild_requested = true, updated_at = clock_timestamp()
            """, [name])
    }
}
