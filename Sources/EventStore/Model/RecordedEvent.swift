import Foundation

/// An event as stored, with its place in the global log and in its stream.
public struct RecordedEvent: Sendable, Hashable {
    public var position: Int64
    /// The writing transaction's id (`xid8`); with `position` it forms the reader cursor.
    public var transactionID: UInt64
    public var streamID: String
    public var streamVersion: Int64
    public var eventID: UUID
    public var eventType: String
    public var schemaVersion: Int
    /// The payload as PostgreSQL's `jsonb` prints it (normalised key order and spacing).
    public var payload: Data
    public var metadata: Data
    /// Exact microseconds since 1970 (the database's precision); `occurredAt`/`recordedAt` are the same as Dates.
    public var occurredAtMicros: Int64
    public var recordedAtMicros: Int64

    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMicros) / 1_000_000) }
    public var recordedAt: Date { Date(timeIntervalSince1970: Double(recordedAtMicros) / 1_000_000) }

    public init(
        position: Int64, transactionID: UInt64, streamID: String, streamVersion: Int64, eventID: UUID, eventType: String,
        schemaVersion: Int, payload: Data, metadata: Data, occurredAtMicros: Int64, recordedAtMicros: Int64
    ) {
        self.position = position
        self.transactionID = transactionID
        self.streamID = streamID
        self.streamVersion = streamVersion
        self.eventID = eventID
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
        self.occurredAtMicros = occurredAtMicros
        self.recordedAtMicros = recordedAtMicros
    }

    public var cursor: LogCursor { LogCursor(transactionID: transactionID, position: position) }
}

/// A place in the global log, in reader order: `(transaction id, global position)`.
///
/// Position alone is not a safe cursor: a position is drawn at insert but becomes visible at commit, so a
/// later position can commit first. Ordering by the writing transaction first, and reading only below the
/// oldest in-flight transaction, means nothing can ever appear behind a cursor.
public struct LogCursor: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var transactionID: UInt64
    public var position: Int64

    public init(transactionID: UInt64, position: Int64) {
        self.transactionID = transactionID
        self.position = position
    }

    public static let start = LogCursor(transactionID: 0, position: 0)

    public static func < (l: LogCursor, r: LogCursor) -> Bool {
        (l.transactionID, l.position) < (r.transactionID, r.position)
    }

    public var description: String { "\(transactionID):\(position)" }

    /// Parses `tx:position`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let t = UInt64(parts[0]), let p = Int64(parts[1]) else { return nil }
        self.init(transactionID: t, position: p)
    }
}
