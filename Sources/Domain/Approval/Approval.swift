import Foundation

/// A supervised-mode approval: a risk-approved trade waits for a human to grant or deny it, and expires
/// unanswered after a timeout (5 minutes in the original). Each outcome is an event.
public enum Approval {
    public static func stream(_ id: ApprovalID) -> StreamName { .approval(id) }
    public static let defaultTimeout: TimeInterval = 300
}
