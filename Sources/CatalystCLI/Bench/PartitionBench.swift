import ArgumentParser
import CatalystApp
import EventStore
import Foundation
import PostgresClient

/// `catalyst bench partitions`: the append rate of the partitioned log (migration 0003) beside the same
/// appends into the log as it was before (migrations 0001–0002), in interleaved rounds on the same server.
struct PartitionBench: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions",
        abstract: "Append rate into the partitioned log against the unpartitioned one, interleaved, on the same server.",
        discussion: """
            Two scratch databases: catalyst_bench_flat (the log before migration 0003) and catalyst_bench (partitioned, \\
            with --partition-size positions per partition, so the runs cross partitions and make new ones as they go). \\
            Each round appends the same work to one and then the other: one event per transaction, --writers concurrent \\
            single-event writers, and batches of 1,000. The medians are compared.
            """)

    @Option(help: "Interleaved rounds.") var rounds = 3
    @Option(help: "Events per round for one writer, one event per transaction.") var singleEvents = 3_000
    @Option(help: "Concurrent single-event writers.") var writers = 8
    @Option(help: "Events per writer per round.") var perWriter = 1_000
    @Option(help: "Events per round in batches of 1,000.") var batchEvents = 50_000
    @Option(help: "Positions per partition in the partitioned database (at least 1,000).") var partitionSize = 20_000

    func execute(_ configuration: CatalystConfiguration) async throws {
        let flat = try await BenchDatabase.fresh(name: "catalyst_bench_flat", before: "0003", configuration: configuration)
        let parted = try await BenchDatabase.fresh(configuration: configuration)
        try await PGSession(conninfo: parted.conninfo).withConnection { c -> Void in
            try c.query("UPDATE event_partitioning SET partition_size = $1::bigint", [String(partitionSize)])
            // Past the migration's first two partitions, so the runs land in partitions of this size.
            try c.execute("SELECT setval('events_global_position_seq', (SELECT max(end_position) - 1 FROM event_partitions))")
        }
        let stores = [flat, parted].map { db in
            PostgresEventStore(pool: PGPool(conninfo: db.conninfo, size: writers, name: "bench"), notifier: AppendNotifier(conninfo: db.conninfo))
        }
        print("partitioned against unpartitioned appends: \(rounds) interleaved rounds, partitions of \(partitionSize) positions")
        var single: [[Double]] = [[], []]
        var concurrent: [[Double]] = [[], []]
        var batched: [[Double]] = [[], []]
        for round in 1...rounds {
            // The order alternates, so neither side always runs on the warmer (or the more tired) disk.
            for i in round % 2 == 1 ? [0, 1] : [1, 0] {
                let store = stores[i]
                var sw = Stopwatch()
                for k in 0..<singleEvents {
                    let s = "single-\(round)-\(k % 500)"
                    _ = try await store.append(to: s, expected: .any, events: BenchEvents.make(stream: s, count: 1))
                }
                single[i].append(Double(singleEvents) / sw.seconds)
                sw = Stopwatch()
                try await BenchEvents.appendConcurrently(store, writers: writers, perWriter: perWriter)
                concurrent[i].append(Double(writers * perWriter) / sw.seconds)
                let batches = (0..<(batchEvents / 1000)).map { b in BenchEvents.make(stream: "batch-\(round)-\(b)", count: 1000) }
                sw = Stopwatch()
                for batch in batches { _ = try await store.append(to: batch[0].streamID, expected: .noStream, events: batch) }
                batched[i].append(Double(batches.count * 1000) / sw.seconds)
            }
            print("round \(round): " + ["1 event/tx", "\(writers) writers", "batches of 1,000"].enumerated().map { k, name in
                let pair = [single, concurrent, batched][k]
                return String(format: "%@ %.0f vs %.0f", name, pair[1].last!, pair[0].last!)
            }.joined(separator: ", ") + " ev/s (partitioned vs unpartitioned)")
        }
        for (name, pair) in [("1 event / transaction", single), ("\(writers) concurrent writers", concurrent), ("batches of 1,000", batched)] {
            let p = BenchSupport.median(pair[1])
            let f = BenchSupport.median(pair[0])
            // Each round measured both back to back: the median of the rounds' ratios is the fair figure on a drifting disk.
            let ratio = BenchSupport.median(zip(pair[1], pair[0]).map { $0 / $1 })
            print(
                name.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(format: "partitioned %8.0f ev/s, unpartitioned %8.0f ev/s (medians); median ratio of the rounds %.1f%%", p, f, 100 * ratio))
        }
        let counts = try await PGSession(conninfo: parted.conninfo).withConnection { c in
            try c.query(
                """
                SELECT (SELECT count(*) FROM event_partitions) AS partitions, (SELECT count(DISTINCT tableoid) FROM events) AS holding,
                       (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM event_ids) AS ids
                """
            ).dictionaries()[0]
        }
        print(
            "partitioned log: \(counts["partitions"] ?? "?") partitions, \(counts["holding"] ?? "?") holding events, "
                + "\(counts["events"] ?? "?") events, \(counts["ids"] ?? "?") ids recorded")
    }
}
