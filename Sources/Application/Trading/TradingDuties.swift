import Broker
import Domain
import EventStore
import Foundation

/// What the ledger does every minute of the session, in a fixed order: take the broker's executions and
/// statuses in (reconciliation), expire unanswered approvals, then watch positions. The same duties run
/// under `catalyst serve` on the wall clock and under a simulated session on simulated time.
public struct TradingDuties: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) {
        self.system = system
    }

    public struct Minute: Sendable {
        public var reconciliation: Reconciler.Report?
        public var monitor: PositionMonitor.Tick?
        public var expiredApprovals: [ApprovalID] = []
    }

    @discardableResult
    public func minute(reconcile: Bool = true, context: CommandContext) async throws -> Minute {
        var out = Minute()
        if reconcile {
            out.reconciliation = try await Reconciler(system: system).run(system.gate.isOpen ? .periodic : .startup, context: context.followUp(commandID: system.ids.uuid()))
        } else {
            try await FillIngestor(system: system).poll(context: context.followUp(commandID: system.ids.uuid()))
        }
        // A fill that reached the daily loss limit halted trading on the risk stream; whoever ingested it
        // (this poll, the reconciliation, a status sync), the emergency flatten runs here.
        if !FillIngestor(system: system).takeHalts().isEmpty {
            try await EmergencyStop(system: system).flatten(reason: .emergency, note: "daily loss limit", context: context.followUp(commandID: system.ids.uuid()))
        }
        out.expiredApprovals = try await ApprovalService(system: system).expireOverdue(context: context.followUp(commandID: system.ids.uuid()))
        out.monitor = try await PositionMonitor(system: system).tick(context: context.followUp(commandID: system.ids.uuid()))
        return out
    }
}
