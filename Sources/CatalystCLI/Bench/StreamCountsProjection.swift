import EventStore
import Foundation
import Projections

/// The fold `bench peers` rebuilds on both sides: per stream, how many events and the global position of
/// the last one. Deliberately trivial, so a rebuild measures the machinery (ordered read, decode, write the
/// rows and the checkpoint in one transaction per page) rather than any domain logic.
struct StreamCountsProjection: Projection {
    let name = "bench_stream_counts"
    let codeVersion = 1
    let eventTypes: Set<String>? = nil

    static let schemaSQL = """
        CREATE TABLE stream_counts (
            stream_id     text   PRIMARY KEY,
            events        bigint NOT NULL,
            last_position bigint NOT NULL
        );
        """

    var definition: ProjectionDefinition {
        ProjectionDefinition(name: name, schemaSQL: Self.schemaSQL, viewsSQL: "", codeVersion: codeVersion)
    }

    /// Folds the page in memory, then loads the touched rows and writes them back in one upsert: the
    /// same load–fold–upsert shape as the ledger's own projections.
    func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var counts: [String: (events: Int64, last: Int64)] = [:]
        for e in events {
            let c = counts[e.streamID] ?? (0, 0)
            counts[e.streamID] = (c.events + 1, max(c.last, e.position))
        }
        let stored = try context.load(from: "stream_counts", keyColumn: "stream_id", keys: counts.keys)
        let rows: [[String?]] = counts.map { stream, c in
            let before = stored[stream].flatMap { $0["events"] }.flatMap { Int64($0) } ?? 0
            return [stream, String(before + c.events), String(c.last)]
        }
        try context.upsert(into: "stream_counts", columns: ["stream_id", "events", "last_position"], key: ["stream_id"], rows: rows)
    }
}
