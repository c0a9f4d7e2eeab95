import CatalystApp
import ArgumentParser
import EventStore
import Foundation
import PostgresClient

struct AppendBench: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Measure append throughput (run the release build).",
        discussion: """
            Prints events/s for one event per transaction, batches of 100 and 1,000, 8 concurrent single-event writers, \
            and, in the same run, a raw COPY of the same rows into a bare copy of the events table (the physical limit). \
            Runs in a scratch database, catalyst_bench, on the configured server.
            """
    )

    @Option(help: "Events for each batched measurement.") var events = 100_000
    @Option(help: "Events for the one-event-per-transaction measurement.") var singleEvents = 10_000
    @Option(help: "Events per writer in the concurrent measurement.") var perWriter = 2_500
    @Option(help: "Concurrent single-event writers.") var writers = 8
    @Option(help: "Interleaved rounds of the concurrent measurement (ours, then raw INSERTs); the medians are compared.") var rounds = 3
    @Option(help: "Batches of at least this many events use COPY instead of the append function.") var copyThreshold = 32

    func execute(_ configuration: CatalystConfiguration) async throws {
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let store = PostgresEventStore(
            pool: PGPool(conninfo: db.conninfo, size: writers, name: "bench"), notifier: AppendNotifier(conninfo: db.conninfo), copyThreshold: copyThreshold)
        print("append benchmark: ~\(BenchEvents.payload.count)-byte payloads, scratch database \(BenchDatabase.name)")

        // One event per transaction, one writer.
        var sw = Stopwatch()
        var bar = ProgressLine("one event per transaction", unit: "events", settings: configuration.progress)
        for i in 0..<singleEvents {
            let s = "single-\(i % 1000)"
            _ = try await store.append(to: s, expected: .any, events: BenchEvents.make(stream: s, count: 1))
            bar.update(done: i + 1, total: singleEvents)
        }
        bar.finish()
        print("1 event / transaction      \(rate(singleEvents, sw.seconds))")

        var batched: [Int: Double] = [:]
        for size in [100, 1000] {
            sw = Stopwatch()
            bar = ProgressLine("batches of \(size)", unit: "events", settings: configuration.progress)
            for b in 0..<(events / size) {
                let s = "batch\(size)-\(b)"
                _ = try await store.append(to: s, expected: .noStream, events: BenchEvents.make(stream: s, count: size))
                bar.update(done: (b + 1) * size, total: events / size * size)
            }
            bar.finish()
            batched[size] = Double(events) / sw.seconds
            print("batch of \(size)".padding(toLength: 27, withPad: " ", startingAt: 0) + rate(events, sw.seconds))
        }

        // Interleaved rounds: this disk's speed drifts, so each round measures both sides back to back.
        var ours: [Double] = []
        var rawRounds: [Double] = []
        for _ in 1...rounds {
            sw = Stopwatch()
            try await BenchEvents.appendConcurrently(store, writers: writers, perWriter: perWriter)
            ours.append(sw.seconds)
            rawRounds.append(try await rawConcurrentInserts(db: db, writers: writers, perWriter: perWriter))
        }
        let n = writers * perWriter
        let oursMedian = BenchSupport.median(ours)
        let rawMedian = BenchSupport.median(rawRounds)
        print("\(writers) concurrent writers       \(rate(n, oursMedian))  (median of \(rounds) rounds)")
        print("\(writers) raw INSERT writers     \(rate(n, rawMedian))  (same table shape, no append logic; interleaved with the rounds above)")
        print(String(format: "concurrent appends vs raw INSERT: %.0f%% (rounds: %@)", 100 * rawMedian / oursMedian,
                     zip(ours, rawRounds).map { String(format: "%.0f%%", 100 * $1 / $0) }.joined(separator: ", ")))

        let raw = try await rawCopy(db: db, count: events)
        print("raw COPY, bare table       \(rate(events, raw.bare))")
        print("raw COPY, indexed table    \(rate(events, raw.indexed))")
        let best = max(batched[100] ?? 0, batched[1000] ?? 0)
        print(String(format: "batched append vs raw COPY: %.0f%% of bare, %.0f%% of indexed", 100 * best / (Double(events) / raw.bare), 100 * best / (Double(events) / raw.indexed)))

        let total = try await PGSession(conninfo: db.conninfo).withConnection { c in try PostgresEventStore.eventCount(on: c) }
        let expected = singleEvents + 2 * events + rounds * writers * perWriter
        print("stored \(total) events (expected \(expected))\(total == expected ? "" : "  MISMATCH")")
    }

    /// Single-row INSERT commits from concurrent connections into a copy of the events table: what the
    /// disk's fsync allows for one-event transactions, whatever the append logic does.
    private func rawConcurrentInserts(db: BenchDatabase, writers: Int, perWriter: Int) async throws -> Double {
        try await PGSession(conninfo: db.conninfo).withConnection { c -> Void in
            try c.execute("DROP TABLE IF EXISTS bench_commits; CREATE TABLE bench_commits (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES INCLUDING CONSTRAINTS)")
        }
        let payload = String(decoding: BenchEvents.payload, as: UTF8.self)
        let metadata = String(decoding: BenchEvents.metadata, as: UTF8.self)
        let sw = Stopwatch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let session = PGSession(conninfo: db.conninfo, name: "raw-\(w)")
                    try await session.withConnection { c -> Void in
                        for i in 0..<perWriter {
                            try c.prepared(
                                "raw_insert",
                                "INSERT INTO bench_commits (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at) VALUES ($1, 1, gen_random_uuid(), 'order.filled', 1, $2::jsonb, $3::jsonb, now())",
                                ["raw-\(w)-\(i)", payload, metadata])
                        }
                    }
                    await session.close()
                }
            }
            try await group.waitForAll()
        }
        return sw.seconds
    }

    /// COPY of identical rows into copies of the events table: without indexes/triggers/defaults beyond the
    /// columns ("bare"), and with the same indexes as events ("indexed").
    private func rawCopy(db: BenchDatabase, count: Int) async throws -> (bare: Double, indexed: Double) {
        let session = PGSession(conninfo: db.conninfo, name: "bench-raw")
        let rows = BenchEvents.make(stream: "raw", count: count)
        var out: [Double] = []
        for (table, like) in [("bench_bare", "INCLUDING DEFAULTS INCLUDING IDENTITY"), ("bench_indexed", "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES INCLUDING CONSTRAINTS")] {
            let seconds = try await session.withConnection { c -> Double in
                try c.execute("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (LIKE events \(like))")
                try c.execute("ALTER TABLE \(table) ALTER COLUMN payload SET COMPRESSION lz4")
                let sw = Stopwatch()
                _ = try c.transaction {
                    try c.copyIn("COPY \(table) (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at) FROM STDIN") { w in
                        for (i, e) in rows.enumerated() {
                            w.field(e.streamID)
                            w.endField()
                            try w.write(String(i + 1).utf8)
                            w.endField()
                            w.field(e.eventID.uuidString)
                            w.endField()
                            w.field(e.eventType)
                            w.endField()
                            try w.write("1".utf8)
                            w.endField()
                            e.payload.withUnsafeBytes { w.field(utf8: $0.bindMemory(to: UInt8.self)) }
                            w.endField()
                            e.metadata.withUnsafeBytes { w.field(utf8: $0.bindMemory(to: UInt8.self)) }
                            w.endField()
                            w.field(PGTimestamp.format(e.occurredAt))
                            try w.endRow()
                        }
                    }
                }
                return sw.seconds
            }
            out.append(seconds)
        }
        return (out[0], out[1])
    }
}
