import CatalystTestKit
import EmbeddedPostgres
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
/// A full WAL volume is different (second test): PostgreSQL PANICs and the server goes down.
@Suite(.serialized, .enabled(if: SmallDisk.unavailable == nil, "needs root to mount a tmpfs"))
struct DiskFullTests {
    @Test func appendsFailWithDiskFullNothingIsHalfWrittenReadsContinueAndAppendsResume() async throws {
        // A server of its own: a full tablespace also fails other sessions that evict its dirty pages.
        let cluster = try await TestCluster.dedicated("diskfull")
        let disk = try await SmallDisk.mount(megabytes: 48, on: cluster)
        do {
            try await drill(disk)
        } catch {
            Issue.record(error)
        }
        await disk.tearDown()
        await TestCluster.discard(cluster)
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

    /// The WAL volume fills up (a dedicated cluster whose `pg_wal` is a small tmpfs). PostgreSQL cannot
    /// write WAL, which it treats as fatal: the writing backend PANICs, every session is cut, and crash
    /// recovery — which must write WAL too — fails, so the server shuts down. What we can promise, and
    /// check: the append fails with a clear connection error (never a half-written batch), reads fail
    /// clearly while the server is down, and once space is freed and the server started again every
    /// acknowledged event is there and appends resume.
    @Test func aFullWALVolumeTakesTheServerDownAndNothingAcknowledgedIsLost() async throws {
        let home = URL(fileURLWithPath: "/tmp/catalyst-walfull-\(getpid())")
        try? FileManager.default.removeItem(at: home)
        let cluster = try EmbeddedCluster(home: home, database: "ledger", maxConnections: 20)
        let wal = home.appendingPathComponent("wal")
        do {
            try await walDrill(cluster, wal: wal)
        } catch {
            Issue.record(error)
        }
        try? await cluster.stop(immediate: true)
        SmallDisk.unmountVolume(wal)
        try? FileManager.default.removeItem(at: home)
    }

    func walDrill(_ cluster: EmbeddedCluster, wal: URL) async throws {
        try await cluster.start()
        try await PGSession(conninfo: cluster.conninfo(database: "ledger")).withConnection { c -> Void in
            _ = try Migrator(directory: TestCluster.migrationsDirectory).apply(on: c)
        }
        try await cluster.stop()
        // pg_wal onto a 48 MB volume; no recycling of old segments, so a new segment needs new space.
        let data = cluster.dataDirectory.path
        try SmallDisk.mountVolume(wal, megabytes: 48)
        try SmallDisk.shell(
            "cp -a '\(data)/pg_wal/.' '\(wal.path)/' && rm -rf '\(data)/pg_wal' && ln -s '\(wal.path)' '\(data)/pg_wal' && chown -h --reference='\(data)' '\(data)/pg_wal' && echo 'wal_recycle = off' >> '\(data)/postgresql.conf'")
        try await cluster.start()

        let store = PostgresEventStore(conninfo: cluster.conninfo(database: "ledger"), connections: 1)
        #expect(try await store.append(to: "wal-1", expected: .noStream, events: Fixture.events(stream: "wal-1", count: 100)).isAppended)

        try SmallDisk.fillVolume(wal)
        // Appends go on until a new WAL segment is needed, which the full volume refuses.
        var acknowledged = 100
        var failure: PGError?
        for _ in 0..<600 {
            do {
                _ = try await store.append(to: "wal-1", expected: .exact(Int64(acknowledged)), events: Fixture.events(stream: "wal-1", count: 200))
                acknowledged += 200
            } catch let e as PGError {
                failure = e
                break
            }
        }
        let error = try #require(failure, "appends must fail once the WAL volume is full")
        #expect(error.isConnectionLoss || error.sqlState == "53100", "a clear error: \(error)")
        let log = (try? String(contentsOf: cluster.logFile, encoding: .utf8)) ?? ""
        #expect(log.contains("No space left on device"), "the server log names the cause")

        // The server goes down (crash recovery cannot write WAL either); reads fail clearly meanwhile.
        var down = false
        for _ in 0..<300 {
            if try await cluster.status() != .running { down = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(down, "PostgreSQL 15 shuts down when crash recovery cannot write WAL")
        let read = await #expect(throws: PGError.self) { _ = try await PostgresEventStore(conninfo: cluster.conninfo(database: "ledger"), connections: 1).readStream("wal-1") }
        #expect(read?.isConnectionLoss == true, "\(String(describing: read))")
        print("[wal full] \(acknowledged) events acknowledged; the append then failed: \(error); server \(down ? "shut down" : "stayed up")")

        // Space freed, server started: crash recovery replays the WAL; every acknowledged event is there.
        try FileManager.default.removeItem(at: wal.appendingPathComponent("filler"))
        try await cluster.start()
        let after = PostgresEventStore(conninfo: cluster.conninfo(database: "ledger"), connections: 1)
        #expect(try await after.readStream("wal-1").map(\.streamVersion) == Array(1...Int64(acknowledged)))
        #expect(try await after.append(to: "wal-1", expected: .exact(Int64(acknowledged)), events: Fixture.events(stream: "wal-1", count: 40)).isAppended)
        #expect(try await after.streamVersion("wal-1") == Int64(acknowledged + 40))
    }
}
