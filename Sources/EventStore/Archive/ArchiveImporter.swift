import Foundation
import PostgresClient

/// Restores archives into an empty store: the events, the identity sequence and the stream heads.
/// (Rebuilding the projections afterwards is the application's job: `ArchiveRestore` in CatalystApp.)
///
/// Reader order is `(tx_id, global_position)` and `tx_id` is the importing transaction, so each original
/// transaction (a run of consecutive events, in seq order, sharing the archived `tx_id`) is inserted in a
/// transaction of its own, in order, with its original `global_position`. New transaction ids grow in the
/// same order as the originals, so the restored log reads in exactly the archived order, and the seal
/// rebuilt over it reproduces the archived chain hash for hash. Thousands of small transactions are sent
/// as BEGIN/INSERT/COMMIT statements in libpq pipelines, with `synchronous_commit = off` until the final
/// transaction (whose synchronous commit makes everything before it durable too).
public enum ArchiveImporter {
    public struct Report: Sendable {
        public var events: Int64
        public var transactions: Int64
        public var streams: Int64
        public var firstSeq: Int64
        public var lastSeq: Int64
        /// The chain hash at the last imported seq; `catalyst audit verify` must print it once sealed.
        public var chainEndHash: String
        /// Wall time in total, and of the verification pass that precedes any write.
        public var seconds: Double
        public var verifySeconds: Double
    }

    /// Pipelines are flushed after this many statements or bytes of parameters.
    static let pipelineStatements = 3_000
    static let pipelineBytes = 8 << 20
    /// Events per INSERT statement inside one large original transaction.
    static let rowsPerInsert = 1_000

    public static func importEvents(from directories: [URL], on c: PGConnection, progress: ((Int64) -> Void)? = nil) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        let manifests = try ArchiveSet.load(directories)
        for dir in directories {
            if case .broken(let e) = ArchiveVerifier.verify(directory: dir) { throw e }
        }
        let verifySeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        try requireEmpty(c)
        try c.execute("SET synchronous_commit = off")
        defer { _ = try? c.execute("SET synchronous_commit = on") }

        var batch = PipelineBatch()
        var group: [RecordedEvent] = []
        var events: Int64 = 0
        var transactions: Int64 = 0
        // Every position needs its partition before its row is sent (the log is partitioned by position).
        var covered = try c.query("SELECT coalesce(max(end_position), 0) FROM event_partitions").int64(0, 0) ?? 0
        func flushGroup() throws {
            guard !group.isEmpty else { return }
            if let top = group.map(\.position).max(), top >= covered {
                try batch.send(on: c)
                covered = try c.query(
                    "SELECT make_event_partitions($1::bigint), (SELECT max(end_position) FROM event_partitions)", [String(top)]
                ).int64(0, 1) ?? covered
            }
            batch.addTransaction(group)
            transactions += 1
            group.removeAll(keepingCapacity: true)
            if batch.statements.count >= pipelineStatements || batch.bytes >= pipelineBytes {
                try batch.send(on: c)
                progress?(events)
            }
        }
        do {
            for dir in directories {
                // Verified above; the import needs the events, not the stored hashes.
                let reader = try ArchiveReader(directory: dir, decodeHashes: false)
                while let decoded = try reader.nextEvents() {
                    for e in decoded {
                        if let first = group.first, first.transactionID != e.transactionID { try flushGroup() }
                        group.append(e)
                        events += 1
                    }
                }
            }
            try flushGroup()
            try batch.send(on: c)
        } catch {
            if c.isHealthy { _ = try? c.execute("ROLLBACK") }
            let stored = (try? c.query("SELECT count(*) FROM events").int64(0, 0)) ?? nil
            throw ArchiveError.refused(
                "import failed after \(stored.map(String.init) ?? "an unknown number of") events: \(error); "
                    + "this database now holds a partial import: drop it and import into a fresh one")
        }

        let streams = try c.transaction { () throws -> Int64 in
            try c.execute("SET LOCAL synchronous_commit = on")
            // Appends draw positions from the identity sequence: continue after the restored ones.
            try c.execute("SELECT setval(pg_get_serial_sequence('events', 'global_position'), (SELECT max(global_position) FROM events))")
            let heads = try c.execute(
                """
                INSERT INTO streams (stream_id, version, created_at, updated_at)
                SELECT stream_id, max(stream_version), min(recorded_at), max(recorded_at) FROM events GROUP BY stream_id
                """)
            let total = try c.query("SELECT count(*) FROM events").int64(0, 0) ?? 0
            guard total == events else {
                throw ArchiveError.refused("the store holds \(total) events after importing \(events): another writer used it during the import")
            }
            return Int64(heads.affectedRows)
        }
        progress?(events)
        return Report(
            events: events, transactions: transactions, streams: streams, firstSeq: manifests.first!.firstSeq, lastSeq: manifests.last!.lastSeq,
            chainEndHash: manifests.last!.chainEndHash, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
            verifySeconds: verifySeconds)
    }

    private static func requireEmpty(_ c: PGConnection) throws {
        let r = try c.query("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM streams), (SELECT count(*) FROM command_log)")
        let (e, s, k) = (r.int64(0, 0) ?? 0, r.int64(0, 1) ?? 0, r.int64(0, 2) ?? 0)
        guard e == 0, s == 0, k == 0 else {
            throw ArchiveError.refused(
                "refusing to import: the store is not empty (\(e) events, \(s) streams, \(k) commands); import restores only into a freshly migrated, empty database")
        }
    }
}

/// The statements of many small transactions, sent together in one pipeline.
struct PipelineBatch {
    private(set) var statements: [PGStatement] = []
    private(set) var bytes = 0

    static let insertOne = """
        INSERT INTO events (global_position, stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at, recorded_at)
        VALUES ($1, $2, $3, $4::uuid, $5, $6, $7::json, $8::json, $9::timestamptz, $10::timestamptz)
        """
    static let insertMany = """
        INSERT INTO events (global_position, stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at, recorded_at)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::integer[], $7::json[], $8::json[],
                             $9::timestamptz[], $10::timestamptz[])
        """

    mutating func addTransaction(_ group: [RecordedEvent]) {
        statements.append(PGStatement("BEGIN"))
        if group.count == 1 {
            let e = group[0]
            let params: [any PGBindable] = [
                e.position, e.streamID, e.streamVersion, e.eventID, e.eventType, e.schemaVersion,
                String(decoding: e.payload, as: UTF8.self), String(decoding: e.metadata, as: UTF8.self),
                ArchiveTimestamp.text(micros: e.occurredAtMicros)!, ArchiveTimestamp.text(micros: e.recordedAtMicros)!,
            ]
            statements.append(PGStatement(Self.insertOne, params, preparedName: "archive_import_one"))
            bytes += e.payload.count + e.metadata.count + 200
        } else {
            var start = 0
            while start < group.count {
                let slice = group[start..<min(start + ArchiveImporter.rowsPerInsert, group.count)]
                statements.append(PGStatement(Self.insertMany, Self.arrays(slice), preparedName: "archive_import_many"))
                bytes += slice.reduce(0) { $0 + $1.payload.count + $1.metadata.count + 200 }
                start += ArchiveImporter.rowsPerInsert
            }
        }
        statements.append(PGStatement("COMMIT"))
    }

    mutating func send(on c: PGConnection) throws {
        guard !statements.isEmpty else { return }
        try c.pipeline(statements)
        statements.removeAll(keepingCapacity: true)
        bytes = 0
    }

    private static func arrays(_ events: ArraySlice<RecordedEvent>) -> [any PGBindable] {
        var pos = PGArrayLiteral(), sids = PGArrayLiteral(), vers = PGArrayLiteral(), ids = PGArrayLiteral(), types = PGArrayLiteral()
        var schemas = PGArrayLiteral(), payloads = PGArrayLiteral(), metas = PGArrayLiteral(), occ = PGArrayLiteral(), rec = PGArrayLiteral()
        for e in events {
            pos.append(e.position)
            sids.append(e.streamID)
            vers.append(e.streamVersion)
            ids.append(e.eventID.uuidString)
            types.append(e.eventType)
            schemas.append(Int64(e.schemaVersion))
            e.payload.withUnsafeBytes { payloads.append(utf8: $0.bindMemory(to: UInt8.self)) }
            e.metadata.withUnsafeBytes { metas.append(utf8: $0.bindMemory(to: UInt8.self)) }
            occ.append(ArchiveTimestamp.text(micros: e.occurredAtMicros))
            rec.append(ArchiveTimestamp.text(micros: e.recordedAtMicros))
        }
        return [pos, sids, vers, ids, types, schemas, payloads, metas, occ, rec].map { $0.finished() }
    }
}
