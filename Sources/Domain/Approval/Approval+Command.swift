import Foundation

extension Approval {
    public enum Command: Sendable {
        case request(Risk.Approved, at: Date, timeout: TimeInterval)
        case grant(by: Actor, at: Date, note: String?)
        case deny(by: Actor, at: Date, reason: String)
        case expire(at: Date)
    }

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
