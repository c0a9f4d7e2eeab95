import Foundation

extension Order {
    /// A replace touches two streams: the old order records the request, the replacement is requested
    /// in its own stream with a link back. Append both in one batch.
    public struct ReplaceDecision: Equatable, Sendable {
        public var old: [Event]
        public var new: [Event]
    }

    /// Decides a replace of the order in `state`. The replacement may only cover the shares not yet
    /// filled, so a chain of replaces can never send more than the approval allowed; a change that
    /// adds risk to an entry needs a fresh approval.
    public static func decideReplace(_ r: ReplaceRequest, _ state: State) throws(Rejection) -> ReplaceDecision {
        guard let o = state.order else { throw .notRequested }
        if o.pendingReplacement == r.newOrderID || o.replacedByOrderID == r.newOrderID { return ReplaceDecision(old: [], new: []) }
        let replaceable: Set<Status> = [.pendingNew, .accepted, .acceptedForBidding, .new, .held, .partiallyFilled, .doneForDay]
        guard replaceable.contains(o.status), !o.cancelRequested, o.pendingReplacement == nil else { throw .notReplaceable(o.status) }

        let remaining = o.remainingQuantity
        var intent = o.intent
        intent.clientOrderID = r.newClientOrderID
        intent.quantity = r.changes.quantity ?? remaining
        if let limit = r.changes.limitPrice { intent.limitPrice = limit }
        if let stop = r.changes.stopPrice { intent.stopPrice = stop }
        if let tif = r.changes.timeInForce { intent.timeInForce = tif }

        let violations = intent.violations()
        guard violations.isEmpty else { throw .invalidIntent(violations) }

        var approvalID = o.approvalID
        switch r.authorization {
        case .approval(let approval):
            let differences = intent.differences(from: approval.intent)
            guard differences.isEmpty else { throw .intentMismatch(differences) }
            approvalID = approval.approvalID
        case .withinOriginal:
            guard intent.quantity <= remaining else { throw .replaceIncreasesQuantity(remaining: remaining, requested: intent.quantity) }
            if o.intent.purpose.isOpening, addsRisk(from: o.intent, to: intent) { throw .replaceRequiresApproval }
        }

        let old = Event.replaceRequested(ReplaceRequested(orderID: o.orderID, newOrderID: r.newOrderID, changes: r.changes, at: r.at))
        let new = Event.requested(
            Requested(
                orderID: r.newOrderID, intent: intent, approvalID: approvalID, cycleID: o.cycleID, positionID: o.positionID,
                parentOrderID: o.parentOrderID, legRole: o.legRole, replacesOrderID: o.orderID, requestedAt: r.at))
        return ReplaceDecision(old: [old], new: [new])
    }

    /// An entry's replacement adds risk when it pays more (a buy limit up, a sell limit down) or when a
    /// limit order becomes a market order.
    static func addsRisk(from old: OrderIntent, to new: OrderIntent) -> Bool {
        if old.type != new.type { return true }
        guard let before = old.limitPrice, let after = new.limitPrice else { return old.limitPrice != new.limitPrice }
        return old.side == .buy ? after > before : after < before
    }
}
