import Foundation

extension Principal {
    public enum Rejection: Error, Hashable, Sendable {
        case alreadyExists(PrincipalID)
        case notFound
        case revoked
        /// An agent or a service can never hold operator, risk officer or admin.
        case humanRoleForNonHuman(Role, PrincipalKind)
        case noRoles
        case blankName
        /// Grace periods run from 0 to 30 days.
        case invalidGrace(TimeInterval)
        case keyIDInUse(String)
    }
}
