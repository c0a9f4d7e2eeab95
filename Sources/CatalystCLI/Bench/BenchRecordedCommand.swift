import ArgumentParser
import CatalystApp
import Domain
import Foundation

/// `catalyst bench recorded`: how long a recorded day takes to load for a session, and the process's
/// peak memory, beside the raw limit measured in the same run: decompressing the same files without
/// parsing them.
struct BenchRecordedCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "recorded",
        abstract: "Load time and peak RSS of a recorded day (catalyst data backfill), beside decompressing its files alone.",
        discussion: """
            Record a day first, e.g. `catalyst data backfill --simulated --simulated-symbols 4000 --from D --to D`. \
            Prints the rows, the seconds to decompress every file (the raw limit), the seconds to load the day as \
            `session run --data` does (decompress, parse, check, index), and the peak resident memory of the process.
            """)

    @Option(help: "The recorded New York date (YYYY-MM-DD).") var date: String
    @Option(name: .customLong("data-dir"), help: "The dataset folder (default <catalyst.home>/data).") var dataDir: String?

    func execute(_ configuration: CatalystConfiguration) async throws {
        let day = try DataCommand.date(date, "date")
        let dataset = DataCommand.dataset(dataDir, configuration)
        guard let manifest = dataset.manifest(day) else { throw CatalystError.setup("\(day) is not recorded under \(dataset.root.path)") }
        let rows = manifest.files.reduce(0) { $0 + $1.rows }
        let raw = Stopwatch()
        var bytes = 0
        for name in MarketDataset.files { try dataset.forEachPiece(day, name) { text, _ in bytes += text.utf8.count } }
        let rawSeconds = raw.seconds
        let load = Stopwatch()
        let world = try RecordedWorld(dataset: dataset, date: day, seed: 42)
        let loadSeconds = load.seconds
        let universe = try await world.market.universe().count
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("bench recorded: \(day), \(universe) symbols, \(rows) rows, \(bytes / 1_000_000) MB of CSV (\(manifest.source))")
        print(String(format: "  decompress only (raw limit)   %6.2f s", rawSeconds))
        print(String(format: "  load for a session            %6.2f s  (%.1f× the raw limit)", loadSeconds, loadSeconds / max(rawSeconds, 0.001)))
        print("  peak resident memory          \(usage.ru_maxrss / 1024) MB")
    }
}
