import EventStore
import Foundation
import PostgresClient

/// The SQL the runtime runs against a projection's schema. All names are built from code (projection
/// names are compile-time constants) and quoted.
enum CheckpointSQL {
    struct Checkpoint {
        var cursor: LogCursor
        var storeID: UUID?
        var checksum: String?
        var eventsApplied: Int64
        var lastRecordedAt: Date?
    }

    static func schemaExists(_ c: PGConnection, _ schema: String) throws -> Bool {
        try c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).rowCount == 1
    }

    static func read(_ c: PGConnection, schema: String) throws -> Checkpoint? {
        guard try schemaExists(c, schema) else { return nil }
        let r = try c.query(
            "SELECT tx_id::text, position, store_id::text, checksum, events_applied, last_recorded_at FROM \(c.quoteIdentifier(schema))._checkpoint")
        guard r.rowCount == 1 else { return nil }
        return Checkpoint(
            cursor: LogCursor(transactionID: UInt64(r.string(0, 0) ?? "0") ?? 0, position: r.int64(0, 1) ?? 0),
            storeID: r.uuid(0, 2), checksum: r.string(0, 3), eventsApplied: r.int64(0, 4) ?? 0, lastRecordedAt: r.date(0, 5))
    }

    /// Creates an empty schema with the projection's tables and a checkpoint at the start of the log.
    static func create(_ c: PGConnection, schema: String, definition: ProjectionDefinition, store: StoreIdentity) throws {
        let s = c.quoteIdentifier(schema)
        try c.transaction {
            try c.execute("DROP SCHEMA IF EXISTS \(s) CASCADE")
            try c.execute("CREATE SCHEMA \(s)")
            try c.execute("SET LOCAL search_path = \(s), public")
            try c.execute(definition.schemaSQL)
            try c.execute(
                """
                CREATE TABLE \(s)._checkpoint (
                    singleton        boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
                    tx_id            xid8        NOT NULL DEFAULT '0',
                    position         bigint      NOT NULL DEFAULT 0,
                    store_id         uuid        NOT NULL,
                    checksum         text        NOT NULL,
                    events_applied   bigint      NOT NULL DEFAULT 0,
                    last_recorded_at timestamptz,
                    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """)
            try c.query(
                "INSERT INTO \(s)._checkpoint (store_id, checksum) VALUES ($1::uuid, $2)", [store.storeID, definition.checksum])
        }
    }

    /// Moves the checkpoint forward; refuses to move it backwards or sideways, which would mean a second
    /// active instance.
    static func advance(_ c: PGConnection, schema: String, to cursor: LogCursor, applied: Int, lastRecordedAt: Date?) throws -> Bool {
        let r = try c.query(
            """
            UPDATE \(c.quoteIdentifier(schema))._checkpoint
            SET tx_id = $1::text::xid8, position = $2, events_applied = events_applied + $3,
                last_recorded_at = coalesce($4::timestamptz, last_recorded_at), updated_at = clock_timestamp()
            WHERE (tx_id, position) < ($1::text::xid8, $2::bigint)
            """, [String(cursor.transactionID), cursor.position, applied, lastRecordedAt])
        return r.affectedRows == 1
    }

    /// Swaps the shadow schema in: in one transaction the readers' indexes are built on the shadow, the live
    /// schema is retired, the shadow renamed to live, the public views recreated against it and the retired
    /// schema dropped. Readers of the views block for the instant of the swap and then see the new tables:
    /// never an error or a half-built state.
    static func swap(_ c: PGConnection, definition: ProjectionDefinition) throws {
        let live = c.quoteIdentifier(definition.liveSchema)
        let shadow = c.quoteIdentifier(definition.shadowSchema)
        let retired = c.quoteIdentifier(definition.retiredSchema)
        try c.transaction {
            // The readers' indexes, over the finished shadow tables (which no reader sees yet), in the swap's
            // transaction: an interrupted rebuild resumes without them and builds them here again.
            if !definition.indexesSQL.isEmpty {
                try c.execute("SET LOCAL search_path = \(shadow), public")
                try c.execute(definition.indexesSQL)
                try c.execute("SET LOCAL search_path = public")
            }
            // Readers lock a view and then its tables. Taking the views first, in the same order, means the
            // swap waits for running readers instead of deadlocking with them.
            let views = try c.query(
                """
                SELECT DISTINCT format('%I.%I', vn.nspname, v.relname)
                FROM pg_depend d
                JOIN pg_rewrite r ON r.oid = d.objid
                JOIN pg_class v ON v.oid = r.ev_class
                JOIN pg_namespace vn ON vn.oid = v.relnamespace
                JOIN pg_class t ON t.oid = d.refobjid
                JOIN pg_namespace tn ON tn.oid = t.relnamespace
                WHERE tn.nspname = $1 AND v.oid <> t.oid
                ORDER BY 1
                """, [definition.liveSchema])
            for i in 0..<views.rowCount { try c.execute("LOCK TABLE \(views.string(i, 0)!) IN ACCESS EXCLUSIVE MODE") }
            try c.execute("DROP SCHEMA IF EXISTS \(retired) CASCADE")
            if try schemaExists(c, definition.liveSchema) { try c.execute("ALTER SCHEMA \(live) RENAME TO \(retired)") }
            try c.execute("ALTER SCHEMA \(shadow) RENAME TO \(live)")
            // Views bind to table OIDs; dropping the retired schema drops the old views, then they are recreated.
            try c.execute("DROP SCHEMA IF EXISTS \(retired) CASCADE")
            if !definition.viewsSQL.isEmpty {
                try c.execute("SET LOCAL search_path = \(live), public")
                try c.execute(definition.viewsSQL)
            }
        }
    }
}
