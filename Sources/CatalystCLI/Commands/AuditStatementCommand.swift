import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import PostgresClient
import Broker

extension Audit {
    struct Statement: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "A daily statement from the ledger: positions, fills, cash flows, realized and unrealized P&L, fees.",
            discussion: """
                Folded from the events whose business time falls on the New York date. With broker keys (APCA_API_KEY_ID, \
                APCA_API_SECRET_KEY) the statement is reconciled against the broker's executions of that date (Alpaca \
                GET /v2/account/activities/FILL), matched by execution id: fills missing on either side and any field that \
                differs are listed, and the command exits with status 1 when they disagree. Without keys (the paper broker \
                lives inside the trading process and keeps no statement another process could read) it says so.
                """)
        @Option(help: "New York date (YYYY-MM-DD).") var date: String
        @Flag(help: "Print the statement as JSON.") var json = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            guard let day = NYDate(date) else { throw ValidationError("--date must be YYYY-MM-DD, got '\(date)'") }
            let target = try await configuration.readerDatabase(note: Terminal.note)
            let store = target.store()
            var s = try await AuditStatement.load(date: day, store: store)
            let broker: AlpacaBroker?
            do { broker = try configuration.alpaca.map { AlpacaBroker(configuration: $0) } } catch {
                throw ValidationError("broker keys: \(error)")
            }
            if let broker {
                let fills = try await StatementReconciliation.brokerFills(on: day, from: broker)
                s.brokerReconciliation = StatementReconciliation.reconcile(s, brokerFills: fills, source: "alpaca GET /v2/account/activities/FILL")
            } else {
                s.note = "not reconciled: no broker keys (APCA_API_KEY_ID, APCA_API_SECRET_KEY) are set"
            }
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(s), as: UTF8.self))
                if let r = s.brokerReconciliation, !r.agrees { throw ExitCode(1) }
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
            if let r = s.brokerReconciliation {
                print("\nBroker (\(r.source)): \(r.brokerFills) executions, ledger \(r.ledgerFills) fills, \(r.matched) matched;"
                    + " broker bought \(r.brokerBought) sold \(r.brokerSold)")
                for b in r.missingInLedger { print("  MISSING IN LEDGER  \(b.at) \(b.side) \(b.quantity) \(b.symbol) @ \(b.price)  execution \(b.executionID)  order \(b.brokerOrderID)") }
                for f in r.missingAtBroker { print("  NOT AT BROKER      \(f.at) \(f.side) \(f.quantity) \(f.symbol) @ \(f.price)  execution \(f.executionID)") }
                for m in r.mismatches { print("  DIFFERS            execution \(m.executionID) \(m.field): ledger \(m.ledger), broker \(m.broker)") }
                print(r.agrees ? "Reconciled: the ledger and the broker agree." : "NOT RECONCILED: the ledger and the broker disagree.")
                if !r.agrees { throw ExitCode(1) }
            } else {
                print("Note: \(s.note!)")
            }
        }
    }
}
