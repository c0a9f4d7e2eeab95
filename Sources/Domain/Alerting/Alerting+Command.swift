import Foundation

extension Alerting {
    public enum Command: Sendable {
        /// Consults `admission`: records the suppression, or returns `[]` when the alert may be sent.
        case suppressIfLimited(Alert, at: Date, policy: AlertPolicy)
        case recordSent(Alert, channel: AlertChannel, recipients: Int, at: Date)
        case recordFailed(Alert, channel: AlertChannel, error: String, at: Date)
    }
}
