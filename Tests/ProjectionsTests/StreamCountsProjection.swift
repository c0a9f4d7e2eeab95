import EventStore
import Foundation
import PostgresClient

@testable import Projections

/// A small, deterministic projection used to exercise the runtime: per stream, the number of events, the
/// last version and type, and the sum of the payloads' `qty`. Throws on `test.poison` events.
struct StreamCountsProjection: Projection {
    var name = "stream_counts"
    var codeVersion = 1
    var eventTypes: Set<String>? = nil

    init(codeVersion: Int = 1, eventTypes: Set<String>? = nil) {
        self.codeVersion = codeVersion
        self.eventTypes = eventTypes
    }

    static let schemaSQL = """
        CREATE TABLE stream_counts (
            stream_id    text    PRIMARY KEY,
            events       bigint  NOT NULL,
            last_version bigint  NOT NULL,
            last_type    text    NOT NULL,
            qty_sum      numeric NOT NULL
        );
        """
    static let viewsSQL = "CREATE VIEW public.v_stream_counts AS SELECT * FROM stream_counts;"

    var definition: ProjectionDefinition {
        ProjectionDefinition(name: name, schemaSQL: Self.schemaSQL, viewsSQL: Self.viewsSQL, codeVersion: codeVersion)
    }

    struct Row: Equatable {
        var events: Int64
        var lastVersion: Int64
        var lastType: String
        var qty: Decimal
    }

    func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        let existing = try context.load(from: "stream_counts", keyColumn: "stream_id", keys: Set(events.map(\.streamID)))
        var rows: [String: Row] = existing.mapValues {
            Row(events: Int64($0["events"]!)!, lastVersion: Int64($0["last_version"]!)!, lastType: $0["last_type"]!, qty: Decimal(string: $0["qty_sum"]!)!)
        }
        for e in events {
            if e.eventType == "test.poison" { throw ProjectionApplyError(event: e, reason: "poison pill") }
            rows[e.streamID] = Self.fold(rows[e.streamID], e)
        }
        try context.upsert(
            into: "stream_counts", columns: ["stream_id", "events", "last_version", "last_type", "qty_sum"], key: ["stream_id"],
            rows: rows.sorted { $0.key < $1.key }.map { [$0.key, String($0.value.events), String($0.value.lastVersion), $0.value.lastType, "\($0.value.qty)"] })
    }

    static func fold(_ row: Row?, _ e: RecordedEvent) -> Row {
        let qty = (try? JSONSerialization.jsonObject(with: e.payload) as? [String: Any])?["qty"].flatMap { $0 as? String }.flatMap { Decimal(string: $0) } ?? 0
        var r = row ?? Row(events: 0, lastVersion: 0, lastType: "", qty: 0)
        r.events += 1
        r.lastVersion = e.streamVersion
        r.lastType = e.eventType
        r.qty += qty
        return r
    }

    /// The expected table computed straight from events, for comparison.
    static func expected(_ events: [RecordedEvent]) -> [String: Row] {
        var rows: [String: Row] = [:]
        for e in events { rows[e.streamID] = fold(rows[e.streamID], e) }
        return rows
    }
}
