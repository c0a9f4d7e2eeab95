import Foundation

extension Doctor {
    public struct ActionRecord: Hashable, Sendable {
        public var issueType: String
        public var kind: DoctorActionKind
        public var at: Date
        public var resulted: Bool
    }

    public struct State: Hashable, Sendable {
        public var records: Set<DoctorRecordID>
        public var actions: [DoctorRecordID: ActionRecord]
        /// The hash of the rules last recorded in this session.
        public var rulesHash: String? = nil

        public static let initial = State(records: [], actions: [:])

        /// Times of the auto-fixes of an issue type, oldest first.
        public func autoFixTimes(_ issueType: String) -> [Date] {
            actions.values.filter { $0.kind == .autoFix && $0.issueType == issueType }.map(\.at).sorted()
        }
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .watchdogRan(let e):
            s.records.insert(e.recordID)
        case .decisionRecorded(let e):
            s.records.insert(e.recordID)
        case .actionTaken(let e):
            s.records.insert(e.recordID)
            s.actions[e.recordID] = ActionRecord(issueType: e.issueType, kind: e.kind, at: e.at, resulted: false)
        case .actionResult(let e):
            s.actions[e.actionID]?.resulted = true
        case .rulesLoaded(let e):
            s.rulesHash = e.rulesHash
        }
        return s
    }
}
