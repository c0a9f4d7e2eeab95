import Application
import Domain
import Foundation
import Testing

@testable import ApplicationTestKit

/// Limits are per account and trading day, on one risk stream with an expected version: never per
/// cycle (the original checked `current_positions < max_positions` per cycle), and two concurrent
/// decisions cannot both take the last room under a limit.
@Suite struct AccountRiskTests {
    static func limited(_ maxPositions: Int) -> FixedRiskParameters {
        var p = RiskParameters()
        p.maxPositions = maxPositions
        return FixedRiskParameters(p)
    }

    /// Positions opened earlier in the day (here by manual trades) fill the account's `max_positions`:
    /// a later cycle's signals are all denied for it.
    @Test func positionsHeldCountAgainstMaxPositionsInALaterCycle() async throws {
        let h = try await SimHarness.make(hour: 11, minute: 50, risk: Self.limited(2))
        for (symbol, price) in try await h.liquidSymbols(2) { _ = try h.placed(try await h.trade(symbol, price)) }
        try await h.runMinutes(to: SimHarness.date.at(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute))
        #expect(try await h.risk().positionSlotsUsed == 2)
        let (_, summary) = try await h.runCycle()
        #expect(summary.signals > 0)
        #expect(summary.approvals == 0)
        #expect(summary.denialReasons["max_positions"] == summary.signals)
    }

    /// What one cycle approves (pending or filled) counts in the next cycle.
    @Test func approvalsOfOneCycleCountInTheNext() async throws {
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute, risk: Self.limited(1))
        let (_, first) = try await h.runCycle()
        #expect(first.approvals == 1, "one slot, one approval (denials: \(first.denialReasons))")
        try await h.runMinutes(to: h.now.addingTimeInterval(30 * 60))
        let (_, second) = try await h.runCycle(StartCycleRequest(mode: "aggressive"))
        #expect(second.approvals == 0)
        #expect(try await h.risk().positionSlotsUsed <= 1)
    }

    /// The request's `max_positions` is an account-level number too: a cycle asking for at most one
    /// position opens nothing while one is already held.
    @Test func theRequestsMaxPositionsCountsPositionsAlreadyHeld() async throws {
        let h = try await SimHarness.make(hour: 11, minute: 50)
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        _ = try h.placed(try await h.trade(symbol, price))
        try await h.runMinutes(to: SimHarness.date.at(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute))
        #expect(try await h.risk().positionSlotsUsed == 1)
        let (_, summary) = try await h.runCycle(StartCycleRequest(mode: "normal", maxPositions: 1))
        #expect(summary.approvals == 0, "one position held, max_positions 1: \(summary)")
        #expect(summary.orders == 0)
    }

    /// Five decisions race on the same risk day stream with room for `room`: exactly that many pass,
    /// whatever the interleaving, because each append expects the version its decision was made on. (Five
    /// racers at most: each retry loses only to another racer, and the runner re-decides five times.)
    @Test(arguments: [1, 2, 3])
    func concurrentDecisionsCannotBothTakeTheLastRoom(room: Int) async throws {
        let h = try await SimHarness.make(risk: Self.limited(room))
        let symbols = try await h.liquidSymbols(5)
        // Open the day first so every racer decides on an opened stream.
        try await RiskDesk(system: h.system).ensureOpen(SimHarness.date, context: h.context(.system))
        let outcomes = try await withThrowingTaskGroup(of: TradingOperations.TradeOutcome.self) { group in
            for (symbol, price) in symbols {
                // MCP's trades wait for a human, so the race is purely about the risk stream.
                group.addTask { try await h.trade(symbol, price, actor: Actor(.mcp, name: "claude")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var approved = 0
        for o in outcomes {
            switch o {
            case .awaitingApproval: approved += 1
            case .denied(let reasons): #expect(reasons.contains("max_positions"), "\(reasons)")
            case .placed: Issue.record("an MCP trade must not be placed without a human")
            }
        }
        #expect(approved == room)
        let risk = try await h.risk()
        #expect(risk.pending.count == room && risk.positionSlotsUsed == room)
        let events = try await h.events()
        #expect(events.count("risk.approved") == room && events.count("risk.denied") == 5 - room)
    }
}
