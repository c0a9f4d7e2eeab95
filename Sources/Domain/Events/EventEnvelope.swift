import Foundation

/// A domain event payload with its stable wire identity.
///
/// `eventType` is written into the store's `event_type` column and is never derived from a Swift type
/// name: renaming a type must not change storage. A payload change that old readers cannot decode gets a
/// new `schemaVersion` and an upcaster; stored events are never rewritten.
public protocol DomainEvent: Codable, Sendable, Equatable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
}

/// Who caused a command and therefore its events. Commands made with a credential are recorded as
/// `operator` (a human principal), `agent` or `service`, with the principal; `cron`, `api`, `mcp` and
/// `doctor` without a principal are what events recorded before principals existed say, and what
/// in-process jobs (the simulated session's cron lines) say.
public enum ActorKind: String, Sendable, Codable, CaseIterable {
    case cron
    case api
    case mcp
    case doctor
    case `operator`
    case system
    case agent
    case service
}

public struct Actor: Hashable, Sendable, Codable, CustomStringConvertible {
    public var kind: ActorKind
    /// A person or job name where one is known (`"craig"`, `"market-open"`).
    public var name: String?
    /// The authenticated principal behind the actor, when a credential made the request.
    public var principal: PrincipalRef?

    public init(_ kind: ActorKind, name: String? = nil, principal: PrincipalRef? = nil) {
        self.kind = kind
        self.name = name
        self.principal = principal
    }

    public static let system = Actor(.system)
    public static let cron = Actor(.cron)

    public var description: String {
        if let principal { return "\(kind.rawValue):\(principal.id.rawValue)" }
        return name.map { "\(kind.rawValue):\($0)" } ?? kind.rawValue
    }
}

/// Metadata stored with every event, as the `metadata` jsonb column. The keys are part of the wire
/// contract: auditors query `metadata->>'correlation_id'` and `metadata->>'actor'`.
public struct EventMetadata: Hashable, Sendable, Codable {
    /// The workflow this event belongs to (one cron trigger → scan → orders → fills).
    public var correlationID: UUID
    /// The message (command or event) that directly caused this one.
    public var causationID: UUID?
    /// The command that produced the event; retried commands are recognised by it.
    public var commandID: UUID?
    public var actor: Actor
    public var codeVersion: String?
    public var configHash: String?

    public init(
        correlationID: UUID, causationID: UUID? = nil, commandID: UUID? = nil, actor: Actor, codeVersion: String? = nil,
        configHash: String? = nil
    ) {
        self.correlationID = correlationID
        self.causationID = causationID
        self.commandID = commandID
        self.actor = actor
        self.codeVersion = codeVersion
        self.configHash = configHash
    }

    enum CodingKeys: String, CodingKey {
        case correlationID = "correlation_id"
        case causationID = "causation_id"
        case commandID = "command_id"
        case actor
        case actorName = "actor_name"
        case principalID = "principal_id"
        case principalKind = "principal_kind"
        case codeVersion = "code_version"
        case configHash = "config_hash"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        correlationID = try c.decode(UUID.self, forKey: .correlationID)
        causationID = try c.decodeIfPresent(UUID.self, forKey: .causationID)
        commandID = try c.decodeIfPresent(UUID.self, forKey: .commandID)
        let principal: PrincipalRef? =
            if let id = try c.decodeIfPresent(PrincipalID.self, forKey: .principalID) {
                PrincipalRef(id: id, kind: try c.decode(PrincipalKind.self, forKey: .principalKind))
            } else { nil }
        actor = Actor(try c.decode(ActorKind.self, forKey: .actor), name: try c.decodeIfPresent(String.self, forKey: .actorName), principal: principal)
        codeVersion = try c.decodeIfPresent(String.self, forKey: .codeVersion)
        configHash = try c.decodeIfPresent(String.self, forKey: .configHash)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(correlationID, forKey: .correlationID)
        try c.encodeIfPresent(causationID, forKey: .causationID)
        try c.encodeIfPresent(commandID, forKey: .commandID)
        try c.encode(actor.kind, forKey: .actor)
        try c.encodeIfPresent(actor.name, forKey: .actorName)
        try c.encodeIfPresent(actor.principal?.id, forKey: .principalID)
        try c.encodeIfPresent(actor.principal?.kind, forKey: .principalKind)
        try c.encodeIfPresent(codeVersion, forKey: .codeVersion)
        try c.encodeIfPresent(configHash, forKey: .configHash)
    }
}
