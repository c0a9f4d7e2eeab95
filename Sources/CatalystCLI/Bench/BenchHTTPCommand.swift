import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import HTTPAPI
import Hummingbird
import LocalServer
import Logging
import Projections

/// `catalyst bench http`: `/health` and a view read of the API under `wrk` on loopback, beside the raw
/// limit measured in the same run: a bare Hummingbird server answering `ok` on the same machine, with the
/// same `wrk` settings.
struct BenchHTTPCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Requests per second of /health and /api/v1/positions/active under wrk, beside a bare Hummingbird server's.",
        discussion: """
            Needs wrk (apt install wrk). Serves the simulated API over a scratch database (catalyst_bench) with every \
            projection built, and the bare server on another loopback port; runs wrk for --seconds against each with \
            --connections connections on --threads threads. The ratio is ours over the bare server's. \
            /health reads the database at most once a second (HealthProbe); run with --health-max-age 0 to measure \
            a reading per request.
            """)

    @Option(help: "Seconds of load per route.") var seconds = 10
    @Option(help: "Open connections.") var connections = 32
    @Option(help: "wrk threads.") var threads = 2
    @Option(name: .customLong("health-max-age"), help: "Milliseconds a /health database reading may be reused (the server's default: 1000).")
    var healthMaxAge = 1000

    func execute(_ configuration: CatalystConfiguration) async throws {
        guard seconds > 0, connections > 0, threads > 0, healthMaxAge >= 0 else { throw ValidationError("--seconds, --connections and --threads must be positive") }
        var logger = Logger(label: "bench-http")
        logger.logLevel = .error
        let files = try configuration.files
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let target = DatabaseTarget.external(url: db.conninfo)
        let store = target.store(connections: 8, logger: logger)
        var options = ServeRole.Options(server: .init(host: "127.0.0.1", port: 0))
        options.speed = 0
        options.symbolCount = 50
        options.healthMaxAge = .milliseconds(healthMaxAge)
        let sim = try await ServeRole.simulated(options, store: store, files: files, logger: logger)
        for engine in try ProjectionCatalog.engines(ProjectionCatalog.all(), files: files, conninfo: db.conninfo, waker: LogWaker(conninfo: nil), logger: logger) {
            try await engine.rebuildNow()
        }
        let load = Load(seconds: seconds, connections: connections, threads: threads)
        let bare = try await ScopedServer.run(logger: logger, notStarted: APIStartupError.didNotStart) { onRunning in
            let router = Router()
            router.get("/") { _, _ in "ok" }
            return Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "bare"),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
        } _: { port in try await load.run("http://127.0.0.1:\(port)/") }
        let server = APIServer(configuration: options.server, backend: sim.backend, logger: logger)
        let (health, positions) = try await server.withRunning { url in
            (try await load.run(url.absoluteString + "/health"), try await load.run(url.absoluteString + "/api/v1/positions/active"))
        }
        print("bench http: wrk \(seconds) s per route, \(connections) connections, \(threads) threads, loopback; /health database reading reused for \(healthMaxAge) ms")
        for (name, r) in [("bare Hummingbird GET / (raw limit)", bare), ("GET /health", health), ("GET /api/v1/positions/active", positions)] {
            let ratio = bare.requestsPerSecond > 0 ? String(format: "%.0f %%", 100 * r.requestsPerSecond / bare.requestsPerSecond) : "?"
            print(
                "  \(name.padding(toLength: 36, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", r.requestsPerSecond)) req/s"
                    + "  p99 \(r.p99)  non-2xx \(r.non2xx)  \(ratio) of raw")
        }
    }

    struct Load: Sendable {
        let seconds: Int
        let connections: Int
        let threads: Int

        struct Result: Sendable {
            var requestsPerSecond: Double
            var p99: String
            var non2xx: Int
        }

        func run(_ url: String) async throws -> Result {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["wrk", "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", url]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            if process.terminationStatus == 127 { throw ValidationError("wrk is not installed (apt install wrk)") }
            guard process.terminationStatus == 0, let rps = Self.field(text, "Requests/sec:").flatMap(Double.init) else {
                throw ValidationError("wrk failed on \(url): \(text)")
            }
            let p99 = text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%") }
                .map { $0.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init) ?? "?" } ?? "?"
            let non2xx = Self.field(text, "Non-2xx or 3xx responses:").flatMap(Int.init) ?? 0
            return Result(requestsPerSecond: rps, p99: p99, non2xx: non2xx)
        }

        static func field(_ text: String, _ label: String) -> String? {
            text.split(separator: "\n").first { $0.contains(label) }.flatMap {
                $0.components(separatedBy: label).last?.trimmingCharacters(in: .whitespaces)
            }
        }
    }
}
