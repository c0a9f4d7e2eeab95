import CatalystTestKit
import Foundation
import PostgresClient
import Testing

@testable import EventStore

/// The disk under the ledger fills up for real: the database lives in a tablespace on a small tmpfs,
/// and a filler file takes the rest of it. PostgreSQL then refuses to extend a table or an index with
/// SQLSTATE 53100 (`could not extend file …: No space left on device`) and rolls the transaction back;
/// the server stays up. Appends fail with that error on both append paths, nothing is half-written,
/// reads keep working, and appends resume once there is room.
///
/// (WAL on a full volume is different: the server PANICs and will not start again until space is
/// freed; that is the database being down, covered by `DatabaseCrashTests`' reconnects.)
@Suite(.serialized, .enabled(if: SmallDisk.unavailable == nil, "needs root to mount a tmpfs"))
struct DiskFullTests {
    @Test func appendsFailWithDiskFullNothingIsHalfWrittenReadsContinueAndAppendsResume() async throws {
        let disk = try await SmallDisk.mount(megabytes: 48, on: TestCluster.shared())
        do {
            try await drill(disk)
            await disk.tearDown()
        } catch {
            await disk.tearDown()
            throw error
        }
    }

    func drill(_ disk: SmallDisk) async throws {
        let db = try await disk.createDatabase()
        let store = db.eventStore(connections: 1)
        #expect(try await store.append(to: "full-1", expected: .noStream, events: Fixture.events(stream: "full-1", count: 2)).isAppended)

        try disk.fill()
        #expect(disk.bytesFree < 64 * 1024, "the volume is full: \(disk.bytesFree) bytes free")

        // One event per transaction (the append function): the pages' last free room takes a few more,
        // then the table or an index must grow, and cannot.
        var version = 2
        var refused: PGError?
        for _ in 0..<20_000 {
            do {
                _ = try await store.append(to: "full-1", expected: .exact(Int64(version)), events: Fixture.events(stream: "full-1", count: 1))
                version += 1
            } catch let e as PGError {
                refused = e
                break
            }
        }
        let error = try #require(refused, "an append must fail on a full disk")
        #expect(error.sqlState == "53100", "disk_full, got \(error)")
        #expect(error.message.contains("No space left on device"), "\(error)")
        #expect(error.isServerCannotWrite && !error.isConnectionLoss)

        // A batch (the COPY path) is refused the same way, whole.
        let batch = await #expect(throws: PGError.self) {
            _ = try await store.append(to: "full-1", expected: .exact(Int64(version)), events: Fixture.events(stream: "full-1", count: 40))
        }
        #expect(batch?.sqlState == "53100", "\(String(describing: batch))")

        // Nothing half-written: exactly the acknowledged appends, versions without a gap; reads work.
        #expect(try await store.readStream("full-1").map(\.streamVersion) == Array(1...Int64(version)))
        // The whole-log read lags behind other tests' transactions in flight on the shared cluster: wait it out.
        var all = try await store.readAll(after: .start, limit: 100_000)
        for _ in 0..<300 where all.count < version {
            try await Task.sleep(for: .milliseconds(100))
            all = try await store.readAll(after: .start, limit: 100_000)
        }
        #expect(all.count == version)
        #expect(try await store.streamVersion("full-1") == Int64(version))
        let fresh = db.eventStore(connections: 1)  // a new connection reads too
        #expect(try await fresh.readStream("full-1").count == version)

        // Room again: both paths append, continuing the same stream.
        try disk.free()
        #expect(try await store.append(to: "full-1", expected: .exact(Int64(version)), events: Fixture.events(stream: "full-1", count: 40)).isAppended)
        #expect(try await store.append(to: "full-1", expected: .exact(Int64(version + 40)), events: Fixture.events(stream: "full-1", count: 1)).isAppended)
        #expect(try await store.readStream("full-1").map(\.streamVersion) == Array(1...Int64(version + 41)))
        print("[disk full] \(version - 2) single-event appends fit after the fill; then SQLSTATE \(error.sqlState ?? "?"): \(error.message)")
    }
}
