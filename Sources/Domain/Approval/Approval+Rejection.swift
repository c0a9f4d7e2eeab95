import Foundation

extension Approval {
    public enum Rejection: DomainRejection, Hashable {
        case notRequested
        case differentRequest
        case humanRequired(Actor)
        case alreadyDecided(Outcome)
        /// Granting after the deadline is refused: the market moved on.
        case expired(at: Date)
        case notYetExpired(expiresAt: Date)
        case invalidTimeout
    }
}

extension Approval.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .notRequested: "not_requested"
        case .differentRequest: "different_request"
        case .humanRequired: "human_required"
        case .alreadyDecided: "already_decided"
        case .expired: "expired"
        case .notYetExpired: "not_yet_expired"
        case .invalidTimeout: "invalid_timeout"
        }
    }
}
