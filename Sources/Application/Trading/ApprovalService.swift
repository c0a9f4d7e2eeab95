import Domain
import EventStore
import Foundation

/// Supervised mode: a risk approval waits for a human. Granting places the order (with the grant as its
/// authorization); denying or letting it expire releases its room under the limits. Every outcome is an
/// event on `approval-<id>`.
public struct ApprovalService: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    func request(_ approved: Risk.Approved, context: CommandContext) async throws {
        let timeout = system.configuration.approvalTimeout
        _ = try await system.runner.run(Approval.self, .approval(approved.approvalID), context: context) { _ in
            .request(approved, at: context.now, timeout: timeout)
        }
    }

    /// A human approves: the grant is recorded, then the exact approved order is placed.
    public func grant(_ id: ApprovalID, note: String?, context: CommandContext) async throws -> Order.Record {
        let state = try await system.log.load(Approval.self, .approval(id)).state
        guard let request = state.request else { throw ApplicationError.notFound("approval \(id)") }
        // A grant places an order: not before the start-up reconciliation has passed.
        try system.gate.requireOpen()
        let outcome: DeciderRunner.Outcome<Approval>
        do {
            outcome = try await system.runner.run(Approval.self, .approval(id), context: context) { _ in .grant(by: context.actor, at: context.now, note: note) }
        } catch let refusal as any CommandRefusal { throw refusal.asApplicationError }
        guard let approved = try await RiskEvaluation(system: system).approval(id, on: system.tradingDate(request.requestedAt)) else {
            throw ApplicationError.notFound("risk approval \(id)")
        }
        var grant: Approval.Granted?
        for e in try await system.log.events(.approval(id)) { if case .approval(.granted(let g)) = e { grant = g } }
        _ = outcome
        return try await OrderPlacement(system: system).placeEntry(approved, grant: grant, context: context.followUp(commandID: system.ids.uuid()))
    }

    /// A human refuses: recorded, and the approval's room is released.
    public func deny(_ id: ApprovalID, reason: String, context: CommandContext) async throws {
        let state = try await system.log.load(Approval.self, .approval(id)).state
        guard let request = state.request else { throw ApplicationError.notFound("approval \(id)") }
        do {
            _ = try await system.runner.run(Approval.self, .approval(id), context: context) { _ in .deny(by: context.actor, at: context.now, reason: reason) }
        } catch let refusal as any CommandRefusal { throw refusal.asApplicationError }
        try await release(id, date: system.tradingDate(request.requestedAt), reason: .supervisorDenied, context: context)
    }

    /// Expires every pending approval past its deadline (run every tick by the session scheduler).
    @discardableResult
    public func expireOverdue(context: CommandContext) async throws -> [ApprovalID] {
        var expired: [ApprovalID] = []
        for state in try await system.directory.pendingApprovals() {
            guard let request = state.request, request.expiresAt <= context.now else { continue }
            let step = context.followUp(commandID: system.ids.uuid())
            let outcome = try await system.runner.run(Approval.self, .approval(request.approvalID), context: step) { _ in .expire(at: context.now) }
            if !outcome.events.isEmpty {
                try await release(request.approvalID, date: system.tradingDate(request.requestedAt), reason: .approvalExpired, context: step)
                expired.append(request.approvalID)
            }
        }
        return expired
    }

    private func release(_ id: ApprovalID, date: NYDate, reason: Risk.ReleaseReason, context: CommandContext) async throws {
        let now = context.now
        _ = try await system.runner.run(Risk.self, .risk(account: system.account, date: date), context: context.followUp(commandID: system.ids.uuid())) { _ in
            .releaseApproval(id, reason: reason, at: now)
        }
    }
}
