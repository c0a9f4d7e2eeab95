import EmbeddedPostgres
import EventStore
import Foundation
import Logging
import PostgresClient

/// Where the ledger's database is: the server named by `DATABASE_URL`, or the private embedded cluster
/// in the state folder when it is unset. Every command gets it from `CatalystConfiguration.database`.
public enum DatabaseTarget: Sendable {
    case external(url: String)
    case embedded(EmbeddedCluster)

    /// `url` when given (validated), else the embedded cluster in `home`.
    public init(url: String?, home: URL, postgresBin: URL? = nil) throws {
        if let url, !url.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                try PGConnectionString.validate(url)
            } catch {
                throw CatalystError.invalidInput(field: "DATABASE_URL", reason: error.message)
            }
            self = .external(url: url)
            return
        }
        self = .embedded(try EmbeddedCluster(home: home, tools: try PostgresTools.locate(bin: postgresBin)))
    }

    /// The connection string for the ledger database.
    public var conninfo: String {
        switch self {
        case .external(let url): url
        case .embedded(let cluster): cluster.conninfo()
        }
    }

    /// One connection on its own thread, for a command's statements.
    public func session(_ name: String) -> PGSession { PGSession(conninfo: conninfo, name: name) }

    /// A pool of `size` connections, for readers of the views.
    public func pool(_ name: String, size: Int = 1) -> PGPool { PGPool(conninfo: conninfo, size: size, name: name) }

    /// The event store over a pool of its own: every (re)connect checks the transaction-id invariant, and
    /// appends are announced to listeners.
    public func store(connections: Int = 1, logger: Logger = Logger(label: "catalyst.eventstore")) -> PostgresEventStore {
        PostgresEventStore(conninfo: conninfo, connections: connections, logger: logger)
    }

    /// A printable URL (passwords redacted).
    public var displayURL: String {
        switch self {
        case .external(let url): PGConnectionString.redact(url)
        case .embedded(let cluster): cluster.url()
        }
    }

    /// Makes sure the database accepts connections: starts the embedded cluster if needed, or checks that
    /// the external server answers. Throws a one-line error otherwise.
    public func ensureAvailable(logger: Logger? = nil) async throws {
        switch self {
        case .embedded(let cluster):
            try await cluster.start(logger: logger)
        case .external:
            do {
                _ = try await session("probe").withConnection { c in try c.query("SELECT 1").scalar }
            } catch let e as PGError {
                throw CatalystError.setup("cannot reach the database named by DATABASE_URL: \(e.message)")
            }
        }
    }

    /// Connects, checks migrations are applied, and fails with "run `catalyst migrate`" otherwise.
    /// Long-running roles call this before they start.
    /// Also refuses a log whose transaction ids are not below the cluster's (`TransactionIDCheck`: a
    /// logical dump restored by hand), before anything is appended or applied.
    /// `checkTransactionIDs: false` is for Doctor alone, which reports the violation as a finding instead.
    public func requireMigrated(files: ProjectFiles, logger: Logger? = nil, checkTransactionIDs: Bool = true) async throws {
        try await ensureAvailable(logger: logger)
        let migrator = try Migrator(directory: files.migrations)
        try await session("migration-check").withConnection { c in
            try migrator.requireUpToDate(on: c)
            if checkTransactionIDs { try Self.requireTransactionIDs(on: c) }
        }
    }

    /// `TransactionIDCheck`, refused as a one-line CLI error.
    public static func requireTransactionIDs(on c: PGConnection) throws {
        do { try TransactionIDCheck().require(on: c) } catch let v as TransactionIDCheck.Violation { throw CatalystError.refused(v.description) }
    }
}
