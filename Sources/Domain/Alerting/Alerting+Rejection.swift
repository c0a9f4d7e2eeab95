import Foundation

extension Alerting {
    /// Alerts never refuse a record: a sent email is a fact.
    public enum Rejection: DomainRejection, Hashable {}
}

extension Alerting.Rejection {
    public var code: String { switch self {} }
}
