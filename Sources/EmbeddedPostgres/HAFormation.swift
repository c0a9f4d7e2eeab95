import Foundation
import PostgresClient
import Subprocess
import SystemPackage

/// A local pg_auto_failover formation on loopback: one monitor and two or more PostgreSQL nodes with
/// synchronous replication, each run by its own `pg_autoctl` keeper. The harness behind `catalyst ha` and
/// the failover drills; production users run pg_auto_failover (or Patroni) on their own machines
/// (docs/high-availability.md).
///
/// Layout under `directory` (normally `<catalyst.home>/ha`): `monitor/`, `node1/`, `node2/`, … (data
/// directories), `<name>.log` (each keeper's output) and `formation.json` (the ports).
public struct HAFormation: Sendable {
    public let directory: URL
    public let tools: PostgresTools
    public let layout: Layout

    /// The ports of a formation, kept in `formation.json`.
    public struct Layout: Codable, Sendable, Hashable {
        public var monitorPort: Int
        public var nodePorts: [Int]
        public var database: String
    }

    /// One node as the monitor sees it.
    public struct Node: Sendable, Hashable {
        public var name: String
        public var port: Int
        public var reportedState: String
        public var assignedState: String
        public var healthy: Bool
        /// Bytes of WAL the node has not reported yet, against the newest LSN any node reported.
        public var lagBytes: Int64
        public var isPrimary: Bool { ["primary", "wait_primary", "single"].contains(reportedState) && reportedState == assignedState }
    }

    public enum HAError: Error, CustomStringConvertible {
        case notInstalled
        case notRunning(String)
        case timedOut(String)

        public var description: String {
            switch self {
            case .notInstalled:
                "pg_auto_failover is not installed: apt-get install postgresql-15-auto-failover pg-auto-failover-cli (tools/install-deps.sh --test installs it)"
            case .notRunning(let what): "no formation: \(what)"
            case .timedOut(let what): "timed out waiting for \(what)"
            }
        }
    }

    /// Failure-detection timings set on the monitor. `.drill` detects a dead primary in seconds (for tests and
    /// trying it); `.standard` keeps pg_auto_failover's defaults (about 30 s to fail over).
    public enum Timing: Sendable {
        case standard
        case drill

        var settings: [(String, String)] {
            switch self {
            case .standard: []
            case .drill:
                [
                    ("pgautofailover.health_check_period", "1000"), ("pgautofailover.health_check_timeout", "1000"),
                    ("pgautofailover.health_check_max_retries", "1"), ("pgautofailover.health_check_retry_delay", "500"),
                    ("pgautofailover.node_considered_unhealthy_timeout", "3000"), ("pgautofailover.primary_demote_timeout", "5000"),
                    ("pgautofailover.startup_grace_period", "3000"),
                ]
            }
        }
    }

    static let autoctl = "/usr/bin/pg_autoctl"

    /// The formation already set up under `directory`.
    public static func existing(at directory: URL, tools: PostgresTools) throws -> HAFormation {
        let file = directory.appendingPathComponent("formation.json")
        guard let data = try? Data(contentsOf: file) else { throw HAError.notRunning("\(file.path) does not exist; run `catalyst ha up`") }
        return HAFormation(directory: directory, tools: tools, layout: try JSONDecoder().decode(Layout.self, from: data))
    }

    /// Creates and starts a formation (or starts the one already there), then waits until one node is
    /// primary and every other one is a synchronous secondary.
    public static func up(at directory: URL, nodes: Int = 2, basePort: Int, timing: Timing = .standard, tools: PostgresTools) async throws -> HAFormation {
        guard FileManager.default.isExecutableFile(atPath: autoctl) else { throw HAError.notInstalled }
        precondition((2...5).contains(nodes))
        if let running = try? existing(at: directory, tools: tools) {
            try await running.startKeepers()
            try await running.waitHealthy(timeout: 120)
            return running
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try tools.prepareOwnership(of: directory)
        let formation = HAFormation(
            directory: directory, tools: tools, layout: Layout(monitorPort: basePort, nodePorts: (1...nodes).map { basePort + $0 }, database: "catalyst"))
        try formation.save()
        try await formation.autoctl([
            "create", "monitor", "--pgdata", formation.dataDirectory("monitor"), "--pgport", "\(basePort)", "--pgctl", formation.pgctl, "--auth", "trust",
            "--no-ssl", "--hostname", "127.0.0.1", "--listen", "127.0.0.1",
        ])
        try await formation.spawn("monitor")
        try await formation.waitFor("the monitor", timeout: 30) { try await formation.monitorQuery("SELECT 1").count == 1 }
        for (name, value) in timing.settings { try await formation.monitorQuery("ALTER SYSTEM SET \(name) = '\(value)'") }
        try await formation.monitorQuery("SELECT pg_reload_conf()")
        for (i, port) in formation.layout.nodePorts.enumerated() {
            let name = "node\(i + 1)"
            try await formation.autoctl([
                "create", "postgres", "--pgdata", formation.dataDirectory(name), "--pgport", "\(port)", "--pgctl", formation.pgctl, "--auth", "trust",
                "--no-ssl", "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--name", name, "--dbname", formation.layout.database, "--monitor", formation.monitorURI,
            ])
            try await formation.spawn(name)
            // The first node must be primary before the next one clones it.
            if i == 0 {
                try await formation.waitFor("node1 to become primary", timeout: 60) { try await formation.nodes().contains { $0.name == name && $0.isPrimary } }
            }
        }
        try await formation.waitHealthy(timeout: 180)
        return formation
    }

    /// The multi-host connection string: libpq tries each node and keeps the one that takes writes.
    public var databaseURL: String {
        let hosts = layout.nodePorts.map { "127.0.0.1:\($0)" }.joined(separator: ",")
        return "postgresql://postgres@\(hosts)/\(layout.database)?target_session_attrs=read-write&connect_timeout=2"
    }

    /// Each node as the monitor reports it, in node order.
    public func nodes() async throws -> [Node] {
        let rows = try await monitorQuery(
            """
            SELECT nodename, nodeport, reportedstate::text, goalstate::text, health = 1,
                   coalesce(pg_wal_lsn_diff(max(reportedlsn) OVER (), reportedlsn), 0)::bigint
            FROM pgautofailover.node ORDER BY nodeid
            """)
        return rows.map { r in
            Node(
                name: r[0] ?? "", port: Int(r[1] ?? "") ?? 0, reportedState: r[2] ?? "", assignedState: r[3] ?? "", healthy: r[4] == "t",
                lagBytes: Int64(r[5] ?? "") ?? 0)
        }
    }

    /// The node that takes writes now, if any.
    public func primary() async throws -> Node? { try await nodes().first { $0.isPrimary } }

    /// SIGKILLs the primary's PostgreSQL and its keeper, as if its machine died. Returns the node's name.
    @discardableResult
    public func killPrimary() async throws -> String {
        guard let p = try await primary() else { throw HAError.notRunning("no node is primary") }
        try await signal(p.name, SIGKILL)
        return p.name
    }

    /// Starts the keeper of `name` again (a killed node rejoins as a standby, rewound if it must be).
    public func restart(_ name: String) async throws { try await spawn(name) }

    /// Stops every keeper (each stops its PostgreSQL), nodes first, then the monitor; whatever is still
    /// running 15 s later is killed.
    public func down() async throws {
        let names = layout.nodePorts.indices.map { "node\($0 + 1)" } + ["monitor"]
        for name in names { try? await autoctl(["stop", "--pgdata", dataDirectory(name)]) }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, try await names.asyncContains(where: { try await keeperRunning($0) }) {
            try await Task.sleep(for: .milliseconds(200))
        }
        for name in names { try await signal(name, SIGKILL) }
    }

    /// Waits until one node is primary and every node reports the state it was assigned.
    public func waitHealthy(timeout: Double) async throws {
        try await waitFor("a primary and synchronous secondaries", timeout: timeout) {
            let n = try await nodes()
            guard n.count == layout.nodePorts.count, n.filter(\.isPrimary).count == 1 else {
                if let p = n.first(where: { $0.reportedState == "wait_primary" }) { try? await checkpoint(port: p.port) }
                return false
            }
            // A standby's base backup waits for a checkpoint on the primary: ask for one instead of waiting minutes.
            if n.contains(where: { $0.reportedState == "catchingup" || $0.reportedState == "wait_standby" }), let p = n.first(where: \.isPrimary) {
                try? await checkpoint(port: p.port)
            }
            // `primary` (not `wait_primary`): a synchronous standby is attached, so writes wait for it.
            return n.allSatisfy { ($0.reportedState == "primary" && $0.assignedState == "primary") || ($0.reportedState == "secondary" && $0.assignedState == "secondary") }
        }
    }

    // MARK: Plumbing

    var pgctl: String { tools.binDirectory.appendingPathComponent("pg_ctl").path }
    var monitorURI: String { "postgres://autoctl_node@127.0.0.1:\(layout.monitorPort)/pg_auto_failover?sslmode=disable" }
    func dataDirectory(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(layout).write(to: directory.appendingPathComponent("formation.json"))
    }

    /// Runs a shell script as the server's user, with pg_autoctl's configuration and state kept inside the
    /// formation's folder (so formations in different folders never share them).
    @discardableResult
    func shell(_ script: String) async throws -> PostgresTools.Outcome {
        let d = directory.path
        let env = "export XDG_CONFIG_HOME='\(d)/config' XDG_DATA_HOME='\(d)/share' XDG_RUNTIME_DIR='\(d)/run' PATH='\(tools.binDirectory.path):/usr/bin:/bin'; "
        return try await tools.run(program: "/bin/sh", ["-c", env + script])
    }

    func autoctl(_ arguments: [String]) async throws {
        let o = try await shell("exec \(Self.autoctl) " + arguments.map { "'\($0)'" }.joined(separator: " "))
        guard o.exitCode == 0 else { throw PostgresTools.ToolError.failed(tool: "pg_autoctl \(arguments.prefix(2).joined(separator: " "))", status: "exit \(o.exitCode)", output: o.output) }
    }

    /// Starts `pg_autoctl run` for `name` in the background, detached, its output in `<name>.log`.
    func spawn(_ name: String) async throws {
        let log = directory.appendingPathComponent("\(name).log").path
        try await shell("setsid \(Self.autoctl) run --pgdata '\(dataDirectory(name))' >> '\(log)' 2>&1 < /dev/null &")
    }

    func startKeepers() async throws {
        for name in ["monitor"] + layout.nodePorts.indices.map({ "node\($0 + 1)" }) where !(try await keeperRunning(name)) { try await spawn(name) }
    }

    func keeperRunning(_ name: String) async throws -> Bool { keeperPID(name) != nil }

    /// The keeper of `name`: the process running `pg_autoctl run --pgdata <its directory>` (its pid file
    /// lives outside the data directory, under a path pg_autoctl chooses, so the process table is asked).
    func keeperPID(_ name: String) -> pid_t? {
        let wanted = ["run", "--pgdata", dataDirectory(name)]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = pid_t(entry), let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let args = raw.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if args.first?.hasSuffix("pg_autoctl") == true, Array(args.dropFirst().prefix(3)) == wanted { return pid }
        }
        return nil
    }

    /// Sends `number` to the keeper of `name` and every process of its session (`setsid` made the keeper
    /// a session leader, so its services are in its group), and to its postmaster.
    func signal(_ name: String, _ number: Int32) async throws {
        if let keeper = keeperPID(name) {
            kill(-keeper, number)
            kill(keeper, number)
        }
        if let postmaster = pid(in: "postmaster.pid", of: name) { kill(postmaster, number) }
        _ = try? await Subprocess.run(
            .path(FilePath("/usr/bin/pkill")), arguments: ["-\(number)", "-f", "postgres -D \(dataDirectory(name)) "], output: .discarded, error: .discarded)
    }

    func pid(in file: String, of name: String) -> pid_t? {
        let text = try? String(contentsOfFile: dataDirectory(name) + "/" + file, encoding: .utf8)
        guard let first = text?.split(separator: "\n").first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces)), pid > 1 else { return nil }
        return pid
    }

    /// Runs `sql` on the monitor; the rows as text.
    @discardableResult
    func monitorQuery(_ sql: String) async throws -> [[String?]] {
        let session = PGSession(conninfo: "host=127.0.0.1 port=\(layout.monitorPort) dbname=pg_auto_failover user=postgres connect_timeout=2", name: "ha-monitor")
        defer { Task { await session.close() } }
        return try await session.withConnection { c in
            let r = try c.query(sql)
            return (0..<r.rowCount).map { i in (0..<r.columnCount).map { r.string(i, $0) } }
        }
    }

    func checkpoint(port: Int) async throws {
        let session = PGSession(conninfo: "host=127.0.0.1 port=\(port) dbname=postgres user=postgres connect_timeout=2", name: "ha-checkpoint")
        defer { Task { await session.close() } }
        try await session.withConnection { c -> Void in try c.execute("CHECKPOINT") }
    }

    func waitFor(_ what: String, timeout: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw HAError.timedOut(what)
    }
}

extension Sequence {
    func asyncContains(where predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for e in self where try await predicate(e) { return true }
        return false
    }
}
