import Foundation

extension Doctor {
    public enum Rejection: Error, Hashable, Sendable {
        case autoFixDisabled(issueType: String)
        case rateLimited(issueType: String, maxPerHour: Int)
        case coolingDown(issueType: String, until: Date)
        case unknownAction(DoctorRecordID)
    }
}
