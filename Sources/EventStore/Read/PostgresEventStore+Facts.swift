import Foundation
import PostgresClient

/// Small facts about the log that other modules need, on a connection they hold (a projector, a
/// restore, a status report) or through the pool. They live here so that no other module writes SQL
/// against the store's tables.
extension PostgresEventStore {
    /// The store's identity (see `identity()`).
    public static func identity(on c: PGConnection) throws -> StoreIdentity {
        let r = try c.query("SELECT store_id::text, system_identifier FROM event_store_identity")
        guard r.rowCount == 1, let id = r.uuid(0, 0), let sys = r.string(0, 1) else {
            throw PGError(.decoding, message: "event_store_identity is missing; run `catalyst migrate`")
        }
        return StoreIdentity(storeID: id, systemIdentifier: sys)
    }

    /// How many events the log holds.
    public static func eventCount(on c: PGConnection) throws -> Int64 { try c.query("SELECT count(*) FROM events").int64(0, 0) ?? 0 }

    public func eventCount() async throws -> Int64 { try await read { c in try Self.eventCount(on: c) } }

    /// The transaction that wrote the event at a global position, or nil when there is none.
    public static func transactionID(ofPosition position: Int64, on c: PGConnection) throws -> UInt64? {
        try c.prepared("es_position_tx", "SELECT tx_id::text FROM events WHERE global_position = $1::bigint", [position]).string(0, 0).flatMap { UInt64($0) }
    }

    public func transactionID(ofPosition position: Int64) async throws -> UInt64? {
        try await read { c in try Self.transactionID(ofPosition: position, on: c) }
    }

    /// How many committed events lie past `cursor` in reader order (whether readable yet or not), and
    /// the age in seconds of the oldest of them by the database's clock.
    public static func backlog(after cursor: LogCursor, on c: PGConnection) throws -> (events: Int64, oldestSeconds: Double?) {
        let r = try c.query(
            """
            SELECT count(*), extract(epoch FROM clock_timestamp() - min(recorded_at))::float8
            FROM events WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint)
            """, [String(cursor.transactionID), cursor.position])
        return (r.int64(0, 0) ?? 0, r.double(0, 1))
    }

    /// The events at these global positions, in log order (how an index kept by a read model turns
    /// back into events).
    public func events(atPositions positions: [Int64]) async throws -> [RecordedEvent] {
        guard !positions.isEmpty else { return [] }
        let array = "{" + positions.map(String.init).joined(separator: ",") + "}"
        return try await read { c in
            try Self.decodeRows(
                try c.query("SELECT \(Self.columns) FROM events e WHERE e.global_position = ANY($1::bigint[]) ORDER BY e.global_position", [array], binaryResults: true))
        }
    }
}
