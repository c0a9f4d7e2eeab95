import ArgumentParser
import CatalystApp
import EmbeddedPostgres
import Foundation

/// `catalyst ha`: a local pg_auto_failover formation to try failover on one machine (and the tests' drill
/// harness). Production runs pg_auto_failover or Patroni on separate machines (docs/high-availability.md).
struct HACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ha",
        abstract: "A local high-availability formation (pg_auto_failover: a monitor and synchronous nodes on loopback).",
        discussion: """
            Lives in <catalyst.home>/ha. `up` prints the multi-host DATABASE_URL to give every catalyst process: libpq \
            connects to whichever node takes writes, and after a failover the processes reconnect there by themselves.
            """,
        subcommands: [Up.self, Status.self, KillPrimary.self, Restart.self, Down.self])

    static func folder(_ configuration: CatalystConfiguration) -> URL { configuration.home.appendingPathComponent("ha") }

    static func formation(_ configuration: CatalystConfiguration) throws -> HAFormation {
        try HAFormation.existing(at: folder(configuration), tools: try PostgresTools.locate(bin: configuration.postgresBin))
    }

    struct Up: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Create (on first use) and start the formation; print its DATABASE_URL.")
        @Option(help: "PostgreSQL nodes (2 to 5).") var nodes = 2
        @Option(help: "The monitor's port; the nodes take the ports after it.") var port = 6400
        @Flag(help: "Detect a dead primary in about 5 s instead of pg_auto_failover's 30 (for drills).") var fast = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            guard (2...5).contains(nodes) else { throw CatalystError.invalidInput(field: "nodes", reason: "between 2 and 5") }
            guard (1024...65_000).contains(port) else { throw CatalystError.invalidInput(field: "port", reason: "between 1024 and 65000") }
            let formation = try await HAFormation.up(
                at: HACommand.folder(configuration), nodes: nodes, basePort: port, timing: fast ? .drill : .standard,
                tools: try PostgresTools.locate(bin: configuration.postgresBin))
            try await Status.print(formation)
            print("\nexport DATABASE_URL='\(formation.databaseURL)'")
        }
    }

    struct Status: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Each node: its role, its state and how far it is behind.")
        func execute(_ configuration: CatalystConfiguration) async throws { try await Self.print(try HACommand.formation(configuration)) }

        static func print(_ formation: HAFormation) async throws {
            Swift.print("node    port   role       reported → assigned                     health  behind")
            for n in try await formation.nodes() {
                let role = n.isPrimary ? "primary" : n.reportedState == "secondary" ? "standby" : "-"
                Swift.print(
                    n.name.padding(toLength: 8, withPad: " ", startingAt: 0) + String(n.port).padding(toLength: 7, withPad: " ", startingAt: 0)
                        + role.padding(toLength: 11, withPad: " ", startingAt: 0)
                        + "\(n.reportedState) → \(n.assignedState)".padding(toLength: 40, withPad: " ", startingAt: 0)
                        + (n.healthy ? "ok      " : "DOWN    ") + "\(n.lagBytes) bytes of WAL")
            }
        }
    }

    struct KillPrimary: CatalystCommand {
        static let configuration = CommandConfiguration(
            commandName: "kill-primary", abstract: "The drill: SIGKILL the primary's PostgreSQL and its keeper, as if its machine died.")
        func execute(_ configuration: CatalystConfiguration) async throws {
            let name = try await HACommand.formation(configuration).killPrimary()
            print("killed \(name); the monitor promotes a standby once it sees the node gone. `catalyst ha restart \(name)` brings it back as a standby.")
        }
    }

    struct Restart: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Start a node's keeper again (a killed node rejoins as a standby).")
        @Argument(help: "The node (node1, node2, …).") var node: String
        func execute(_ configuration: CatalystConfiguration) async throws {
            let formation = try HACommand.formation(configuration)
            guard formation.layout.nodePorts.indices.map({ "node\($0 + 1)" }).contains(node) else {
                throw CatalystError.invalidInput(field: "node", reason: "node1 … node\(formation.layout.nodePorts.count)")
            }
            try await formation.restart(node)
            print("started \(node)'s keeper")
        }
    }

    struct Down: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every node and the monitor (the data stays; `up` starts them again).")
        func execute(_ configuration: CatalystConfiguration) async throws {
            try await HACommand.formation(configuration).down()
            print("stopped the formation in \(HACommand.folder(configuration).path)")
        }
    }
}
