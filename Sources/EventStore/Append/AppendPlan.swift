import Foundation
import PostgresClient

/// A validated batch, grouped by stream in a fixed (sorted) order so two writers of the same streams
/// always lock them in the same order and cannot deadlock.
struct AppendPlan {
    let request: AppendRequest
    let streams: [String]
    let expected: [ExpectedVersion]
    let counts: [Int]

    init(_ request: AppendRequest) throws(EventStoreError) {
        guard !request.events.isEmpty else { throw .invalidBatch("no events") }
        var seen = Set<UUID>()
        var counts: [String: Int] = [:]
        for e in request.events {
            guard seen.insert(e.eventID).inserted else { throw .duplicateEventInBatch(e.eventID) }
            guard !e.streamID.isEmpty, e.streamID.utf8.count <= 200 else { throw .invalidBatch("stream id must be 1–200 bytes") }
            guard !e.eventType.isEmpty, e.eventType.utf8.count <= 200 else { throw .invalidBatch("event type must be 1–200 bytes") }
            guard e.schemaVersion >= 1 else { throw .invalidBatch("schema version must be ≥ 1 (event \(e.eventID))") }
            counts[e.streamID, default: 0] += 1
        }
        for key in request.expectations.keys where counts[key] == nil {
            throw .invalidBatch("expected version given for stream \(key) but the batch has no event for it")
        }
        self.request = request
        self.streams = counts.keys.sorted()
        self.counts = streams.map { counts[$0]! }
        self.expected = streams.map { request.expectations[$0] ?? .any }
    }

    var streamsParam: PGValue {
        var a = PGArrayLiteral()
        for s in streams { a.append(s) }
        return a.finished()
    }

    var expectedParam: PGValue {
        var a = PGArrayLiteral()
        for e in expected { a.append(e.sqlCode) }
        return a.finished()
    }

    var countsParam: PGValue {
        var a = PGArrayLiteral()
        for c in counts { a.append(Int64(c)) }
        return a.finished()
    }

    /// Finds the first event whose payload or metadata is not a JSON object on one line (used only after
    /// the database refused the batch, so the hot path does not parse JSON twice). The log stores the
    /// writer's bytes (`json`, migration 0004): a raw line break would split an archive line.
    func firstInvalidJSON() -> EventStoreError? {
        for e in request.events {
            for (field, data) in [("payload", e.payload), ("metadata", e.metadata)] {
                if data.contains(0x0A) || data.contains(0x0D) {
                    return .invalidJSON(eventID: e.eventID, field: field, reason: "a raw line break (write compact JSON, one line)")
                }
                do {
                    let object = try JSONSerialization.jsonObject(with: data)
                    if !(object is [String: Any]) {
                        return .invalidJSON(eventID: e.eventID, field: field, reason: "not an object")
                    }
                } catch {
                    return .invalidJSON(eventID: e.eventID, field: field, reason: "malformed JSON")
                }
            }
        }
        return nil
    }
}
