import Foundation

extension Principal {
    public enum Rejection: DomainRejection, Hashable {
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

extension Principal.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .alreadyExists: "already_exists"
        case .notFound: "not_found"
        case .revoked: "revoked"
        case .humanRoleForNonHuman: "human_role_for_non_human"
        case .noRoles: "no_roles"
        case .blankName: "blank_name"
        case .invalidGrace: "invalid_grace"
        case .keyIDInUse: "key_id_in_use"
        }
    }
}
