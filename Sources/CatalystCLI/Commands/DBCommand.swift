import ArgumentParser
import CatalystApp
import EmbeddedPostgres
import Foundation
import PostgresClient

struct DB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster (used when DATABASE_URL is unset).",
        discussion: """
            The embedded cluster lives in .catalyst/ in the current directory, or in $CATALYST_HOME. It is created \
            with initdb on first use and listens on a Unix socket only. When DATABASE_URL is set, every command \
            uses that server instead.
            """,
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self, PSQL.self, Standby.self]
    )

    struct Start: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Create (on first use) and start the embedded cluster.")
        func execute(_ configuration: CatalystConfiguration) async throws {
            switch try configuration.database {
            case .external(let url):
                print("DATABASE_URL is set: using \(PGConnectionString.redact(url)); the embedded cluster is not started.")
                try await DatabaseTarget.external(url: url).ensureAvailable()
            case .embedded(let cluster):
                let outcome = try await cluster.start()
                switch outcome {
                case .created: print("created and started the embedded cluster in \(cluster.home.path)")
                case .started: print("started the embedded cluster in \(cluster.home.path)")
                case .alreadyRunning: print("the embedded cluster in \(cluster.home.path) is already running")
                }
                print(cluster.url())
            }
        }
    }

    struct Stop: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster.")
        func execute(_ configuration: CatalystConfiguration) async throws {
            guard case .embedded(let cluster) = try configuration.database else {
                print("DATABASE_URL is set: nothing to stop (the embedded cluster is not in use).")
                return
            }
            if try await cluster.status() != .running {
                print("the embedded cluster is not running")
                return
            }
            try await cluster.stop()
            print("stopped the embedded cluster in \(cluster.home.path)")
        }
    }

    struct Status: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the database is running and where.")
        func execute(_ configuration: CatalystConfiguration) async throws {
            switch try configuration.database {
            case .external(let url):
                let target = DatabaseTarget.external(url: url)
                do {
                    try await target.ensureAvailable()
                    print("external (DATABASE_URL): reachable  \(target.displayURL)")
                } catch {
                    print("external (DATABASE_URL): unreachable  \(target.displayURL)")
                    throw ExitCode(3)
                }
            case .embedded(let cluster):
                let status = try await cluster.status()
                print("embedded cluster in \(cluster.home.path): \(status)")
                if status == .running { print(cluster.url()) } else { throw ExitCode(3) }
            }
        }
    }

    struct Standby: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start (making it on first use) a hot standby of the embedded cluster, to try catalyst.read.url on one machine.",
            discussion: """
                The standby is a base backup (pg_basebackup -X stream -R) in <catalyst.home>/standby, streaming from the \
                embedded cluster, on the next port and its own Unix socket. It prints the CATALYST_READ_URL to give \
                `catalyst serve`, `project`, `audit verify`, `replay label` and `archive export`. --stop stops it. For a \
                server named by DATABASE_URL, make standbys with that server's own tools (docs/read-replicas.md).
                """)
        @Flag(help: "Stop the standby instead.") var stop = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            guard case .embedded(let primary) = try configuration.database else {
                throw CatalystError.refused("DATABASE_URL is set: make a standby of that server with its own tools (docs/read-replicas.md)")
            }
            let standby = try EmbeddedCluster(
                home: primary.home.appendingPathComponent("standby"), database: primary.database, port: primary.port + 1, tools: primary.tools)
            if stop {
                guard try await standby.status() == .running else {
                    print("the standby is not running")
                    return
                }
                try await standby.stop()
                print("stopped the standby in \(standby.home.path)")
                return
            }
            guard try await primary.status() == .running else { throw CatalystError.refused("the embedded cluster is not running: `catalyst db start` first") }
            try await standby.startStandby(of: primary)
            print("hot standby of the embedded cluster running in \(standby.home.path)")
            print("CATALYST_READ_URL=\(standby.url())")
        }
    }

    struct URLCommand: CatalystCommand {
        static let configuration = CommandConfiguration(commandName: "url", abstract: "Print the connection URL.")
        func execute(_ configuration: CatalystConfiguration) async throws {
            print(try configuration.database.displayURL)
        }
    }

    struct PSQL: CatalystCommand {
        static let configuration = CommandConfiguration(
            commandName: "psql", abstract: "Open psql on the ledger database (arguments after -- go to psql).")

        @Argument(parsing: .captureForPassthrough, help: "Extra arguments passed to psql.")
        var psqlArguments: [String] = []

        func execute(_ configuration: CatalystConfiguration) async throws {
            let target = try configuration.database
            try await target.ensureAvailable()
            let psql = ["/usr/bin/psql", "/usr/lib/postgresql/15/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) }
            guard let psql else { throw CatalystError.setup("psql not found; install postgresql-client") }
            let args = [psql, target.conninfo] + psqlArguments.filter { $0 != "--" }
            let cargs = args.map { strdup($0) } + [nil]
            execv(psql, cargs)
            throw CatalystError.setup("could not run psql (errno \(errno))")
        }
    }
}
