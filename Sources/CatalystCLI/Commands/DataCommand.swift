import ArgumentParser
import CatalystApp
import Domain
import Foundation
import Logging
import MarketData

/// `catalyst data backfill|verify`: real market history from Alpaca, kept locally (`MarketDataset`).
struct DataCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Record real market history from Alpaca into a local dataset, and verify it.",
        subcommands: [Backfill.self, Verify.self])

    func execute(_ configuration: CatalystConfiguration) async throws { throw CleanExit.helpRequest(self) }

    static func dataset(_ dir: String?, _ configuration: CatalystConfiguration) -> MarketDataset {
        dir.map { MarketDataset(root: URL(fileURLWithPath: $0)) } ?? configuration.dataset
    }

    /// A `YYYY-MM-DD` option (`serve`, `session run` and `data` share it), refused naming `field`.
    static func date(_ text: String, _ field: String) throws -> NYDate {
        guard let d = NYDate(text) else { throw CatalystError.invalidInput(field: field, reason: "expected YYYY-MM-DD, got \(text)") }
        return d
    }

    struct Backfill: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch minute bars, daily bars, news and the asset list of each NYSE session from --from through --to.",
            discussion: """
                Needs Alpaca keys (APCA_API_KEY_ID, APCA_API_SECRET_KEY; market data from APCA_DATA_BASE_URL) and \
                config/sectors.csv, which gives each symbol its sector. Writes one folder per day under --dir (default \
                <catalyst.home>/data): LZ4-compressed CSV in the columns of the CSV market source, and a manifest with \
                counts and SHA-256s. A day already recorded is skipped, so a second run fetches only what is missing. \
                A day is written only once all of its parts were read; a part that fails is read again, and a day that \
                still fails is reported and left absent. At most 200 requests a minute (Alpaca's limit). Shows a \
                progress line with an ETA on a terminal, and plain lines in logs. \
                \
                --simulated records the generated market of `session run --simulate` (--seed, --simulated-symbols) \
                through the same code instead, with no keys: a dataset to try `catalyst session run --data` on.
                """)

        @Option(help: "First New York date (YYYY-MM-DD).") var from: String
        @Option(help: "Last New York date (YYYY-MM-DD), included.") var to: String
        @Option(help: "A file of symbols, one per line (# comments).") var symbols: String?
        @Flag(help: "Every symbol of the universe (Alpaca's active assets named in config/sectors.csv).") var universe = false
        @Option(help: "The dataset folder (default <catalyst.home>/data).") var dir: String?
        @Flag(help: "Record the simulated market (no keys needed) instead of Alpaca's.") var simulated = false
        @Option(help: "With --simulated: the market's seed.") var seed: UInt64 = 42
        @Option(name: .customLong("simulated-symbols"), help: "With --simulated: symbols in the generated universe.") var simulatedSymbols = 500

        func execute(_ configuration: CatalystConfiguration) async throws {
            let (first, last) = (try DataCommand.date(from, "from"), try DataCommand.date(to, "to"))
            guard first <= last else { throw CatalystError.invalidInput(field: "to", reason: "\(to) is before --from \(from)") }
            var logger = Logger(label: "catalyst.data")
            logger.logLevel = configuration.log.level ?? .warning
            let dataset = DataCommand.dataset(dir, configuration)
            if simulated {
                guard symbols == nil else { throw CatalystError.invalidInput(field: "symbols", reason: "--simulated records the whole generated universe") }
                guard (10...20_000).contains(simulatedSymbols) else { throw CatalystError.invalidInput(field: "simulated-symbols", reason: "between 10 and 20000") }
                let market = SimulatedMarket(configuration: .init(seed: seed, symbolCount: simulatedSymbols), now: last.adding(days: 1).at(hour: 9, minute: 0))
                let backfill = MarketDataBackfill(source: market, dataset: dataset, sourceName: "simulated seed \(seed), \(simulatedSymbols) symbols")
                try await Self.record(backfill, first, last, .universe, configuration: configuration, logger: logger)
                return
            }
            guard (symbols == nil) != !universe else { throw CatalystError.invalidInput(field: "symbols", reason: "give --symbols FILE or --universe (one of them)") }
            let wanted: MarketDataBackfill.Symbols
            if let symbols {
                let text: String
                do { text = try String(contentsOfFile: symbols, encoding: .utf8) } catch { throw CatalystError.invalidInput(field: "symbols", reason: "cannot read \(symbols)") }
                var list: [Symbol] = []
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let item = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    guard !item.isEmpty else { continue }
                    guard let s = Symbol(item.uppercased()) else { throw CatalystError.invalidInput(field: "symbols", reason: "\(symbols):\(n + 1): not a ticker: \(item)") }
                    if !list.contains(s) { list.append(s) }
                }
                guard !list.isEmpty else { throw CatalystError.invalidInput(field: "symbols", reason: "\(symbols) names no symbol") }
                wanted = .list(list)
            } else {
                wanted = .universe
            }
            guard let trading = try configuration.alpaca else {
                throw CatalystError.setup("market history comes from Alpaca: set APCA_API_KEY_ID and APCA_API_SECRET_KEY")
            }
            let market = try TradingAssembly.alpacaMarketData(trading: trading, files: configuration.files, configuration: configuration)
            let backfill = MarketDataBackfill(source: market, dataset: dataset, sourceName: "alpaca \(market.configuration.feed)")
            try await Self.record(backfill, first, last, wanted, configuration: configuration, logger: logger)
        }

        static func record(
            _ backfill: MarketDataBackfill, _ first: NYDate, _ last: NYDate, _ wanted: MarketDataBackfill.Symbols, configuration: CatalystConfiguration,
            logger: Logger
        ) async throws {
            let dataset = backfill.dataset
            let bar = ProgressLine("backfill", unit: "days", settings: configuration.progress)
            let report = try await backfill.run(from: first, through: last, symbols: wanted, logger: logger) { done, total, day in
                bar.update(done: done, total: total, detail: day.description)
            }
            bar.finish()
            if !report.unknownSymbols.isEmpty {
                Terminal.note("left out (not in the universe: inactive, unknown or not in config/sectors.csv): \(report.unknownSymbols.map(\.rawValue).joined(separator: " "))")
            }
            print("recorded \(report.fetched.count) days (\(report.rows) rows), \(report.skipped.count) already recorded, into \(dataset.root.path)")
            if !report.failed.isEmpty {
                for (day, error) in report.failed.sorted(by: { $0.key < $1.key }) { Terminal.error("\(day) not recorded: \(error)") }
                throw ExitCode.failure
            }
        }
    }

    struct Verify: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every recorded day (or --date) against its manifest, and every live capture against its name.",
            discussion: """
                A recorded day is checked for sizes, SHA-256s, row counts and CSV. A day's live captures \
                (captures/<day>/, written by live cycles for `catalyst session replay`) are checked file by file: each \
                must decompress to content whose SHA-256 is its name.
                """)

        @Option(help: "Only this New York date (YYYY-MM-DD).") var date: String?
        @Option(help: "The dataset folder (default <catalyst.home>/data).") var dir: String?

        func execute(_ configuration: CatalystConfiguration) async throws {
            let dataset = DataCommand.dataset(dir, configuration)
            let captures = FileMarketCaptureStore(dataset: dataset)
            let only = try date.map { try DataCommand.date($0, "date") }
            let capturedDays = captures.days().filter { only == nil || $0 == only }
            // With --date, a day that was only captured (traded live, never backfilled) checks its captures alone.
            let days = only.map { d in capturedDays.contains(d) && dataset.manifest(d) == nil ? [] : [d] } ?? dataset.days()
            guard !days.isEmpty || !capturedDays.isEmpty else { throw CatalystError.setup("no recorded day under \(dataset.root.path)") }
            var bad = 0
            for day in days {
                let problems = dataset.verify(day)
                if problems.isEmpty {
                    let m = dataset.manifest(day)
                    print("\(day) ok  \(m?.symbols ?? 0) symbols, \(m?.files.map { "\($0.rows) \($0.name.replacingOccurrences(of: ".csv.lz4", with: ""))" }.joined(separator: ", ") ?? "")")
                } else {
                    bad += 1
                    for p in problems { Terminal.error(p) }
                }
            }
            if !days.isEmpty { print("\(days.count - bad) of \(days.count) days verify") }
            var badCaptures = 0
            for day in capturedDays {
                let (files, problems) = captures.verify(day)
                if problems.isEmpty { print("captures/\(day) ok  \(files) files") } else {
                    badCaptures += 1
                    for p in problems { Terminal.error(p) }
                }
            }
            if !capturedDays.isEmpty { print("\(capturedDays.count - badCaptures) of \(capturedDays.count) captured days verify") }
            if bad > 0 || badCaptures > 0 { throw ExitCode.failure }
        }
    }
}
