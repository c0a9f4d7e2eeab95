import CatalystApp
import CatalystTestKit
import EventStore
import Foundation
import Logging
import PostgresClient
import Testing

/// Archives plus the live table read as one log: exactly the table's events, in reader order, with no
/// gap or duplicate at any boundary.
@Suite struct ContinuousLogTests {
    @Test func oneArchivePlusTheTableIsExactlyTheTable() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db)
        try await seal(db)
        let dir = temporaryDirectory()
        let m = try await export(db, to: dir, perSegment: 50).manifest
        // More events arrive after the export, some of them unsealed.
        try await seedLog(db, writers: 3, appendsPerWriter: 10, tag: "-later")
        try await waitUntilReadable(db)

        let store = db.eventStore()
        let table = try await readWholeTable(store)
        var combined: [RecordedEvent] = []
        for try await event in try await ContinuousLog.open(archives: [dir], store: store, pageSize: 33) { combined.append(event) }

        #expect(combined.count == table.count)
        let identical = combined == table  // every field, including the original tx ids and exact timestamps
        #expect(identical)
        let boundary = table.firstIndex { $0.cursor == m.lastCursor.logCursor }!
        #expect(boundary == Int(m.eventCount) - 1)
        #expect(table.count > Int(m.eventCount))
        #expect(Set(combined.map(\.eventID)).count == combined.count)
        #expect(zip(combined, combined.dropFirst()).allSatisfy { $0.cursor < $1.cursor })
    }

    @Test func twoArchivesInARowPlusTheTable() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 2, appendsPerWriter: 8)
        try await seal(db)
        let first = temporaryDirectory("first")
        let a = try await export(db, to: first, perSegment: 40).manifest

        try await seedLog(db, writers: 2, appendsPerWriter: 8, tag: "-b")
        try await seal(db)
        let second = temporaryDirectory("second")
        let b = try await export(db, to: second, perSegment: 40, after: first).manifest
        #expect(b.firstSeq == a.lastSeq + 1 && b.chainStartHash == a.chainEndHash)
        #expect(ArchiveVerifier.verify(directory: second).verified != nil)

        try await seedLog(db, writers: 2, appendsPerWriter: 5, tag: "-c")
        try await waitUntilReadable(db)
        let store = db.eventStore()
        let table = try await readWholeTable(store)
        var iterator = try await ContinuousLog.open(archives: [first, second], store: store).makeAsyncIterator()
        var combined: [RecordedEvent] = []
        while let batch = try await iterator.nextBatch() { combined += batch }
        #expect(combined.count == table.count)
        let identical = combined == table
        #expect(identical)

        // Out of order, or without the first, they do not make one log.
        await #expect(throws: ArchiveError.self) { _ = try await ContinuousLog.open(archives: [second, first], store: store) }
        await #expect(throws: ArchiveError.self) { _ = try await ContinuousLog.open(archives: [second], store: store) }

        // Both archives restore into one fresh store that reproduces the chain up to the second's end.
        let restored = try await TestDatabase.create()
        let r = try await ArchiveRestore.run(directories: [first, second], conninfo: restored.conninfo, files: projectFiles, logger: Logger(label: "t"))
        #expect(r.verifiedHead.seq == b.lastSeq && r.verifiedHead.hash == b.chainEndHash)
    }

    @Test func anotherStoreIsRefused() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 1, appendsPerWriter: 4)
        try await seal(db)
        let dir = temporaryDirectory()
        _ = try await export(db, to: dir)

        // A restored copy holds the same events but is another store: its cursors differ.
        let restored = try await TestDatabase.create()
        try await giveOwnIdentity(restored)
        _ = try await ArchiveRestore.run(directories: [dir], conninfo: restored.conninfo, files: projectFiles, logger: Logger(label: "t"))
        let error = await #expect(throws: ArchiveError.self) {
            _ = try await ContinuousLog.open(archives: [dir], store: restored.eventStore())
        }
        #expect("\(error!)".contains("belongs to store"))

        // Even with the same store id (a database cloned from another), the boundary event must be there
        // at the archived cursor.
        let clone = try await TestDatabase.create()
        _ = try await ArchiveRestore.run(directories: [dir], conninfo: clone.conninfo, files: projectFiles, logger: Logger(label: "t"))
        #expect(try await clone.eventStore().identity().storeID == (try await db.eventStore().identity().storeID))
        let boundary = await #expect(throws: ArchiveError.self) {
            _ = try await ContinuousLog.open(archives: [dir], store: clone.eventStore())
        }
        #expect("\(boundary!)".contains("does not hold the archive's last event"))
    }
}
