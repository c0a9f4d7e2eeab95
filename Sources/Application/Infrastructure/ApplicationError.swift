import Domain
import Foundation

/// What a front end needs to answer a refused or failed command: a field-level validation error (4xx
/// naming the field), a business refusal with a stable code (the decider's reason), or a conflict that
/// survived the bounded retries.
public enum ApplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Input that cannot be a valid command; names the field.
    case invalid(field: String, reason: String)
    /// The rules refused the command (`code` is stable: `market_closed`, `trading_halted` …).
    case refused(code: String, message: String)
    /// Something the command refers to does not exist.
    case notFound(String)
    /// Concurrent writers kept winning; the command was not applied.
    case contention(stream: String)
    /// The broker or another peer failed; `retryable` when nothing can have changed.
    case unavailable(String, retryable: Bool)
    /// No credential, or one that is unknown, expired or revoked (401).
    case unauthenticated(String)
    /// A known principal without the capability the action needs (403).
    case forbidden(capability: Capability, principal: PrincipalID)

    public var description: String {
        switch self {
        case .invalid(let f, let r): "invalid \(f): \(r)"
        case .refused(let c, let m): "\(c): \(m)"
        case .notFound(let w): "not found: \(w)"
        case .contention(let s): "too many concurrent writers on \(s); try again"
        case .unavailable(let w, _): "unavailable: \(w)"
        case .unauthenticated(let why): "unauthenticated: \(why)"
        case .forbidden(let c, let p): "principal \(p) lacks the capability \(c.rawValue)"
        }
    }

    public var code: String {
        switch self {
        case .invalid: "invalid_input"
        case .refused(let c, _): c
        case .notFound: "not_found"
        case .contention: "contention"
        case .unavailable: "unavailable"
        case .unauthenticated: "unauthorized"
        case .forbidden: "forbidden"
        }
    }
}
