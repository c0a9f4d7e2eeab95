import Application
import Domain
import EventStore
import Foundation
import Logging
import MarketData
import PostgresClient
import Projections
import ServiceLifecycle

/// `catalyst session run --simulate` or `--data`: one whole trading day, on the simulated market or on a
/// day recorded from Alpaca (`RecordedWorld`), with the paper broker, following the crontab's schedule at
/// accelerated time, with every projector running in the same process. Ends with the day report.
public enum SessionRole {
    public struct Options: Sendable {
        public var date: NYDate?
        public var seed: UInt64
        /// Simulated seconds per real second; nil = as fast as possible.
        public var speed: Double?
        public var symbolCount: Int
        public var account: AccountID
        /// A recorded day's dataset instead of the simulated market (then `date` is required and
        /// `symbolCount` unused: the universe is the recorded one).
        public var data: MarketDataset?
        /// Keep the market data each cycle decided on, as live trading does (`catalyst session replay`).
        public var capture: (any MarketCaptureStore)?

        public init(
            date: NYDate? = nil, seed: UInt64 = 42, speed: Double? = nil, symbolCount: Int = 4000, account: AccountID = AccountID(rawValue: "sim"),
            data: MarketDataset? = nil
        ) {
            self.data = data
            self.date = date
            self.seed = seed
            self.speed = speed
            self.symbolCount = symbolCount
            self.account = account
        }
    }

    public static func run(
        _ options: Options, conninfo: String, files: ProjectFiles, logger: Logger, progress: (@Sendable (SimulatedSession.Progress) -> Void)? = nil
    ) async throws -> DayReport {
        let store = PostgresEventStore(conninfo: conninfo, connections: 4, logger: logger)
        let config = try TradingAssembly.config(files, logger: logger)
        let date: NYDate
        if let d = options.date { date = d } else if options.data != nil {
            throw CatalystError.invalidInput(field: "date", reason: "a recorded day needs --date")
        } else {
            date = try await nextSimulatedDate(store: store, account: options.account)
        }
        let riskStream = "risk-\(options.account.rawValue)-\(date)"
        if try await store.streamVersion(riskStream) > 0 {
            throw CatalystError.refused(
                "\(date) was already simulated on this ledger (account \(options.account)); omit --date to run the next day, or use a fresh CATALYST_HOME")
        }
        let world: any TradingWorld =
            if let data = options.data { try RecordedWorld(dataset: data, date: date, seed: options.seed) } else {
                try SimulatedWorld(date: date, seed: options.seed, symbolCount: options.symbolCount)
            }
        let system = TradingAssembly.simulated(world: world, store: store, config: config, account: options.account, logger: logger, capture: options.capture)
        let schedule = try CronSchedule.parse(try files.crontab(), on: date.isoWeekday)

        // The session, then the projectors catching up with it, as the group's work: its end (or SIGTERM,
        // which stops the day between two minutes) shuts the group down.
        try await RoleServiceGroup.run(ProjectionCatalog.all(), files: files, conninfo: conninfo, retryInterval: .seconds(5), logger: logger) { engines in
            let work = RoleWork("session \(date)") {
                let session = SimulatedSession(
                    system: system, venue: world.venue, clock: world.clock, setMarketTime: { world.setMarketTime($0) })
                _ = try await session.run(.init(session: world.session, schedule: schedule, speed: options.speed), progress: progress)
                let head = try await store.head().maxPosition
                let waiter = ProjectionWaiter(pool: store.pool)
                for engine in engines { try await waiter.wait(for: engine.definition.name, toReach: head, timeout: .seconds(120)) }
            }
            return [.init(service: work, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup)]
        }
        var report = try await DayReport.load(date: date, store: store, codec: system.log.codec)
        report.auditHead = try await store.pool.withConnection { c in try AuditVerifier().anchor(on: c).hash }
        return report
    }

    /// The day after the last simulated one (so repeated demos run successive days), or the last trading
    /// day before today for a new ledger.
    static func nextSimulatedDate(store: PostgresEventStore, account: AccountID) async throws -> NYDate {
        let prefix = "risk-\(account.rawValue)-"
        let last = try await store.streamIDs(prefix: prefix, touchedWithin: nil).max()
        let calendar = NYSECalendar()
        if let last, let d = NYDate(String(last.dropFirst(prefix.count))) { return calendar.nextSession(after: d).date }
        return calendar.previousSession(before: NYDate(Date())).date
    }
}
