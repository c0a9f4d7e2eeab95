import Foundation

extension Reconciliation: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .start(let run, let account, let trigger, let at):
            if let existing = state.runID {
                guard existing == run else { throw .alreadyStarted(existing) }
                return []
            }
            return [.started(Started(runID: run, account: account, trigger: trigger, at: at))]
        case .recordDiscrepancy(let d):
            try open(state)
            if state.discrepancies.contains(d.discrepancyID) { return [] }
            return [.discrepancyDetected(d)]
        case .applyAdjustment(let a):
            try open(state)
            guard state.discrepancies.contains(a.discrepancyID) else { throw .unknownDiscrepancy(a.discrepancyID) }
            // A resolved discrepancy stays resolved; escalating twice is a retry.
            if state.resolved.contains(a.discrepancyID) { return [] }
            if a.action == .escalated, state.escalated.contains(a.discrepancyID) { return [] }
            return [.adjustmentApplied(a)]
        case .complete(let at):
            guard state.runID != nil else { throw .notStarted }
            if state.completed { return [] }
            let unresolved = state.unresolved
            return [
                .completed(
                    Completed(
                        at: at, discrepancies: state.discrepancies.count, resolved: state.resolved.count, unresolved: unresolved,
                        passed: unresolved.isEmpty))
            ]
        }
    }

    private static func open(_ state: State) throws(Rejection) {
        guard state.runID != nil else { throw .notStarted }
        guard !state.completed else { throw .runCompleted }
    }
}
