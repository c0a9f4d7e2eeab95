import EmbeddedPostgres
import EventStore
import Foundation
import PostgresClient

/// A real pg_auto_failover formation for a failover drill: a monitor and `nodes` synchronous PostgreSQL
/// nodes on free loopback ports, with the drill timings (`HAFormation.Timing.drill`), the ledger migrated
/// through the multi-host URL. The keepers are daemons: they are stopped before this returns, whatever
/// happens, and the folder is deleted.
public enum TestFormation {
    /// pg_auto_failover is installed (`tools/install-deps.sh --test` installs it).
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/pg_autoctl") }

    public static func with(
        _ label: String, nodes: Int = 2, _ body: (_ formation: HAFormation, _ db: TestDatabase) async throws -> Void
    ) async throws {
        let tools = try PostgresTools.locate()
        let dir = URL(fileURLWithPath: "/tmp/catalyst-\(label)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        let formation = try await HAFormation.up(at: dir, nodes: nodes, basePort: try freePorts(nodes + 1), timing: .drill, tools: tools)
        do {
            let migrator = try Migrator(directory: TestCluster.migrationsDirectory)
            let admin = PGSession(conninfo: formation.databaseURL, name: "\(label)-migrate")
            _ = try await admin.withConnection { c in try migrator.apply(on: c) }
            await admin.close()
            try await body(formation, TestDatabase(name: formation.layout.database, conninfo: formation.databaseURL))
        } catch {
            try? await formation.down()
            throw error
        }
        try await formation.down()
        try? FileManager.default.removeItem(at: dir)
    }

    /// What the formation's primary reports about its standbys (`/health`'s `replication`).
    public static func replication(_ formation: HAFormation) async throws -> ReplicationReading {
        let session = PGSession(conninfo: formation.databaseURL, name: "drill-replication")
        defer { Task { await session.close() } }
        return try await session.withConnection { c in try ReplicationReading.read(on: c) }
    }

    /// The first of `count` consecutive free loopback ports (monitor, node1, node2 …).
    public static func freePorts(_ count: Int) throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: 20_000...40_000)
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        throw FormationError("no \(count) consecutive free loopback ports")
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    struct FormationError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
