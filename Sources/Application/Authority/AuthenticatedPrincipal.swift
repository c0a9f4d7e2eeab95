import Domain
import Foundation

/// The principal a credential proved, as the authority gate and the command context need it.
public struct AuthenticatedPrincipal: Sendable, Hashable {
    public var id: PrincipalID
    public var name: String
    public var kind: PrincipalKind
    public var roles: Set<Role>
    public var keyID: String

    public init(id: PrincipalID, name: String, kind: PrincipalKind, roles: Set<Role>, keyID: String) {
        self.id = id
        self.name = name
        self.kind = kind
        self.roles = roles
        self.keyID = keyID
    }

    public var capabilities: Set<Capability> { Authority.capabilities(kind: kind, roles: roles) }
    public func may(_ capability: Capability) -> Bool { capabilities.contains(capability) }

    /// The actor recorded on every event this principal's commands produce.
    public var actor: Actor { Actor.principal(id, kind: kind, name: name) }
}
