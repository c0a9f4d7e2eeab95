import Foundation
import PostgresClient

/// The single-event path: one prepared statement, no `plpgsql`, no arrays.
///
/// Most appends in a trading day carry one event (a fill, a mark, a decision). For them the general
/// `append_events` function costs more CPU than the insert itself: three `plpgsql` calls, seven array
/// parameters unnested and re-joined, a window function and two aggregates. Here the stream head moves
/// and the event is inserted in one statement of data-modifying CTEs, and the command id (if any) is
/// recorded in the same statement:
///
/// - the stream head is advanced under its row lock only when the expected version holds; when it does
///   not, the statement inserts nothing and returns no row;
/// - a second run of a command id meets the `command_log` primary key (the whole statement rolls back,
///   and the stored first result is returned); a concurrent duplicate waits on that key until the first
///   commits or rolls back, exactly as `claim_command` does;
/// - `tx_id` is filled by the table's default, so reader order and the reader horizon are unchanged.
extension PostgresEventStore {
    /// `$1` stream, `$2` expected code (-1 any, 0 no stream), `$3`…`$8` the event, `$9` command id or NULL.
    /// A new stream is inserted; an existing one advances only when any version is acceptable.
    private static let createOrAdvanceSQL = """
        WITH head AS (
            INSERT INTO streams AS s (stream_id, version) VALUES ($1, 1)
            ON CONFLICT (stream_id) DO UPDATE SET version = s.version + 1, updated_at = clock_timestamp()
            WHERE $2::bigint = -1
            RETURNING s.version
        ), \(insertAndRecord)
        """

    /// `$2` expected code (-2 stream exists, n ≥ 1 exactly n): only an existing stream advances.
    private static let advanceSQL = """
        WITH head AS (
            UPDATE streams SET version = version + 1, updated_at = clock_timestamp()
            WHERE stream_id = $1 AND ($2::bigint = -2 OR version = $2::bigint)
            RETURNING version
        ), \(insertAndRecord)
        """

    private static let insertAndRecord = """
        ins AS (
            INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
            SELECT $1, head.version, $3::uuid, $4, $5::integer, $6::json, $7::json, $8::timestamptz FROM head
            RETURNING global_position, stream_version
        ), cmd AS (
            INSERT INTO command_log (command_id, positions, stream_versions)
            SELECT $9::uuid, ARRAY[ins.global_position], jsonb_build_object($1::text, ins.stream_version) FROM ins
            WHERE $9::uuid IS NOT NULL
        )
        SELECT global_position, stream_version FROM ins
        """

    /// Appends the plan's only event. Returns nil when the expected version did not hold (or a retried
    /// command met a moved stream): the caller then tells a stored copy from a conflict.
    static func appendOne(_ plan: AppendPlan, on c: PGConnection) throws -> AppendResult? {
        let e = plan.request.events[0]
        let expected = plan.expected[0].sqlCode
        let creates = expected == -1 || expected == 0
        let r = try c.prepared(
            creates ? "es_append_one_create" : "es_append_one_advance", creates ? createOrAdvanceSQL : advanceSQL,
            [
                PGValue.text(e.streamID), expected.pgValue, e.eventID.pgValue, PGValue.text(e.eventType), Int64(e.schemaVersion).pgValue,
                PGValue.bytes(Array(e.payload)), PGValue.bytes(Array(e.metadata)), PGValue.text(PGTimestamp.format(e.occurredAt)),
                plan.request.commandID.pgValue,
            ])
        guard r.rowCount == 1, let position = r.int64(0, 0), let version = r.int64(0, 1) else { return nil }
        return .appended(AppendReceipt(positions: [position], streamVersions: [e.streamID: version]))
    }

    /// Why a single-event append wrote nothing: its command ran before, the very event is stored, or
    /// the stream is not at the expected version.
    func explainUnwritten(_ plan: AppendPlan) async throws -> AppendResult {
        if let commandID = plan.request.commandID, let prior = try await commandResult(commandID) { return .alreadyAppended(prior) }
        if let replay = try await storedCopy(of: plan) { return replay }
        let stream = plan.streams[0]
        return .conflict(
            StreamConflict(streamID: stream, expected: plan.request.expectations[stream] ?? .any, actualVersion: try await streamVersion(stream)))
    }

    /// The first result of a command id, when it committed one.
    func commandResult(_ commandID: UUID) async throws -> AppendReceipt? {
        try await pool.withConnection { c -> AppendReceipt? in
            let r = try c.prepared(
                "es_command_result", "SELECT positions::text, stream_versions::text FROM command_log WHERE command_id = $1::uuid AND positions IS NOT NULL",
                [commandID])
            return r.rowCount == 1 ? storedReceipt(r) : nil
        }
    }
}
