import Domain
import Foundation

/// Who is asking, for which workflow, and when. Every event a command produces carries this in its
/// metadata: the actor (cron, api, mcp, doctor, operator, system), the command id that makes retries
/// idempotent, and the correlation id that ties a cron trigger to its scan, orders and fills.
public struct CommandContext: Sendable, Hashable {
    public var actor: Actor
    public var commandID: UUID
    public var correlationID: UUID
    public var causationID: UUID?
    public var now: Date

    public init(actor: Actor, commandID: UUID, correlationID: UUID, causationID: UUID? = nil, now: Date) {
        self.actor = actor
        self.commandID = commandID
        self.correlationID = correlationID
        self.causationID = causationID
        self.now = now
    }

    /// A follow-up step of the same workflow (same correlation, caused by this command, new command id).
    public func followUp(commandID: UUID, actor: Actor? = nil, now: Date? = nil) -> CommandContext {
        CommandContext(actor: actor ?? self.actor, commandID: commandID, correlationID: correlationID, causationID: self.commandID, now: now ?? self.now)
    }

    func metadata(codeVersion: String?, configHash: String?) -> EventMetadata {
        EventMetadata(
            correlationID: correlationID, causationID: causationID, commandID: commandID, actor: actor, codeVersion: codeVersion,
            configHash: configHash)
    }
}
