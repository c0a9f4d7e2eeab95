import EventStore
import Foundation
import PostgresClient

/// One line of `catalyst projections status`.
public struct ProjectionStatusRow: Sendable, Codable, Hashable {
    public var name: String
    public var state: String
    public var position: Int64
    public var cursor: String
    public var lagEvents: Int64
    public var lagSeconds: Double
    public var eventsApplied: Int64
    public var error: String?
    public var errorPosition: Int64?
    public var instance: String?
    public var heartbeatAgeSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case name, state, position, cursor, error, instance
        case lagEvents = "lag_events", lagSeconds = "lag_seconds", eventsApplied = "events_applied"
        case errorPosition = "error_position", heartbeatAgeSeconds = "heartbeat_age_seconds"
    }
}

public enum ProjectionStatusReport {
    /// Position, lag (events not yet applied, and the age of the oldest of them) and state per projection.
    /// Lag counts events past the projection's cursor. When stored transaction ids are ahead of the
    /// cluster's (`TransactionIDCheck`), new events sort behind the cursor and the cursor count would say
    /// "0" while thousands wait: then lag is every event the projection has not applied.
    public static func load(names: [String], on c: PGConnection) throws -> [ProjectionStatusRow] {
        var rows: [ProjectionStatusRow] = []
        let stalled = !(try TransactionIDCheck().read(on: c).holds)
        let total: Int64 = stalled ? try PostgresEventStore.eventCount(on: c) : 0
        for name in names {
            let cp = try CheckpointSQL.read(c, schema: "proj_\(name)")
            let cursor = cp?.cursor ?? .start
            let lag = try PostgresEventStore.backlog(after: cursor, on: c)
            let s = try c.query(
                """
                SELECT state, error, error_position, instance, extract(epoch FROM clock_timestamp() - heartbeat_at)::float8
                FROM projection_status WHERE name = $1
                """, [name])
            let pastCursor = lag.events
            let lagEvents = stalled ? max(pastCursor, total - (cp?.eventsApplied ?? 0)) : pastCursor
            var state = s.string(0, 0) ?? (cp == nil ? "not built" : "stopped")
            let heartbeatAge = s.double(0, 4)
            // A projector that stopped beating is not live, whatever it last wrote.
            if ["live", "catching_up", "rebuilding"].contains(state), let age = heartbeatAge, age > 30 { state = "stopped" }
            rows.append(
                ProjectionStatusRow(
                    name: name, state: state, position: cursor.position, cursor: cursor.description, lagEvents: lagEvents,
                    lagSeconds: lagEvents == 0 ? 0 : (lag.oldestSeconds ?? 0), eventsApplied: cp?.eventsApplied ?? 0, error: s.string(0, 1),
                    errorPosition: s.int64(0, 2), instance: s.string(0, 3), heartbeatAgeSeconds: heartbeatAge))
        }
        return rows
    }

    /// Asks the active projector to rebuild (it picks the request up at its next heartbeat).
    public static func requestRebuild(name: String, on c: PGConnection) throws {
        try ProjectionStatusSQL.requestRebuild(c, name: name)
    }
}

extension ProjectionStatusReport {
    /// How many of `names` are live (built and caught up at least once).
    public static func liveCount(names: [String]) -> ViewQuery {
        ViewQuery("SELECT count(*) FROM projection_status WHERE name = ANY($1::text[]) AND state = 'live'", ["{" + names.joined(separator: ",") + "}"])
    }

    /// When the projection last went live (after a build or rebuild), or nil.
    public static func liveSince(name: String, on c: PGConnection) throws -> Date? {
        try c.query("SELECT live_since FROM projection_status WHERE name = $1", [name]).date(0, 0)
    }
}
