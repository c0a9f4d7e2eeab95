import Foundation

extension Approval {
    public enum Command: Sendable {
        case request(Risk.Approved, at: Date, timeout: TimeInterval)
        case grant(by: Actor, at: Date, note: String?)
        case deny(by: Actor, at: Date, reason: String)
        case expire(at: Date)
    }
}
