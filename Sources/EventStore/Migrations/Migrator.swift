import Foundation
import PostgresClient

/// Applies `migrations/` in order, each in its own transaction, and records the name and checksum of
/// every applied file in `schema_migrations`. Concurrent migrators are serialised by an advisory lock.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) { self.migrations = migrations }

    public init(directory: URL) throws { self.init(migrations: try Migration.load(directory: directory)) }

    public struct AppliedMigration: Sendable, Hashable {
        public var name: String
        public var checksum: String
        public var appliedAt: Date
    }

    public struct Status: Sendable {
        public var applied: [AppliedMigration]
        public var pending: [Migration]
    }

    /// Applied and pending migrations. Throws if an applied file changed or is unknown.
    public func status(on c: PGConnection) throws -> Status {
        guard try c.query("SELECT to_regclass('schema_migrations') IS NOT NULL").bool(0, 0) == true else {
            return Status(applied: [], pending: migrations)
        }
        let r = try c.query("SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name")
        var applied: [AppliedMigration] = []
        for row in 0..<r.rowCount {
            applied.append(AppliedMigration(name: r.string(row, 0)!, checksum: r.string(row, 1)!, appliedAt: r.date(row, 2) ?? .distantPast))
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0) })
        for a in applied {
            guard let m = known[a.name] else { throw MigrationError.unknownApplied(a.name) }
            guard m.checksum == a.checksum else {
                throw MigrationError.checksumMismatch(name: a.name, applied: a.checksum, file: m.checksum)
            }
        }
        let appliedNames = Set(applied.map(\.name))
        return Status(applied: applied, pending: migrations.filter { !appliedNames.contains($0.name) })
    }

    /// Applies every pending migration; returns the names applied.
    @discardableResult
    public func apply(on c: PGConnection) throws -> [String] {
        try c.execute("SELECT pg_advisory_lock(hashtext('catalyst:migrate'))")
        defer { _ = try? c.execute("SELECT pg_advisory_unlock(hashtext('catalyst:migrate'))") }
        try ensureTable(on: c)
        let pending = try status(on: c).pending
        for m in pending {
            try c.transaction {
                try c.execute(m.sql)
                try c.query("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", [m.name, m.checksum])
            }
        }
        return pending.map(\.name)
    }

    /// Throws `MigrationError.pending` unless the schema is up to date. Long-running roles call this
    /// before starting.
    public func requireUpToDate(on c: PGConnection) throws {
        let s = try status(on: c)
        if !s.pending.isEmpty { throw MigrationError.pending(s.pending.map(\.name)) }
    }

    private func ensureTable(on c: PGConnection) throws {
        // The bookkeeping table is the one piece of schema created outside a numbered migration.
        try c.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name       text        PRIMARY KEY,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """)
    }
}
