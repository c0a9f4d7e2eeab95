import Foundation

extension Principal {
    public enum Event: Sendable, Equatable {
        case added(Added)
        case changed(Changed)
        case keyRotated(KeyRotated)
        case revoked(Revoked)
        case accessDenied(AccessDenied)
    }

    /// `principal.added`: the principal, its roles and its first key (digest only).
    public struct Added: DomainEvent {
        public static let eventType = "principal.added"
        public static let schemaVersion = 1
        public var principalID: PrincipalID
        public var name: String
        public var kind: PrincipalKind
        public var roles: [Role]
        public var key: PrincipalKey
        public var at: Date

        public init(principalID: PrincipalID, name: String, kind: PrincipalKind, roles: [Role], key: PrincipalKey, at: Date) {
            self.principalID = principalID
            self.name = name
            self.kind = kind
            self.roles = roles
            self.key = key
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case name, kind, roles, key, at
            case principalID = "principal_id"
        }
    }

    /// `principal.changed`: the name and roles from now on.
    public struct Changed: DomainEvent {
        public static let eventType = "principal.changed"
        public static let schemaVersion = 1
        public var principalID: PrincipalID
        public var name: String
        public var roles: [Role]
        public var at: Date

        public init(principalID: PrincipalID, name: String, roles: [Role], at: Date) {
            self.principalID = principalID
            self.name = name
            self.roles = roles
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case name, roles, at
            case principalID = "principal_id"
        }
    }

    /// `principal.key_rotated`: a new key; the keys valid before end at `previous_valid_until`.
    public struct KeyRotated: DomainEvent {
        public static let eventType = "principal.key_rotated"
        public static let schemaVersion = 1
        public var principalID: PrincipalID
        public var key: PrincipalKey
        public var previousValidUntil: Date
        public var at: Date

        public init(principalID: PrincipalID, key: PrincipalKey, previousValidUntil: Date, at: Date) {
            self.principalID = principalID
            self.key = key
            self.previousValidUntil = previousValidUntil
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case key, at
            case principalID = "principal_id"
            case previousValidUntil = "previous_valid_until"
        }
    }

    /// `principal.revoked`: every key ends now.
    public struct Revoked: DomainEvent {
        public static let eventType = "principal.revoked"
        public static let schemaVersion = 1
        public var principalID: PrincipalID
        public var reason: String
        public var at: Date

        public init(principalID: PrincipalID, reason: String, at: Date) {
            self.principalID = principalID
            self.reason = reason
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case reason, at
            case principalID = "principal_id"
        }
    }

    /// `principal.access_denied`: the principal asked for an action its roles do not allow.
    public struct AccessDenied: DomainEvent {
        public static let eventType = "principal.access_denied"
        public static let schemaVersion = 1
        public var principalID: PrincipalID
        public var capability: Capability
        /// What was asked: `POST /api/v1/trading/resume`, `doctor fix close_phantom_position` …
        public var action: String
        public var at: Date

        public init(principalID: PrincipalID, capability: Capability, action: String, at: Date) {
            self.principalID = principalID
            self.capability = capability
            self.action = action
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case capability, action, at
            case principalID = "principal_id"
        }
    }
}
