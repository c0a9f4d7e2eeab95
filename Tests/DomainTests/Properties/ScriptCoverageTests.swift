import Foundation
import Testing

@testable import Domain

/// The property tests are only as good as the states their scripts reach. This runs the same script
/// interpreters over fixed pseudo-random inputs and checks that they reach the interesting cases.
@Suite struct ScriptCoverageTests {
    /// A fixed linear congruential sequence: deterministic, no randomness in the test.
    static func scripts(_ count: Int, length: Int) -> [[Int]] {
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        return (0..<count).map { _ in
            (0..<length).map { _ in
                x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((x >> 33) % 100_000)
            }
        }
    }

    @Test func orderScriptsReachFillsLateFillsAndEveryStatus() {
        var kinds: Set<String> = []
        var statuses: Set<Order.Status> = []
        var lateFills = 0
        for script in Self.scripts(300, length: 60) {
            var state = Order.fold(Scripts.orderStart)
            for (step, n) in script.enumerated() {
                let before = state.order!.status
                guard let events = try? Order.decide(Scripts.orderCommand(n, step: step), state) else { continue }
                state = Order.fold(events, from: state)
                statuses.insert(state.order!.status)
                for e in events {
                    kinds.insert(e.ledgerEvent.eventType)
                    if case .partiallyFilled = e, before == .canceled || before == .expired { lateFills += 1 }
                }
            }
        }
        #expect(kinds.isSuperset(of: ["order.partially_filled", "order.filled", "order.canceled", "order.cancel_requested", "order.accepted", "order.rejected"]))
        #expect(statuses.count >= 15, "\(statuses)")
        #expect(lateFills > 0)
    }

    @Test func positionScriptsReachFlipsReductionsAndCloses() {
        var kinds: [String: Int] = [:]
        for script in Self.scripts(300, length: 60) {
            var state = Position.initial
            for (step, n) in script.enumerated() {
                guard let events = try? Position.decide(Scripts.positionCommand(n, step: step), state) else { continue }
                state = Position.fold(events, from: state)
                for e in events { kinds[e.ledgerEvent.eventType, default: 0] += 1 }
                if events.count == 2 { kinds["flip", default: 0] += 1 }
            }
        }
        for kind in ["position.opened", "position.increased", "position.reduced", "position.closed", "position.marked", "flip"] {
            #expect(kinds[kind, default: 0] > 0, "\(kind) never reached")
        }
    }

    @Test func riskScriptsReachApprovalsDenialsHaltsAndResumes() {
        var kinds: [String: Int] = [:]
        var codes: Set<RiskReasonCode> = []
        for script in Self.scripts(300, length: 80) {
            var state = Risk.fold([RiskFixtures.dayOpened])
            for (step, n) in script.enumerated() {
                guard let events = try? Risk.decide(Scripts.riskCommand(n, step: step, state: state), state) else { continue }
                state = Risk.fold(events, from: state)
                for e in events {
                    kinds[e.ledgerEvent.eventType, default: 0] += 1
                    if case .denied(let d) = e { codes.formUnion(d.reasonCodes) }
                }
            }
        }
        for kind in ["risk.approved", "risk.denied", "risk.fill_recorded", "risk.approval_released", "risk.marks_recorded", "risk.trading_halted", "risk.trading_resumed", "risk.daily_loss_warning"] {
            #expect(kinds[kind, default: 0] > 0, "\(kind) never reached")
        }
        #expect(codes.isSuperset(of: [.tradingHalted, .symbolAlreadyOpen, .maxPositions, .maxPositionValue]), "\(codes)")
    }
}
