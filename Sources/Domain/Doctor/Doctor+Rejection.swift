import Foundation

extension Doctor {
    public enum Rejection: DomainRejection, Hashable {
        case autoFixDisabled(issueType: String)
        case rateLimited(issueType: String, maxPerHour: Int)
        case coolingDown(issueType: String, until: Date)
        case unknownAction(DoctorRecordID)
    }
}

extension Doctor.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .autoFixDisabled: "auto_fix_disabled"
        case .rateLimited: "rate_limited"
        case .coolingDown: "cooling_down"
        case .unknownAction: "unknown_action"
        }
    }
}
