import Foundation
import PostgresClient

/// The columns of some new events as PostgreSQL array literals, in event order: what the array-taking
/// statements (`append_events`, a commit group, the stored-copy check) unnest.
struct EventColumns {
    let ids: PGValue
    let streams: PGValue
    let types: PGValue
    let schemaVersions: PGValue
    let payloads: PGValue
    let metadata: PGValue
    let occurredAt: PGValue

    init(_ events: [NewEvent]) {
        var ids = PGArrayLiteral(reservingCapacity: events.count * 40)
        var streams = PGArrayLiteral(reservingCapacity: events.count * 24)
        var types = PGArrayLiteral(reservingCapacity: events.count * 24)
        var schemaVersions = PGArrayLiteral(reservingCapacity: events.count * 3)
        var payloads = PGArrayLiteral(reservingCapacity: events.reduce(0) { $0 + $1.payload.count + 8 })
        var metadata = PGArrayLiteral(reservingCapacity: events.reduce(0) { $0 + $1.metadata.count + 8 })
        var occurredAt = PGArrayLiteral(reservingCapacity: events.count * 34)
        for e in events {
            ids.append(e.eventID.lowercasedText)
            streams.append(e.streamID)
            types.append(e.eventType)
            schemaVersions.append(Int64(e.schemaVersion))
            e.payload.withUnsafeBytes { payloads.append(utf8: $0.bindMemory(to: UInt8.self)) }
            e.metadata.withUnsafeBytes { metadata.append(utf8: $0.bindMemory(to: UInt8.self)) }
            occurredAt.append(PGTimestamp.format(e.occurredAt))
        }
        self.ids = ids.finished()
        self.streams = streams.finished()
        self.types = types.finished()
        self.schemaVersions = schemaVersions.finished()
        self.payloads = payloads.finished()
        self.metadata = metadata.finished()
        self.occurredAt = occurredAt.finished()
    }
}
