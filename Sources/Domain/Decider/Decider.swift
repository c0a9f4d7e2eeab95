/// The shape every aggregate namespace has (Jérémie Chassaing's Decider pattern): pure `decide`, total `evolve`, an initial
/// state. The runner (load → decide → append with expected version → re-decide on conflict) lives in
/// the Application module; this protocol only lets it and the tests be generic over aggregates.
public protocol Decider {
    associatedtype Command: Sendable
    associatedtype Event: Sendable & Equatable
    associatedtype State: Sendable & Equatable
    associatedtype Rejection: DomainRejection

    static var initial: State { get }
    /// Applies a recorded event. Never validates and never fails: the event already happened.
    static func evolve(_ state: State, _ event: Event) -> State
    /// The business rules. Returns the events to append, `[]` when the command's effect is already in
    /// the state (a retry), or throws the typed refusal.
    static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event]
}

extension Decider {
    /// Folds events onto a state (the initial state by default).
    public static func fold<S: Sequence>(_ events: S, from state: State = initial) -> State where S.Element == Event {
        events.reduce(state, evolve)
    }

    /// Decides and returns the events together with the state they lead to.
    public static func run(_ command: Command, on state: State) throws(Rejection) -> (events: [Event], state: State) {
        let events = try decide(command, state)
        return (events, fold(events, from: state))
    }
}
