import Foundation

extension Order: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        if case .request(let request) = command { return try decideRequest(request, state) }
        guard let o = state.order else { throw .notRequested }
        switch command {
        case .request:
            return []
        case .recordSubmitted(let brokerID, let brokerStatus, let at):
            guard o.status == .requested || o.status == .submitUnknown else {
                if o.brokerOrderID == brokerID { return [] }
                throw .alreadyAcknowledged(o.status)
            }
            return [
                .submitted(
                    Submitted(orderID: o.orderID, brokerOrderID: brokerID, brokerStatus: brokerStatus, status: acknowledged(brokerStatus), submittedAt: at))
            ]
        case .recordSubmitOutcomeUnknown(let reason, let at):
            if o.status == .submitUnknown { return [] }
            guard o.status == .requested else { throw .alreadyAcknowledged(o.status) }
            return [.submitOutcomeUnknown(SubmitOutcomeUnknown(orderID: o.orderID, at: at, reason: reason))]
        case .resolveOutcome(let lookup, let at):
            return try decideResolution(lookup, at: at, o)
        case .requestCancel(let reason, let at):
            return try decideCancel(reason: reason, at: at, o)
        case .applyBrokerUpdate(let update):
            if let brokerID = update.brokerOrderID, let ours = o.brokerOrderID, ours != brokerID {
                throw .brokerOrderIDMismatch(ours: ours, reported: brokerID)
            }
            if let execution = update.execution { return try decideFill(execution, update, o) }
            return try decideStatus(update, o)
        case .applyCancelRejected(let reason, let at):
            // A duplicate or late refusal finds nothing to restore: a no-op, so the notice can be retried.
            guard o.cancelRequested || o.status == .pendingCancel else { return [] }
            let restored = o.status == .pendingCancel ? (o.previousStatus ?? .new) : o.status
            return [.cancelRejected(CancelRejected(orderID: o.orderID, at: at, reason: reason, restoredStatus: restored))]
        case .applyReplaceRejected(let reason, let at):
            guard o.pendingReplacement != nil || o.status == .pendingReplace else { return [] }
            let restored = o.status == .pendingReplace ? (o.previousStatus ?? .new) : o.status
            return [
                .replaceRejected(ReplaceRejected(orderID: o.orderID, newOrderID: o.pendingReplacement, at: at, reason: reason, restoredStatus: restored))
            ]
        }
    }

    /// The status held after the broker's acknowledgement. A fill is never taken from a status alone:
    /// it arrives with its execution.
    static func acknowledged(_ brokerStatus: BrokerOrderStatus) -> Status {
        let status = Status(broker: brokerStatus)
        return Status.working.contains(status) ? status : .new
    }

    private static func decideRequest(_ r: Request, _ state: State) throws(Rejection) -> [Event] {
        if let existing = state.order {
            if existing.orderID == r.orderID, existing.intent == r.intent { return [] }
            throw .alreadyRequested(existing.orderID)
        }
        let violations = r.intent.violations()
        guard violations.isEmpty else { throw .invalidIntent(violations) }
        var approvalID: ApprovalID?
        var parentID: OrderID?
        var legRole: LegRole?
        var legs: [LegLink] = []
        switch r.authorization {
        case .approval(let approval, let grant):
            if approval.supervised {
                guard let grant else { throw .humanGrantRequired }
                guard grant.approvalID == approval.approvalID, grant.by.isHuman else { throw .grantMismatch }
            }
            let differences = r.intent.differences(from: approval.intent)
            guard differences.isEmpty else { throw .intentMismatch(differences) }
            let expected = OrderID.forApproval(approval.approvalID)
            guard r.orderID == expected else { throw .orderIDNotDerivedFromApproval(expected: expected) }
            approvalID = approval.approvalID
            if r.intent.orderClass == .bracket {
                legs = [
                    LegLink(orderID: .leg(of: r.orderID, .takeProfit), role: .takeProfit),
                    LegLink(orderID: .leg(of: r.orderID, .stopLoss), role: .stopLoss),
                ]
            }
        case .exit(let position):
            guard !r.intent.purpose.isOpening, r.intent.purpose != .stopLoss, r.intent.purpose != .takeProfit else {
                throw .exitMismatch("purpose \(r.intent.purpose.rawValue) is not an exit")
            }
            guard r.intent.symbol == position.symbol else { throw .exitMismatch("symbol") }
            guard r.intent.positionSide == position.side else { throw .exitMismatch("position side") }
            guard r.intent.orderClass == .simple else { throw .exitMismatch("order class") }
            guard r.intent.quantity <= position.quantity else {
                throw .exitExceedsPosition(open: position.quantity, requested: r.intent.quantity)
            }
        case .bracketLeg(let parent):
            guard let link = parent.legs.first(where: { $0.orderID == r.orderID }) else { throw .legMismatch(["order_id"]) }
            guard let expected = legIntent(of: parent.intent, link.role) else { throw .legMismatch(["role"]) }
            let differences = r.intent.differences(from: expected)
            guard differences.isEmpty else { throw .legMismatch(differences) }
            approvalID = parent.approvalID
            parentID = parent.orderID
            legRole = link.role
        }
        return [
            .requested(
                Requested(
                    orderID: r.orderID, intent: r.intent, approvalID: approvalID, cycleID: r.cycleID, positionID: r.positionID,
                    parentOrderID: parentID, legRole: legRole, legs: legs, requestedAt: r.at))
        ]
    }

    private static func decideResolution(_ lookup: OutcomeLookup, at: Date, _ o: Record) throws(Rejection) -> [Event] {
        guard o.status == .submitUnknown || o.status == .requested else {
            if case .found(let id, _) = lookup, id == o.brokerOrderID { return [] }
            throw .notAwaitingResolution(o.status)
        }
        switch lookup {
        case .found(let id, let brokerStatus):
            return [
                .outcomeResolved(
                    OutcomeResolved(orderID: o.orderID, at: at, resolution: .found, brokerOrderID: id, brokerStatus: brokerStatus, status: acknowledged(brokerStatus)))
            ]
        case .notFound:
            if o.confirmedAbsentAtBroker, o.status == .requested { return [] }
            return [.outcomeResolved(OutcomeResolved(orderID: o.orderID, at: at, resolution: .notFound, brokerOrderID: nil, brokerStatus: nil, status: .requested))]
        }
    }

    private static func decideCancel(reason: String, at: Date, _ o: Record) throws(Rejection) -> [Event] {
        // Already canceled (by us, the broker or a retry of this command): the effect is in the state.
        if o.cancelRequested || o.status == .pendingCancel || o.status == .canceled { return [] }
        switch o.status {
        case .requested:
            // Only an order the broker provably never received is canceled locally.
            guard o.confirmedAbsentAtBroker else { throw .unconfirmedAtBroker }
            return [
                .canceled(
                    Canceled(StatusUpdate(orderID: o.orderID, brokerOrderID: nil, brokerStatus: .canceled, at: at, source: .local, reason: reason)))
            ]
        case .submitUnknown:
            throw .unconfirmedAtBroker
        case .pendingReplace:
            // Alpaca rejects cancels while a replace is pending.
            throw .notCancelable(o.status)
        default:
            if o.status.isTerminal { throw .notCancelable(o.status) }
            return [.cancelRequested(CancelRequested(orderID: o.orderID, at: at, reason: reason))]
        }
    }

    private static func decideFill(_ x: ExecutionReport, _ u: BrokerUpdate, _ o: Record) throws(Rejection) -> [Event] {
        if o.executionIDs.contains(x.executionID) {
            // A duplicate after a reconnect is normal; the same id with other numbers is not.
            let seen = o.executions.first { $0.executionID == x.executionID }
            if seen?.quantity == x.quantity, seen?.price == x.price { return [] }
            throw .conflictingExecution(x.executionID)
        }
        guard x.quantity.isPositive else { throw .invalidExecution("quantity must be positive") }
        guard x.price.value > 0 else { throw .invalidExecution("price must be positive") }
        let cumulative = o.filledQuantity + x.quantity
        guard cumulative <= o.intent.quantity else {
            throw .overfill(ordered: o.intent.quantity, filled: o.filledQuantity, execution: x.quantity)
        }
        let complete = cumulative == o.intent.quantity
        let target: Status = complete ? .filled : .partiallyFilled
        guard isAllowed(from: o.status, to: target) else { throw .illegalTransition(from: o.status, to: target) }
        let after: Status = complete ? .filled : (statusesKeptByPartialFill.contains(o.status) ? o.status : .partiallyFilled)
        let notional = o.filledNotional + x.price * x.quantity
        let execution = Execution(
            orderID: o.orderID, brokerOrderID: u.brokerOrderID ?? o.brokerOrderID, executionID: x.executionID, symbol: o.intent.symbol,
            side: o.intent.side, quantity: x.quantity, price: x.price, fee: x.fee, executedAt: x.at, source: u.source,
            cumulativeQuantity: cumulative, leavesQuantity: o.intent.quantity - cumulative,
            averagePrice: Price(DecimalText.round(notional.amount / cumulative.shares, scale: 6, .plain)), status: after,
            brokerCumulativeQuantity: u.brokerCumulativeQuantity)
        return [complete ? .filled(Filled(execution)) : .partiallyFilled(PartiallyFilled(execution))]
    }

    private static func decideStatus(_ u: BrokerUpdate, _ o: Record) throws(Rejection) -> [Event] {
        let target = Status(broker: u.status)
        if target == o.status { return [] }
        if target == .partiallyFilled || target == .filled { throw .fillWithoutExecution }
        guard isAllowed(from: o.status, to: target) else { throw .illegalTransition(from: o.status, to: target) }
        let update = StatusUpdate(orderID: o.orderID, brokerOrderID: u.brokerOrderID, brokerStatus: u.status, at: u.at, source: u.source, reason: u.reason)
        switch u.status {
        case .new, .accepted, .pendingNew, .acceptedForBidding, .pendingReview, .held:
            return [.accepted(Accepted(update))]
        case .pendingCancel:
            return [.pendingCancel(PendingCancel(update))]
        case .pendingReplace:
            return [.pendingReplace(PendingReplace(update))]
        case .doneForDay, .stopped, .suspended, .calculated:
            return [.statusChanged(StatusChanged(update))]
        case .canceled:
            return [.canceled(Canceled(update))]
        case .expired:
            return [.expired(Expired(update))]
        case .rejected:
            return [.rejected(Rejected(update))]
        case .replaced:
            guard let successor = u.replacedBy ?? o.pendingReplacement else { throw .replacementUnknown }
            return [
                .replaced(
                    Replaced(orderID: o.orderID, replacedByOrderID: successor, replacedByBrokerOrderID: u.replacedByBrokerOrderID, at: u.at, source: u.source))
            ]
        case .partiallyFilled, .filled:
            throw .fillWithoutExecution
        }
    }
}
