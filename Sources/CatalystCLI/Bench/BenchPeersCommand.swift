import CatalystApp
import ArgumentParser
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections

/// `catalyst bench peers`: our side of `tools/bench-peers`. The script runs the same workload, with the same
/// sizes, payloads and stream layout, against the Python `eventsourcing` library on the same server, and
/// puts the two side by side.
struct BenchPeersCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "Our side of tools/bench-peers: the peer-comparison workload on our store (run the release build).",
        discussion: """
            In the scratch database catalyst_bench: one event per transaction over 1,000 streams; batches of 100 and \
            1,000 events to new streams; concurrent single-event writers; a full ordered read of the whole log (median \
            of 3); a rebuild of a per-stream count projection over the whole log through the projector engine. Then, \
            in catalyst_bench_late: writers holding each append's transaction open for a random time (late commits) \
            while a LogFollower tails the log, counting committed events it never delivered.
            """
    )

    @Option(help: "Events for the one-event-per-transaction measurement.") var singleEvents = 2_000
    @Option(help: "Events for each batched measurement (batches of 100 and of 1,000).") var events = 50_000
    @Option(help: "Concurrent single-event writers.") var writers = 8
    @Option(help: "Events per concurrent writer.") var perWriter = 500
    @Option(help: "Page size of the ordered read and of the rebuild.") var page = 10_000
    @Option(help: "Writers in the late-commit test.") var lateWriters = 8
    @Option(help: "Events per writer in the late-commit test.") var latePerWriter = 200
    @Option(help: "Longest time a late-commit writer holds its transaction open, ms (uniform 0…max).") var maxHoldMs = 20
    @Flag(help: "Print one JSON object per workload instead of text.") var json = false

    func execute(_ configuration: CatalystConfiguration) async throws {
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let store = PostgresEventStore(pool: PGPool(conninfo: db.conninfo, size: max(writers, 2), name: "bench"))
        if !json { print("bench peers: ~\(BenchEvents.payload.count)-byte payloads, scratch database \(BenchDatabase.name)") }

        var sw = Stopwatch()
        var bar = ProgressLine("one event per transaction", unit: "events", settings: configuration.progress)
        for i in 0..<singleEvents {
            let s = "single-\(i % 1000)"
            _ = try await store.append(to: s, expected: .any, events: BenchEvents.make(stream: s, count: 1))
            bar.update(done: i + 1, total: singleEvents)
        }
        bar.finish()
        report("single", singleEvents, sw.seconds)

        for size in [100, 1000] {
            sw = Stopwatch()
            bar = ProgressLine("batches of \(size)", unit: "events", settings: configuration.progress)
            for b in 0..<(events / size) {
                let s = "batch\(size)-\(b)"
                _ = try await store.append(to: s, expected: .noStream, events: BenchEvents.make(stream: s, count: size))
                bar.update(done: (b + 1) * size, total: events / size * size)
            }
            bar.finish()
            report("batch\(size)", events / size * size, sw.seconds)
        }

        sw = Stopwatch()
        try await BenchEvents.appendConcurrently(store, writers: writers, perWriter: perWriter)
        report("writers", writers * perWriter, sw.seconds)

        var reads: [Double] = []
        var read = 0
        for _ in 1...3 {
            sw = Stopwatch()
            read = 0
            // The store's whole-log read: the next page is asked for while this one is decoded.
            try await store.readPages(after: .start, limit: page, reaching: try await store.catchUpTarget()) { batch in read += batch.count }
            reads.append(sw.seconds)
        }
        report("read", read, BenchSupport.median(reads))

        let projection = StreamCountsProjection()
        var logger = Logger(label: "catalyst.bench")
        logger.logLevel = .error
        var engine = ProjectorEngine(projection: projection, definition: projection.definition, conninfo: db.conninfo, waker: nil, logger: logger)
        engine.rebuildBatchSize = page
        sw = Stopwatch()
        try await engine.rebuildNow()
        let rebuildSeconds = sw.seconds
        let folded = try await PGSession(conninfo: db.conninfo, name: "bench-check").withConnection { c in
            Int(try c.query("SELECT coalesce(sum(events), 0)::bigint FROM proj_\(projection.name).stream_counts").int64(0, 0) ?? 0)
        }
        report("rebuild", read, rebuildSeconds, extra: ["folded": "\(folded)"])

        let late = try await LateCommitBench.run(
            db: try await BenchDatabase.fresh(name: "catalyst_bench_late", configuration: configuration), writers: lateWriters, perWriter: latePerWriter, maxHoldMs: maxHoldMs)
        report(
            "late_commit", late.committed, late.seconds,
            extra: [
                "delivered": "\(late.delivered)", "skipped": "\(late.skipped)", "duplicates": "\(late.duplicates)", "out_of_order": "\(late.outOfOrder)",
            ])
    }

    /// One line per workload: text, or a JSON object that tools/bench-peers reads.
    private func report(_ workload: String, _ n: Int, _ seconds: Double, extra: KeyValuePairs<String, String> = [:]) {
        if json {
            let fields = [#""workload":"\#(workload)""#, #""events":\#(n)"#, String(format: #""seconds":%.6f"#, seconds)] + extra.map { #""\#($0.key)":\#($0.value)"# }
            print("{" + fields.joined(separator: ",") + "}")
        } else {
            print(workload.padding(toLength: 14, withPad: " ", startingAt: 0) + rate(n, seconds) + extra.map { "  \($0.key) \($0.value)" }.joined())
        }
    }
}
