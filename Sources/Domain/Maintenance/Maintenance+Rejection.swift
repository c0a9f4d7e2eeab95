import Foundation

extension Maintenance {
    /// A restore is a fact once done: nothing refuses to record it.
    public enum Rejection: Error, Hashable, Sendable {}
}
