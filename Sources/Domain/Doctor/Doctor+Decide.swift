import Foundation

extension Doctor: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .recordRun(let e):
            return state.records.contains(e.recordID) ? [] : [.watchdogRan(e)]
        case .recordDecision(let e):
            return state.records.contains(e.recordID) ? [] : [.decisionRecorded(e)]
        case .takeAction(let e, let rule):
            if state.records.contains(e.recordID) { return [] }
            if e.kind == .autoFix { try checkAutoFix(e, rule: rule, state) }
            return [.actionTaken(e)]
        case .recordResult(let e):
            guard let action = state.actions[e.actionID] else { throw .unknownAction(e.actionID) }
            return action.resulted ? [] : [.actionResult(e)]
        case .recordRules(let e):
            return state.rulesHash == e.rulesHash ? [] : [.rulesLoaded(e)]
        }
    }

    /// Escalations and notifications always pass; auto-fixes obey the rule's switch, hourly cap and
    /// cooldown (10 per hour and 5 minutes in the original).
    private static func checkAutoFix(_ e: ActionTaken, rule: DoctorRule?, _ state: State) throws(Rejection) {
        guard let rule, rule.active, rule.autoFixEnabled, rule.issueType == e.issueType else { throw .autoFixDisabled(issueType: e.issueType) }
        let times = state.autoFixTimes(e.issueType)
        let hourAgo = e.at.addingTimeInterval(-3600)
        if times.filter({ $0 > hourAgo && $0 <= e.at }).count >= rule.maxAutoFixesPerHour {
            throw .rateLimited(issueType: e.issueType, maxPerHour: rule.maxAutoFixesPerHour)
        }
        if let last = times.last(where: { $0 <= e.at }) {
            let until = last.addingTimeInterval(Double(rule.cooldownMinutes) * 60)
            if e.at < until { throw .coolingDown(issueType: e.issueType, until: until) }
        }
    }
}
