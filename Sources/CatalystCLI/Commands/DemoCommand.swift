import ArgumentParser
import CatalystApp
import Foundation

/// The main job of `make demo`: one whole simulated trading day on the configured database, then
/// where to look next. Each run simulates the next trading day, so the ledger grows day by day.
struct Demo: CatalystCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate the next trading day (simulated market, paper broker, every projector) and print the day report.",
        discussion: "The same as `catalyst session run --simulate` with a smaller universe, so it finishes in a few minutes in a debug build.")

    @Option(help: "Symbols in the simulated universe.") var symbols: Int = 1000
    @Option(help: "Seed of the simulated market, broker and ids.") var seed: UInt64 = 42

    func execute(_ configuration: CatalystConfiguration) async throws {
        let run = try Session.Run.parse(["--simulate", "--symbols", "\(symbols)", "--seed", "\(seed)"])
        let report = try await run.runDay(configuration, day: nil)
        let target = try configuration.database
        print("""

            See the day on the dashboard: .build/debug/catalyst serve --simulate --date \(report.date) --seed \(seed) --symbols \(symbols)
              then open http://127.0.0.1:5006/ (the ledger already holds the day, so serve only shows it; Ctrl-C stops it).

            The day is in the ledger (\(target.displayURL)). Look at it with:
              .build/debug/catalyst db psql -- -c 'SELECT cycle_id, cycle_state, mode, candidates_found, orders_total, realized_pnl, pipeline_stage FROM v_trade_pipeline_status ORDER BY started_at DESC LIMIT 5'
              .build/debug/catalyst db psql -- -c 'SELECT symbol, side, status, max_quantity, avg_entry_price, exit_price, realized_pnl, exit_reason FROM v_positions ORDER BY opened_at'
              .build/debug/catalyst audit verify
              .build/debug/catalyst projections status
            Run `make demo` again to simulate the next trading day.
            """)
    }
}
