import CatalystApp
import ArgumentParser
import EventStore
import Foundation
import PostgresClient

struct ReadBench: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Measure a full ordered read of the log (run the release build).",
        discussion: """
            Appends --events events to the scratch database, then reads the whole log in reader order in pages, three \
            times: reading ahead (readPages: the server reads the next page while this one is decoded) and page after page \
            (readAll in a loop).
            """)

    @Option(help: "Events to write and then read.") var events = 100_000
    @Option(help: "Page size of each read.") var page = 10_000

    func execute(_ configuration: CatalystConfiguration) async throws {
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let store = PostgresEventStore(pool: PGPool(conninfo: db.conninfo, size: 2, name: "bench"))
        let bar = ProgressLine("appending the log to read", unit: "events", settings: configuration.progress)
        for b in 0..<(events / 1000) {
            _ = try await store.append(to: "read-\(b)", expected: .noStream, events: BenchEvents.make(stream: "read-\(b)", count: 1000))
            bar.update(done: (b + 1) * 1000, total: events / 1000 * 1000)
        }
        bar.finish()
        for run in 1...3 {
            var sw = Stopwatch()
            var cursor = LogCursor.start
            var n = 0
            var bytes = 0
            while true {
                let batch = try await store.readAll(after: cursor, limit: page)
                guard let last = batch.last else { break }
                n += batch.count
                bytes += batch.reduce(0) { $0 + $1.payload.count }
                cursor = last.cursor
            }
            let oneByOne = sw.seconds
            sw = Stopwatch()
            var ahead = 0
            try await store.readPages(after: .start, limit: page, reaching: try await store.catchUpTarget()) { batch in ahead += batch.count }
            guard ahead == n else { throw ValidationError("reading ahead passed \(ahead) events, page by page \(n)") }
            print(
                "full ordered read, run \(run)  reading ahead \(rate(n, sw.seconds))   page after page \(rate(n, oneByOne))  \(bytes / 1_000_000) MB of payload")
        }
    }
}
