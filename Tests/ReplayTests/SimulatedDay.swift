import Application
import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Logging

/// One simulated trading day run in-process, exactly as the golden master runs it (SimulatedWorld, the
/// paper broker, `TradingAssembly.simulated`, `SimulatedSession`, the repository's config and crontab),
/// on a smaller universe, into a fresh test database. Built once per test process and shared.
struct SimulatedDay: Sendable {
    static let date = NYDate("2025-03-14")!
    static let seed: UInt64 = 13
    static let symbols = 300

    let db: TestDatabase
    let store: PostgresEventStore
    let report: DayReport

    private static let shared = SharedDay()

    static func get() async throws -> SimulatedDay { try await shared.get() }

    static func run() async throws -> SimulatedDay {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        let files = ProjectFiles(root: TestCluster.repositoryRoot)
        var logger = Logger(label: "replay-day")
        logger.logLevel = .critical
        let config = try TradingAssembly.config(files, logger: logger)
        let world = try SimulatedWorld(date: date, seed: seed, symbolCount: symbols)
        let system = TradingAssembly.simulated(world: world, store: store, config: config, logger: logger)
        let crontab = try String(contentsOf: files.root.appendingPathComponent("tools/catalyst.cron"), encoding: .utf8)
        let schedule = try CronSchedule.parse(crontab, on: date.isoWeekday)
        let session = SimulatedSession(
            system: system, venue: world.venue, clock: world.clock, setMarketTime: { world.market.clock.set($0) })
        _ = try await session.run(.init(session: world.session, schedule: schedule, speed: nil))
        let report = try await DayReport.load(date: date, store: store, codec: system.log.codec)
        return SimulatedDay(db: db, store: store, report: report)
    }
}

/// Runs the day once, whichever test asks first.
private actor SharedDay {
    private var task: Task<SimulatedDay, any Error>?

    func get() async throws -> SimulatedDay {
        if let task { return try await task.value }
        let t = Task { try await SimulatedDay.run() }
        task = t
        return try await t.value
    }
}
