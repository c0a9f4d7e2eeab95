import EmbeddedPostgres
import EventStore
import Foundation
import PostgresClient

/// One throwaway PostgreSQL cluster per test process, started with the same machinery as
/// `catalyst db start`, in `/tmp/catalyst-test-<pid>`. Never a developer's running database.
/// It is stopped and deleted when the process exits; clusters left by crashed runs are reaped on start.
public enum TestCluster {
    private static let holder = Holder(suffix: "")
    private static let isolatedHolder = Holder(suffix: "-iso")

    public static func shared() async throws -> EmbeddedCluster { try await holder.cluster() }

    /// A second cluster for tests that deliberately hold transactions open. The reader horizon
    /// (`pg_snapshot_xmin`) is cluster-wide, so such a test would otherwise delay readers in every other
    /// test's database — lag, not loss, but it makes unrelated tests slow.
    public static func isolated() async throws -> EmbeddedCluster { try await isolatedHolder.cluster() }

    private static let crashHolder = Holder(suffix: "-crash")

    /// A third cluster that its (serialized) tests stop with `pg_ctl stop -m immediate` and start again,
    /// so that no other test loses its server.
    public static func crashable() async throws -> EmbeddedCluster { try await crashHolder.cluster() }

    /// A cluster of its own for one drill that breaks its server on purpose (its disk fills up): shared
    /// buffers are cluster-wide, so a full tablespace makes *other* sessions fail when they evict its
    /// dirty pages — no other test may share that server. Migrated like the shared one; stop it with
    /// `discard(_:)` (it is also stopped at exit).
    public static func dedicated(_ label: String) async throws -> EmbeddedCluster {
        try await start(suffix: "-\(label)")
    }

    /// Stops a dedicated cluster at once and deletes it.
    public static func discard(_ cluster: EmbeddedCluster) async {
        try? await cluster.stop(immediate: true)
        try? FileManager.default.removeItem(at: cluster.home)
    }

    /// The repository root (for `migrations/`, `projections/`, `config/`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var migrationsDirectory: URL { repositoryRoot.appendingPathComponent("migrations") }

    actor Holder {
        let suffix: String
        private var task: Task<EmbeddedCluster, any Error>?
        init(suffix: String) { self.suffix = suffix }
        func cluster() async throws -> EmbeddedCluster {
            if let task { return try await task.value }
            let suffix = self.suffix
            let t = Task { try await TestCluster.start(suffix: suffix) }
            task = t
            return try await t.value
        }
    }

    static func start(suffix: String) async throws -> EmbeddedCluster {
        // The fast targets run with this set (tools/run-tests.sh): a test there that reaches for a database
        // fails loudly instead of quietly making the target slow again.
        if ProcessInfo.processInfo.environment["CATALYST_TEST_NO_CLUSTER"] != nil { throw NoClusterAllowed() }
        let tools = try PostgresTools.locate()
        if suffix.isEmpty { await reapStaleClusters(tools: tools) }
        let home = URL(fileURLWithPath: "/tmp/catalyst-test-\(getpid())\(suffix)")
        try? FileManager.default.removeItem(at: home)
        let cluster = try EmbeddedCluster(home: home, database: "catalyst_template", maxConnections: 1000, tools: tools)
        registerStopAtExit(cluster: cluster, tools: tools)
        try await cluster.start()
        // Migrate the template once; every test database is a copy of it.
        let session = PGSession(conninfo: cluster.conninfo(database: "catalyst_template"))
        let migrator = try Migrator(directory: migrationsDirectory)
        _ = try await session.withConnection { c in try migrator.apply(on: c) }
        await session.close()
        return cluster
    }

    private static func reapStaleClusters(tools: PostgresTools) async {
        let tmp = URL(fileURLWithPath: "/tmp")
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: tmp.path) else { return }
        for name in entries where name.hasPrefix("catalyst-test-") {
            let pidText = name.dropFirst("catalyst-test-".count).prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0 else { continue }
            let dir = tmp.appendingPathComponent(name)
            _ = try? await tools.run("pg_ctl", ["stop", "-D", dir.appendingPathComponent("pgdata").path, "-m", "immediate"])
            try? FileManager.default.removeItem(at: dir)
        }
    }

    private static func registerStopAtExit(cluster: EmbeddedCluster, tools: PostgresTools) {
        let pgctl = tools.binDirectory.appendingPathComponent("pg_ctl").path
        let runAs = tools.runAsUser.map { "/usr/sbin/runuser -u \($0) -- " } ?? ""
        let command = "\(runAs)\(pgctl) stop -D '\(cluster.dataDirectory.path)' -m immediate >/dev/null 2>&1; rm -rf '\(cluster.home.path)'"
        let first = exitCommands.withLock { cmds -> Bool in
            cmds.append(command)
            return cmds.count == 1
        }
        if first {
            atexit {
                for cmd in exitCommands.withLock({ $0 }) { _ = system(cmd) }
            }
        }
    }
}

import Synchronization
private let exitCommands = Mutex<[String]>([])

/// A fresh, migrated database for one test, cloned from the template; or the database of a
/// pg_auto_failover formation (`TestFormation`), reached through its multi-host URL.
public struct TestDatabase: Sendable {
    public let name: String
    public let conninfo: String
    private let embedded: EmbeddedCluster?

    /// The embedded test cluster that holds this database (a formation's database has none).
    public var cluster: EmbeddedCluster {
        guard let embedded else { preconditionFailure("\(name) lives on a pg_auto_failover formation, not on an embedded test cluster") }
        return embedded
    }

    init(name: String, cluster: EmbeddedCluster) {
        self.name = name
        self.conninfo = cluster.conninfo(database: name)
        self.embedded = cluster
    }

    /// The database behind a multi-host connection string (a formation's `databaseURL`).
    public init(name: String, conninfo: String) {
        self.name = name
        self.conninfo = conninfo
        self.embedded = nil
    }

    private static let counter = Mutex<Int>(0)

    /// Creates a database. `migrated: false` gives an empty database (for migration tests);
    /// `isolated: true` puts it on the cluster for tests that hold transactions open.
    public static func create(migrated: Bool = true, isolated: Bool = false) async throws -> TestDatabase {
        try await create(migrated: migrated, on: try await (isolated ? TestCluster.isolated() : TestCluster.shared()))
    }

    /// A database on the given test cluster (e.g. `TestCluster.crashable()`).
    public static func create(migrated: Bool = true, on cluster: EmbeddedCluster) async throws -> TestDatabase {
        let n = counter.withLock { v -> Int in
            v += 1
            return v
        }
        let name = "t\(getpid())_\(n)"
        let admin = PGSession(conninfo: cluster.conninfo(database: "postgres"))
        try await admin.withConnection { c -> Void in
            if migrated {
                try c.execute("CREATE DATABASE \(c.quoteIdentifier(name)) TEMPLATE catalyst_template")
            } else {
                try c.execute("CREATE DATABASE \(c.quoteIdentifier(name))")
            }
        }
        await admin.close()
        return TestDatabase(name: name, cluster: cluster)
    }

    /// A new database with this one's contents (`CREATE DATABASE … TEMPLATE`), so a large log can be
    /// seeded once and every test gets its own copy. Sessions still connected here are disconnected.
    public func copy() async throws -> TestDatabase {
        let n = Self.counter.withLock { v -> Int in
            v += 1
            return v
        }
        let copy = TestDatabase(name: "t\(getpid())_\(n)", cluster: cluster)
        let admin = PGSession(conninfo: cluster.conninfo(database: "postgres"))
        defer { Task { await admin.close() } }
        for attempt in 1...20 {
            do {
                try await admin.withConnection { c -> Void in
                    _ = try c.query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
                    try c.execute("CREATE DATABASE \(c.quoteIdentifier(copy.name)) TEMPLATE \(c.quoteIdentifier(name))")
                }
                return copy
            } catch let e as PGError where attempt < 20 && e.message.contains("being accessed by other users") {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return copy
    }

    /// A session on this database, optionally as one of the ledger's roles.
    public func session(role: String? = nil) -> PGSession {
        PGSession(conninfo: conninfo, setup: PostgresEventStore.roleSetup(role))
    }

    /// Every committed event in reader order, read without the horizon (the test's ground truth).
    public func committedEvents() async throws -> [RecordedEvent] {
        try await session().withConnection { c in
            try PostgresEventStore.decodeRows(
                try c.query("SELECT \(PostgresEventStore.columns) FROM events e ORDER BY e.tx_id, e.global_position", binaryResults: true))
        }
    }

    /// An event store on this database.
    public func eventStore(
        connections: Int = 4, copyThreshold: Int = 32, commitGroups: Int = PostgresEventStore.defaultCommitGroups
    ) -> PostgresEventStore {
        let pool = PGPool(conninfo: conninfo, size: connections, name: name)
        // As `PostgresEventStore(conninfo:)` does: a multi-host URL rides out a failover.
        let window = PGConnectionString.hostCount(conninfo) > 1 ? PostgresEventStore.highAvailabilityWindow : .zero
        return PostgresEventStore(
            pool: pool, notifier: AppendNotifier(conninfo: conninfo), copyThreshold: copyThreshold, failoverWindow: window, commitGroups: commitGroups)
    }
}

/// A test of a target that must run without a database cluster asked for one.
public struct NoClusterAllowed: Error, CustomStringConvertible {
    public var description: String { "CATALYST_TEST_NO_CLUSTER is set: this test target must run without a PostgreSQL cluster" }
}
