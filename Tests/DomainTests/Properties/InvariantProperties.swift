import Foundation
import PropertyBased
import Testing

@testable import Domain

@Suite struct InvariantProperties {
    static let script = Gen.int(in: 0...99_999).array(of: 1...80)

    /// No sequence of broker updates, legal or not, drives an order to an illegal state: every accepted
    /// move is in the whitelist (or is a documented local move), a final status never changes, the
    /// filled quantity never exceeds the order, and Σ execution quantities = filled quantity.
    @Test func brokerUpdatesNeverReachAnIllegalState() async {
        await propertyCheck(count: 300, input: Self.script, Gen.bool) { script, acknowledged in
            var state = Order.fold(Scripts.orderStart)
            if acknowledged {
                state = Order.fold([.submitted(Order.Submitted(orderID: OrderFixtures.id, brokerOrderID: "b-1", brokerStatus: .new, status: .new, submittedAt: T.t0))], from: state)
            }
            for (step, n) in script.enumerated() {
                let before = state.order!
                guard let events = try? Order.decide(Scripts.orderCommand(n, step: step), state) else { continue }
                state = Order.fold(events, from: state)
                let after = state.order!
                #expect(!before.status.isFinal || after.status == before.status, "\(before.status) left a final status")
                for event in events { #expect(Self.isLegal(event, from: before), "\(before.status) → \(after.status) by \(event)") }
                #expect(after.filledQuantity <= after.intent.quantity)
                #expect((after.status == .filled) == (after.filledQuantity == after.intent.quantity))
                #expect(after.executions.reduce(Quantity.zero) { $0 + $1.quantity } == after.filledQuantity)
                #expect(after.executionIDs.count == after.executions.count)
            }
        }
    }

    static func isLegal(_ event: Order.Event, from before: Order.Record) -> Bool {
        let s = before.status
        switch event {
        case .accepted(let e): return Order.isAllowed(from: s, to: Order.Status(broker: e.update.brokerStatus))
        case .statusChanged(let e): return Order.isAllowed(from: s, to: Order.Status(broker: e.update.brokerStatus))
        case .pendingCancel: return Order.isAllowed(from: s, to: .pendingCancel)
        case .pendingReplace: return Order.isAllowed(from: s, to: .pendingReplace)
        case .canceled(let e): return e.update.source == .local ? (s == .requested && before.confirmedAbsentAtBroker) : Order.isAllowed(from: s, to: .canceled)
        case .expired: return Order.isAllowed(from: s, to: .expired)
        case .rejected: return Order.isAllowed(from: s, to: .rejected)
        case .replaced: return Order.isAllowed(from: s, to: .replaced)
        case .partiallyFilled(let f): return Order.isAllowed(from: s, to: .partiallyFilled) && (f.execution.status == .partiallyFilled || f.execution.status == s)
        case .filled: return Order.isAllowed(from: s, to: .filled)
        case .cancelRequested: return !s.isTerminal && s != .requested && s != .submitUnknown && s != .pendingReplace
        case .cancelRejected(let e): return e.restoredStatus == (s == .pendingCancel ? before.previousStatus ?? .new : s)
        case .replaceRejected(let e): return e.restoredStatus == (s == .pendingReplace ? before.previousStatus ?? .new : s)
        case .submitOutcomeUnknown: return s == .requested
        case .outcomeResolved: return s == .requested || s == .submitUnknown
        case .submitted: return s == .requested || s == .submitUnknown
        case .requested, .replaceRequested: return false
        }
    }

    /// Realized + unrealized P&L of a position equals the cash flow of its fills marked at the last
    /// price, exactly, through partial fills, flips and fees.
    @Test func positionPnLEqualsTheCashFlowOfItsFills() async {
        await propertyCheck(count: 300, input: Self.script, Gen.int(in: 100...20_000)) { script, lastCents in
            var state = Position.initial
            var cash = Money.zero
            var net = Quantity.zero
            var realizedFromEvents = Money.zero
            for (step, n) in script.enumerated() {
                let command = Scripts.positionCommand(n, step: step)
                guard let events = try? Position.decide(command, state) else { continue }
                state = Position.fold(events, from: state)
                for event in events {
                    switch event {
                    case .opened(let e): realizedFromEvents -= e.fee
                    case .increased(let e): realizedFromEvents -= e.fee
                    case .reduced(let e): realizedFromEvents += e.realizedPnL
                    case .closed(let e): realizedFromEvents += e.realizedPnL
                    default: break
                    }
                }
                if case .applyFill(let f) = command, !events.isEmpty {
                    let signed = f.side == .buy ? f.quantity : -f.quantity
                    cash = cash - Money(signed.shares * f.price.value) - f.fee
                    net += signed
                }
            }
            let last = Price(Decimal(lastCents) / 100)
            let unrealized = state.open?.net.unrealized(at: last) ?? .zero
            #expect(state.lifetimeRealizedPnL == realizedFromEvents)
            #expect(realizedFromEvents + unrealized == cash + Money(net.shares * last.value))
            #expect((state.open?.net.quantity ?? .zero) == net)
        }
    }

    /// Limits hold per account and day whatever the cycle: the slots used never exceed max positions,
    /// trades never exceed the daily cap, and once halted nothing is approved until a human resumes.
    @Test func riskLimitsAndTheHaltHoldForAnyScript() async {
        await propertyCheck(count: 300, input: Self.script) { script in
            var state = Risk.fold([RiskFixtures.dayOpened])
            for (step, n) in script.enumerated() {
                let command = Scripts.riskCommand(n, step: step, state: state)
                let before = state
                guard let events = try? Risk.decide(command, state) else {
                    if case .resume(let actor, _, _, _) = command { #expect(!actor.isHuman) }
                    continue
                }
                state = Risk.fold(events, from: state)
                for event in events {
                    switch event {
                    case .approved(let a):
                        #expect(before.halt == nil, "approved while halted")
                        #expect(state.positionSlotsUsed <= state.parameters.maxPositions)
                        #expect(state.tradesToday <= state.parameters.maxDailyTrades)
                        #expect(a.assessment.notional <= state.parameters.maxPositionValue)
                        #expect(a.intent.side == a.intent.positionSide.entrySide)
                        #expect(a.intent.violations().isEmpty)
                    case .tradingResumed(let r):
                        #expect(r.by.isHuman)
                    default: break
                    }
                }
                if before.halt != nil, state.halt == nil {
                    guard case .resume(let actor, _, _, _) = command else { Issue.record("halt lifted by \(command)"); continue }
                    #expect(actor.isHuman)
                }
            }
        }
    }

    /// Whatever the proposal's prices, an approved intent carries only legal ticks and the right side.
    @Test func approvedPricesAreAlwaysOnLegalTicks() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...5_000_000), Gen.int(in: 1...99), Gen.int(in: 1...400), Gen.bool) { micros, stopBps, targetBps, long in
            let entry = Decimal(micros) / 10_000 + Decimal(string: "0.000000190734863")!
            let sign: Decimal = long ? 1 : -1
            let proposal = TradeProposal(
                symbol: T.sym("ZZZ"), side: long ? .long : .short, entry: Price(entry), stop: Price(entry * (1 - sign * Decimal(stopBps) / 2000)),
                target: Price(entry * (1 + sign * Decimal(targetBps) / 1000)), pattern: nil, confidence: 1, compositeScore: 1, atr: nil, features: T.features("ZZZ"))
            var p = RiskParameters.conservative
            p.allowShortSelling = true
            p.minPositionValue = .zero
            let state = Risk.fold([RiskFixtures.dayOpened, .parametersChanged(Risk.ParametersChanged(changedAt: T.t0, parameters: p, parametersHash: p.hash, previousHash: "", by: .system, source: nil))])
            var evaluation = RiskFixtures.evaluation("ap-z", proposal)
            evaluation.shortable = true
            let outcome = Risk.assess(evaluation, state)
            for price in [outcome.intent.limitPrice, outcome.intent.takeProfit, outcome.intent.stopLoss].compactMap({ $0 }) {
                #expect(price.isOnTick, "\(price) is off tick")
            }
            #expect(outcome.intent.side == (long ? .buy : .sell))
        }
    }
}
