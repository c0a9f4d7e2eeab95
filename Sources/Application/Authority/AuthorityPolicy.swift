import Foundation

/// Which actions need a second, different human (maker–checker), from `config/authority.yaml`. The
/// maker's and the checker's principals both land in the events.
public struct AuthorityPolicy: Sendable, Hashable {
    /// Lifting a halt caused by the daily loss limit.
    public var resumeAfterLossLimit: Bool
    /// Raising any risk limit (a looser value than today's).
    public var raiseRiskLimit: Bool

    public init(resumeAfterLossLimit: Bool = false, raiseRiskLimit: Bool = false) {
        self.resumeAfterLossLimit = resumeAfterLossLimit
        self.raiseRiskLimit = raiseRiskLimit
    }
}
