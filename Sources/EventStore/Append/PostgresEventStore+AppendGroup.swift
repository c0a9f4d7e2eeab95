import Foundation
import PostgresClient

/// The statement a commit group runs (`CommitGroups`): several single-event appends to distinct streams in
/// one statement and one transaction.
///
/// - The heads of the streams that exist are locked first, in stream order (the order every batch locks
///   them in), then advanced where the member's expected version holds (any, stream exists, or exactly n).
///   New streams are created after them, so a batch that creates a stream the group also creates, and
///   advances one the group holds, can deadlock with it: PostgreSQL aborts one of the two after
///   `deadlock_timeout`, and either is sent again (the group's members alone, the batch whole).
/// - The streams of members that expect none or any, and that do not exist, are created; one created by
///   someone else meanwhile is left alone (`DO NOTHING`), and that member is not written.
/// - Each member whose head moved gets its event, and its command id (if any) is recorded with its receipt.
/// - A command id met a second time refuses the whole statement (the `command_log` key), and the caller
///   then appends every member alone, as it does when the statement fails for any other reason.
/// - `tx_id` is filled by the table's default and positions are drawn in member order, so reader order
///   and the reader horizon are those of any other transaction.
extension PostgresEventStore {
    private static let groupSQL = """
        WITH input AS (
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::integer[], $6::text[], $7::text[],
                                 $8::timestamptz[], $9::uuid[]) WITH ORDINALITY
                AS t(stream_id, expected, event_id, event_type, schema_version, payload, metadata, occurred_at, command_id, member)
        ), locked AS (
            SELECT l.ctid, l.version, i.member FROM (SELECT * FROM input ORDER BY stream_id) i,
                LATERAL (SELECT s.ctid, s.version FROM streams s WHERE s.stream_id = i.stream_id FOR UPDATE) l
        ), advanced AS (
            UPDATE streams s SET version = s.version + 1, updated_at = clock_timestamp()
            FROM locked l JOIN input i ON i.member = l.member
            WHERE s.ctid = l.ctid AND (i.expected IN (-1, -2) OR l.version = i.expected)
            RETURNING s.stream_id, s.version
        ), created AS (
            INSERT INTO streams (stream_id, version)
            SELECT stream_id, 1 FROM input WHERE expected IN (-1, 0) AND member NOT IN (SELECT member FROM locked) ORDER BY stream_id
            ON CONFLICT (stream_id) DO NOTHING
            RETURNING stream_id, version
        ), head AS (
            SELECT stream_id, version FROM advanced UNION ALL SELECT stream_id, version FROM created
        ), ins AS (
            INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
            SELECT i.stream_id, h.version, i.event_id, i.event_type, i.schema_version, i.payload::json, i.metadata::json, i.occurred_at
            FROM input i JOIN head h ON h.stream_id = i.stream_id ORDER BY i.member
            RETURNING global_position, stream_id, stream_version
        ), cmd AS (
            INSERT INTO command_log (command_id, positions, stream_versions)
            SELECT i.command_id, ARRAY[ins.global_position], jsonb_build_object(ins.stream_id, ins.stream_version)
            FROM ins JOIN input i ON i.stream_id = ins.stream_id WHERE i.command_id IS NOT NULL
        )
        SELECT i.member, ins.global_position, ins.stream_version FROM ins JOIN input i ON i.stream_id = ins.stream_id
        """

    /// Appends single-event plans to distinct streams in one transaction: each plan's result, or nil for
    /// one not written, which its writer then appends alone. A refused statement wrote nothing of any
    /// member: every result is then nil. Throws only when the connection is lost or its server no longer
    /// takes writes, which the pool must see to reconnect.
    static func appendMembers(_ plans: [AppendPlan], on c: PGConnection) throws -> [AppendResult?] {
        do {
            if plans.count == 1 { return [try appendOne(plans[0], on: c)] }
            return try appendGroup(plans, on: c).map { $0.map(AppendResult.appended) }
        } catch let error as PGError where error.isPrimaryLost {
            throw error
        } catch {
            return Array(repeating: nil, count: plans.count)
        }
    }

    static func appendGroup(_ plans: [AppendPlan], on c: PGConnection) throws -> [AppendReceipt?] {
        let columns = EventColumns(plans.map { $0.request.events[0] })
        var expected = PGArrayLiteral(reservingCapacity: plans.count * 3)
        var commands = PGArrayLiteral(reservingCapacity: plans.count * 40)
        for plan in plans {
            expected.append(plan.expected[0].sqlCode)
            commands.append(plan.request.commandID?.lowercasedText)
        }
        let r = try c.prepared(
            "es_append_group", groupSQL,
            [
                columns.streams, expected.finished(), columns.ids, columns.types, columns.schemaVersions, columns.payloads, columns.metadata,
                columns.occurredAt, commands.finished(),
            ])
        var receipts = [AppendReceipt?](repeating: nil, count: plans.count)
        for row in 0..<r.rowCount {
            guard let member = r.int64(row, 0), let position = r.int64(row, 1), let version = r.int64(row, 2),
                member >= 1, member <= plans.count
            else { throw PGError(.protocolViolation, message: "malformed commit group row \(row)") }
            let i = Int(member) - 1
            receipts[i] = AppendReceipt(positions: [position], streamVersions: [plans[i].streams[0]: version])
        }
        return receipts
    }
}
