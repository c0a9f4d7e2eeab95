import Application
import Domain
import Foundation
import Testing

@testable import ApplicationTestKit

/// Supervised mode: approvals wait for a human; a grant places exactly the approved order, a denial
/// or five minutes of silence give the room back; every outcome is an event.
@Suite struct SupervisedTests {
    /// A supervised cycle asks, and places nothing.
    @Test func aSupervisedCycleWaitsForHumans() async throws {
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute)
        let (_, summary) = try await h.runCycle(StartCycleRequest(mode: "normal", sessionMode: "supervised"))
        #expect(summary.approvals > 0)
        #expect(summary.awaitingHuman == summary.approvals && summary.orders == 0)
        let events = try await h.events()
        #expect(events.count("approval.requested") == summary.approvals)
        #expect(events.count("order.requested") == 0)
        #expect(try await h.system.directory.pendingApprovals().count == summary.approvals)
    }

    /// An approval waiting for a human (an MCP trade).
    static func pending(_ h: SimHarness, index: Int = 0) async throws -> (ApprovalID, Risk.Approved) {
        let (symbol, price) = try await h.liquidSymbols(index + 1)[index]
        guard case .awaitingApproval(let id) = try await h.trade(symbol, price, actor: Actor(.mcp, name: "claude")) else {
            throw HarnessError("expected an approval awaiting a human")
        }
        for e in try await h.events(in: .risk(account: h.account, date: SimHarness.date)) {
            if case .risk(.approved(let a)) = e, a.approvalID == id { return (id, a) }
        }
        throw HarnessError("no risk.approved for \(id)")
    }

    @Test func aGrantPlacesTheExactApprovedOrder() async throws {
        let h = try await SimHarness.make()
        let (id, approved) = try await Self.pending(h)
        #expect(try await h.events().count("order.requested") == 0)
        let order = try await ApprovalService(system: h.system).grant(id, note: "looks fine", context: h.context(SimHarness.operatorActor))
        #expect(order.intent == approved.intent, "the order is the approved intent, field by field")
        #expect(order.approvalID == id && order.brokerOrderID != nil)
        let brokerOrder = try #require(try await h.broker.order(id: BrokerOrderID(rawValue: try order.brokerID())))
        #expect(brokerOrder.quantity == approved.intent.quantity && brokerOrder.limitPrice == approved.intent.limitPrice)
        let events = try await h.events(in: .approval(id))
        guard case .approval(.granted(let g)) = events.last else { Issue.record("no grant recorded"); return }
        #expect(g.by == SimHarness.operatorActor)
        // Granting again (a double click) places nothing new.
        _ = try await ApprovalService(system: h.system).grant(id, note: nil, context: h.context(SimHarness.operatorActor))
        #expect(try await h.events().count("order.requested") == 3, "one entry and its two legs")
    }

    @Test func aDenialReleasesTheRoom() async throws {
        let h = try await SimHarness.make()
        let (id, _) = try await Self.pending(h)
        #expect(try await h.risk().pending[id] != nil)
        try await ApprovalService(system: h.system).deny(id, reason: "no", context: h.context(SimHarness.operatorActor))
        #expect(try await h.risk().pending[id] == nil)
        let risk = try await h.events(in: .risk(account: h.account, date: SimHarness.date))
        #expect(risk.contains { if case .risk(.approvalReleased(let r)) = $0 { r.approvalID == id && r.reason == .supervisorDenied } else { false } })
        guard case .approval(.denied) = try await h.events(in: .approval(id)).last else { Issue.record("no denial recorded"); return }
        await #expect(throws: ApplicationError.self) {
            try await ApprovalService(system: h.system).grant(id, note: nil, context: h.context(SimHarness.operatorActor))
        }
        #expect(try await h.events().count("order.requested") == 0)
    }

    /// Unanswered approvals expire after five minutes of (manual) clock time, not a second before, and
    /// a grant after that is refused.
    @Test func unansweredApprovalsExpireAfterFiveMinutes() async throws {
        let h = try await SimHarness.make()
        let (id, _) = try await Self.pending(h)
        let asked = h.now
        h.world.setTime(asked.addingTimeInterval(299))
        #expect(try await ApprovalService(system: h.system).expireOverdue(context: h.context(.system)).isEmpty)
        h.world.setTime(asked.addingTimeInterval(300))
        // Through the per-minute duties, as the session runs them.
        let minute = try await h.minute()
        #expect(minute.expiredApprovals == [id])
        guard case .approval(.expired) = try await h.events(in: .approval(id)).last else { Issue.record("no expiry recorded"); return }
        #expect(try await h.risk().pending[id] == nil)
        let risk = try await h.events(in: .risk(account: h.account, date: SimHarness.date))
        #expect(risk.contains { if case .risk(.approvalReleased(let r)) = $0 { r.approvalID == id && r.reason == .approvalExpired } else { false } })
        await #expect(throws: ApplicationError.self) {
            try await ApprovalService(system: h.system).grant(id, note: nil, context: h.context(SimHarness.operatorActor))
        }
        #expect(try await h.events().count("order.requested") == 0)
    }

    @Test(arguments: [Actor(.mcp, name: "claude"), Actor(.cron), Actor(.system), Actor(.operator), Actor(.api, name: "key-1"), Actor(.doctor)])
    func onlyANamedHumanMayGrant(actor: Actor) async throws {
        let h = try await SimHarness.make()
        let (id, _) = try await Self.pending(h)
        do {
            _ = try await ApprovalService(system: h.system).grant(id, note: nil, context: h.context(actor))
            Issue.record("\(actor) granted an approval")
        } catch let e as ApplicationError {
            #expect(e.code == "human_required", "\(e)")
        }
        #expect(try await h.events().count("approval.granted") == 0)
        #expect(try await h.events().count("order.requested") == 0)
        #expect(try await h.system.directory.pendingApprovals().count == 1, "still waiting for a human")
    }
}
