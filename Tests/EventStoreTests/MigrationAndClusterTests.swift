import CatalystTestKit
import EmbeddedPostgres
import Foundation
import PostgresClient
import Testing

@testable import EventStore

@Suite struct MigrationTests {
    @Test func appliesInOrderAndRecordsChecksums() async throws {
        let db = try await TestDatabase.create(migrated: false)
        let migrator = try Migrator(directory: TestCluster.migrationsDirectory)
        let session = db.session()
        let before = try await session.withConnection { c in try migrator.status(on: c).pending.map(\.name) }
        #expect(before == migrator.migrations.map(\.name))
        let applied = try await session.withConnection { c in try migrator.apply(on: c) }
        #expect(applied == before)
        let again = try await session.withConnection { c in try migrator.apply(on: c) }
        #expect(again.isEmpty)
        try await session.withConnection { c in try migrator.requireUpToDate(on: c) }
    }

    @Test func changedChecksumIsRefusedNamingTheFile() async throws {
        let db = try await TestDatabase.create(migrated: false)
        let original = Migration(name: "0001_first.sql", sql: "CREATE TABLE t1 (a int);")
        let session = db.session()
        _ = try await session.withConnection { c in try Migrator(migrations: [original]).apply(on: c) }
        let edited = Migrator(migrations: [Migration(name: "0001_first.sql", sql: "CREATE TABLE t1 (a bigint);")])
        let error = await #expect(throws: MigrationError.self) { try await session.withConnection { c in try edited.apply(on: c) } }
        guard case .checksumMismatch(let name, _, _) = error else {
            Issue.record("expected checksumMismatch, got \(String(describing: error))")
            return
        }
        #expect(name == "0001_first.sql")
        #expect(error?.description.contains("0001_first.sql") == true)
    }

    @Test func pendingMigrationsBlockStartup() async throws {
        let db = try await TestDatabase.create()
        let withExtra = Migrator(
            migrations: try Migration.load(directory: TestCluster.migrationsDirectory) + [Migration(name: "9999_future.sql", sql: "SELECT 1;")])
        let error = await #expect(throws: MigrationError.self) { try await db.session().withConnection { c in try withExtra.requireUpToDate(on: c) } }
        #expect(error == .pending(["9999_future.sql"]))
        #expect(error?.description.contains("catalyst migrate") == true)
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let db = try await TestDatabase.create(migrated: false)
        let broken = Migrator(migrations: [Migration(name: "0001_broken.sql", sql: "CREATE TABLE ok1 (a int); SELECT no_such_function();")])
        await #expect(throws: PGError.self) { try await db.session().withConnection { c in try broken.apply(on: c) } }
        let exists = try await db.session().withConnection { c in try c.query("SELECT to_regclass('ok1') IS NOT NULL").bool(0, 0) }
        #expect(exists == false)
    }

    @Test func badFileNamesAreRejected() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "SELECT 1;".write(to: dir.appendingPathComponent("first.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("first.sql")) { try Migration.load(directory: dir) }
    }
}

@Suite struct EmbeddedClusterTests {
    /// From an empty folder: initdb, start, connect over the Unix socket, stop, start again.
    @Test func startsFromNothingOnAUnixSocketOnly() async throws {
        let home = URL(fileURLWithPath: "/tmp/catalyst-fresh-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: home) }
        let cluster = try EmbeddedCluster(home: home)
        #expect(try await cluster.status() == .notCreated)
        #expect(try await cluster.start() == .created)
        #expect(try await cluster.status() == .running)
        #expect(try await cluster.start() == .alreadyRunning)
        let (listen, db) = try await PGSession(conninfo: cluster.conninfo()).withConnection { c in
            (try c.query("SHOW listen_addresses").scalar, try c.query("SELECT current_database()").scalar)
        }
        #expect(listen == "")
        #expect(db == "catalyst")
        #expect(FileManager.default.fileExists(atPath: cluster.socketDirectory.appendingPathComponent(".s.PGSQL.5432").path))
        try await cluster.stop()
        #expect(try await cluster.status() == .stopped)
        #expect(try await cluster.start() == .started)
        try await cluster.stop()
    }
}

@Suite struct ConnectionErrorTests {
    @Test func malformedURLGivesAOneLineErrorWithoutThePassword() throws {
        #expect(throws: PGError.self) { try PGConnection(conninfo: "postgresql://user:s3cret@host:notaport/db") }
        do {
            _ = try PGConnection(conninfo: "mysql://user:s3cret@host/db")
        } catch {
            #expect(error.description.contains("postgresql://"))
            #expect(!error.description.contains("s3cret"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func unreachableServerIsAConnectionError() throws {
        let error = #expect(throws: PGError.self) { try PGConnection(conninfo: "host=/tmp/nowhere-\(getpid()) port=1 dbname=x connect_timeout=2") }
        #expect(error?.kind == .connection)
        #expect(error?.isConnectionLoss == true)
    }

    @Test func errorsCarryTheSQLState() async throws {
        let db = try await TestDatabase.create()
        let error = await #expect(throws: PGError.self) { try await db.session().withConnection { c in _ = try c.query("SELECT 1/0") } }
        #expect(error?.sqlState == "22012")
    }
}
