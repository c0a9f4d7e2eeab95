import Foundation

extension Alerting: Decider {
    public enum Command: Sendable {
        /// Consults `admission`: records the suppression, or returns `[]` when the alert may be sent.
        case suppressIfLimited(Alert, at: Date, policy: AlertPolicy)
        case recordSent(Alert, channel: AlertChannel, recipients: Int, at: Date)
        case recordFailed(Alert, channel: AlertChannel, error: String, at: Date)
    }

    /// Alerts never refuse a record: a sent email is a fact.
    public enum Rejection: Error, Hashable, Sendable {}

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .suppressIfLimited(let alert, let at, let policy):
            if state.recorded.contains(alert.alertID) { return [] }
            switch admission(for: alert, at: at, policy: policy, state: state) {
            case .send: return []
            case .suppress(let reason): return [.suppressed(Suppressed(alert: alert, reason: reason, at: at))]
            }
        case .recordSent(let alert, let channel, let recipients, let at):
            if state.recorded.contains(alert.alertID) { return [] }
            return [.sent(Sent(alert: alert, channel: channel, recipients: recipients, at: at))]
        case .recordFailed(let alert, let channel, let error, let at):
            if state.recorded.contains(alert.alertID) { return [] }
            return [.failed(Failed(alert: alert, channel: channel, error: error, at: at))]
        }
    }
}
