import Foundation

extension Doctor {
    public enum Command: Sendable {
        case recordRun(WatchdogRan)
        case recordDecision(DecisionRecorded)
        /// `rule` is the issue type's rule; nil means none is configured (auto-fix then refused).
        case takeAction(ActionTaken, rule: DoctorRule?)
        case recordResult(ActionResult)
        /// Records the rules unless the session already has this version of them.
        case recordRules(RulesLoaded)
    }
}
