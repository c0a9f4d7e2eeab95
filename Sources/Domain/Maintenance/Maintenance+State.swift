import Foundation

extension Maintenance {
    public struct State: Equatable, Sendable {
        public var restores: [Restored] = []
        public init() {}
    }

    public static var initial: State { State() }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .restored(let r): s.restores.append(r)
        }
        return s
    }
}
