import Foundation

extension Reconciliation {
    public enum Rejection: DomainRejection, Hashable {
        case notStarted
        case alreadyStarted(ReconciliationRunID)
        case runCompleted
        case unknownDiscrepancy(DiscrepancyID)
    }
}

extension Reconciliation.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .notStarted: "not_started"
        case .alreadyStarted: "already_started"
        case .runCompleted: "run_completed"
        case .unknownDiscrepancy: "unknown_discrepancy"
        }
    }
}
