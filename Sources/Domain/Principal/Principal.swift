import Foundation

/// Who may act on the ledger: a person, a service (cron) or an AI agent (Doctor Claude, the MCP
/// server). A principal is its own stream, `principal-<id>`: adding it, changing its roles, rotating
/// its key and revoking it are events, so "who could act, and since when" is audited and replayable
/// like everything else. Credentials are random tokens; only their SHA-256 digest is recorded.
public enum Principal {
    public static func stream(_ id: PrincipalID) -> StreamName { .principal(id) }
}

/// A principal's id: 1–40 of `a-z 0-9 -`, starting with a letter or digit (it is part of the token).
public struct PrincipalID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Nil unless `text` is a valid id.
    public init?(validating text: String) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (1...40).contains(text.count), text.allSatisfy(allowed.contains), text.first != "-" else { return nil }
        self.init(rawValue: text)
    }
}

public enum PrincipalKind: String, Sendable, Codable, CaseIterable {
    /// A person. Only humans may hold the human roles (operator, risk officer, admin).
    case human
    /// A job such as cron.
    case service
    /// An AI agent: Doctor Claude, an MCP client. It may stop trading, never restart it; its trades
    /// always wait for a human.
    case agent
}

/// What a principal does. A role grants capabilities (`Authority`).
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case cron
    case agent
    case `operator`
    case riskOfficer = "risk_officer"
    case auditor
    case admin

    /// Roles only a human may hold, whatever a configuration or a command says.
    public var isHumanOnly: Bool { self == .operator || self == .riskOfficer || self == .admin }

    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }
}

/// One credential: the key id (public, part of the token) and the SHA-256 digest of its secret.
public struct PrincipalKey: Hashable, Sendable, Codable {
    public var keyID: String
    /// Lower-case hex SHA-256 of the token's secret part.
    public var digest: String
    public var createdAt: Date
    /// Nil while the key has no end; set by a rotation (the grace period) or a revocation.
    public var validUntil: Date?

    public init(keyID: String, digest: String, createdAt: Date, validUntil: Date? = nil) {
        self.keyID = keyID
        self.digest = digest
        self.createdAt = createdAt
        self.validUntil = validUntil
    }

    public func isValid(at time: Date) -> Bool { time >= createdAt && (validUntil.map { time < $0 } ?? true) }

    enum CodingKeys: String, CodingKey {
        case digest
        case keyID = "key_id"
        case createdAt = "created_at"
        case validUntil = "valid_until"
    }
}

/// An actor's reference to the principal behind it, as recorded in events and their metadata.
public struct PrincipalRef: Hashable, Sendable, Codable {
    public var id: PrincipalID
    public var kind: PrincipalKind

    public init(id: PrincipalID, kind: PrincipalKind) {
        self.id = id
        self.kind = kind
    }
}

extension Actor {
    /// The actor of a command made with a principal's credential: the recorded kind follows the
    /// principal's kind (a human is an `operator`), the name is the principal's display name.
    public static func principal(_ id: PrincipalID, kind: PrincipalKind, name: String) -> Actor {
        let actorKind: ActorKind =
            switch kind {
            case .human: .operator
            case .agent: .agent
            case .service: .service
            }
        return Actor(actorKind, name: name, principal: PrincipalRef(id: id, kind: kind))
    }
}
