import Foundation

extension Reconciliation {
    public enum Command: Sendable {
        case start(ReconciliationRunID, account: AccountID, trigger: ReconciliationTrigger, at: Date)
        case recordDiscrepancy(DiscrepancyDetected)
        case applyAdjustment(AdjustmentApplied)
        case complete(at: Date)
    }
}
