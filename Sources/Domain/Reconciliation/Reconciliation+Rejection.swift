import Foundation

extension Reconciliation {
    public enum Rejection: Error, Hashable, Sendable {
        case notStarted
        case alreadyStarted(ReconciliationRunID)
        case runCompleted
        case unknownDiscrepancy(DiscrepancyID)
    }
}
