import EventStore
import Foundation
import PostgresClient

/// The sealer (docs/architecture.md §The audit seal): a projection like the others that numbers every
/// event densely in reader order and links it into the SHA-256 chain.
public struct AuditSealProjection: Projection {
    public let name = "audit_seal"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = nil

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        let c = context.connection
        let head = try c.query("SELECT seq, hash FROM \(context.qualified("audit_chain")) ORDER BY seq DESC LIMIT 1")
        var seq = head.int64(0, 0) ?? 0
        var previous = head.string(0, 1).flatMap(AuditChain.bytes(fromHex:)) ?? AuditChain.genesis
        var rows: [[String?]] = []
        rows.reserveCapacity(events.count)
        for e in events {
            seq += 1
            previous = AuditChain.link(previous: previous, seq: seq, event: e)
            rows.append([String(seq), String(e.position), e.eventID.lowercasedText, e.streamID, AuditChain.hex(previous)])
        }
        try context.insert(into: "audit_chain", columns: ["seq", "global_position", "event_id", "stream_id", "hash"], rows: rows)
    }
}
