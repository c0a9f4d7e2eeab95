import Domain
import Foundation
import LedgerSimulation
import Testing

/// The property tests are only as good as the histories the simulator generates: these check that a
/// few small histories reach the interesting cases, and that a seed always gives the same history.
@Suite struct SimulationCoverageTests {
    static func counts(seeds: ClosedRange<UInt64>) throws -> [String: Int] {
        var kinds: [String: Int] = [:]
        for seed in seeds {
            for batch in try LedgerSimulator.history(.small(seed: seed, days: 2)) {
                for e in batch.events {
                    kinds[e.event.eventType, default: 0] += 1
                    switch e.event {
                    case .position(.opened(let o)) where o.side == .short: kinds["short", default: 0] += 1
                    case .position(.closed(let c)) where c.exitReason == .external: kinds["phantom", default: 0] += 1
                    case .risk(.tradingHalted(let h)) where h.halt.reason == .dailyLossLimit: kinds["loss halt", default: 0] += 1
                    default: break
                    }
                }
            }
        }
        return kinds
    }

    @Test func smallHistoriesReachTheInterestingCases() throws {
        let kinds = try Self.counts(seeds: 1...12)
        let wanted = [
            "cycle.started", "cycle.completed", "cycle.failed", "cycle.stopped", "scan.candidate_evaluated", "scan.universe_filtered",
            "signal.generated", "risk.approved", "risk.denied", "risk.approval_released", "risk.fill_recorded", "risk.marks_recorded",
            "risk.trading_halted", "risk.trading_resumed", "order.requested", "order.submitted", "order.submit_outcome_unknown",
            "order.outcome_resolved", "order.accepted", "order.partially_filled", "order.filled", "order.cancel_requested", "order.pending_cancel",
            "order.canceled", "order.expired", "order.rejected", "order.replace_requested", "order.pending_replace", "order.replaced",
            "position.opened", "position.closed", "position.marked", "position.exit_requested", "position.protection_changed",
            "position.adjusted", "short", "phantom",
        ]
        for kind in wanted { #expect(kinds[kind, default: 0] > 0, "\(kind) never generated") }
    }

    @Test func aSeedAlwaysGivesTheSameHistory() throws {
        let a = try LedgerSimulator.history(.small(seed: 99, days: 2))
        let b = try LedgerSimulator.history(.small(seed: 99, days: 2))
        #expect(a == b)
        #expect(a != (try LedgerSimulator.history(.small(seed: 100, days: 2))))
    }
}
