import Foundation
import PostgresClient

extension PostgresEventStore {
    /// Appends a batch atomically.
    ///
    /// - Returns: `.appended` with the positions; `.alreadyAppended` with the original receipt when this
    ///   command id or these exact events were stored before; `.conflict` when a stream is not at the
    ///   expected version. Nothing is written unless the whole batch is.
    /// - Throws: `EventStoreError` for a malformed batch (including a payload that is not a JSON object,
    ///   naming the event) or an event id reused with other content; `PGError` for database failures.
    ///
    /// Through a failover (`failoverWindow` > 0): an append whose connection is lost, or whose server no
    /// longer takes writes, may or may not have committed. It is sent again, the same command id and the
    /// same event ids, with backoff, until a primary answers or the window ends. The command log and the
    /// event ids make the second send return the first one's receipt if the first committed, so it lands
    /// exactly once on whichever timeline survived.
    public func append(_ request: AppendRequest) async throws -> AppendResult {
        let plan = try AppendPlan(request)
        return try await throughFailover("append") { try await appendOnce(plan) }
    }

    private func appendOnce(_ plan: AppendPlan) async throws -> AppendResult {
        guard plan.request.events.count == 1, let commitGroups else { return try await appendAlone(plan) }
        return try await commitGroups.append(plan) { try await self.appendAlone(plan) }
    }

    private func appendAlone(_ plan: AppendPlan) async throws -> AppendResult {
        let request = plan.request
        let useCopy = request.events.count >= copyThreshold
        let single = request.events.count == 1
        // A race to create a stream that every writer expects `.any` of is not a conflict: retry it.
        for attempt in 1...Self.maxRaceRetries {
            do {
                let written = try await pool.withConnection { c -> AppendResult? in
                    if single { return try Self.appendOne(plan, on: c) }
                    return useCopy ? try Self.appendWithCopy(plan, on: c) : try Self.appendWithFunction(plan, on: c)
                }
                guard let result = written else { return try await explainUnwritten(plan) }
                if case .appended = result { notifier?.signal() }
                return result
            } catch let error as PGError {
                if let resolved = try await recover(from: error, plan: plan) { return resolved }
                if attempt == Self.maxRaceRetries { throw error }
            }
        }
        preconditionFailure("unreachable")
    }

    static let maxRaceRetries = 8

    /// Appends a small batch inside a transaction the caller opened on `c` and will commit or roll back
    /// itself, through the same `append_events` function as `append(_:)`. No retry and no notification:
    /// for benchmarks and tools that must hold an append's transaction open (late commits).
    public static func append(_ request: AppendRequest, inOpenTransactionOn c: PGConnection) throws -> AppendResult {
        try appendWithFunction(try AppendPlan(request), on: c)
    }

    private static let appendSQL = """
        SELECT positions::text, stream_versions::text, duplicate
        FROM append_events($1::uuid, $2::text[], $3::bigint[], $4::integer[], $5::uuid[], $6::text[], $7::text[],
                           $8::integer[], $9::text[], $10::text[], $11::timestamptz[])
        """

    /// One round trip: the `append_events` function reserves versions and inserts from arrays.
    static func appendWithFunction(_ plan: AppendPlan, on c: PGConnection) throws -> AppendResult {
        let columns = EventColumns(plan.request.events)
        let r = try c.prepared(
            "es_append", appendSQL,
            [
                plan.request.commandID.pgValue, plan.streamsParam, plan.expectedParam, plan.countsParam, columns.ids, columns.streams,
                columns.types, columns.schemaVersions, columns.payloads, columns.metadata, columns.occurredAt,
            ])
        let receipt = storedReceipt(r)
        return r.bool(0, 2) == true ? .alreadyAppended(receipt) : .appended(receipt)
    }

    /// Large batches: reserve the versions and draw the positions in one round trip, then stream the rows
    /// with COPY, positions included — one transaction, and the COPY protocol's throughput for the rows.
    ///
    /// The positions come from the table's own sequence, drawn in batch order inside the transaction,
    /// so reader order (transaction, then position) is what it would be had the rows drawn them
    /// themselves; drawing them first spares reading the rows back to learn them.
    static func appendWithCopy(_ plan: AppendPlan, on c: PGConnection) throws -> AppendResult {
        try c.transaction { () throws -> AppendResult in
            if let commandID = plan.request.commandID {
                let prior = try c.prepared(
                    "es_claim", "SELECT positions::text, stream_versions::text FROM claim_command($1::uuid)", [commandID])
                if prior.rowCount > 0 { return .alreadyAppended(storedReceipt(prior)) }
            }
            let reserved = try c.prepared(
                "es_reserve_and_draw",
                """
                SELECT reserve_stream_versions($1::text[], $2::bigint[], $3::integer[])::text,
                       (SELECT array_agg(nextval('events_global_position_seq') ORDER BY i) FROM generate_series(1, $4::integer) AS i)::text
                """,
                [plan.streamsParam, plan.expectedParam, plan.countsParam, plan.request.events.count])
            let bases = parseBigintArray(reserved.string(0, 0) ?? "{}")
            let positions = parseBigintArray(reserved.string(0, 1) ?? "{}").sorted()
            guard positions.count == plan.request.events.count else {
                throw PGError(.protocolViolation, message: "drew \(positions.count) positions for \(plan.request.events.count) events")
            }
            var next: [String: Int64] = [:]
            for (i, s) in plan.streams.enumerated() { next[s] = bases[i] }

            try c.copyIn(
                "COPY events (global_position, stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at) FROM STDIN"
            ) { w in
                for (e, position) in zip(plan.request.events, positions) {
                    let v = next[e.streamID]! + 1
                    next[e.streamID] = v
                    try w.write(String(position).utf8)
                    w.endField()
                    w.field(e.streamID)
                    w.endField()
                    try w.write(String(v).utf8)
                    w.endField()
                    w.field(e.eventID.lowercasedText)
                    w.endField()
                    w.field(e.eventType)
                    w.endField()
                    try w.write(String(e.schemaVersion).utf8)
                    w.endField()
                    e.payload.withUnsafeBytes { w.field(utf8: $0.bindMemory(to: UInt8.self)) }
                    w.endField()
                    e.metadata.withUnsafeBytes { w.field(utf8: $0.bindMemory(to: UInt8.self)) }
                    w.endField()
                    w.field(timestamp: e.occurredAt)
                    try w.endRow()
                }
            }
            let versions = next
            if let commandID = plan.request.commandID {
                try c.prepared(
                    "es_command_done", "UPDATE command_log SET positions = $2::bigint[], stream_versions = $3::jsonb WHERE command_id = $1::uuid",
                    [commandID, "{" + positions.map(String.init).joined(separator: ",") + "}", jsonObject(versions)])
            }
            return .appended(AppendReceipt(positions: positions, streamVersions: versions))
        }
    }

    /// Maps a refusal by the database to a conflict, an idempotent duplicate, or a precise error.
    /// Returns nil when the append lost a harmless race and should simply be tried again.
    func recover(from error: PGError, plan: AppendPlan) async throws -> AppendResult? {
        let isVersionRefusal = error.sqlState == "CL409" || (error.sqlState == "23505" && Self.isStreamVersionKey(error.constraint))
        if isVersionRefusal, let replay = try await storedCopy(of: plan) {
            // A retry of a batch that already committed (e.g. after a timeout) meets its own events.
            return replay
        }
        if error.isMissingPartition {
            // The log outran its partitions (they are made one partition ahead): make the next ones and retry.
            try await ensurePartitions()
            return nil
        }
        switch (error.sqlState, error.constraint) {
        case ("23505", "command_log_pkey"):
            // The single-event path met a command that committed first (it waited for it on this key).
            guard let commandID = plan.request.commandID, let prior = try await commandResult(commandID) else { return nil }
            return .alreadyAppended(prior)
        case ("CL409", _):
            let detail = (error.detail.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]) ?? [:]
            let stream = detail["stream"] as? String ?? plan.streams[0]
            let actual = (detail["actual"] as? NSNumber)?.int64Value ?? 0
            return .conflict(StreamConflict(streamID: stream, expected: plan.request.expectations[stream] ?? .any, actualVersion: actual))
        case ("23505", let constraint) where Self.isStreamVersionKey(constraint):
            // A concurrent writer created or advanced one of our streams first.
            for (i, s) in plan.streams.enumerated() where plan.expected[i] != .any {
                let actual = try await streamVersion(s)
                let code = plan.expected[i].sqlCode
                if (code >= 0 && actual != code) || (code == -2 && actual == 0) {
                    return .conflict(StreamConflict(streamID: s, expected: plan.expected[i], actualVersion: actual))
                }
            }
            return nil
        case ("23505", "events_event_id_key"):
            return try await resolveReusedEventIDs(plan)
        case ("22P02", _), ("23514", "events_payload_is_object"), ("23514", "events_metadata_is_object"):
            if let invalid = plan.firstInvalidJSON() { throw invalid }
            throw error
        case ("CL403", _):
            throw EventStoreError.immutable(error.message)
        case ("40P01", _):
            // A deadlock rolled the whole append back (it can meet a commit group, which locks the heads that
            // exist before it creates the new ones): send it again, the same command id and event ids.
            return nil
        default:
            throw error
        }
    }

    /// The stream head's key, or one partition's unique (stream_id, stream_version) index
    /// (`events_p…_stream_version_key`): another writer took the version first.
    static func isStreamVersionKey(_ constraint: String?) -> Bool {
        guard let constraint else { return false }
        return constraint == "streams_pkey" || (constraint.hasPrefix("events_") && constraint.hasSuffix("_stream_version_key"))
    }

    /// Creates the partitions the next positions need (`ensure_event_partitions`, migration 0003).
    func ensurePartitions() async throws {
        try await pool.withConnection { c in _ = try c.query("SELECT ensure_event_partitions()") }
    }

    /// An event id of the batch already exists. If every event of the batch is stored with identical
    /// content, the batch was appended before: return the stored positions. Anything else is an error.
    private func resolveReusedEventIDs(_ plan: AppendPlan) async throws -> AppendResult {
        if let replay = try await storedCopy(of: plan) { return replay }
        throw EventStoreError.eventIDReused(try await firstReusedID(plan) ?? plan.request.events[0].eventID)
    }

    /// The stored receipt when every event of the batch is already stored with identical content; nil when
    /// none is stored. Throws `eventIDReused` when some ids are stored with other content or only part of
    /// the batch is stored.
    func storedCopy(of plan: AppendPlan) async throws -> AppendResult? {
        let stored = try await storedEvents(plan)
        if stored.isEmpty { return nil }
        let events = plan.request.events
        for e in events {
            guard let s = stored[e.eventID], s.3 else {
                throw EventStoreError.eventIDReused(stored.first(where: { !$0.value.3 })?.key ?? e.eventID)
            }
        }
        var versions: [String: Int64] = [:]
        for e in events { versions[e.streamID] = max(versions[e.streamID] ?? 0, stored[e.eventID]!.2) }
        return .alreadyAppended(AppendReceipt(positions: events.map { stored[$0.eventID]!.0 }, streamVersions: versions))
    }

    private func firstReusedID(_ plan: AppendPlan) async throws -> UUID? {
        let stored = try await storedEvents(plan)
        return plan.request.events.first(where: { stored[$0.eventID].map { !$0.3 } ?? false })?.eventID
    }

    /// For each event id of the batch that is stored: position, stream, version, and whether the stored
    /// content is identical to the batch's.
    private func storedEvents(_ plan: AppendPlan) async throws -> [UUID: (Int64, String, Int64, Bool)] {
        let columns = EventColumns(plan.request.events)
        let stored: [UUID: (Int64, String, Int64, Bool)] = try await pool.withConnection { c in
            let r = try c.query(
                """
                SELECT e.event_id::text, e.global_position, e.stream_id, e.stream_version,
                       (e.payload::jsonb = b.pl::jsonb AND e.metadata::jsonb = b.md::jsonb AND e.event_type = b.typ AND e.stream_id = b.sid)
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS b(eid, pl, md, typ, sid)
                JOIN event_ids i ON i.event_id = b.eid
                JOIN events e ON e.global_position = i.global_position
                """,
                [columns.ids, columns.payloads, columns.metadata, columns.types, columns.streams])
            var out: [UUID: (Int64, String, Int64, Bool)] = [:]
            for row in 0..<r.rowCount {
                out[r.uuid(row, 0)!] = (r.int64(row, 1)!, r.string(row, 2)!, r.int64(row, 3)!, r.bool(row, 4)!)
            }
            return out
        }
        return stored
    }
}

/// A receipt as the append paths read it back: positions (`bigint[]` as text) in column 0, stream
/// versions (`jsonb` as text) in column 1, of the first row.
func storedReceipt(_ r: PGResult) -> AppendReceipt {
    AppendReceipt(positions: parseBigintArray(r.string(0, 0) ?? "{}"), streamVersions: parseVersions(r.string(0, 1) ?? "{}"))
}

/// Parses a PostgreSQL bigint array literal (`{1,2,3}`).
func parseBigintArray(_ text: String) -> [Int64] {
    text.utf8.split(whereSeparator: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: ",") })
        .compactMap { Int64(String(decoding: $0, as: UTF8.self)) }
}

func parseVersions(_ json: String) -> [String: Int64] {
    guard let obj = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
    return obj.compactMapValues { ($0 as? NSNumber)?.int64Value }
}

func jsonObject(_ versions: [String: Int64]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: versions, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

// The event log's schema (migration 0003) belongs here, not in the PostgreSQL client.
extension PGError {
    /// True when a row of the event log has no partition to go to: it met the default partition's refusal
    /// (`events_no_partition`, migration 0003), or, on a log without one, 23514 "no partition of relation".
    /// Also the row routed to the default partition just as a new partition was attached beside it (the
    /// default's partition constraint changed under the insert): sent again, it goes to the new partition.
    var isMissingPartition: Bool {
        guard sqlState == "23514" else { return false }
        if constraint == "events_no_partition" { return true }
        return constraint == nil && (message.hasPrefix("no partition of relation") || message.contains("\"events_default\""))
    }
}
