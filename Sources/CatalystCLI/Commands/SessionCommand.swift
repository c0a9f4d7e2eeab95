import Application
import ArgumentParser
import CatalystApp
import Domain
import Foundation
import Logging

struct Session: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Trading sessions.", subcommands: [Run.self])

    struct Run: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a whole trading day with the paper broker, on the simulated market or on a recorded day.",
            discussion: """
                --simulate generates the market from --seed and --symbols. --data runs a day recorded by `catalyst data \
                backfill` instead (--date required): its asset list, bars and news as the market, seen point in time, and \
                the paper broker filling against its recorded minute bars; the same data, date and seed give the same \
                event stream. Follows the workflow lines of tools/catalyst.cron (market open, every 30 minutes, the conservative close) at \
                accelerated time, with reconciliation, position monitoring and every projector running, and prints the day \
                report: cycles, candidates, approvals and denials by reason, orders, fills, closed positions with P&L, and \
                the audit head hash.
                """)

        @Flag(help: "Simulated market and paper broker (live sessions run as `catalyst serve` under cron).") var simulate = false
        @Flag(help: "A day recorded by `catalyst data backfill` (from --data-dir) instead of the simulated market.") var data = false
        @Option(name: .customLong("data-dir"), help: "The dataset folder (default <catalyst.home>/data).") var dataDir: String?
        @Option(help: "New York trading date (YYYY-MM-DD). Default: the day after the last simulated day, else the last trading day.")
        var date: String?
        @Option(help: "Seed of the simulated market, broker and ids.") var seed: UInt64 = 42
        @Option(help: "Simulated seconds per real second, or `max`.") var speed: String = "max"
        @Option(help: "Symbols in the simulated universe.") var symbols: Int = 4000
        @Flag(help: "Print the day report as JSON.") var json = false

        func execute(_ configuration: CatalystConfiguration) async throws { _ = try await runDay(configuration) }

        /// Runs the day, prints its report and returns it.
        func runDay(_ configuration: CatalystConfiguration) async throws -> DayReport {
            guard simulate != data else {
                throw ValidationError("give --simulate (the generated market) or --data (a recorded day); live trading runs under `catalyst serve`")
            }
            let day = try date.map { text -> NYDate in
                guard let d = NYDate(text) else { throw CatalystError.invalidInput(field: "date", reason: "expected YYYY-MM-DD, got \(text)") }
                return d
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
            let report = try await SessionRole.run(
                .init(date: day, seed: seed, speed: pace, symbolCount: symbols, data: dataset), conninfo: target.conninfo, files: files, logger: logger
            ) { p in
                bar.update(done: p.minute, total: p.minutes, detail: "\(Self.newYork(p.at)) ET, cycles \(p.cycles)")
            }
            bar.finish(detail: "\(report.cycles) cycles")
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(report), as: UTF8.self))
            } else {
                DayReportPrinter.print(report)
            }
            return report
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
