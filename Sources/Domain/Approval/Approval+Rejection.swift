import Foundation

extension Approval {
    public enum Rejection: Error, Hashable, Sendable {
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
