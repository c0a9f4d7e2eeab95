import Application
import Domain
import EventStore
import Foundation
import HTTPAPI
import Logging
import MarketData
import PostgresClient
import Projections
import ServiceLifecycle

/// `catalyst serve`: the HTTP API with every projector running in the same process. With `--simulate`,
/// over the simulated market and the paper broker on a simulated clock that starts at the session open.
public enum ServeRole {
    public struct Options: Sendable {
        public var server: APIServer.Configuration
        public var date: NYDate?
        public var seed: UInt64 = 42
        /// Simulated seconds per real second (0 = the clock only moves when asked; tests step it;
        /// `.infinity` = as fast as the minutes and the cycles in flight allow).
        public var speed: Double = 60
        /// Consecutive NYSE sessions from `date` run by the one process.
        public var days: Int = 1
        /// With a crontab (the text of `tools/catalyst.cron`), its workflow lines start cycles on the
        /// simulated minute; without, only API requests do.
        public var crontab: String?
        public var symbolCount: Int = 500
        public var account = AccountID(rawValue: "sim")
        /// Maker–checker settings; nil = `config/authority.yaml`.
        public var authority: AuthorityPolicy?
        /// How old the database's part of `/health` may be (tests that change the database and look at
        /// once use zero).
        public var healthMaxAge: Duration = .seconds(1)
        /// A hot standby of the ledger (`catalyst.read.url`): the projectors read the log there, and the
        /// API's GET routes read the views there (read-your-writes: docs/read-replicas.md).
        public var readURL: String?

        public init(server: APIServer.Configuration) { self.server = server }
    }

    /// A simulated system ready to serve: world, trading system, backend and clock driver.
    public struct Simulated: Sendable {
        public let world: SimulatedWorld
        public let system: TradingSystem
        public let backend: APIBackend
        public let driver: SimulatedClockDriver
    }

    public static func simulated(
        _ options: Options, store: PostgresEventStore, files: ProjectFiles, incarnation: UInt64 = 0, logger: Logger
    ) async throws -> Simulated {
        let config = try TradingAssembly.config(files, logger: logger)
        let date: NYDate
        if let d = options.date { date = d } else { date = lastTradingDay() }
        let world = try SimulatedWorld(date: date, seed: options.seed, symbolCount: options.symbolCount, incarnation: incarnation)
        let system = TradingAssembly.simulated(world: world, store: store, config: config, account: options.account, logger: logger)
        let policy = try options.authority ?? AuthorityFile.load(files.config.appendingPathComponent("authority.yaml").path)
        let backend = APIBackend(
            system: system, store: store, editRiskParameters: RiskParameterOverrides.edit, projections: ProjectionCatalog.names, venue: "simulated \(date) seed \(options.seed)", policy: policy,
            healthMaxAge: options.healthMaxAge, standby: options.standbyPool, logger: logger)
        let driver = SimulatedClockDriver(
            world: world, system: system, cycles: backend.cycles, days: options.days, crontab: options.crontab, logger: logger)
        return Simulated(world: world, system: system, backend: backend, driver: driver)
    }

    static func lastTradingDay() -> NYDate { NYSECalendar().previousSession(before: NYDate(Date())).date }

    /// One account's part of `serve`: its API backend, its clock, and where its projectors write (the
    /// ledger) and read (`catalyst.read.url`, checked).
    struct Served: Sendable {
        let backend: APIBackend
        let target: DatabaseTarget
        let readURL: String?
        let duties: @Sendable () async -> Void
    }

    /// Runs until SIGINT/SIGTERM shuts it down gracefully: projectors, the simulated clock and the server.
    public static func runSimulated(_ options: Options, configuration: CatalystConfiguration, logger: Logger) async throws {
        try options.server.validate()
        let served = try await prepareSimulated(options, configuration: configuration, logger: logger)
        try await serve(
            options, backend: served.backend, target: served.target, readConninfo: served.readURL, files: try configuration.files, logger: logger,
            duties: served.duties)
    }

    /// The simulated market, paper broker and clock over the configuration's ledger, ready to serve.
    static func prepareSimulated(_ options: Options, configuration: CatalystConfiguration, logger: Logger) async throws -> Served {
        let files = try configuration.files
        let target = try await configuration.migratedDatabase(logger: logger)
        var checked = options
        checked.readURL = try await checkedStandby(configuration, logger: logger)
        let options = checked
        let store = target.store(connections: 8, logger: logger)
        // A restart over the same ledger continues its day: ids must not repeat the first run's.
        let head = try await store.head().maxPosition
        let sim = try await simulated(options, store: store, files: files, incarnation: UInt64(max(0, head)), logger: logger)
        try await bootstrapPrincipals(sim.system.log, credentials: configuration.credentials, logger: logger)
        try await sim.driver.open()
        return Served(backend: sim.backend, target: target, readURL: options.readURL) {
            if options.speed > 0 { await sim.driver.run(speed: options.speed) }
        }
    }

    /// Runs the live API until SIGINT/SIGTERM: Alpaca (keys from the environment), the wall clock, the
    /// per-minute duties and every projector.
    public static func runLive(_ options: Options, configuration: CatalystConfiguration, logger: Logger) async throws {
        try options.server.validate()
        let served = try await prepareLive(options, configuration: configuration, logger: logger)
        try await serve(
            options, backend: served.backend, target: served.target, readConninfo: served.readURL, files: try configuration.files, logger: logger,
            duties: served.duties)
    }

    /// Alpaca (the configuration's keys), the wall clock and the per-minute duties over its ledger.
    static func prepareLive(_ options: Options, configuration: CatalystConfiguration, logger: Logger) async throws -> Served {
        // Configuration errors (keys, sector map) first: they need no database.
        let (target, files) = (try configuration.database, try configuration.files)
        let store = target.store(connections: 8, logger: logger)
        let config = try TradingAssembly.config(files, logger: logger)
        let system = try TradingAssembly.live(store: store, config: config, files: files, configuration: configuration, logger: logger)
        try await target.requireMigrated(files: files, logger: logger)
        var checked = options
        checked.readURL = try await checkedStandby(configuration, logger: logger)
        let options = checked
        let policy = try AuthorityFile.load(files.config.appendingPathComponent("authority.yaml").path)
        try await bootstrapPrincipals(system.log, credentials: configuration.credentials, logger: logger)
        let backend = APIBackend(
            system: system, store: store, editRiskParameters: RiskParameterOverrides.edit, projections: ProjectionCatalog.names,
            venue: "alpaca \(system.broker.mode)", policy: policy, healthMaxAge: options.healthMaxAge, standby: options.standbyPool, logger: logger)
        let driver = LiveDutiesDriver(system: system, logger: logger)
        return Served(backend: backend, target: target, readURL: options.readURL) { await driver.run() }
    }

    /// `catalyst.read.url`, once it answers and holds this ledger (`readerDatabase`), or nil.
    static func checkedStandby(_ configuration: CatalystConfiguration, logger: Logger) async throws -> String? {
        guard configuration.readURL != nil else { return nil }
        guard case .external(let url) = try await configuration.readerDatabase(note: { logger.notice("\($0)") }) else { return nil }
        return url
    }

    /// The zero-configuration principals, when the ledger has none (normally `catalyst migrate` made them).
    static func bootstrapPrincipals(_ log: EventLog, credentials: LocalCredentials, logger: Logger) async throws {
        for file in try await credentials.bootstrap(log: log) {
            logger.notice("no principals yet: wrote a local credential", metadata: ["file": "\(file.path)"])
        }
    }

    /// Every projector, the clock (`duties`) and the server, as one `ServiceGroup` that SIGTERM and SIGINT
    /// shut down gracefully: the server first (no new connections, requests in flight finish), then the
    /// clock, then the projectors after their current batch. A projector that fails is started again
    /// after a pause (`ProjectorService`): a database briefly unable to write must not leave the API
    /// serving frozen projections. A server that cannot start ends the group with its error.
    static func serve(
        _ options: Options, backend: APIBackend, target: DatabaseTarget, readConninfo: String? = nil, files: ProjectFiles, logger: Logger,
        duties: @escaping @Sendable () async -> Void
    ) async throws {
        let server = APIServer(configuration: options.server, backend: backend, logger: logger)
        try await RoleServiceGroup.run(
            ProjectionCatalog.all(), files: files, conninfo: target.conninfo, readConninfo: readConninfo, retryInterval: .seconds(5), logger: logger
        ) { _ in
            [
                // The clock: done before the group (a simulated run past its last day), it waits for the shutdown.
                .init(service: RoleWork("duties") { await duties(); try await gracefulShutdown() }, successTerminationBehavior: .ignore),
                // The cycles in flight: shut down after the server, before the clock and the projectors.
                .init(service: backend.cycles, successTerminationBehavior: .ignore),
                .init(
                    service: APIService(server: server, host: options.server.host, logger: logger),
                    successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup),
            ]
        }
    }
}

/// The HTTP server of `serve` (one account's, or several accounts' under `--accounts`) as a service: it
/// starts once every projection is live, so the first requests never meet a missing view, and it shuts
/// down gracefully with the group.
struct APIService<Server: APIServing>: Service, CustomStringConvertible {
    let server: Server
    let host: String
    let logger: Logger
    /// What service-lifecycle logs (never the backend, which holds the trading system's configuration).
    var description: String { "APIService(\(host))" }

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await server.waitUntilReady() }
        if Task.isShuttingDownGracefully { return }
        try await server.run { port in
            logger.notice("catalyst serve listening", metadata: server.listening.merging(["url": "http://\(host):\(port)"]) { $1 })
        }
    }
}

extension ServeRole.Options {
    /// The pool the API's GET routes read the standby through, when `readURL` names one.
    var standbyPool: PGPool? { readURL.map { PGPool(conninfo: $0, size: 4, name: "api-standby") } }
}
