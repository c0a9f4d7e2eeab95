import Foundation

extension Order {
    public enum Rejection: Error, Hashable, Sendable {
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
