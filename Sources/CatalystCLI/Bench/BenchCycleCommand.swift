import Application
import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import Logging

/// `catalyst bench cycle`: StartCycle and the whole cycle it runs (scan of the universe → funnel →
/// signals → risk → orders → completion, every step appended), timed per slot on the simulated market
/// with the paper broker, in a scratch database.
struct BenchCycleCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle",
        abstract: "Time whole trading cycles (StartCycle to completion, events appended) over the simulated market.")

    @Option(help: "Simulated market seed.") var seed: UInt64 = 42
    @Option(help: "Symbols in the simulated universe.") var symbols: Int = 4000
    @Option(help: "Trading date (New York).") var date: String = "2025-03-14"
    @Option(help: "Cycles to run, one every --every minutes from 09:45 New York.") var cycles: Int = 20
    @Option(help: "Minutes between cycles.") var every: Int = 15

    func execute(_ configuration: CatalystConfiguration) async throws {
        guard let day = NYDate(date) else { throw ValidationError("--date must be YYYY-MM-DD") }
        guard cycles > 0, every > 0 else { throw ValidationError("--cycles and --every must be positive") }
        var logger = Logger(label: "bench.cycle")
        logger.logLevel = .error
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let store = PostgresEventStore(conninfo: db.conninfo, connections: 4, logger: logger)
        let files = try configuration.files
        let config = try TradingAssembly.config(files, logger: logger)
        let first = day.at(hour: 9, minute: 45)
        let world = try SimulatedWorld(date: day, seed: seed, symbolCount: symbols, start: first)
        let system = TradingAssembly.simulated(world: world, store: store, config: config, logger: logger)
        _ = try await Reconciler(system: system).run(.startup, context: system.context(.system))
        print("bench cycle: \(symbols) symbols, seed \(seed), \(date), \(cycles) cycles every \(every) min from 09:45 New York")

        var times: [Double] = []
        var totalEvents = 0
        // Each cycle prints its own line as it ends: that is this command's progress.
        for i in 0..<cycles {
            let at = first.addingTimeInterval(Double(i * every * 60))
            guard world.session.contains(at) else { break }
            world.setTime(at)
            _ = world.broker.advance(to: at)
            let before = try await store.head().maxPosition
            let actor = Actor(.cron, name: "bench")
            let context = system.context(actor)
            let (summary, ms) = try await BenchSupport.timed { () async throws -> CycleExecution.Summary in
                let cycle = try await CycleService(system: system).start(StartCycleRequest(mode: "normal", idempotencyKey: "bench-\(i)"), context: context)
                return try await CycleExecution(system: system).run(cycle.cycleID, context: context.followUp(commandID: system.ids.uuid()))
            }
            let seconds = ms / 1000
            let appended = Int(try await store.head().maxPosition - before)
            times.append(seconds)
            totalEvents += appended
            let hm = at.formatted(Date.FormatStyle(date: .omitted, time: .shortened, timeZone: TimeZone(identifier: "America/New_York")!))
            print(String(
                format: "  %@  %6.0f ms  %4d events  candidates %d, signals %d, approvals %d, orders %d",
                hm, seconds * 1000, appended, summary.candidates, summary.signals, summary.approvals, summary.orders))
        }
        guard !times.isEmpty else { return }
        print(String(
            format: "cycles %d: p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d events appended (%.0f events/s inside cycles)",
            times.count, BenchSupport.percentile(times, 0.50) * 1000, BenchSupport.percentile(times, 0.99) * 1000,
            times.max()! * 1000, totalEvents, Double(totalEvents) / times.reduce(0, +)))
    }
}
