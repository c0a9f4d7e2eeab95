import Domain
import EventStore
import Foundation
import Synchronization

/// Answers "whose credential is this?" from the principal's own stream, so a revocation or a rotation
/// is in force as soon as its event commits, in every process that reads the log. A stream folded for
/// one request is reused for `cacheFor` (250 ms by default): a revoked key is refused well within one
/// second, with no restart, while a busy API does not fold the stream on every request.
public final class PrincipalDirectory: Sendable {
    let log: EventLog
    let cacheFor: Duration
    /// Wall-clock time: keys are made, rotated and revoked in real time, also under a simulated market clock.
    let now: @Sendable () -> Date
    private let cache = Mutex<[PrincipalID: (state: Principal.State, loaded: ContinuousClock.Instant)]>([:])

    public init(log: EventLog, cacheFor: Duration = .milliseconds(250), now: @escaping @Sendable () -> Date = { Date() }) {
        self.log = log
        self.cacheFor = cacheFor
        self.now = now
    }

    /// The principal a token proves. Throws `ApplicationError.unauthenticated` for a missing,
    /// malformed, unknown, expired or revoked credential; the message never repeats the token.
    public func authenticate(_ token: String?) async throws -> AuthenticatedPrincipal {
        guard let token, !token.isEmpty else { throw ApplicationError.unauthenticated("a credential is required (Authorization: Bearer <key>)") }
        guard let credential = Credential(token: token) else { throw ApplicationError.unauthenticated("the credential is not a Catalyst key") }
        let state = try await state(credential.principalID)
        guard state.exists, let key = state.validKey(keyID: credential.keyID, digest: credential.digest, at: now()) else {
            throw ApplicationError.unauthenticated("the credential is unknown, expired or revoked")
        }
        return AuthenticatedPrincipal(id: credential.principalID, name: state.name, kind: state.kind, roles: state.roles, keyID: key.keyID)
    }

    /// The principal's folded stream (cached briefly).
    public func state(_ id: PrincipalID) async throws -> Principal.State {
        let clock = ContinuousClock()
        if let hit = cache.withLock({ $0[id] }), clock.now - hit.loaded < cacheFor { return hit.state }
        let state = try await log.load(Principal.self, Principal.stream(id)).state
        cache.withLock { $0[id] = (state, clock.now) }
        return state
    }

    /// Forgets cached principals (after this process changed one).
    public func invalidate(_ id: PrincipalID) { _ = cache.withLock { $0.removeValue(forKey: id) } }

    /// Every principal ever added, folded, by id.
    public func all() async throws -> [Principal.State] {
        let ids = try await log.store.streamIDs(prefix: "principal-", touchedWithin: nil).sorted()
        var out: [Principal.State] = []
        for raw in ids {
            guard let stream = StreamName(parsing: raw), stream.category == .principal else { continue }
            let state = try await log.load(Principal.self, stream).state
            if state.exists { out.append(state) }
        }
        return out
    }
}
