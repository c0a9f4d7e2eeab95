import Application
import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Logging

/// One simulated trading day run in-process, composed exactly as `catalyst session run --simulate`
/// composes it (`SimulatedWorld`, the paper broker, `TradingAssembly.simulated`, `SimulatedSession`, the
/// repository's config and crontab), projectors aside (they do not write to the log). The golden master
/// and the replay tests run their days through it.
enum SimulatedDayRun {
    static func run(date: NYDate, seed: UInt64, symbols: Int, store: any EventStore) async throws -> DayReport {
        try await run(world: try SimulatedWorld(date: date, seed: seed, symbolCount: symbols), store: store)
    }

    /// The same day over any world: a simulated one, or a recorded one (`RecordedWorld`).
    /// With `capture`, every cycle keeps the market data it decided on, as live trading does.
    static func run(world: some TradingWorld, store: any EventStore, capture: (any MarketCaptureStore)? = nil) async throws -> DayReport {
        let files = ProjectFiles(root: TestCluster.repositoryRoot)
        var logger = Logger(label: "simulated-day")
        logger.logLevel = .critical
        let config = try TradingAssembly.config(files, logger: logger)
        let date = world.session.date
        let system = TradingAssembly.simulated(world: world, store: store, config: config, logger: logger, capture: capture)
        let crontab = try String(contentsOf: files.root.appendingPathComponent("tools/catalyst.cron"), encoding: .utf8)
        let schedule = try CronSchedule.parse(crontab, on: date.isoWeekday)
        let session = SimulatedSession(system: system, venue: world.venue, clock: world.clock, setMarketTime: { world.setMarketTime($0) })
        _ = try await session.run(.init(session: world.session, schedule: schedule, speed: nil))
        return try await DayReport.load(date: date, store: store, codec: system.log.codec)
    }
}
