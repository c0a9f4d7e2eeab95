import Foundation

extension Order {
    public enum Rejection: DomainRejection, Hashable {
        case notRequested
        case alreadyRequested(OrderID)
        case invalidIntent([IntentViolation])
        /// The intent differs from its approval in these fields (wire names).
        case intentMismatch([String])
        /// An approved entry must use the order id derived from its approval (one approval, one order).
        case orderIDNotDerivedFromApproval(expected: OrderID)
        /// The approval was made in supervised mode and no human has granted it.
        case humanGrantRequired
        /// The grant is for another approval, or not by a human.
        case grantMismatch
        case exitMismatch(String)
        case exitExceedsPosition(open: Quantity, requested: Quantity)
        case legMismatch([String])
        case alreadyAcknowledged(Status)
        case notAwaitingResolution(Status)
        /// The broker may hold the order; resolve by lookup before treating it as absent.
        case unconfirmedAtBroker
        case notCancelable(Status)
        case notReplaceable(Status)
        case replaceIncreasesQuantity(remaining: Quantity, requested: Quantity)
        case replaceRequiresApproval
        case brokerOrderIDMismatch(ours: BrokerOrderID, reported: BrokerOrderID)
        case illegalTransition(from: Status, to: Status)
        case fillWithoutExecution
        case invalidExecution(String)
        case overfill(ordered: Quantity, filled: Quantity, execution: Quantity)
        /// The same execution id was reported with a different quantity or price.
        case conflictingExecution(ExecutionID)
        case replacementUnknown
    }
}

extension Order.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .notRequested: "not_requested"
        case .alreadyRequested: "already_requested"
        case .invalidIntent: "invalid_intent"
        case .intentMismatch: "intent_mismatch"
        case .orderIDNotDerivedFromApproval: "order_id_not_derived_from_approval"
        case .humanGrantRequired: "human_grant_required"
        case .grantMismatch: "grant_mismatch"
        case .exitMismatch: "exit_mismatch"
        case .exitExceedsPosition: "exit_exceeds_position"
        case .legMismatch: "leg_mismatch"
        case .alreadyAcknowledged: "already_acknowledged"
        case .notAwaitingResolution: "not_awaiting_resolution"
        case .unconfirmedAtBroker: "unconfirmed_at_broker"
        case .notCancelable: "not_cancelable"
        case .notReplaceable: "not_replaceable"
        case .replaceIncreasesQuantity: "replace_increases_quantity"
        case .replaceRequiresApproval: "replace_requires_approval"
        case .brokerOrderIDMismatch: "broker_order_id_mismatch"
        case .illegalTransition: "illegal_transition"
        case .fillWithoutExecution: "fill_without_execution"
        case .invalidExecution: "invalid_execution"
        case .overfill: "overfill"
        case .conflictingExecution: "conflicting_execution"
        case .replacementUnknown: "replacement_unknown"
        }
    }
}
