import Foundation

extension Approval {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case pending, granted, denied, expired
    }

    public struct State: Equatable, Sendable {
        public var request: Requested?
        public var outcome: Outcome?

        public static let initial = State(request: nil, outcome: nil)
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .requested(let e):
            s.request = e
            s.outcome = .pending
        case .granted: s.outcome = .granted
        case .denied: s.outcome = .denied
        case .expired: s.outcome = .expired
        }
        return s
    }
}
