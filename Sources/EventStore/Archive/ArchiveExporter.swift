import Foundation
import PostgresClient

/// `catalyst archive export`: writes the sealed events recorded before a New York date into LZ4 segment
/// files plus a manifest.
///
/// The archive is a prefix of the audit sequence (or, with `previous`, the run right after an earlier
/// archive): seqs `start … N`, where N is the last seq before the first sealed event recorded on or after
/// the cutoff. Reader order and `recorded_at` order can differ (a long transaction), so sealed events
/// older than the cutoff that come after a newer one are left for the next archive and counted in the
/// report, as are events older than the cutoff that the seal has not reached yet.
///
/// It runs in one read-only REPEATABLE READ transaction (one snapshot, never a write to the log) and
/// re-links the hash chain over every exported event, so it refuses to archive history that no longer
/// matches its seal.
public enum ArchiveExporter {
    public struct Options: Sendable {
        /// `YYYY-MM-DD`: events recorded before this date's midnight in America/New_York.
        public var before: String
        public var directory: URL
        public var eventsPerSegment: Int
        /// Continue after this earlier archive of the same store instead of starting at seq 1.
        public var previous: URL?
        public var compressionLevel: Int32
        /// Told (events exported, events to export) every 10,000 events.
        public var progress: (@Sendable (Int64, Int64) -> Void)?

        public init(before: String, directory: URL, eventsPerSegment: Int = 100_000, previous: URL? = nil, compressionLevel: Int32 = 0) {
            self.before = before
            self.directory = directory
            self.eventsPerSegment = eventsPerSegment
            self.previous = previous
            self.compressionLevel = compressionLevel
        }
    }

    public struct Report: Sendable {
        public var manifest: ArchiveManifest
        /// Events recorded before the cutoff that the `audit_seal` projection has not sealed yet.
        public var unsealedBeforeCutoff: Int64
        /// Sealed events recorded before the cutoff that follow a newer event in reader order.
        public var deferredBeforeCutoff: Int64
        public var seconds: Double
    }

    public static func export(_ options: Options, on c: PGConnection) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        guard isValidDate(options.before) else {
            throw ArchiveError.refused("--before must be a calendar date YYYY-MM-DD, got \(options.before)")
        }
        guard options.eventsPerSegment >= 1 else { throw ArchiveError.refused("events per segment must be at least 1") }
        let previous = try options.previous.map { try ArchiveManifest.load(from: $0) }
        try prepareDirectory(options.directory)
        var written: [URL] = []
        do {
            let report = try c.transaction { () throws -> Report in
                try c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let plan = try ExportPlan.make(before: options.before, previous: previous, on: c)
                var sink = SegmentSink(
                    directory: options.directory, eventsPerSegment: options.eventsPerSegment, level: options.compressionLevel,
                    startHash: plan.startHash)
                defer { written = sink.files }
                try copyEvents(plan, into: &sink, on: c, progress: options.progress)
                let manifest = try sink.finish(plan: plan)
                return Report(
                    manifest: manifest, unsealedBeforeCutoff: plan.unsealedBeforeCutoff, deferredBeforeCutoff: plan.deferredBeforeCutoff,
                    seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            }
            try report.manifest.write(to: options.directory)
            return report
        } catch {
            // Leave no half-written archive behind: a directory holds a whole archive or nothing of ours
            // (it was empty when the export began).
            let manifests = [ArchiveManifest.fileName, ArchiveManifest.checksumFileName].map { options.directory.appendingPathComponent($0) }
            for url in written + manifests { try? FileManager.default.removeItem(at: url) }
            throw error
        }
    }

    /// Streams the planned seq range out of PostgreSQL with COPY and into the segments, checking density,
    /// reader order and every chain link on the way.
    private static func copyEvents(
        _ plan: ExportPlan, into sink: inout SegmentSink, on c: PGConnection, progress: (@Sendable (Int64, Int64) -> Void)? = nil
    ) throws {
        let ts = #"'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"#
        // The bounds are integers this code computed, not input; COPY takes no bind parameters.
        let sql = """
            COPY (SELECT a.seq, a.hash, e.global_position, e.tx_id, e.stream_id, e.stream_version, e.event_id, e.event_type,
                         e.schema_version, to_char(e.occurred_at AT TIME ZONE 'UTC', \(ts)), to_char(e.recorded_at AT TIME ZONE 'UTC', \(ts)),
                         e.payload::text, e.metadata::text
                  FROM audit_chain a JOIN events e ON e.global_position = a.global_position
                  WHERE a.seq BETWEEN \(plan.firstSeq) AND \(plan.lastSeq)
                  ORDER BY a.seq) TO STDOUT
            """
        var row = CopyTextRow()
        var expected = plan.firstSeq
        var previous = plan.startHash.bytes
        var lastCursor: LogCursor?
        try c.copyOut(sql) { raw in
            do {
                try row.parse(raw)
            } catch let e as ArchiveLineError {
                throw ArchiveError.corrupt(file: "events table", seq: expected, reason: e.reason)
            }
            let archived = try decode(row, expected: expected)
            guard archived.seq == expected else {
                throw ArchiveError.corrupt(file: "events table", seq: expected, reason: "the sealed event is missing from the log; run `catalyst audit verify`")
            }
            if let lastCursor, !(lastCursor < archived.event.cursor) {
                throw ArchiveError.corrupt(file: "events table", seq: expected, reason: "event is out of reader order; run `catalyst audit verify`")
            }
            let link = AuditChain.link(previous: previous, seq: archived.seq, event: archived.event)
            guard ChainHash(bytes: link) == archived.hash else {
                throw ArchiveError.corrupt(
                    file: "events table", seq: expected,
                    reason: "event at position \(archived.event.position) no longer matches its seal; run `catalyst audit verify`")
            }
            try sink.append(archived)
            previous = link
            lastCursor = archived.event.cursor
            expected += 1
            if let progress, (expected - plan.firstSeq) % 10_000 == 0 { progress(expected - plan.firstSeq, plan.lastSeq - plan.firstSeq + 1) }
        }
        guard expected == plan.lastSeq + 1 else {
            throw ArchiveError.corrupt(file: "events table", seq: expected, reason: "the sealed event is missing from the log; run `catalyst audit verify`")
        }
    }

    /// One COPY row (13 columns) as an archived event.
    private static func decode(_ row: CopyTextRow, expected: Int64) throws -> ArchivedEvent {
        guard row.count == 13 else { throw ArchiveError.corrupt(file: "events table", seq: expected, reason: "COPY row has \(row.count) columns") }
        return try row.bytes.withUnsafeBytes { buf throws -> ArchivedEvent in
            func field(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buf[row.ranges[i]]) }
            func text(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }
            func int(_ i: Int) -> Int64? { Int64(text(i)) }
            guard let seq = int(0), let hash = ChainHash(hexBytes: field(1)), let position = int(2), let tx = UInt64(text(3)),
                let version = int(5), let id = ArchiveLineDecoder.parseUUID(field(6)), let schema = int(8).map(Int.init),
                let occurred = ArchiveTimestamp.parse(field(9)), let recorded = ArchiveTimestamp.parse(field(10))
            else {
                throw ArchiveError.corrupt(file: "events table", seq: expected, reason: "a column cannot be archived (timestamp outside years 1…9999?)")
            }
            let payload = field(11), metadata = field(12)
            let event = RecordedEvent(
                position: position, transactionID: tx, streamID: text(4), streamVersion: version, eventID: id, eventType: text(7),
                schemaVersion: schema, payload: Data(copying: payload), metadata: Data(copying: metadata), occurredAtMicros: occurred, recordedAtMicros: recorded)
            return ArchivedEvent(seq: seq, hash: hash, event: event)
        }
    }

    private static func prepareDirectory(_ dir: URL) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dir.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ArchiveError.refused("\(dir.path) exists and is not a directory") }
            let entries = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            guard entries.isEmpty else { throw ArchiveError.refused("\(dir.path) is not empty; an archive goes into a new or empty directory") }
        } else {
            do {
                try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw ArchiveError.io(file: dir.path, reason: "cannot create the directory: \(error.localizedDescription)")
            }
        }
    }

    /// True for an existing calendar date written `YYYY-MM-DD`.
    static func isValidDate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return false }
        let digits = u.enumerated().filter { $0.offset != 4 && $0.offset != 7 }.map(\.element)
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        let n = { (a: Int, b: Int) in u[a..<b].reduce(0) { $0 * 10 + Int($1 - 48) } }
        let y = n(0, 4), m = n(5, 7), d = n(8, 10)
        guard y >= 1, (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }
}

extension Data {
    /// A copy of raw bytes (one memcpy, unlike the generic sequence initialiser).
    init(copying bytes: UnsafeRawBufferPointer) {
        self = bytes.isEmpty ? Data() : Data(bytes: bytes.baseAddress!, count: bytes.count)
    }
}
