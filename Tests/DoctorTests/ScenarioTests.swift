import Application
import Broker
import CatalystTestKit
import Domain
import DoctorClaude
import Foundation
import Testing

/// Issues produced by real scenarios on the paper broker, read back through the projected views, and
/// the fixes Doctor may (and may not) apply.
extension DoctorDatabaseTests {
@Suite struct ScenarioTests {
    @Test func aQuietLedgerWithoutABrokerIsOKWithReconciliationSkipped() async throws {
        let h = try await DoctorHarness.make()
        let report = try await h.report(useBroker: false)
        #expect(report.issues.map(\.type) == ["RECONCILIATION_SKIPPED"])
        #expect(report.summary.status == .ok && report.exitCode == 0)
        #expect(!report.brokerConnected && report.brokerMode == nil)
        let withBroker = await h.check().run(now: h.now)
        #expect(withBroker.issues.isEmpty && withBroker.brokerConnected && withBroker.brokerMode == "paper")
    }

    /// A limit resting far under the market is stuck after 5 minutes; cancelling it (an allowed fix)
    /// resolves it on the re-check.
    @Test func aStuckOrderIsCancelledAndTheRecheckIsClean() async throws {
        let h = try await DoctorHarness.make()
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        let order = try await h.trade(symbol, price, limitFactor: Decimal(string: "0.9")!)
        h.move(to: h.now.addingTimeInterval(4 * 60))
        #expect(try await h.report().issues(.stuckOrder).isEmpty)
        h.move(to: h.now.addingTimeInterval(2 * 60))
        let report = try await h.report()
        let stuck = report.issues(.stuckOrder)
        #expect(stuck.map { $0.ids["order_id"] } == [order.orderID.rawValue])
        #expect(stuck.first?.severity == .warning && report.exitCode == 1)

        let result = try await h.pass().runDetailed(now: h.now, after: { try await h.project() })
        #expect(result.handled.map(\.outcome).contains { if case .fixed = $0 { true } else { false } })
        #expect(result.final.issues(.stuckOrder).isEmpty)
        #expect(result.final.exitCode == 0)
        #expect(try await h.system.log.load(Order.self, .order(order.orderID)).state.order?.status == .canceled)
        let events = try await h.doctorEvents()
        let actions = events.compactMap { if case .actionTaken(let a) = $0 { a } else { nil } }
        #expect(actions.map(\.kind) == [.autoFix] && actions.first?.command == "cancel_order")
        #expect(events.filter { if case .watchdogRan = $0 { true } else { false } }.count == 2)
    }

    /// The broker sold our shares behind our back: phantom, critical; recording it closed externally
    /// with the broker's evidence is allowed and resolves it.
    @Test func aPhantomPositionIsRecordedClosedExternally() async throws {
        let h = try await DoctorHarness.make()
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        let entry = try await h.trade(symbol, price)
        h.move(to: h.now.addingTimeInterval(60))
        try await StatusSync(system: h.system).syncOpenOrders(context: h.system.context(.system))
        _ = try await FillIngestor(system: h.system).poll(context: h.system.context(.system))
        try await OrderCancellation(system: h.system).cancelOpenExits(symbol: symbol, reason: "test", context: h.system.context(.system))
        // Sell whatever the broker holds, behind the ledger's back, until it is flat (the paper broker
        // fills against simulated volume, over several minutes).
        for tag in 0..<30 {
            guard let held = try await h.broker.positions().first(where: { $0.symbol == symbol }) else { break }
            if try await h.broker.openOrders().isEmpty { try await h.submitAtBroker(symbol, .long, .exit, quantity: held.quantity, tag: tag) }
            h.move(to: h.now.addingTimeInterval(60))
        }
        #expect(entry.intent.symbol == symbol)
        #expect(try await h.broker.positions().isEmpty)
        let report = try await h.report()
        let phantom = report.issues(.phantomPosition)
        #expect(phantom.map { $0.ids["symbol"] } == [symbol.rawValue])
        #expect(phantom.first?.severity == .critical && report.exitCode == 2)

        let result = try await h.pass().runDetailed(now: h.now, after: { try await h.project() })
        #expect(result.final.issues(.phantomPosition).isEmpty)
        let position = try await h.system.log.load(Position.self, .position(account: h.system.account, symbol: symbol)).state
        #expect(position.open == nil)
    }

    /// A position at the broker we never opened: critical, and Doctor never acts on it — it escalates.
    @Test func anOrphanPositionEscalates() async throws {
        let h = try await DoctorHarness.make()
        let (symbol, _) = try await h.liquidSymbols(1)[0]
        try await h.submitAtBroker(symbol, .long, .entry, quantity: Quantity(5))
        h.move(to: h.now.addingTimeInterval(60))
        let report = try await h.report()
        #expect(report.issues(.orphanPosition).map { $0.ids["symbol"] } == [symbol.rawValue])
        #expect(report.exitCode == 2)
        let handled = try await h.fixer().handle(report.issues, context: h.context())
        #expect(handled.map(\.outcome).allSatisfy { if case .escalated = $0 { true } else { false } })
        let actions = try await h.doctorEvents().compactMap { if case .actionTaken(let a) = $0 { a } else { nil } }
        #expect(actions.map(\.kind) == [.escalation] && actions.first?.issueType == "ORPHAN_POSITION" && actions.first?.target == symbol.rawValue)
        // The broker still holds it: nothing was traded.
        #expect(try await h.broker.positions().map(\.symbol) == [symbol])
        try await h.project()
        // (v_recent_escalations keeps the last 7 days of the real clock; this simulated day is older.)
        let escalations = try await h.rows("SELECT issue_type, action_target FROM claude_activity_log WHERE decision = 'escalate'")
        #expect(escalations == [["issue_type": "ORPHAN_POSITION", "action_target": symbol.rawValue]])
    }

    /// An emergency stop halts trading: critical until a human resumes.
    @Test func anEmergencyStopIsReportedAsHalted() async throws {
        let h = try await DoctorHarness.make()
        _ = try await EmergencyStop(system: h.system).run(reason: "test stop", context: h.system.context(DoctorHarness.operatorActor))
        let report = try await h.report()
        #expect(report.issues(.tradingHalted).count == 1)
        #expect(report.exitCode == 2)
        let handled = try await h.fixer().handle(report.issues, context: h.context())
        #expect(handled.contains { $0.issue.type == "TRADING_HALTED" && { if case .escalated = $0.outcome { true } else { false } }($0) })
    }

    /// A scheduled slot with no cycle.
    @Test func aMissedCycleSlot() async throws {
        let h = try await DoctorHarness.make(hour: 11, minute: 0)
        let report = try await h.report(slots: [10 * 60])
        #expect(report.issues(.missedCycle).map { $0.ids["slot"] } == ["10:00"])
        #expect(report.exitCode == 1)
    }
}
}
