import Foundation

extension Alerting {
    /// Alerts never refuse a record: a sent email is a fact.
    public enum Rejection: Error, Hashable, Sendable {}
}
