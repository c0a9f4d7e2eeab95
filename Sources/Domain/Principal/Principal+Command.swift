import Foundation

extension Principal {
    public enum Command: Sendable, Equatable {
        case add(id: PrincipalID, name: String, kind: PrincipalKind, roles: Set<Role>, key: PrincipalKey, at: Date)
        /// A new display name and/or role set (nil = unchanged).
        case change(name: String?, roles: Set<Role>?, at: Date)
        /// A new key; every key valid now stays valid for `grace` seconds more (0 = ends now).
        case rotate(newKey: PrincipalKey, grace: TimeInterval, at: Date)
        case revoke(reason: String, at: Date)
        /// A known principal asked for something it may not do: the attempt is recorded.
        case recordDenial(capability: Capability, action: String, at: Date)
    }
}
