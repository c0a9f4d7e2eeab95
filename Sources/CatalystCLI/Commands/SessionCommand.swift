import Application
import ArgumentParser
import CatalystApp
import Domain
import Foundation
import Logging
import MarketData

struct Session: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Trading sessions.", subcommands: [Run.self, Replay.self])

    struct Run: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a whole trading day with the paper broker, on the simulated market or on a recorded day.",
            discussion: """
                --simulate generates the market from --seed and --symbols. --data runs a day recorded by `catalyst data \
                backfill` instead (--date required): its asset list, bars and news as the market, seen point in time, and \
                the paper broker filling against its recorded minute bars; the same data, date and seed give the same \
                event stream. --from/--to run every trading day of a range, one after the other, into the same ledger \
                (with --data every one of them must be recorded, or nothing runs). Follows the workflow lines of tools/catalyst.cron (market open, every 30 minutes, the conservative close) at \
                accelerated time, with reconciliation, position monitoring and every projector running, and prints the day \
                report: cycles, candidates, approvals and denials by reason, orders, fills, closed positions with P&L, and \
                the audit head hash.
                """)

        @Flag(help: "Simulated market and paper broker (live sessions run as `catalyst serve` under cron).") var simulate = false
        @Flag(help: "A day recorded by `catalyst data backfill` (from --data-dir) instead of the simulated market.") var data = false
        @Option(name: .customLong("data-dir"), help: "The dataset folder (default <catalyst.home>/data).") var dataDir: String?
        @Option(help: "New York trading date (YYYY-MM-DD). Default: the day after the last simulated day, else the last trading day.")
        var date: String?
        @Option(help: "First day of a range of trading days (YYYY-MM-DD), with --to.") var from: String?
        @Option(help: "Last day of the range (YYYY-MM-DD, inclusive), with --from.") var to: String?
        @Option(help: "Seed of the simulated market, broker and ids.") var seed: UInt64 = 42
        @Option(help: "Simulated seconds per real second, or `max`.") var speed: String = "max"
        @Option(help: "Symbols in the simulated universe.") var symbols: Int = 4000
        @Flag(help: "Keep the market data each cycle decided on, as live trading does, for `catalyst session replay`.") var capture = false
        @Flag(help: "Print the day report as JSON.") var json = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            guard from != nil || to != nil else {
                _ = try await runDay(configuration, day: try date.map { try DataCommand.date($0, "date") })
                return
            }
            let reports = try await runRange(configuration)
            if json { try DayReportPrinter.printJSON(reports) } else { DayReportPrinter.printRange(reports) }
        }

        /// The trading days of --from…--to, checked before any of them runs, then each day in turn.
        func runRange(_ configuration: CatalystConfiguration) async throws -> [DayReport] {
            guard date == nil else { throw ValidationError("give --date for one day, or --from and --to for a range, not both") }
            guard let fromText = from, let toText = to else { throw ValidationError("--from and --to go together") }
            let first = try DataCommand.date(fromText, "from")
            let last = try DataCommand.date(toText, "to")
            guard first <= last else { throw CatalystError.invalidInput(field: "to", reason: "\(last) is before --from \(first)") }
            guard first.adding(days: 366) > last else { throw CatalystError.invalidInput(field: "to", reason: "a range is at most a year") }
            let days = NYSECalendar().sessions(from: first, through: last).map(\.date)
            guard !days.isEmpty else { throw CatalystError.invalidInput(field: "from", reason: "no trading day from \(first) to \(last)") }
            if data {
                let dataset = DataCommand.dataset(dataDir, configuration)
                let missing = days.filter { !dataset.isComplete($0) }
                guard missing.isEmpty else {
                    let shown = missing.prefix(5).map(\.description).joined(separator: ", ") + (missing.count > 5 ? " and \(missing.count - 5) more" : "")
                    throw CatalystError.setup(
                        "\(missing.count) of the \(days.count) trading days are not recorded under \(dataset.root.path): \(shown); run `catalyst data backfill --from \(first) --to \(last)` first")
                }
            }
            var reports: [DayReport] = []
            for day in days { reports.append(try await runDay(configuration, day: day, printing: false)) }
            return reports
        }

        /// Runs the day, prints its report (unless a range prints them) and returns it.
        func runDay(_ configuration: CatalystConfiguration, day: NYDate?, printing: Bool = true) async throws -> DayReport {
            guard simulate != data else {
                throw ValidationError("give --simulate (the generated market) or --data (a recorded day); live trading runs under `catalyst serve`")
            }
            let pace: Double?
            if speed == "max" { pace = nil } else if let x = Double(speed), x > 0 { pace = x } else {
                throw CatalystError.invalidInput(field: "speed", reason: "a positive number or max")
            }
            guard (10...20_000).contains(symbols) else { throw CatalystError.invalidInput(field: "symbols", reason: "between 10 and 20000") }
            let target = try await configuration.migratedDatabase()
            let files = try configuration.files
            var logger = Logger(label: "catalyst.session")
            logger.logLevel = .warning
            let dataset = data ? DataCommand.dataset(dataDir, configuration) : nil
            let bar = ProgressLine(data ? "recorded day" : "simulated day", unit: "minutes", settings: configuration.progress)
            var options = SessionRole.Options(date: day, seed: seed, speed: pace, symbolCount: symbols, data: dataset)
            if capture { options.capture = FileMarketCaptureStore(dataset: DataCommand.dataset(dataDir, configuration)) }
            let report = try await SessionRole.run(
                options, conninfo: target.conninfo, files: files, logger: logger
            ) { p in
                bar.update(done: p.minute, total: p.minutes, detail: "\(Self.newYork(p.at)) ET, cycles \(p.cycles)")
            }
            bar.finish(detail: "\(report.cycles) cycles")
            guard printing else { return report }
            if json { try DayReportPrinter.printJSON(report) } else { DayReportPrinter.print(report) }
            return report
        }
    }
}

extension Session {
    struct Replay: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide a live day again on the market data it captured, and print every decision that differs.",
            discussion: """
                Every cycle of --date that ran live with capture on (`catalyst.capture`, on by default with broker keys) \
                kept the market data its scan and its risk decisions read, under <catalyst.home>/data/captures/. This \
                runs each cycle's scan, ranking and risk decisions again on that data, with the same code, the risk \
                book as it stood before each decision and the account it recorded, and compares every candidate, \
                signal and risk decision with the ledger's. Fills are the broker's: they are listed apart, against the \
                price each decision expected. Exits 0 only when every cycle was captured, every capture verifies, \
                and nothing differs (parity); otherwise 1, naming each difference.
                """)

        @Option(help: "New York trading date (YYYY-MM-DD) of the live day.") var date: String
        @Option(name: .customLong("data-dir"), help: "The dataset folder holding captures/ (default <catalyst.home>/data).") var dataDir: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            let day = try DataCommand.date(date, "date")
            let target = try await configuration.migratedDatabase()
            var logger = Logger(label: "catalyst.session-replay")
            logger.logLevel = .warning
            let report = try await SessionReplayRun.run(
                date: day, store: target.store(), dataset: DataCommand.dataset(dataDir, configuration), files: try configuration.files, logger: logger)
            if json { try DayReportPrinter.printJSON(report) } else { print(report.text) }
            guard report.parity else {
                if report.cycles.isEmpty { Terminal.error("no cycle ran on \(day): nothing to replay") }
                throw ExitCode.failure
            }
        }
    }
}

extension Session.Run {
    /// `HH:mm` on the New York clock, whatever this machine's time zone.
    static func newYork(_ date: Date) -> String {
        var style = Date.FormatStyle(date: .omitted, time: .shortened)
        style.timeZone = TimeZone(identifier: "America/New_York")!
        return date.formatted(style)
    }
}

enum DayReportPrinter {
    /// A report, or the reports of a range, as pretty JSON with sorted keys.
    static func printJSON(_ value: some Encodable) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        Swift.print(String(decoding: try enc.encode(value), as: UTF8.self))
    }

    /// Each day's report, then the range in one line.
    static func printRange(_ reports: [DayReport]) {
        for r in reports {
            print(r)
            Swift.print("")
        }
        let realized = reports.reduce(Decimal(0)) { $0 + (Decimal(string: $1.realizedPnL) ?? 0) }
        Swift.print(
            "\(reports.count) trading days, \(reports.first?.date ?? "") to \(reports.last?.date ?? ""): \(reports.reduce(0) { $0 + $1.cycles }) cycles, "
                + "\(reports.reduce(0) { $0 + $1.closedPositions.count }) round trips, realized P&L \(realized)")
    }

    static func print(_ r: DayReport) {
        Swift.print("""
            Day report \(r.date)
              cycles      \(r.cycles) started, \(r.cyclesCompleted) completed, \(r.cyclesFailed) failed
              candidates  \(r.candidates) evaluated, \(r.signals) signals
              funnel      \(FunnelStage.allCases.map { "\($0.rawValue) \(r.funnel[$0.rawValue] ?? 0)" }.joined(separator: " → ")) (summed over the day's scans)
              risk        \(r.approvals) approved, \(r.denials) denied
            """)
        for (reason, n) in r.denialsByReason.sorted(by: { $0.value > $1.value }) { Swift.print("                  \(n) × \(reason)") }
        Swift.print("  orders      \(r.ordersRequested) requested: " + r.ordersByStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        Swift.print("  fills       \(r.fills) executions, \(r.positionsOpened) positions opened")
        Swift.print("  round trips \(r.closedPositions.count) closed positions")
        for p in r.closedPositions {
            Swift.print("    \(p.symbol.padding(toLength: 6, withPad: " ", startingAt: 0)) \(p.side) \(p.quantity) @ \(p.entryPrice) → \(p.exitPrice ?? "?")  P&L \(p.realizedPnL)  (\(p.exitReason))")
        }
        Swift.print("""
              P&L         realized \(r.realizedPnL), unrealized \(r.unrealizedPnL); \(r.wins) wins, \(r.losses) losses\(r.halted ? "; HALTED" : "")
              reconciliation discrepancies \(r.reconciliationDiscrepancies)
              events      \(r.events); stream hash \(r.eventStreamHash.prefix(16))…
              audit head  \(r.auditHead ?? "(not sealed)")
            """)
    }
}
