import CatalystApp
import CatalystTestKit
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections
import Testing

/// Export → verify → import into a fresh database: the restored store is the same log, byte for byte and
/// in the same reader order, and its rebuilt seal reproduces the original chain.
@Suite struct ArchiveRoundTripTests {
    @Test func exportVerifyImportReproducesTheLogAndItsProjections() async throws {
        let original = try await TestDatabase.create()
        try await seedLog(original)
        try await seal(original)
        guard case .ok(let head, let checked, _) = try await verifyChain(original) else {
            Issue.record("the original chain must verify")
            return
        }

        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try await export(original, to: dir, perSegment: 97)
        let m = report.manifest
        #expect(m.eventCount == checked)
        #expect(m.firstSeq == 1 && m.lastSeq == head.seq)
        #expect(m.chainEndHash == head.hash)
        #expect(m.segments.count == Int((checked + 96) / 97))
        #expect(m.transactionCount > 1 && m.transactionCount < m.eventCount)
        let store = original.eventStore()
        #expect(m.storeID == (try await store.identity()).storeID)
        let table = try await readWholeTable(store)
        // The log has transactions whose reader order is not position order (so the test below can tell a
        // faithful restore from one that merges transactions).
        #expect(zip(table, table.dropFirst()).contains { $0.position > $1.position })
        #expect(m.firstCursor == ArchiveCursor(table.first!.cursor))
        #expect(m.lastCursor == ArchiveCursor(table.last!.cursor))
        #expect(report.unsealedBeforeCutoff == 0 && report.deferredBeforeCutoff == 0)

        let verified = try #require(ArchiveVerifier.verify(directory: dir).verified)
        #expect(verified.eventsChecked == checked)

        let restored = try await TestDatabase.create()
        let result = try await ArchiveRestore.run(directories: [dir], conninfo: restored.conninfo, files: projectFiles, logger: Logger(label: "t"))
        #expect(result.imported.events == checked)
        #expect(result.imported.transactions == m.transactionCount)
        #expect(result.verifiedHead.hash == head.hash && result.verifiedHead.seq == head.seq)

        // `audit verify` on the restored store, independently of the import's own check.
        guard case .ok(let restoredHead, let restoredChecked, let unsealed) = try await verifyChain(restored) else {
            Issue.record("the restored chain must verify")
            return
        }
        #expect(restoredHead.hash == head.hash && restoredChecked == checked && unsealed == 0)

        // Every column byte-identical, in the same reader order.
        let before = try await tableRows(original)
        let after = try await tableRows(restored)
        #expect(before.count == Int(checked))
        #expect(before == after)
        // The reader API sees the same sequence too (only the transaction ids differ, by design).
        let restoredEvents = try await readWholeTable(restored.eventStore())
        #expect(restoredEvents.map(\.eventID) == table.map(\.eventID))
        #expect(zip(restoredEvents, table).allSatisfy { $0.payload == $1.payload && $0.metadata == $1.metadata && $0.recordedAtMicros == $1.recordedAtMicros })

        // The projection rebuilt from the import equals the original (the seal covers every event).
        let chainSQL = "SELECT seq::text, global_position::text, event_id::text, stream_id, hash FROM audit_chain ORDER BY seq"
        #expect(try await rows(original, chainSQL) == (try await rows(restored, chainSQL)))
        let streamsSQL = "SELECT stream_id, version::text FROM streams ORDER BY stream_id"
        #expect(try await rows(original, streamsSQL) == (try await rows(restored, streamsSQL)))

        // The restored store keeps working: a new append continues after the restored positions.
        let restoredStore = restored.eventStore()
        let maxPosition = table.map(\.position).max()!
        guard case .appended(let receipt) = try await restoredStore.append(to: "plain-after", expected: .noStream, events: [newEvent(stream: "plain-after", i: 1)]) else {
            Issue.record("append after import")
            return
        }
        #expect(receipt.positions[0] > maxPosition)
        guard case .conflict = try await restoredStore.append(to: "big", expected: .noStream, events: [newEvent(stream: "big", i: 2)]) else {
            Issue.record("stream heads must be restored: `big` exists")
            return
        }
    }

    @Test func importRefusesAStoreThatIsNotEmpty() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 1, appendsPerWriter: 3)
        try await seal(db)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await export(db, to: dir)
        let before = try await tableRows(db)
        let error = await #expect(throws: ArchiveError.self) {
            try await db.session().withConnection { c in try ArchiveImporter.importEvents(from: [dir], on: c) }
        }
        #expect("\(error!)".contains("not empty"))
        #expect(try await tableRows(db) == before)
    }

    @Test func importRefusesABrokenArchiveBeforeWritingAnything() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 2, appendsPerWriter: 5)
        try await seal(db)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await export(db, to: dir)
        try flipByte(in: dir.appendingPathComponent("segment-000001.jsonl.lz4"), at: 0.5)
        let target = try await TestDatabase.create()
        let error = await #expect(throws: ArchiveError.self) {
            try await target.session().withConnection { c in try ArchiveImporter.importEvents(from: [dir], on: c) }
        }
        #expect(error?.file == "segment-000001.jsonl.lz4")
        #expect(try await rows(target, "SELECT count(*)::text FROM events") == [["0"]])
    }
}

/// Flips every bit of the byte at `fraction` of the file's length.
func flipByte(in url: URL, at fraction: Double) throws {
    var data = try Data(contentsOf: url)
    let i = min(data.count - 1, Int(Double(data.count) * fraction))
    data[i] ^= 0xff
    try data.write(to: url)
}
