import Foundation

extension Reconciliation {
    public struct State: Hashable, Sendable {
        public var runID: ReconciliationRunID?
        public var discrepancies: [DiscrepancyID]
        public var resolved: Set<DiscrepancyID>
        public var escalated: Set<DiscrepancyID>
        public var completed: Bool
        public var passed: Bool?

        public static let initial = State(runID: nil, discrepancies: [], resolved: [], escalated: [], completed: false, passed: nil)

        public var unresolved: [DiscrepancyID] { discrepancies.filter { !resolved.contains($0) } }
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .started(let e):
            s.runID = e.runID
        case .discrepancyDetected(let e):
            if !s.discrepancies.contains(e.discrepancyID) { s.discrepancies.append(e.discrepancyID) }
        case .adjustmentApplied(let e):
            if e.action == .escalated {
                s.escalated.insert(e.discrepancyID)
            } else {
                s.resolved.insert(e.discrepancyID)
            }
        case .completed(let e):
            s.completed = true
            s.passed = e.passed
        }
        return s
    }
}
