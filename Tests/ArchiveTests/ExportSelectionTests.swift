import CatalystTestKit
import EventStore
import Foundation
import PostgresClient
import Testing

/// Which events an export takes: sealed, recorded before New York midnight of the given date, as a
/// prefix of the audit sequence; and what it refuses.
@Suite struct ExportSelectionTests {
    /// Inserts one event per transaction with an explicit `recorded_at` (as a restore or a clock skew
    /// would), in the given order, so reader order is the order of this list.
    func insert(_ db: TestDatabase, recordedAt times: [String], stream: String = "cut") async throws {
        try await db.session().withConnection { c -> Void in
            for t in times {
                let next = (try c.query("SELECT coalesce(max(stream_version), 0) + 1 FROM events WHERE stream_id = $1", [stream]).int64(0, 0)) ?? 1
                try c.query(
                    """
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at, recorded_at)
                    VALUES ($1, $2, $3::uuid, 'test.cut', 1, $4::jsonb, '{}', $5::timestamptz, $5::timestamptz)
                    """, [stream, next, UUID(), #"{"at":"\#(t)"}"#, t])
            }
        }
    }

    @Test func theCutoffIsNewYorkMidnightAndTheArchiveIsASealedPrefix() async throws {
        let db = try await TestDatabase.create()
        // 2026-01-06 00:00 in New York (EST) is 05:00 UTC.
        try await insert(db, recordedAt: ["2026-01-05T12:00:00Z", "2026-01-06T04:59:59.999999Z", "2026-01-06T05:00:00Z", "2026-01-05T13:00:00Z"])
        try await seal(db)
        try await insert(db, recordedAt: ["2026-01-04T09:00:00Z"])  // older, but not sealed yet

        let dir = temporaryDirectory()
        // A read-only role is enough: the export never writes.
        let report = try await db.session(role: "catalyst_auditor").withConnection { c in
            try ArchiveExporter.export(ArchiveExporter.Options(before: "2026-01-06", directory: dir), on: c)
        }
        let m = report.manifest
        #expect(m.cutoff == "2026-01-06T05:00:00.000000Z")
        #expect(m.eventCount == 2 && m.firstSeq == 1 && m.lastSeq == 2)
        #expect(report.deferredBeforeCutoff == 1)  // the 13:00 event comes after a newer one in reader order
        #expect(report.unsealedBeforeCutoff == 1)
        let seal2 = try await rows(db, "SELECT hash FROM audit_chain WHERE seq = 2")
        #expect(m.chainEndHash == seal2[0][0])
        #expect(ArchiveVerifier.verify(directory: dir).verified?.eventsChecked == 2)

        // In July New York is on daylight time: midnight is 04:00 UTC.
        let july = try await db.session().withConnection { c in
            try c.query(#"SELECT to_char(('2026-07-02'::date::timestamp AT TIME ZONE 'America/New_York') AT TIME ZONE 'UTC', 'HH24:MI')"#).string(0, 0)
        }
        #expect(july == "04:00")
    }

    @Test func refusals() async throws {
        let db = try await TestDatabase.create()
        try await insert(db, recordedAt: ["2026-01-05T12:00:00Z", "2026-01-06T12:00:00Z"])
        try await seal(db)

        let nothing = await #expect(throws: ArchiveError.self) { _ = try await export(db, to: temporaryDirectory(), before: "2026-01-05") }
        #expect(nothing.map { "\($0)" }?.contains("nothing to export") == true)
        await #expect(throws: ArchiveError.self) { _ = try await export(db, to: temporaryDirectory(), before: "2026-02-30") }
        await #expect(throws: ArchiveError.self) { _ = try await export(db, to: temporaryDirectory(), before: "06/01/2026") }

        let used = temporaryDirectory()
        try FileManager.default.createDirectory(at: used, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: used.appendingPathComponent("keep.txt"))
        let notEmpty = await #expect(throws: ArchiveError.self) { _ = try await export(db, to: used, before: "2026-01-07") }
        #expect("\(notEmpty!)".contains("not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: used.path) == ["keep.txt"])
    }

    /// An archive is only made of history that still matches its seal.
    @Test func tamperedHistoryIsNotArchived() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 2, appendsPerWriter: 6)
        try await seal(db)
        let victim = try await rows(db, "SELECT seq::text, global_position::text FROM audit_chain WHERE seq = 17")[0]
        try await tamper(db, position: Int64(victim[1])!)
        let dir = temporaryDirectory()
        let error = await #expect(throws: ArchiveError.self) { _ = try await export(db, to: dir) }
        #expect(error?.seq == 17)
        #expect("\(error!)".contains("no longer matches its seal"))
        // Nothing half-written is left behind.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).isEmpty)
    }
}
