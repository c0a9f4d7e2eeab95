import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import Labelling
import LedgerSimulation
import Logging
import PostgresClient
import Projections

/// `catalyst bench label`: replay speed into the ML labeller, from the table and from an LZ4 archive.
/// Figures only (never a timed test).
struct BenchLabelCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Measure replay into the labeller (events/s), from the table and from an archive (run the release build).",
        discussion: """
            Generates at least --events events with LedgerSimulation (scans with every candidate, signals, risk decisions, \
            orders, fills, marks) into the scratch database catalyst_bench, then measures, three runs each: the table read \
            alone; table → decode → labeller → rows; the same after the log is sealed and exported to an LZ4 archive, read \
            through the archive+table reader. Rates are events read per wall second (every event is read; only the types \
            the labeller uses are decoded) and per CPU-second of this process.
            """)

    @Option(help: "Events to generate (at least).") var events = 500_000
    @Option(help: "Simulation seed.") var seed: UInt64 = 1

    func execute(_ configuration: CatalystConfiguration) async throws {
        let db = try await BenchDatabase.fresh(configuration: configuration)
        var sim = LedgerSimulator(SimulationOptions(seed: seed, days: 1_000_000))
        print("bench label: scratch database \(BenchDatabase.name), seed \(seed)")
        let (mix, appendSeconds) = try await BenchLog.fill(db: db, simulator: &sim, atLeast: events, progress: configuration.progress)
        let total = mix.values.reduce(0, +)
        print(String(format: "generated and appended %d events in %.1f s", total, appendSeconds))
        let wanted = mix.filter { Labeller.eventTypes.contains($0.key) }.values.reduce(0, +)
        print("  \(wanted) of them are of the types the labeller decodes")
        let store = PostgresEventStore(pool: PGPool(conninfo: db.conninfo, size: 1, name: "bench-label"))

        for run in 1...3 {
            for (name, types) in [("whole pages", nil), ("typed pages", Labeller.eventTypes)] as [(String, Set<String>?)] {
                let sw = Stopwatch(), cpu = CPUClock()
                var n = 0
                let next = LabelRun.table(store, types: types)
                while let b = try await next() { n += b.passed }
                print("table read only, \(name), run \(run)  \(rate(n, sw.seconds))  \(perCPU(n, cpu.seconds))")
            }
        }
        try await measureDecoders(store)
        for run in 1...3 {
            try await measure("table → labeller, run \(run)    ", LabelRun.table(store, types: Labeller.eventTypes))
        }

        let files = try configuration.files
        let sealer = try ProjectionCatalog.engines(
            [AuditSealProjection()], files: files, conninfo: db.conninfo, waker: LogWaker(conninfo: nil), logger: Logger(label: "bench"))[0]
        try await sealer.rebuildNow()
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("catalyst-bench-label-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = ArchiveExporter.Options(before: Self.nyDate(daysFromNow: 2), directory: dir, eventsPerSegment: 100_000)
        let report = try await PGSession(conninfo: db.conninfo, name: "bench-export").withConnection { c in try ArchiveExporter.export(options, on: c) }
        print("archived \(report.manifest.eventCount) events into \(report.manifest.segments.count) LZ4 segments")
        for run in 1...3 {
            try await measure("archive → labeller, run \(run)  ", LabelRun.continuous(try await ContinuousLog.open(archives: [dir], store: store)))
        }
    }

    private func measure(_ name: String, _ source: @escaping LabelRun.Batches) async throws {
        let sw = Stopwatch(), cpu = CPUClock()
        let fold = try await LabelRun.fold(source, labeller: Labeller())
        let rows = fold.labeller.rows()
        let (s, c) = (sw.seconds, cpu.seconds)
        print("\(name)\(rate(fold.eventsRead, s))  \(perCPU(fold.eventsRead, c)); \(fold.eventsDecoded) decoded, \(rows.count) rows")
    }

    /// The hot event types on one core: the hand-written decoder against `JSONDecoder`, payloads in memory.
    private func measureDecoders(_ store: PostgresEventStore) async throws {
        var hot: [RecordedEvent] = []
        let next = LabelRun.table(store)
        while let b = try await next() { hot += b.events.filter { EventCodec.isHotPath($0.eventType) } }
        for (name, codec) in [("hot-path decoder", EventCodec()), ("JSONDecoder     ", EventCodec(hotPath: false))] {
            let sw = Stopwatch()
            for e in hot { _ = try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload) }
            print("decode \(hot.count) hot events, one core, \(name)  \(rate(hot.count, sw.seconds))")
        }
    }

    private func perCPU(_ n: Int, _ seconds: Double) -> String { String(format: "%.0f ev/s per CPU-second", Double(n) / seconds) }

    private static func nyDate(daysFromNow days: Int) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "America/New_York")!
        let d = cal.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(Double(days) * 86_400))
        return String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
    }
}
