import Foundation

extension Alerting: Decider {
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
