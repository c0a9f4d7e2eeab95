import Foundation

extension Alerting {
    public enum Event: Sendable, Equatable {
        case sent(Sent)
        case suppressed(Suppressed)
        case failed(Failed)
    }

    /// `alert.sent`
    public struct Sent: DomainEvent {
        public static let eventType = "alert.sent"
        public static let schemaVersion = 1
        public var alert: Alert
        public var channel: AlertChannel
        public var recipients: Int
        public var at: Date

        public init(alert: Alert, channel: AlertChannel, recipients: Int, at: Date) {
            self.alert = alert
            self.channel = channel
            self.recipients = recipients
            self.at = at
        }
    }

    /// `alert.suppressed`
    public struct Suppressed: DomainEvent {
        public static let eventType = "alert.suppressed"
        public static let schemaVersion = 1
        public var alert: Alert
        public var reason: SuppressionReason
        public var at: Date

        public init(alert: Alert, reason: SuppressionReason, at: Date) {
            self.alert = alert
            self.reason = reason
            self.at = at
        }
    }

    /// `alert.failed`
    public struct Failed: DomainEvent {
        public static let eventType = "alert.failed"
        public static let schemaVersion = 1
        public var alert: Alert
        public var channel: AlertChannel
        public var error: String
        public var at: Date

        public init(alert: Alert, channel: AlertChannel, error: String, at: Date) {
            self.alert = alert
            self.channel = channel
            self.error = error
            self.at = at
        }
    }
}
