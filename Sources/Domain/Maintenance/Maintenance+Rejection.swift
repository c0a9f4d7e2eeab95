import Foundation

extension Maintenance {
    /// A restore is a fact once done: nothing refuses to record it.
    public enum Rejection: DomainRejection, Hashable {}
}

extension Maintenance.Rejection {
    public var code: String { switch self {} }
}
