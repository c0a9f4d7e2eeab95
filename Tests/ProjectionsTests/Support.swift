import CatalystTestKit
import EventStore
import Foundation
import Logging
import PostgresClient
import Testing

@testable import Projections

func event(stream: String, qty: Int = 1, type: String = "test.happened") -> NewEvent {
    NewEvent(
        eventID: UUID(), streamID: stream, eventType: type, schemaVersion: 1, payload: Data(#"{"qty":"\#(qty)"}"#.utf8),
        metadata: Data(#"{"actor":"system"}"#.utf8), occurredAt: Date(timeIntervalSince1970: 1_790_000_000))
}

func engine(_ db: TestDatabase, _ projection: StreamCountsProjection = StreamCountsProjection(), batch: Int = 2000) -> ProjectorEngine {
    var e = ProjectorEngine(
        projection: projection, definition: projection.definition, conninfo: db.conninfo, waker: LogWaker(conninfo: db.conninfo),
        logger: Logger(label: "test"))
    e.liveBatchSize = batch
    e.rebuildBatchSize = batch
    e.pollInterval = .milliseconds(20)
    e.standbyInterval = .milliseconds(50)
    e.heartbeatInterval = .milliseconds(200)
    return e
}

/// Waits until `projection` has applied everything currently in the log. Generously: one event per batch on
/// a loaded machine takes long, and the assertions are on the tables, not the clock.
func waitCaughtUp(_ db: TestDatabase, _ projection: String = "stream_counts", timeout: Duration = .seconds(300)) async throws {
    let pool = PGPool(conninfo: db.conninfo, size: 1)
    let head = try await pool.withConnection { c in try c.query("SELECT coalesce(max(global_position), 0) FROM events").int64(0, 0) ?? 0 }
    try await ProjectionWaiter(pool: pool).wait(for: projection, toReach: head, timeout: timeout)
}

func tableRows(_ db: TestDatabase, view: String = "v_stream_counts") async throws -> [String: StreamCountsProjection.Row] {
    try await db.session().withConnection { c in
        let r = try c.query("SELECT stream_id, events, last_version, last_type, qty_sum FROM \(view)")
        var out: [String: StreamCountsProjection.Row] = [:]
        for i in 0..<r.rowCount {
            out[r.string(i, 0)!] = .init(events: r.int64(i, 1)!, lastVersion: r.int64(i, 2)!, lastType: r.string(i, 3)!, qty: r.decimal(i, 4)!)
        }
        return out
    }
}

/// The committed events (ground truth, read without the reader horizon).
func allEvents(_ db: TestDatabase) async throws -> [RecordedEvent] { try await db.committedEvents() }

func status(_ db: TestDatabase, _ name: String = "stream_counts") async throws -> ProjectionStatusRow {
    try await db.session().withConnection { c in try ProjectionStatusReport.load(names: [name], on: c)[0] }
}
