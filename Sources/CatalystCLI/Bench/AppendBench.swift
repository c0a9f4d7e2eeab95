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
            Prints events/s for one event per transaction, batches of 100 and 1,000, 8 concurrent single-event writers \
            (with commit groups, and each append alone), and, in the same run, the raw limits: single-row INSERTs from 8 \
            connections into an unpartitioned copy of the events table (its indexes, event ids unique) and into the log \
            itself, and raw COPYs of the same rows into such copies and into the log. \
            Runs in a scratch database, catalyst_bench, on the configured server.
            """
    )

    @Option(help: "Events for each batched measurement.") var events = 100_000
    @Option(help: "Events for the one-event-per-transaction measurement.") var singleEvents = 10_000
    @Option(help: "Events per writer in the concurrent measurement.") var perWriter = 2_500
    @Option(help: "Concurrent single-event writers.") var writers = 8
    @Option(help: "Interleaved rounds of the concurrent measurement (ours, then raw INSERTs); the medians are compared.") var rounds = 3
    @Option(help: "Batches of at least this many events use COPY instead of the append function.") var copyThreshold = 32
    @Option(help: "Groups of concurrent single-event appends in flight at once (0: each append alone).")
    var commitGroups = PostgresEventStore.defaultCommitGroups

    func execute(_ configuration: CatalystConfiguration) async throws {
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let store = PostgresEventStore(
            pool: PGPool(conninfo: db.conninfo, size: writers, name: "bench"), notifier: AppendNotifier(conninfo: db.conninfo), copyThreshold: copyThreshold,
            commitGroups: commitGroups)
        // The same store without commit groups, for the comparison in the same rounds.
        let aloneStore = PostgresEventStore(
            pool: PGPool(conninfo: db.conninfo, size: writers, name: "bench-alone"), notifier: AppendNotifier(conninfo: db.conninfo),
            copyThreshold: copyThreshold, commitGroups: 0)
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
            // The events are made before the clock starts, as the raw COPY's rows are.
            let batches = (0..<(events / size)).map { b in BenchEvents.make(stream: "batch\(size)-\(b)", count: size) }
            sw = Stopwatch()
            bar = ProgressLine("batches of \(size)", unit: "events", settings: configuration.progress)
            for (b, batch) in batches.enumerated() {
                _ = try await store.append(to: batch[0].streamID, expected: .noStream, events: batch)
                bar.update(done: (b + 1) * size, total: events / size * size)
            }
            bar.finish()
            batched[size] = Double(events) / sw.seconds
            print("batch of \(size)".padding(toLength: 27, withPad: " ", startingAt: 0) + rate(events, sw.seconds))
        }

        // Interleaved rounds: this disk's speed drifts, so each round measures both sides back to back.
        var ours: [Double] = []
        var alone: [Double] = []
        var rawRounds: [Double] = []
        var rawCalls: [Double] = []
        var rawLog: [Double] = []
        let groupedBefore = store.groupedAppends
        let groupsBefore = store.commitGroupsRun
        for _ in 1...rounds {
            sw = Stopwatch()
            try await BenchEvents.appendConcurrently(store, writers: writers, perWriter: perWriter)
            ours.append(sw.seconds)
            sw = Stopwatch()
            try await BenchEvents.appendConcurrently(aloneStore, writers: writers, perWriter: perWriter)
            alone.append(sw.seconds)
            rawRounds.append(try await rawConcurrentInserts(db: db, writers: writers, perWriter: perWriter, callPerInsert: false))
            rawCalls.append(try await rawConcurrentInserts(db: db, writers: writers, perWriter: perWriter, callPerInsert: true))
            rawLog.append(try await rawConcurrentInserts(db: db, writers: writers, perWriter: perWriter, callPerInsert: false, intoLog: true))
        }
        let n = writers * perWriter
        let oursMedian = BenchSupport.median(ours)
        let rawMedian = BenchSupport.median(rawRounds)
        let callsMedian = BenchSupport.median(rawCalls)
        let logMedian = BenchSupport.median(rawLog)
        let grouped = store.groupedAppends - groupedBefore
        let groups = max(1, store.commitGroupsRun - groupsBefore)
        print(
            "\(writers) concurrent writers       \(rate(n, oursMedian))  (median of \(rounds) rounds; \(commitGroups) commit groups in flight: "
                + String(
                    format: "%.0f%% of the appends committed in a group, %.1f appends a group)", 100 * Double(grouped) / Double(rounds * n),
                    Double(grouped) / Double(groups)))
        print("\(writers) writers, each alone     \(rate(n, BenchSupport.median(alone)))  (the same store without commit groups)")
        print("\(writers) raw INSERT writers     \(rate(n, rawMedian))  (an unpartitioned copy of the table: its columns, checks and indexes, event ids unique; no append logic; each writer looping on its connection's thread)")
        print("\(writers) raw INSERTs, a call each \(rate(n, callsMedian))  (the same, each INSERT one async call, as an append is)")
        print(
            "\(writers) raw INSERTs into the log  \(rate(n, logMedian))  (into the events table itself: its partitions and its event-id trigger, no stream head, no command log)"
        )
        print(
            String(
                format: "concurrent appends vs raw INSERT: %.0f%% of the loop (rounds: %@), %.0f%% of a call each, %.0f%% of INSERTs into the log itself (rounds: %@)",
                100 * rawMedian / oursMedian, zip(ours, rawRounds).map { String(format: "%.0f%%", 100 * $1 / $0) }.joined(separator: ", "),
                100 * callsMedian / oursMedian, 100 * logMedian / oursMedian,
                zip(ours, rawLog).map { String(format: "%.0f%%", 100 * $1 / $0) }.joined(separator: ", ")))

        let raw = try await rawCopy(db: db, count: events)
        print("raw COPY, bare table       \(rate(events, raw.bare))  (one transaction)")
        print("raw COPY, indexed table    \(rate(events, raw.indexed))  (one transaction)")
        print("raw COPY, indexed, 1,000   \(rate(events, raw.indexedThousands))  (a transaction per 1,000 rows, as a batch of 1,000 commits)")
        let thousand = batched[1000] ?? 0
        print(
            String(
                format: "batches of 1,000 vs raw COPY into the indexed table: %.0f%% of 1,000-row transactions, %.0f%% of one transaction (%.0f%% of the bare table)",
                100 * thousand / (Double(events) / raw.indexedThousands), 100 * thousand / (Double(events) / raw.indexed),
                100 * thousand / (Double(events) / raw.bare)))

        // Batches of 1,000 against a raw COPY of as many rows into the log itself, in interleaved rounds.
        let per = max(1000, min(events, 20_000) / 1000 * 1000)
        var oursLog: [Double] = []
        var rawLogCopy: [Double] = []
        for r in 1...rounds {
            let batches = (0..<(per / 1000)).map { b in BenchEvents.make(stream: "interleaved\(r)-\(b)", count: 1000) }
            sw = Stopwatch()
            for batch in batches { _ = try await store.append(to: batch[0].streamID, expected: .noStream, events: batch) }
            oursLog.append(sw.seconds)
            rawLogCopy.append(try await rawCopyIntoLog(db: db, count: per, round: r))
        }
        print("batches of 1,000, again   \(rate(per, BenchSupport.median(oursLog)))  (median of \(rounds) rounds, each beside the next line)")
        print("raw COPY into the log      \(rate(per, BenchSupport.median(rawLogCopy)))  (the events table itself, a transaction per 1,000 rows)")
        print(
            String(
                format: "batches of 1,000 vs raw COPY into the log itself: %.0f%% (rounds: %@)",
                100 * BenchSupport.median(rawLogCopy) / BenchSupport.median(oursLog), zip(oursLog, rawLogCopy).map { String(format: "%.0f%%", 100 * $1 / $0) }.joined(separator: ", ")))

        let total = try await PGSession(conninfo: db.conninfo).withConnection { c in try PostgresEventStore.eventCount(on: c) }
        let expected = singleEvents + 2 * events + 3 * rounds * writers * perWriter + 2 * rounds * per
        print("stored \(total) events (expected \(expected))\(total == expected ? "" : "  MISMATCH")")
    }

    /// Single-row INSERT commits from concurrent connections into a copy of the events table: what the
    /// disk's fsync allows for one-event transactions, whatever the append logic does. `callPerInsert`:
    /// each INSERT is its own call from the writer's task to its connection's thread (two thread switches,
    /// as every call through an async client makes); otherwise each writer loops on its connection's
    /// thread (the ceiling, with no client in the way).
    private func rawConcurrentInserts(db: BenchDatabase, writers: Int, perWriter: Int, callPerInsert: Bool, intoLog: Bool = false) async throws -> Double {
        let table = intoLog ? "events" : "bench_commits"
        if !intoLog {
            try await PGSession(conninfo: db.conninfo).withConnection { c -> Void in
                // The log's indexes, and its event-id uniqueness (which the partitioned log keeps in `event_ids`).
                try c.execute(
                    "DROP TABLE IF EXISTS bench_commits; CREATE TABLE bench_commits (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES INCLUDING CONSTRAINTS); CREATE UNIQUE INDEX ON bench_commits (event_id)"
                )
            }
        }
        let round = UUID().uuidString.prefix(8)
        let payload = String(decoding: BenchEvents.payload, as: UTF8.self)
        let metadata = String(decoding: BenchEvents.metadata, as: UTF8.self)
        @Sendable func insert(_ c: PGConnection, _ w: Int, _ i: Int) throws {
            try c.prepared(
                "raw_insert_\(table)",
                "INSERT INTO \(table) (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at) VALUES ($1, 1, gen_random_uuid(), 'order.filled', 1, $2::json, $3::json, now())",
                ["raw-\(round)-\(w)-\(i)", payload, metadata])
        }
        let sw = Stopwatch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let session = PGSession(conninfo: db.conninfo, name: "raw-\(w)")
                    if callPerInsert {
                        for i in 0..<perWriter { try await session.withConnection { c in try insert(c, w, i) } }
                    } else {
                        try await session.withConnection { c -> Void in
                            for i in 0..<perWriter { try insert(c, w, i) }
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
    /// columns ("bare"), with the same indexes as events and unique event ids ("indexed", unpartitioned), each in
    /// one transaction; and into the indexed copy in transactions of 1,000 rows, the shape of a batch of 1,000
    /// (each commits).
    private func rawCopy(db: BenchDatabase, count: Int) async throws -> (bare: Double, indexed: Double, indexedThousands: Double) {
        let session = PGSession(conninfo: db.conninfo, name: "bench-raw")
        let all = BenchEvents.make(stream: "raw", count: count)
        let indexed = "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES INCLUDING CONSTRAINTS"
        var out: [Double] = []
        for (table, like, perTransaction) in [("bench_bare", "INCLUDING DEFAULTS INCLUDING IDENTITY", count), ("bench_indexed", indexed, count), ("bench_indexed_1000", indexed, 1000)] {
            let seconds = try await session.withConnection { c -> Double in
                try c.execute("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (LIKE events \(like))")
                try c.execute("ALTER TABLE \(table) ALTER COLUMN payload SET COMPRESSION lz4")
                if like == indexed { try c.execute("CREATE UNIQUE INDEX ON \(table) (event_id)") }
                let sw = Stopwatch()
                for start in stride(from: 0, to: all.count, by: perTransaction) {
                    let rows = all[start..<min(all.count, start + perTransaction)]
                    _ = try c.transaction { try Self.copy(rows, into: table, on: c) }
                }
                return sw.seconds
            }
            out.append(seconds)
        }
        return (out[0], out[1], out[2])
    }

    /// COPY of `rows` into `table` (a raw limit): each row's stream version is its index in the whole array plus one.
    static func copy(_ rows: ArraySlice<NewEvent>, into table: String, on c: PGConnection) throws {
        try c.copyIn("COPY \(table) (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at) FROM STDIN") { w in
            for (i, e) in zip(rows.indices, rows) {
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

    /// Raw COPY into the events table itself (its partitions and its event-id trigger, no stream head, no
    /// command log), a transaction per 1,000 rows, each 1,000 a stream of its own.
    private func rawCopyIntoLog(db: BenchDatabase, count: Int, round: Int) async throws -> Double {
        let rows = (0..<(count / 1000)).flatMap { b in BenchEvents.make(stream: "rawlog\(round)-\(b)", count: 1000) }
        return try await PGSession(conninfo: db.conninfo, name: "bench-raw-log").withConnection { c -> Double in
            let sw = Stopwatch()
            for start in stride(from: 0, to: rows.count, by: 1000) {
                _ = try c.transaction { try Self.copy(rows[start..<(start + 1000)], into: "events", on: c) }
            }
            return sw.seconds
        }
    }
}
