import Foundation

extension Doctor {
    public enum Command: Sendable {
        case recordRun(WatchdogRan)
        case recordDecision(DecisionRecorded)
        /// `rule` is the issue type's rule; nil means none is configured (auto-fix then refused).
        case takeAction(ActionTaken, rule: DoctorRule?)
        case recordResult(ActionResult)
    }

    public enum Rejection: Error, Hashable, Sendable {
        case autoFixDisabled(issueType: String)
        case rateLimited(issueType: String, maxPerHour: Int)
        case coolingDown(issueType: String, until: Date)
        case unknownAction(DoctorRecordID)
    }
}
