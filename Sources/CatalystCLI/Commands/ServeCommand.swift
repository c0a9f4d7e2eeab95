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
            Listens on 127.0.0.1:5006 by default, the port of the original crontab's curl lines. Every projector runs \
            in the same process. Every mutating request needs a principal's key (Authorization: Bearer <key>); the \
            local ones are in .catalyst/credentials/ (catalyst principals --help). On loopback reads need no key; \
            bound beyond loopback (--host), every route but /health does.

            With APCA_API_KEY_ID and APCA_API_SECRET_KEY set, it trades through Alpaca (paper unless APCA_API_BASE_URL \
            says otherwise) on the wall clock, with reconciliation and monitoring every minute of the session; the \
            universe is the symbols of config/sectors.csv (symbol,sector). Without keys, or with --simulate, it \
            serves the simulated market and the paper broker, on a simulated clock that starts at the session open \
            of --date and moves --speed simulated seconds per real second (--speed max: as fast as the minutes and the \
            cycles in flight allow). --days N runs N consecutive NYSE sessions in the one process; --cron fires the \
            workflow lines of tools/catalyst.cron on the simulated clock (otherwise only API requests start cycles).

            --accounts a,b (or all) serves several accounts of config/accounts.yaml in this one process, each with its \
            own ledger, projectors, risk book, principals and clock, on one port: /accounts/<name>/api/v1/… is that \
            account's API, /health answers for all of them (docs/accounts.md). They trade live only when each has its \
            own broker keys (broker_env_prefix).
            """)

    @Option(help: "Address to bind (beyond loopback, every route but /health needs a key). Default: the catalyst.serve.host setting, else 127.0.0.1.")
    var host: String?
    @Option(help: "TCP port (0 = any free port). Default: the catalyst.serve.port setting, else 5006.") var port: Int?
    @Flag(name: .customLong("private-reads"), help: "Reads need a key on loopback too (beyond loopback they always do).") var privateReads = false
    @Flag(help: "Simulated market and paper broker on a simulated clock (the default without broker keys).") var simulate = false
    @Option(help: "New York trading date of the simulated session (YYYY-MM-DD). Default: the last trading day.") var date: String?
    @Option(help: "Seed of the simulated market, broker and ids.") var seed: UInt64 = 42
    @Option(help: "Simulated seconds per real second (0 = the clock stays at the open; max = as fast as the cycles allow).") var speed = "60"
    @Option(help: "Symbols in the simulated universe.") var symbols: Int = 500
    @Option(help: "Consecutive NYSE sessions to simulate from --date, in this one process.") var days: Int = 1
    @Flag(help: "Start cycles from the workflow lines of tools/catalyst.cron on the simulated clock.") var cron = false
    @Option(help: "Serve these accounts of config/accounts.yaml in one process (comma-separated, or all), each under /accounts/<name>/.")
    var accounts: String?

    var configurationFlags: [String: String] {
        var flags: [String: String] = [:]
        if let host { flags["catalyst.serve.host"] = host }
        if let port { flags["catalyst.serve.port"] = String(port) }
        return flags
    }

    func execute(_ configuration: CatalystConfiguration) async throws {
        // With broker keys, Alpaca; without (the zero-configuration default) or with --simulate, the
        // simulated market and the paper broker.
        let live = !simulate && configuration.hasBrokerKeys
        var options = ServeRole.Options(server: .init(host: configuration.serve.host, port: configuration.serve.port, privateReads: privateReads))
        options.date = try date.map { try DataCommand.date($0, "date") }
        options.seed = seed
        options.speed = try Self.speed(speed)
        guard (1...260).contains(days) else { throw CatalystError.invalidInput(field: "days", reason: "between 1 and 260") }
        options.days = days
        guard (10...20_000).contains(symbols) else { throw CatalystError.invalidInput(field: "symbols", reason: "between 10 and 20000") }
        options.symbolCount = symbols
        try options.server.validate()
        var logger = Logger(label: "catalyst.serve")
        logger.logLevel = configuration.log.level ?? .notice
        if let accounts {
            let (chosen, live) = try ServeRole.accounts(accounts, configuration: configuration, simulate: simulate)
            if !live, cron { options.crontab = try configuration.files.crontab() }
            try await ServeRole.runAccounts(options, accounts: chosen, live: live, logger: logger)
            return
        }
        if live {
            try await ServeRole.runLive(options, configuration: configuration, logger: logger)
        } else {
            if !simulate { logger.notice("no APCA_API_KEY_ID/APCA_API_SECRET_KEY: serving the simulated market with the paper broker") }
            let files = try configuration.files
            if cron { options.crontab = try files.crontab() }
            try await ServeRole.runSimulated(options, configuration: configuration, logger: logger)
        }
    }

    /// `--speed`: a non-negative number of simulated seconds per real second, or `max`.
    static func speed(_ text: String) throws -> Double {
        if text == "max" { return .infinity }
        guard let v = Double(text), v.isFinite, v >= 0 else {
            throw CatalystError.invalidInput(field: "speed", reason: "a number of simulated seconds per real second (0 or more), or max; got \(text)")
        }
        return v
    }
}
