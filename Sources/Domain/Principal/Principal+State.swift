import Foundation

extension Principal {
    public struct State: Equatable, Sendable {
        public var id: PrincipalID?
        public var name: String = ""
        public var kind: PrincipalKind = .human
        public var roles: Set<Role> = []
        public var keys: [PrincipalKey] = []
        public var addedAt: Date?
        public var revokedAt: Date?
        public var deniedAttempts: Int = 0

        public init() {}

        public static let initial = State()

        public var exists: Bool { id != nil }
        public var capabilities: Set<Capability> { Authority.capabilities(kind: kind, roles: roles) }

        /// The key `keyID` if it is valid at `time` and its digest equals `digest` (compared in
        /// constant time); nil otherwise, and always nil once revoked.
        public func validKey(keyID: String, digest: String, at time: Date) -> PrincipalKey? {
            guard revokedAt.map({ time < $0 }) ?? true else { return nil }
            guard let key = keys.first(where: { $0.keyID == keyID }), key.isValid(at: time) else { return nil }
            return Authority.constantTimeEquals(key.digest, digest) ? key : nil
        }

        public func isActive(at time: Date) -> Bool {
            exists && (revokedAt.map { time < $0 } ?? true) && keys.contains { $0.isValid(at: time) }
        }
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .added(let e):
            s.id = e.principalID
            s.name = e.name
            s.kind = e.kind
            s.roles = Set(e.roles)
            s.keys = [e.key]
            s.addedAt = e.at
        case .changed(let e):
            s.name = e.name
            s.roles = Set(e.roles)
        case .keyRotated(let e):
            s.keys = s.keys.map { k in
                var k = k
                k.validUntil = min(k.validUntil ?? e.previousValidUntil, e.previousValidUntil)
                return k
            } + [e.key]
        case .revoked(let e):
            s.revokedAt = e.at
            s.keys = s.keys.map { k in
                var k = k
                k.validUntil = min(k.validUntil ?? e.at, e.at)
                return k
            }
        case .accessDenied: s.deniedAttempts += 1
        }
        return s
    }
}
