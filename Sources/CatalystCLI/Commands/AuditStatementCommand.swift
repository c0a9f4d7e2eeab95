import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import PostgresClient

extension Audit {
    struct Statement: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "A daily statement from the ledger: positions, fills, cash flows, realized and unrealized P&L, fees.",
            discussion: """
                Folded from the events whose business time falls on the New York date. Not reconciled against a broker: the
                paper broker lives inside the trading process and keeps no statement a second process could read, and the
                Alpaca account-activities comparison is the reconciler's job while a session runs (see `reconciliation.*`
                events and v_trade_pipeline_status).
                """)
        @Option(help: "New York date (YYYY-MM-DD).") var date: String
        @Flag(help: "Print the statement as JSON.") var json = false

        func execute() async throws {
            guard let day = NYDate(date) else { throw ValidationError("--date must be YYYY-MM-DD, got '\(date)'") }
            let target = try DatabaseTarget.resolve()
            try await target.requireMigrated(files: try ProjectFiles.locate())
            let store = PostgresEventStore(pool: PGPool(conninfo: target.conninfo, size: 1, name: "audit-statement"))
            var s = try await AuditStatement.load(date: day, store: store)
            s.note = "not reconciled against a broker from the CLI (see `catalyst audit statement --help`)"
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(s), as: UTF8.self))
                return
            }
            print("Statement for \(s.date) (\(s.events) events)")
            print("\nFills (\(s.fills.count))")
            for f in s.fills { print("  \(f.at)  \(f.side) \(f.quantity) \(f.symbol) @ \(f.price)  fee \(f.fee)  cash \(f.cash)  order \(f.orderID)") }
            print("\nPositions (\(s.positions.count))")
            for p in s.positions {
                print(
                    "  \(p.symbol) \(p.side) \(p.quantity)  \(p.state)  entry \(p.entryPrice ?? "?") exit \(p.exitPrice ?? "-")  realized \(p.realizedPnL)"
                        + (p.unrealizedPnL.map { "  unrealized \($0) (mark \(p.lastMark ?? "?"))" } ?? "") + (p.exitReason.map { "  \($0)" } ?? ""))
            }
            print("\nBought \(s.bought)  sold \(s.sold)  fees \(s.fees)  net cash \(s.netCash)")
            print("Realized P&L \(s.realizedPnL)  unrealized P&L \(s.unrealizedPnL)")
            print("Note: \(s.note!)")
        }
    }
}
