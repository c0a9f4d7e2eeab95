import Application
import Broker
import CatalystApp
import CatalystTestKit
import Domain
import FakeAlpaca
import Foundation
import Testing

@testable import ApplicationTestKit

/// `audit statement` reconciled against the broker: the day's executions at the fake Alpaca server
/// (read through the real client, page by page) against the fills in the ledger.
@Suite struct StatementReconciliationTests {
    @Test func theStatementAgreesWithTheBrokerAndEveryDifferenceIsNamed() async throws {
        let state = FakeTradingState(now: AlpacaAppHarness.start)
        try await AlpacaAppHarness.run(state: state) { h in
            _ = try await h.trade()
            let entry = try await h.entry()
            state.advance(seconds: 60)
            try state.fill(try entry.brokerID(), quantity: 40, price: try entry.limit())
            state.advance(seconds: 60)
            try state.fill(try entry.brokerID(), price: try entry.limit() - Decimal(string: "0.01")!)
            h.setTime(AlpacaAppHarness.start.addingTimeInterval(180))
            _ = try await h.reconcile()
            let day = NYDate(h.now)
            let statement = try await AuditStatement.load(date: day, store: h.store)
            #expect(statement.fills.count == 2)

            // Page size 1: the paging of the activities feed is exercised too.
            let brokerFills = try await StatementReconciliation.brokerFills(on: day, from: h.system.broker, pageSize: 1)
            let agreed = StatementReconciliation.reconcile(statement, brokerFills: brokerFills, source: "fake alpaca")
            #expect(agreed.agrees && agreed.matched == 2 && agreed.brokerFills == 2 && agreed.ledgerFills == 2)
            #expect(agreed.brokerBought == statement.bought)
            // The day before has none of them: the feed is cut at the end of the date.
            #expect(try await StatementReconciliation.brokerFills(on: day.adding(days: -1), from: h.system.broker).isEmpty)

            // An order placed outside the system fills at the broker: the ledger never saw it.
            let symbol = entry.intent.symbol.rawValue
            let external = state.addExternalOrder(symbol: symbol, side: "buy", quantity: 7, limitPrice: try entry.limit())
            try state.fill(external, price: try entry.limit())
            let withExternal = try await StatementReconciliation.brokerFills(on: day, from: h.system.broker)
            let missing = StatementReconciliation.reconcile(statement, brokerFills: withExternal, source: "fake alpaca")
            #expect(!missing.agrees && missing.matched == 2 && missing.missingInLedger.count == 1)
            #expect(missing.missingInLedger.first?.quantity == "7" && missing.missingInLedger.first?.brokerOrderID == external)

            // A ledger fill whose price differs from the broker's, and one the broker never had.
            var altered = statement
            altered.fills[0].price = "1.23"
            altered.fills[1].executionID = "not-at-the-broker"
            let differs = StatementReconciliation.reconcile(altered, brokerFills: brokerFills, source: "fake alpaca")
            #expect(differs.mismatches.map(\.field) == ["price"] && differs.mismatches.first?.ledger == "1.23")
            #expect(differs.missingAtBroker.map(\.executionID) == ["not-at-the-broker"] && differs.missingInLedger.count == 1)
        }
    }
}
