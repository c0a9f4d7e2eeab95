import Foundation
import Testing

@testable import Domain

enum OrderFixtures {
    static let approval = T.approved()
    static let id = OrderID.forApproval(approval.approvalID)

    static var requested: Order.Requested {
        Order.Requested(
            orderID: id, intent: approval.intent, approvalID: approval.approvalID, cycleID: "cyc-1",
            legs: [Order.LegLink(orderID: .leg(of: id, .takeProfit), role: .takeProfit), Order.LegLink(orderID: .leg(of: id, .stopLoss), role: .stopLoss)],
            requestedAt: T.t0)
    }

    static var submitted: Order.Event {
        .submitted(Order.Submitted(orderID: id, brokerOrderID: "b-1", brokerStatus: .accepted, status: .accepted, submittedAt: T.at(10, 0, 1)))
    }

    static func request(_ intent: OrderIntent = approval.intent, id: OrderID = id, authorization: Order.Authorization = .approval(approval)) -> Order.Command {
        .request(Order.Request(orderID: id, intent: intent, authorization: authorization, cycleID: "cyc-1", at: T.t0))
    }

    static func update(_ status: BrokerOrderStatus, _ second: Int = 2, exec: (String, Int, String)? = nil, broker: BrokerOrderID? = "b-1") -> Order.Command {
        .applyBrokerUpdate(
            Order.BrokerUpdate(
                status: status, brokerOrderID: broker, at: T.at(10, 0, second), source: .tradeStream,
                execution: exec.map { Order.ExecutionReport(executionID: ExecutionID(rawValue: $0.0), quantity: Quantity($0.1), price: T.p($0.2), at: T.at(10, 0, second)) }))
    }

    /// Requested, submitted and `new` at the broker.
    static var working: [Order.Event] {
        let state = Order.fold([.requested(requested), submitted])
        return [.requested(requested), submitted] + decided(Order.self, update(.new), state)
    }
}

@Suite struct OrderTests {
    typealias F = OrderFixtures

    @Test func anApprovedIntentIsRequestedWithItsBracketLegs() {
        let state = expectDecision(Order.self, when: F.request(), then: [.requested(F.requested)])
        #expect(state.order?.status == .requested)
        let legs = Order.legRequests(for: F.requested, at: T.t0)
        #expect(legs.count == 2)
        let tp = expectDecision(Order.self, when: .request(legs[0]), then: [
            .requested(Order.Requested(orderID: .leg(of: F.id, .takeProfit), intent: legs[0].intent, approvalID: "ap-1", cycleID: "cyc-1", parentOrderID: F.id, legRole: .takeProfit, requestedAt: T.t0))
        ])
        #expect(tp.order?.intent.side == .sell && tp.order?.intent.limitPrice == T.p("52") && tp.order?.intent.quantity == T.q(100))
        let sl = Order.fold(decided(Order.self, .request(legs[1]), Order.initial))
        #expect(sl.order?.intent.type == .stop && sl.order?.intent.stopPrice == T.p("49") && sl.order?.intent.purpose == .stopLoss)
        var forged = legs[1]
        forged.intent.quantity = T.q(200)
        expectRejection(Order.self, when: .request(forged), then: .legMismatch(["qty"]))
    }

    @Test func aRetriedRequestIsANoOpAndADifferentOneIsRefused() {
        expectDecision(Order.self, given: [.requested(F.requested)], when: F.request(), then: [])
        var other = F.approval.intent
        other.limitPrice = T.p("50.5")
        expectRejection(Order.self, given: [.requested(F.requested)], when: F.request(other), then: .alreadyRequested(F.id))
    }

    @Test func anIntentThatDiffersFromItsApprovalIsRefused() {
        var doubled = F.approval.intent
        doubled.quantity = T.q(200)
        doubled.stopLoss = T.p("47.5")
        expectRejection(Order.self, when: F.request(doubled), then: .intentMismatch(["qty", "stop_loss"]))
        expectRejection(Order.self, when: F.request(id: "ord-other"), then: .orderIDNotDerivedFromApproval(expected: F.id))
    }

    @Test func anInvalidIntentIsRefusedBeforeAnythingElse() {
        var sell = F.approval.intent
        sell.side = .sell
        expectRejection(Order.self, when: F.request(sell), then: .invalidIntent([.sideInconsistent(expected: .buy)]))
        var floaty = F.approval.intent
        floaty.limitPrice = Price(Decimal(9.050000190734863))
        expectRejection(Order.self, when: F.request(floaty), then: .invalidIntent([.priceNotOnTick(.limitPrice), .bracketPricesInverted]))
    }

    @Test func exitsNeverOpenAndNeverExceedThePosition() {
        let position = Order.PositionExposure(positionID: "paper-AAPL-1", symbol: T.sym("AAPL"), side: .long, quantity: T.q(100))
        let exit = OrderIntent(clientOrderID: T.coid("x-1"), symbol: T.sym("AAPL"), positionSide: .long, purpose: .exit, quantity: T.q(100), type: .market, timeInForce: .day)
        #expect(exit.side == .sell)
        let state = Order.fold(decided(Order.self, F.request(exit, id: "ord-x-1", authorization: .exit(position)), Order.initial))
        #expect(state.order?.intent == exit)
        var tooMany = exit
        tooMany.quantity = T.q(101)
        expectRejection(Order.self, when: F.request(tooMany, id: "ord-x-2", authorization: .exit(position)), then: .exitExceedsPosition(open: T.q(100), requested: T.q(101)))
        var entry = exit
        entry.purpose = .entry
        entry.side = .buy
        expectRejection(Order.self, when: F.request(entry, id: "ord-x-3", authorization: .exit(position)), then: .exitMismatch("purpose entry is not an exit"))
    }

    @Test func submissionAndItsRetries() {
        expectDecision(Order.self, given: [.requested(F.requested)], when: .recordSubmitted(brokerOrderID: "b-1", brokerStatus: .accepted, at: T.at(10, 0, 1)), then: [F.submitted])
        expectDecision(Order.self, given: [.requested(F.requested), F.submitted], when: .recordSubmitted(brokerOrderID: "b-1", brokerStatus: .accepted, at: T.at(10, 0, 2)), then: [])
        expectRejection(Order.self, given: [.requested(F.requested), F.submitted], when: .recordSubmitted(brokerOrderID: "b-2", brokerStatus: .new, at: T.at(10, 0, 2)), then: .alreadyAcknowledged(.accepted))
        let requested = Order.fold([.requested(F.requested)])
        let filledAtOnce = Order.fold(decided(Order.self, .recordSubmitted(brokerOrderID: "b-1", brokerStatus: .filled, at: T.t0), requested), from: requested)
        #expect(filledAtOnce.order?.status == .new && filledAtOnce.order?.filledQuantity == .zero)
        expectRejection(Order.self, when: .recordSubmitted(brokerOrderID: "b-1", brokerStatus: .new, at: T.t0), then: .notRequested)
    }

    @Test func aTimeoutIsResolvedByLookupNeverByGuessing() {
        let given: [Order.Event] = [.requested(F.requested)]
        let unknown = Order.Event.submitOutcomeUnknown(Order.SubmitOutcomeUnknown(orderID: F.id, at: T.at(10, 0, 30), reason: "timeout"))
        expectDecision(Order.self, given: given, when: .recordSubmitOutcomeUnknown(reason: "timeout", at: T.at(10, 0, 30)), then: [unknown])
        expectRejection(Order.self, given: given + [unknown], when: .requestCancel(reason: "give up", at: T.at(10, 1)), then: .unconfirmedAtBroker)
        let found = Order.Event.outcomeResolved(Order.OutcomeResolved(orderID: F.id, at: T.at(10, 1), resolution: .found, brokerOrderID: "b-1", brokerStatus: .new, status: .new))
        expectDecision(Order.self, given: given + [unknown], when: .resolveOutcome(.found("b-1", .new), at: T.at(10, 1)), then: [found])
        expectDecision(Order.self, given: given + [unknown, found], when: .resolveOutcome(.found("b-1", .new), at: T.at(10, 2)), then: [])

        let notFound = Order.Event.outcomeResolved(Order.OutcomeResolved(orderID: F.id, at: T.at(10, 1), resolution: .notFound, brokerOrderID: nil, brokerStatus: nil, status: .requested))
        let absent = expectDecision(Order.self, given: given + [unknown], when: .resolveOutcome(.notFound, at: T.at(10, 1)), then: [notFound])
        #expect(absent.order?.status == .requested && absent.order?.confirmedAbsentAtBroker == true)
        expectRejection(Order.self, given: given, when: .requestCancel(reason: "x", at: T.at(10, 1)), then: .unconfirmedAtBroker)
        let canceled = Order.Event.canceled(Order.Canceled(Order.StatusUpdate(orderID: F.id, brokerOrderID: nil, brokerStatus: .canceled, at: T.at(10, 2), source: .local, reason: "never reached")))
        expectDecision(Order.self, given: given + [unknown, notFound], when: .requestCancel(reason: "never reached", at: T.at(10, 2)), then: [canceled])
    }

    @Test func partialFillsAccumulateOnePerExecution() {
        var state = Order.fold(F.working)
        let first = decided(Order.self, F.update(.partiallyFilled, 3, exec: ("ex-1", 60, "49.98")), state)
        guard case .partiallyFilled(let p)? = first.first else { Issue.record("\(first)"); return }
        #expect(p.execution.cumulativeQuantity == T.q(60) && p.execution.leavesQuantity == T.q(40) && p.execution.side == .buy)
        state = Order.fold(first, from: state)
        #expect(decided(Order.self, F.update(.partiallyFilled, 4, exec: ("ex-1", 60, "49.98")), state).isEmpty)
        expectRejection(Order.self, given: F.working + first, when: F.update(.partiallyFilled, 4, exec: ("ex-1", 61, "49.98")), then: .conflictingExecution("ex-1"))
        expectRejection(Order.self, given: F.working + first, when: F.update(.filled, 4, exec: ("ex-2", 41, "50")), then: .overfill(ordered: T.q(100), filled: T.q(60), execution: T.q(41)))
        let last = decided(Order.self, F.update(.filled, 5, exec: ("ex-2", 40, "50")), state)
        guard case .filled(let f)? = last.first else { Issue.record("\(last)"); return }
        #expect(f.execution.averagePrice == T.p("49.988") && f.execution.status == .filled)
        state = Order.fold(last, from: state)
        #expect(state.order?.filledQuantity == T.q(100) && state.order?.executions.count == 2)
        expectRejection(Order.self, given: F.working + first + last, when: F.update(.canceled, 6), then: .illegalTransition(from: .filled, to: .canceled))
    }

    @Test func aFillIsOnlyEverTakenFromAnExecution() {
        expectRejection(Order.self, given: F.working, when: F.update(.filled), then: .fillWithoutExecution)
        expectRejection(Order.self, given: F.working, when: F.update(.partiallyFilled, 3, exec: ("ex-0", 0, "50")), then: .invalidExecution("quantity must be positive"))
        expectRejection(Order.self, given: F.working, when: F.update(.new, 3, broker: "b-9"), then: .brokerOrderIDMismatch(ours: "b-1", reported: "b-9"))
    }

    @Test func theLateFillAfterACancelRequestIsAccepted() {
        let cancel = Order.Event.cancelRequested(Order.CancelRequested(orderID: F.id, at: T.at(10, 0, 10), reason: "stale"))
        expectDecision(Order.self, given: F.working, when: .requestCancel(reason: "stale", at: T.at(10, 0, 10)), then: [cancel])
        expectDecision(Order.self, given: F.working + [cancel], when: .requestCancel(reason: "stale", at: T.at(10, 0, 11)), then: [])
        var state = Order.fold(F.working + [cancel])
        for step in [F.update(.pendingCancel, 11), F.update(.partiallyFilled, 12, exec: ("ex-1", 30, "50"))] {
            state = Order.fold(decided(Order.self, step, state), from: state)
        }
        #expect(state.order?.status == .pendingCancel && state.order?.filledQuantity == T.q(30))
        state = Order.fold(decided(Order.self, F.update(.canceled, 13), state), from: state)
        #expect(state.order?.status == .canceled)
        // An execution that raced the cancel arrives after it: real shares, so it is recorded.
        state = Order.fold(decided(Order.self, F.update(.partiallyFilled, 14, exec: ("ex-2", 20, "50.01")), state), from: state)
        #expect(state.order?.status == .canceled && state.order?.filledQuantity == T.q(50))
        state = Order.fold(decided(Order.self, F.update(.filled, 15, exec: ("ex-3", 50, "50.02")), state), from: state)
        #expect(state.order?.status == .filled)
    }

    @Test func aRefusedCancelRestoresThePreviousStatus() {
        let state = Order.fold(F.working)
        let pending = decided(Order.self, F.update(.pendingCancel, 3), state)
        let restored = Order.Event.cancelRejected(Order.CancelRejected(orderID: F.id, at: T.at(10, 0, 4), reason: "too late", restoredStatus: .new))
        expectDecision(Order.self, given: F.working + pending, when: .applyCancelRejected(reason: "too late", at: T.at(10, 0, 4)), then: [restored])
        expectDecision(Order.self, given: F.working + pending + [restored], when: .applyCancelRejected(reason: "too late", at: T.at(10, 0, 5)), then: [])
        expectDecision(Order.self, given: F.working, when: .applyCancelRejected(reason: "?", at: T.t0), then: [])
        let replacing = decided(Order.self, F.update(.pendingReplace, 3), state)
        expectRejection(Order.self, given: F.working + replacing, when: .requestCancel(reason: "x", at: T.at(10, 0, 5)), then: .notCancelable(.pendingReplace))
    }

    @Test func illegalMovesAreRefusedNeverOverwritten() {
        let filled = F.working + decided(Order.self, F.update(.filled, 3, exec: ("ex-1", 100, "50")), Order.fold(F.working))
        expectRejection(Order.self, given: filled, when: F.update(.new, 4), then: .illegalTransition(from: .filled, to: .new))
        let rejected = F.working + decided(Order.self, F.update(.rejected, 3), Order.fold(F.working))
        expectRejection(Order.self, given: rejected, when: F.update(.new, 4), then: .illegalTransition(from: .rejected, to: .new))
        expectRejection(Order.self, given: rejected, when: F.update(.partiallyFilled, 4, exec: ("ex-1", 1, "50")), then: .illegalTransition(from: .rejected, to: .partiallyFilled))
        let partial = F.working + decided(Order.self, F.update(.partiallyFilled, 3, exec: ("ex-1", 10, "50")), Order.fold(F.working))
        expectRejection(Order.self, given: partial, when: F.update(.new, 4), then: .illegalTransition(from: .partiallyFilled, to: .new))
        expectDecision(Order.self, given: F.working, when: F.update(.new, 9), then: [])
    }

    @Test func everyAlpacaStatusIsCoveredByTheTable() {
        for status in Order.Status.allCases {
            #expect(Order.transitions[status] != nil, "\(status) has no row")
        }
        // Every broker status is reachable from a fresh request by legal updates.
        var reachable: Set<Order.Status> = [.requested]
        var frontier: [Order.Status] = [.requested]
        while let s = frontier.popLast() {
            for next in Order.transitions[s] ?? [] where reachable.insert(next).inserted { frontier.append(next) }
        }
        for broker in BrokerOrderStatus.allCases {
            #expect(reachable.contains(Order.Status(broker: broker)), "\(broker.rawValue) unreachable")
        }
        for terminal in [Order.Status.filled, .rejected, .replaced] { #expect(Order.transitions[terminal]!.isEmpty) }
    }

    @Test func aHeldStopLegCanFillStraightAway() {
        let leg = Order.legRequests(for: F.requested, at: T.t0)[1]
        var state = Order.fold(decided(Order.self, .request(leg), Order.initial))
        state = Order.fold(decided(Order.self, .recordSubmitted(brokerOrderID: "b-sl", brokerStatus: .held, at: T.at(10, 0, 1)), state), from: state)
        #expect(state.order?.status == .held)
        let fill = decided(Order.self, F.update(.filled, 9, exec: ("ex-sl", 100, "48.99"), broker: "b-sl"), state)
        guard case .filled(let f)? = fill.first else { Issue.record("\(fill)"); return }
        #expect(f.execution.side == .sell)
    }

    @Test func aReplaceCreatesALinkedNewOrder() throws {
        let state = Order.fold(F.working)
        let request = Order.ReplaceRequest(newOrderID: "ord-ap-1-r1", newClientOrderID: T.coid("c-ap-1-r1"), changes: Order.ReplaceChanges(limitPrice: T.p("49.9")), at: T.at(10, 1))
        let decision = try Order.decideReplace(request, state)
        #expect(decision.old == [.replaceRequested(Order.ReplaceRequested(orderID: F.id, newOrderID: "ord-ap-1-r1", changes: request.changes, at: T.at(10, 1)))])
        guard case .requested(let replacement)? = decision.new.first else { Issue.record("\(decision.new)"); return }
        #expect(replacement.replacesOrderID == F.id && replacement.intent.limitPrice == T.p("49.9") && replacement.intent.quantity == T.q(100))
        #expect(replacement.approvalID == "ap-1")
        expectRoundTrip(decision.old + decision.new)
        let old = Order.fold(decision.old, from: state)
        #expect(try Order.decideReplace(request, old) == Order.ReplaceDecision(old: [], new: []))
        let replaced = decided(Order.self, F.update(.replaced, 20), old)
        #expect(replaced == [.replaced(Order.Replaced(orderID: F.id, replacedByOrderID: "ord-ap-1-r1", replacedByBrokerOrderID: nil, at: T.at(10, 0, 20), source: .tradeStream))])
        #expect(Order.fold(replaced, from: old).order?.status == .replaced)
    }

    @Test func aReplaceCannotAddSharesOrRisk() {
        let partial = Order.fold(F.working + decided(Order.self, F.update(.partiallyFilled, 3, exec: ("ex-1", 60, "50")), Order.fold(F.working)))
        let more = Order.ReplaceRequest(newOrderID: "r1", newClientOrderID: T.coid("r1"), changes: Order.ReplaceChanges(quantity: T.q(100)), at: T.at(10, 1))
        #expect(throws: Order.Rejection.replaceIncreasesQuantity(remaining: T.q(40), requested: T.q(100))) { try Order.decideReplace(more, partial) }
        let pricier = Order.ReplaceRequest(newOrderID: "r2", newClientOrderID: T.coid("r2"), changes: Order.ReplaceChanges(limitPrice: T.p("50.2")), at: T.at(10, 1))
        #expect(throws: Order.Rejection.replaceRequiresApproval) { try Order.decideReplace(pricier, partial) }
        let offTick = Order.ReplaceRequest(newOrderID: "r3", newClientOrderID: T.coid("r3"), changes: Order.ReplaceChanges(limitPrice: T.p("49.905")), at: T.at(10, 1))
        #expect(throws: Order.Rejection.invalidIntent([.priceNotOnTick(.limitPrice)])) { try Order.decideReplace(offTick, partial) }
        #expect(throws: Order.Rejection.notReplaceable(.requested)) { try Order.decideReplace(more, Order.fold([.requested(F.requested)])) }
    }

    @Test func aRefusedReplaceRestoresThePreviousStatus() throws {
        let state = Order.fold(F.working)
        let request = Order.ReplaceRequest(newOrderID: "r1", newClientOrderID: T.coid("r1"), changes: Order.ReplaceChanges(limitPrice: T.p("49.9")), at: T.at(10, 1))
        let old = Order.fold(try Order.decideReplace(request, state).old, from: state)
        let pending = Order.fold(decided(Order.self, F.update(.pendingReplace, 30), old), from: old)
        #expect(pending.order?.status == .pendingReplace)
        let rejected = decided(Order.self, .applyReplaceRejected(reason: "order_replace_rejected", at: T.at(10, 2)), pending)
        #expect(rejected == [.replaceRejected(Order.ReplaceRejected(orderID: F.id, newOrderID: "r1", at: T.at(10, 2), reason: "order_replace_rejected", restoredStatus: .new))])
        let after = Order.fold(rejected, from: pending)
        #expect(after.order?.status == .new && after.order?.pendingReplacement == nil)
    }
}

extension OrderTests {
    @Test func aSupervisedApprovalNeedsAHumanGrantBeforeAnOrder() {
        var approval = T.approved()
        approval.supervised = true
        let request = { (grant: Approval.Granted?) in
            Order.Command.request(Order.Request(orderID: .forApproval(approval.approvalID), intent: approval.intent, authorization: .approval(approval, grant: grant), at: T.t0))
        }
        expectRejection(Order.self, when: request(nil), then: .humanGrantRequired)
        expectRejection(Order.self, when: request(Approval.Granted(approvalID: "ap-other", by: Actor.principal("craig", kind: .human, name: "craig"), at: T.t0, note: nil)), then: .grantMismatch)
        expectRejection(Order.self, when: request(Approval.Granted(approvalID: "ap-1", by: Actor(.doctor), at: T.t0, note: nil)), then: .grantMismatch)
        let granted = Order.fold(decided(Order.self, request(Approval.Granted(approvalID: "ap-1", by: Actor.principal("craig", kind: .human, name: "craig"), at: T.t0, note: nil)), Order.initial))
        #expect(granted.order?.status == .requested)
        // Risk records the mode it decided in.
        let events = decided(Risk.self, .evaluate({ var e = RiskFixtures.evaluation(); e.supervised = true; return e }()), Risk.fold([RiskFixtures.dayOpened]))
        guard case .approved(let a)? = events.first else { Issue.record("not approved"); return }
        #expect(a.supervised)
    }
}
