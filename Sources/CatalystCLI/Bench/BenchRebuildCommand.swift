import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import LedgerSimulation
import Logging
import PostgresClient
import Projections

/// `catalyst bench rebuild`: rebuild speed of every projection over a realistic simulated log, and the
/// live lag from commit to visible row at a steady append rate. Figures only (never a timed test).
struct BenchRebuildCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild every projection over a simulated log and measure live lag (run the release build).",
        discussion: """
            Generates at least --events events by driving the domain's deciders (LedgerSimulation: scans with every \
            candidate, signals, risk decisions, bracket orders, partial fills, marks every --mark-minutes), appends them to \
            the scratch database catalyst_bench, then rebuilds each projection from zero (events/s over the whole log), \
            rebuilds all of them at once, and finally runs every projection live while appending at --rate events/s for \
            --lag-seconds, reporting the lag from an append's commit to its rows being visible (p50, p99).
            """
    )

    @Option(help: "Events to generate (at least).") var events = 1_000_000
    @Option(help: "Simulation seed.") var seed: UInt64 = 1
    @Option(help: "Position monitor tick in the simulation, minutes.") var markMinutes = 5
    @Option(name: .customLong("rate"), help: "Append rate for the live-lag measurement, events/s.") var appendRate = 1_000
    @Option(help: "Duration of the live-lag measurement, seconds (0 skips it).") var lagSeconds = 30
    @Option(help: "Comma-separated projections to measure (default: all).") var only: String?
    @Flag(help: "Also rebuild each projection that names its event types from whole pages (every payload read and filtered in the process), for comparison.")
    var wholePages = false

    func execute(_ configuration: CatalystConfiguration) async throws {
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let files = try configuration.files
        let projections = try only.map { try $0.split(separator: ",").map { try ProjectionCatalog.named(String($0)) } } ?? ProjectionCatalog.all()
        var options = SimulationOptions(seed: seed, days: 1_000_000)
        options.markEveryMinutes = markMinutes
        var sim = LedgerSimulator(options)

        print("bench rebuild: scratch database \(BenchDatabase.name), seed \(seed)")
        let (mix, appendSeconds) = try await BenchLog.fill(db: db, simulator: &sim, atLeast: events, progress: configuration.progress)
        let total = mix.values.reduce(0, +)
        print(String(format: "generated and appended %d events in %.1f s (%.0f events/s)", total, appendSeconds, Double(total) / appendSeconds))
        BenchLog.printMix(mix)

        var logger = Logger(label: "catalyst.bench")
        logger.logLevel = .error
        func engine(_ p: any Projection, typed: Bool = true) throws -> ProjectorEngine {
            var e = ProjectorEngine(
                projection: p, definition: try ProjectionDefinition.load(p, from: files.projections), conninfo: db.conninfo, waker: nil, logger: logger)
            e.typedPages = typed
            return e
        }

        print("\nrebuild from zero, one projection at a time (events/s over the whole log):")
        for p in projections {
            var sw = Stopwatch()
            try await engine(p).rebuildNow()
            let typed = sw.seconds
            var line = "  \(p.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(rate(total, typed))"
            if wholePages, p.eventTypes != nil {
                sw = Stopwatch()
                try await engine(p, typed: false).rebuildNow()
                line += String(format: "   whole pages %.0f ev/s (typed pages %.2f×)", Double(total) / sw.seconds, sw.seconds / typed)
            }
            print(line)
        }

        let sw = Stopwatch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in projections {
                let e = try engine(p)
                group.addTask { try await e.rebuildNow() }
            }
            try await group.waitForAll()
        }
        print("  all \(projections.count) at once    \(rate(total, sw.seconds))  (each event applied by every projection)")

        if lagSeconds > 0 {
            print("\nlive lag, commit → rows visible, appending \(appendRate) events/s for \(lagSeconds) s with every projection live:")
            let lags = try await LiveLag.measure(
                db: db, projections: projections, files: files, simulator: &sim, rate: appendRate, seconds: lagSeconds, logger: logger)
            for p in projections {
                let l = lags[p.name] ?? []
                print("  \(p.name.padding(toLength: 16, withPad: " ", startingAt: 0)) p50 \(ms(BenchSupport.percentile(l, 0.5)))  p99 \(ms(BenchSupport.percentile(l, 0.99)))  max \(ms(l.max() ?? 0))  (\(l.count) appends)")
            }
        }
        if let peak = BenchSupport.peakResidentMB() { print(String(format: "peak RSS (VmHWM): %.1f MB", peak)) }
    }

    private func ms(_ seconds: Double) -> String { String(format: "%6.1f ms", seconds * 1000) }
}
