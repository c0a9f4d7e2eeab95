import Foundation

extension Observation {
    public struct State: Hashable, Sendable {
        public var cycleID: CycleID?
        public var lastObservedAt: Date?
        public var observations: Int

        public static let initial = State(cycleID: nil, lastObservedAt: nil, observations: 0)
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .candidatePrices(let e):
            s.cycleID = e.cycleID
            s.lastObservedAt = e.observedAt
            s.observations += 1
        }
        return s
    }
}
