import Foundation

extension Alerting {
    public struct State: Hashable, Sendable {
        public var recorded: Set<AlertID>
        /// Sends that count against the limits, in order.
        public var sends: [SendRecord]

        public struct SendRecord: Hashable, Sendable {
            public var kind: AlertKind
            public var at: Date
        }

        public static let initial = State(recorded: [], sends: [])
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .sent(let e):
            s.recorded.insert(e.alert.alertID)
            s.sends.append(State.SendRecord(kind: e.alert.kind, at: e.at))
        case .suppressed(let e):
            s.recorded.insert(e.alert.alertID)
        case .failed(let e):
            s.recorded.insert(e.alert.alertID)
        }
        return s
    }

    /// Whether an alert may be sent now.
    public static func admission(for alert: Alert, at: Date, policy: AlertPolicy, state: State) -> Admission {
        if alert.severity == .critical, policy.criticalBypassesLimits { return .send }
        let cooldownStart = at.addingTimeInterval(-Double(policy.cooldownSeconds))
        if state.sends.contains(where: { $0.kind == alert.kind && $0.at > cooldownStart && $0.at <= at }) { return .suppress(.cooldown) }
        let hourAgo = at.addingTimeInterval(-3600)
        if state.sends.filter({ $0.at > hourAgo && $0.at <= at }).count >= policy.maxPerHour { return .suppress(.hourlyLimit) }
        return .send
    }
}
