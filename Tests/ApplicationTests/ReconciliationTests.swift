import Application
import Broker
import CatalystTestKit
import Domain
import EventStore
import FakeAlpaca
import Foundation
import Testing

@testable import ApplicationTestKit

/// Reconciliation against the fake Alpaca server: nothing trades before the start-up run passed, and
/// every difference with the broker becomes an explicit event.
@Suite(.serialized) struct ReconciliationTests {
    static func discrepancies(_ events: [Recorded]) -> [Reconciliation.DiscrepancyDetected] {
        events.compactMap { if case .reconciliation(.discrepancyDetected(let d)) = $0.event { d } else { nil } }
    }

    static func adjustments(_ events: [Recorded]) -> [Reconciliation.AdjustmentApplied] {
        events.compactMap { if case .reconciliation(.adjustmentApplied(let a)) = $0.event { a } else { nil } }
    }

    @Test func tradingIsRefusedUntilTheStartupReconciliationPassed() async throws {
        let h = try await SimHarness.make(reconciled: false)
        #expect(!h.system.gate.isOpen)
        do {
            _ = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal"), context: h.context())
            Issue.record("a cycle started before reconciliation")
        } catch let e as ApplicationError {
            #expect(e.code == "reconciliation_pending")
        }
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        do {
            _ = try await h.trade(symbol, price)
            Issue.record("a manual trade was placed before reconciliation")
        } catch let e as ApplicationError {
            #expect(e.code == "reconciliation_pending")
        }
        #expect(try await h.events().count("order.requested") == 0)
        let openAtBroker = try await h.broker.openOrders()
        #expect(h.broker.allFills.isEmpty && openAtBroker.isEmpty)

        let report = try await h.reconcileAtStartup()
        #expect(report.passed && report.recorded && h.system.gate.isOpen)
        #expect(try await h.events().count("reconciliation.completed") == 1)
        _ = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal"), context: h.context())
    }

    /// An order at the broker we never placed is critical: recorded, and trading stays closed.
    @Test func anExternalOrderIsRecordedAndKeepsTradingClosed() async throws {
        let state = FakeTradingState(now: AlpacaAppHarness.start)
        let external = state.addExternalOrder(symbol: "XTRN", side: "buy", quantity: 7, limitPrice: 12)
        try await AlpacaAppHarness.run(state: state, reconciled: false) { h in
            let report = try await h.reconcile(.startup)
            #expect(!report.passed && !h.system.gate.isOpen)
            let found = Self.discrepancies(try await h.events())
            #expect(found.count == 1)
            #expect(found.first?.kind == .externalOrder && found.first?.severity == .critical)
            #expect(found.first?.broker.brokerOrderID?.rawValue == external)
            do {
                _ = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal"), context: h.context(Actor(.cron)))
                Issue.record("trading opened with an unexplained order at the broker")
            } catch let e as ApplicationError {
                #expect(e.code == "reconciliation_pending")
            }
        }
    }

    @Test func aPositionAtTheBrokerWeNeverOpenedIsAnOrphan() async throws {
        let state = FakeTradingState(now: AlpacaAppHarness.start)
        state.setExternalPosition(symbol: "ORPH", quantity: 30, averagePrice: 41.5)
        try await AlpacaAppHarness.run(state: state, reconciled: false) { h in
            let report = try await h.reconcile(.startup)
            let found = Self.discrepancies(try await h.events())
            #expect(found.map(\.kind) == [.orphanPosition])
            #expect(found.first?.symbol == Symbol("ORPH") && found.first?.broker.quantity == Quantity(30))
            #expect(!report.passed)
        }
    }

    /// We hold a position (from a recorded fill) that the broker no longer has: phantom.
    @Test func aPositionWeHoldThatTheBrokerDoesNotIsAPhantom() async throws {
        try await AlpacaAppHarness.run { h in
            _ = try await h.trade()
            let entry = try await h.entry()
            try h.state.fill(try entry.brokerID(), price: try entry.limit())
            _ = try await h.reconcile()
            #expect(try await h.system.log.load(Position.self, .position(account: h.account, symbol: entry.intent.symbol)).state.open != nil)
            h.state.closePositionExternally(entry.intent.symbol.rawValue)
            _ = try await h.reconcile()
            let found = Self.discrepancies(try await h.events())
            let phantom = found.filter { $0.kind == .phantomPosition }
            #expect(phantom.count == 1 && phantom.first?.symbol == entry.intent.symbol)
            #expect(phantom.first?.ours.quantity == Quantity(100))
        }
    }

    /// Fills that happened while the process was down are ingested by the start-up run, each recorded as
    /// a MISSING_FILL resolved by an `ingested_fill` adjustment; the position is opened from them.
    @Test func fillsThatHappenedWhileDownAreIngestedAtStartup() async throws {
        let store = try await TestStores.fresh()
        let state = FakeTradingState(now: AlpacaAppHarness.start)
        let entry = try await AlpacaAppHarness.run(store: store, state: state) { h in
            _ = try await h.trade()
            return try await h.entry()
        }
        // The process is down; the broker fills the order in two executions.
        state.advance(seconds: 60)
        try state.fill(try entry.brokerID(), quantity: 4, price: try entry.limit())
        state.advance(seconds: 60)
        try state.fill(try entry.brokerID(), price: try entry.limit() - Decimal(string: "0.01")!)
        try await AlpacaAppHarness.run(store: store, state: state, reconciled: false) { h in
            let report = try await h.reconcile(.startup)
            #expect(report.passed && h.system.gate.isOpen)
            #expect(report.ingestedFills == 2)
            let events = try await h.events()
            let missing = Self.discrepancies(events).filter { $0.kind == .missingFill }
            #expect(missing.count == 2)
            let fixes = Self.adjustments(events).filter { $0.action == .ingestedFill }
            #expect(Set(fixes.map(\.discrepancyID)) == Set(missing.map(\.discrepancyID)))
            let record = try #require(try await h.order(entry.orderID))
            #expect(record.status == .filled && record.filledQuantity == Quantity(100))
            let position = try #require(try await h.system.log.load(Position.self, .position(account: h.account, symbol: entry.intent.symbol)).state.open)
            #expect(position.quantity == Quantity(100))
            // A second start-up finds nothing missing any more.
            let again = try await h.reconcile(.startup)
            #expect(again.ingestedFills == 0 && again.discrepancies.isEmpty)
        }
    }

    @Test(arguments: ["canceled", "expired"])
    func aStatusChangeAtTheBrokerIsApplied(status: String) async throws {
        try await AlpacaAppHarness.run { h in
            _ = try await h.trade()
            let entry = try await h.entry()
            #expect(entry.status == .new)
            if status == "canceled" { try h.state.confirmCancel(try entry.brokerID()) } else { h.state.expireDayOrders() }
            let report = try await h.reconcile()
            #expect(report.statusesApplied >= 1)
            let record = try #require(try await h.order(entry.orderID))
            #expect(record.status.rawValue == status)
            for leg in entry.legs {
                let l = try #require(try await h.order(leg.orderID))
                #expect(l.status.isTerminal, "leg \(leg.role) is \(l.status)")
            }
            let releases = try await h.events().compactMap { if case .risk(.approvalReleased(let r)) = $0.event { r } else { nil } }
            #expect(releases.map(\.reason) == [status == "canceled" ? .orderCanceled : .orderExpired])
        }
    }
}
