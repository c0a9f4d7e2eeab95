import ArgumentParser
import CatalystApp
import Domain
import Foundation
import HTTPAPI
import Logging

struct Serve: CatalystCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API (cron's workflow endpoint, reads, health, metrics, dashboard).",
        discussion: """
            Listens on 127.0.0.1:5006 by default, the port of the original crontab's curl lines. Every projector runs
            in the same process. With no CATALYST_API_KEYS the server only binds to loopback and needs no key; with
            keys (comma-separated), X-API-Key is required on every mutating endpoint and on event reads.

            With APCA_API_KEY_ID and APCA_API_SECRET_KEY set, it trades through Alpaca (paper unless APCA_API_BASE_URL
            says otherwise) on the wall clock, with reconciliation and monitoring every minute of the session; the
            universe is the symbols of config/sectors.csv (symbol,sector). Without keys, or with --simulate, it
            serves the simulated market and the paper broker, on a simulated clock that starts at the session open
            of --date and moves --speed simulated seconds per real second.
            """)

    @Option(help: "Address to bind (a non-loopback address requires CATALYST_API_KEYS).") var host = "127.0.0.1"
    @Option(help: "TCP port (0 = any free port).") var port = 5006
    @Flag(help: "Simulated market and paper broker on a simulated clock (the default without broker keys).") var simulate = false
    @Option(help: "New York trading date of the simulated session (YYYY-MM-DD). Default: the last trading day.") var date: String?
    @Option(help: "Seed of the simulated market, broker and ids.") var seed: UInt64 = 42
    @Option(help: "Simulated seconds per real second (0 = the clock stays at the open).") var speed: Double = 60
    @Option(help: "Symbols in the simulated universe.") var symbols: Int = 500

    func execute() async throws {
        // With broker keys, Alpaca; without (the zero-configuration default) or with --simulate, the
        // simulated market and the paper broker.
        let live = !simulate && TradingAssembly.hasBrokerKeys(ProcessInfo.processInfo.environment)
        var options = ServeRole.Options(
            server: .init(host: host, port: port, apiKeys: APIServer.Configuration.keys(from: ProcessInfo.processInfo.environment)))
        options.date = try date.map { text in
            guard let d = NYDate(text) else { throw CatalystError.invalidInput(field: "date", reason: "expected YYYY-MM-DD, got \(text)") }
            return d
        }
        options.seed = seed
        guard speed >= 0 else { throw CatalystError.invalidInput(field: "speed", reason: "must be 0 or positive") }
        options.speed = speed
        guard (10...20_000).contains(symbols) else { throw CatalystError.invalidInput(field: "symbols", reason: "between 10 and 20000") }
        options.symbolCount = symbols
        try options.server.validate()
        var logger = Logger(label: "catalyst.serve")
        logger.logLevel = ProcessInfo.processInfo.environment["CATALYST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
        if live {
            try await ServeRole.runLive(options, target: try DatabaseTarget.resolve(), files: try ProjectFiles.locate(), logger: logger)
        } else {
            if !simulate { logger.notice("no APCA_API_KEY_ID/APCA_API_SECRET_KEY: serving the simulated market with the paper broker") }
            try await ServeRole.runSimulated(options, target: try DatabaseTarget.resolve(), files: try ProjectFiles.locate(), logger: logger)
        }
    }
}
