import Foundation

extension Principal: Decider {
    public static let maxGrace: TimeInterval = 30 * 86_400

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .add(let id, let name, let kind, let roles, let key, let at):
            if state.exists {
                // A retry of the same add is no new fact; anything else is a second principal with that id.
                guard state.name == name, state.kind == kind, state.roles == roles, state.keys.first?.keyID == key.keyID else { throw .alreadyExists(id) }
                return []
            }
            try check(name: name, kind: kind, roles: roles)
            return [.added(Added(principalID: id, name: name, kind: kind, roles: roles.sorted(), key: key, at: at))]
        case .change(let name, let roles, let at):
            let id = try active(state)
            let newName = name ?? state.name
            let newRoles = roles ?? state.roles
            try check(name: newName, kind: state.kind, roles: newRoles)
            if newName == state.name && newRoles == state.roles { return [] }
            return [.changed(Changed(principalID: id, name: newName, roles: newRoles.sorted(), at: at))]
        case .rotate(let newKey, let grace, let at):
            let id = try active(state)
            if let existing = state.keys.first(where: { $0.keyID == newKey.keyID }) {
                guard existing.digest == newKey.digest else { throw .keyIDInUse(newKey.keyID) }
                return []
            }
            guard grace >= 0, grace <= maxGrace else { throw .invalidGrace(grace) }
            return [.keyRotated(KeyRotated(principalID: id, key: newKey, previousValidUntil: at.addingTimeInterval(grace), at: at))]
        case .revoke(let reason, let at):
            guard let id = state.id else { throw .notFound }
            if state.revokedAt != nil { return [] }
            return [.revoked(Revoked(principalID: id, reason: reason, at: at))]
        case .recordDenial(let capability, let action, let at):
            guard let id = state.id else { throw .notFound }
            return [.accessDenied(AccessDenied(principalID: id, capability: capability, action: action, at: at))]
        }
    }

    private static func active(_ state: State) throws(Rejection) -> PrincipalID {
        guard let id = state.id else { throw .notFound }
        guard state.revokedAt == nil else { throw .revoked }
        return id
    }

    private static func check(name: String, kind: PrincipalKind, roles: Set<Role>) throws(Rejection) {
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .blankName }
        guard !roles.isEmpty else { throw .noRoles }
        if kind != .human, let role = roles.sorted().first(where: \.isHumanOnly) { throw .humanRoleForNonHuman(role, kind) }
    }
}
