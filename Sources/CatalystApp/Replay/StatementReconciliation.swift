import Broker
import Domain
import Foundation

/// `audit statement` checked against the broker's own record of the day: every execution in the
/// account's activities (Alpaca `GET /v2/account/activities/FILL`) must be a fill in the ledger with the
/// same symbol, side, quantity and price, and every ledger fill must be one of them. Matched by execution
/// id, which is how fills enter the ledger.
public struct StatementReconciliation: Sendable, Codable, Equatable {
    public struct BrokerFillLine: Sendable, Codable, Equatable {
        public var at: String
        public var executionID: String
        public var brokerOrderID: String
        public var clientOrderID: String?
        public var symbol: String
        public var side: String
        public var quantity: String
        public var price: String
    }

    public struct Mismatch: Sendable, Codable, Equatable {
        public var executionID: String
        public var field: String
        public var ledger: String
        public var broker: String
    }

    public var source: String
    public var brokerFills = 0
    public var ledgerFills = 0
    public var matched = 0
    /// At the broker, not in the ledger: a fill the ledger missed.
    public var missingInLedger: [BrokerFillLine] = []
    /// In the ledger, not at the broker: a fill the ledger invented (or another account's).
    public var missingAtBroker: [AuditStatement.Fill] = []
    public var mismatches: [Mismatch] = []
    /// Gross bought and sold from the broker's executions, to set beside the statement's.
    public var brokerBought = "0"
    public var brokerSold = "0"

    public var agrees: Bool { missingInLedger.isEmpty && missingAtBroker.isEmpty && mismatches.isEmpty }

    public static func reconcile(_ statement: AuditStatement, brokerFills: [BrokerFill], source: String) -> StatementReconciliation {
        var r = StatementReconciliation(source: source, brokerFills: brokerFills.count, ledgerFills: statement.fills.count)
        var ledger = Dictionary(statement.fills.map { ($0.executionID, $0) }, uniquingKeysWith: { a, _ in a })
        var bought = Decimal(0), sold = Decimal(0)
        for b in brokerFills {
            let gross = b.quantity.shares * b.price.value
            if b.side == .buy { bought += gross } else { sold += gross }
            guard let l = ledger.removeValue(forKey: b.executionID.rawValue) else {
                r.missingInLedger.append(
                    BrokerFillLine(
                        at: RFC3339.format(b.transactionTime), executionID: b.executionID.rawValue, brokerOrderID: b.brokerOrderID.rawValue,
                        clientOrderID: b.clientOrderID, symbol: b.symbol.rawValue, side: b.side.rawValue, quantity: "\(b.quantity)", price: "\(b.price)"))
                continue
            }
            var same = true
            func compare(_ field: String, _ ledgerValue: String, _ brokerValue: String, equal: Bool) {
                guard !equal else { return }
                same = false
                r.mismatches.append(Mismatch(executionID: b.executionID.rawValue, field: field, ledger: ledgerValue, broker: brokerValue))
            }
            compare("symbol", l.symbol, b.symbol.rawValue, equal: l.symbol == b.symbol.rawValue)
            compare("side", l.side, b.side.rawValue, equal: l.side == b.side.rawValue)
            compare("quantity", l.quantity, "\(b.quantity)", equal: Decimal(string: l.quantity) == b.quantity.shares)
            compare("price", l.price, "\(b.price)", equal: Decimal(string: l.price) == b.price.value)
            if same { r.matched += 1 }
        }
        r.missingAtBroker = statement.fills.filter { ledger[$0.executionID] != nil }
        r.brokerBought = AuditStatement.cents(bought)
        r.brokerSold = AuditStatement.cents(sold)
        return r
    }

    /// The broker's executions with a transaction time on `date` (New York), read page by page.
    public static func brokerFills(on date: NYDate, from broker: any Broker, pageSize: Int = 500) async throws -> [BrokerFill] {
        let start = date.at(hour: 0, minute: 0)
        let end = date.adding(days: 1).at(hour: 0, minute: 0)
        var out: [BrokerFill] = []
        var cursor: String?
        while true {
            let page = try await broker.fills(since: start, after: cursor, limit: pageSize)
            out += page.fills.filter { $0.transactionTime < end }
            guard page.fills.count == pageSize, let next = page.cursor, page.fills.last.map({ $0.transactionTime < end }) ?? false else { break }
            cursor = next
        }
        return out
    }
}
