import Foundation
import Logging
import PostgresClient

/// A private PostgreSQL cluster in a folder of its own (`.catalyst/` or `$CATALYST_HOME`), created with
/// `initdb` on first use and listening on a Unix socket only — no TCP port is opened.
///
/// Layout under `home`:
/// - `pgdata/`  the cluster (mode 0700)
/// - `run/`     the socket directory (`.s.PGSQL.5432`, mode 0700)
/// - `postgres.log`
public struct EmbeddedCluster: Sendable {
    public let home: URL
    public let port: Int
    public let database: String
    /// The test suite runs hundreds of tests at once, each with its own pool; an operator cluster needs far fewer.
    public let maxConnections: Int
    public let tools: PostgresTools

    public var dataDirectory: URL { home.appendingPathComponent("pgdata") }
    public var socketDirectory: URL { home.appendingPathComponent("run") }
    public var logFile: URL { home.appendingPathComponent("postgres.log") }
    /// The superuser created by initdb; it owns the schema and runs migrations.
    public var superuser: String { "postgres" }

    public init(home: URL, database: String = "catalyst", port: Int = 5432, maxConnections: Int = 200, tools: PostgresTools? = nil) throws {
        self.maxConnections = maxConnections
        self.home = home.standardizedFileURL
        self.database = database
        self.port = port
        self.tools = try tools ?? PostgresTools.locate()
        // A Unix socket path is limited to 107 bytes.
        let socketPath = socketDirectory.appendingPathComponent(".s.PGSQL.\(port)").path
        guard socketPath.utf8.count < 107 else {
            throw PostgresTools.ToolError.failed(tool: "socket", status: "path too long", output: "\(socketPath) exceeds 107 bytes; set CATALYST_HOME to a shorter path")
        }
    }

    /// libpq key/value connection string for a database of this cluster.
    public func conninfo(database: String? = nil) -> String {
        "host=\(socketDirectory.path) port=\(port) dbname=\(database ?? self.database) user=\(superuser)"
    }

    /// The same as a `postgresql://` URL, the form `DATABASE_URL` takes.
    public func url(database: String? = nil) -> String {
        "postgresql://\(superuser)@/\(database ?? self.database)?host=\(socketDirectory.path)&port=\(port)"
    }

    public enum Status: Equatable, Sendable {
        case notCreated
        case stopped
        case running
    }

    public func status() async throws -> Status {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else { return .notCreated }
        let o = try await tools.run("pg_ctl", ["status", "-D", dataDirectory.path])
        return o.exitCode == 0 ? .running : .stopped
    }

    public enum StartOutcome: Equatable, Sendable {
        case created
        case started
        case alreadyRunning
    }

    /// Creates the cluster if needed, starts it, waits until it accepts connections and makes sure the
    /// application database exists.
    @discardableResult
    public func start(logger: Logger? = nil) async throws -> StartOutcome {
        var outcome = StartOutcome.started
        switch try await status() {
        case .running:
            try await ensureDatabase()
            return .alreadyRunning
        case .notCreated:
            try initialise(logger: logger)
            try await tools.runChecked(
                "initdb",
                [
                    "-D", dataDirectory.path, "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                    "--no-instructions",
                ])
            try writeConfiguration()
            outcome = .created
        case .stopped:
            break
        }
        logger?.info("starting embedded PostgreSQL", metadata: ["home": "\(home.path)"])
        try await tools.runChecked("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path])
        try await ensureDatabase()
        return outcome
    }

    /// Stops the cluster (fast mode: rolls back open transactions, then checkpoints).
    public func stop(immediate: Bool = false) async throws {
        guard try await status() == .running else { return }
        try await tools.runChecked("pg_ctl", ["stop", "-w", "-t", "60", "-D", dataDirectory.path, "-m", immediate ? "immediate" : "fast"])
    }

    private func initialise(logger: Logger?) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: home, withIntermediateDirectories: true)
        for dir in [dataDirectory, socketDirectory] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try tools.prepareOwnership(of: dir)
        }
        if !fm.fileExists(atPath: logFile.path) { _ = fm.createFile(atPath: logFile.path, contents: nil) }
        try tools.prepareOwnership(of: logFile)
        logger?.info("creating embedded PostgreSQL cluster", metadata: ["home": "\(home.path)"])
    }

    /// Settings that make the cluster private and suitable for an event store.
    private func writeConfiguration() throws {
        let settings = """

            # --- catalyst ledger (embedded cluster) ---
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory.path)'
            unix_socket_permissions = 0700
            port = \(port)
            default_toast_compression = 'lz4'
            max_connections = \(maxConnections)
            shared_buffers = 256MB
            max_wal_size = 2GB
            log_min_messages = warning
            log_line_prefix = '%m [%p] '

            """
        let conf = dataDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }

    /// Creates the application database if it does not exist yet.
    public func ensureDatabase(_ name: String? = nil) async throws {
        let db = name ?? database
        let admin = conninfo(database: "postgres")
        let session = PGSession(conninfo: admin, name: "pg-admin")
        try await session.withConnection { c in
            let exists = try c.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]).rowCount > 0
            if !exists { try c.execute("CREATE DATABASE \(c.quoteIdentifier(db))") }
        }
    }
}
