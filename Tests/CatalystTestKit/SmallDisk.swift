import EmbeddedPostgres
import Foundation
import PostgresClient
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real small disk for disk-full drills: a tmpfs of a few megabytes mounted for the test, made a
/// PostgreSQL tablespace of a test cluster, with databases created in it. `fill()` writes a filler
/// file until the volume answers ENOSPC; `free()` deletes it. Everything the databases store (tables,
/// indexes, their free-space maps) lives on it; the cluster's WAL does not (a full WAL volume is another
/// failure: the server PANICs; see docs/testing-and-reliability.md "Reliability").
///
/// Use it on a dedicated cluster (`TestCluster.dedicated`): shared buffers are cluster-wide, so once the
/// volume is full, any session of that server that must write out one of its dirty pages fails too.
///
/// Mounting needs root (the project's machines and CI run the tests as root); `SmallDisk.unavailable`
/// says why it cannot run elsewhere.
public final class SmallDisk: Sendable {
    public let directory: URL
    public let tablespace: String
    let cluster: EmbeddedCluster
    private let databases = Mutex<[String]>([])
    private static let counter = Mutex(0)

    /// Nil when a tmpfs can be mounted here; otherwise the reason (for `.enabled(if:)` / a skip note).
    public static let unavailable: String? = {
        guard getuid() == 0 else { return "mounting a tmpfs needs root (running as uid \(getuid()))" }
        guard FileManager.default.isExecutableFile(atPath: "/bin/mount") || FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") else {
            return "no mount(8) on this machine"
        }
        return nil
    }()

    private init(directory: URL, tablespace: String, cluster: EmbeddedCluster) {
        self.directory = directory
        self.tablespace = tablespace
        self.cluster = cluster
    }

    /// Mounts a `megabytes` tmpfs owned by the cluster's server user and makes it a tablespace.
    public static func mount(megabytes: Int, on cluster: EmbeddedCluster) async throws -> SmallDisk {
        if let why = unavailable { throw SmallDiskError(why) }
        reapStaleMounts()
        let n = counter.withLock { v -> Int in
            v += 1
            return v
        }
        let directory = URL(fileURLWithPath: "/tmp/catalyst-disk-\(getpid())-\(n)")
        try mountVolume(directory, megabytes: megabytes)
        let disk = SmallDisk(directory: directory, tablespace: "small_disk_\(getpid())_\(n)", cluster: cluster)
        do {
            try await disk.admin { c -> Void in try c.execute("CREATE TABLESPACE \(disk.tablespace) LOCATION '\(directory.path)'") }
        } catch {
            try? shell("umount '\(directory.path)'")
            throw error
        }
        return disk
    }

    /// Volumes left mounted by a test process that crashed (its pid is gone) are unmounted.
    static func reapStaleMounts() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for name in names where name.hasPrefix("catalyst-disk-") {
            let pidText = name.dropFirst("catalyst-disk-".count).prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0 else { continue }
            try? shell("umount -l '/tmp/\(name)'")
            try? FileManager.default.removeItem(atPath: "/tmp/\(name)")
        }
    }

    /// Mounts a `megabytes` tmpfs at `directory`, owned by the server's user: it runs as `postgres`
    /// when we are root (PostgreSQL refuses root), and must own what it writes to.
    public static func mountVolume(_ directory: URL, megabytes: Int) throws {
        if let why = unavailable { throw SmallDiskError(why) }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let owner = try PostgresTools.locate().runAsUser.flatMap { getpwnam($0)?.pointee }.map { ($0.pw_uid, $0.pw_gid) } ?? (getuid(), getgid())
        try shell("mount -t tmpfs -o size=\(megabytes)M,uid=\(owner.0),gid=\(owner.1),mode=0700 tmpfs '\(directory.path)'")
    }

    public static func unmountVolume(_ directory: URL) { try? shell("umount -l '\(directory.path)'") }

    /// Writes `directory/filler` until the volume is full (ENOSPC), in 1 MiB and then 4 KiB pieces.
    public static func fillVolume(_ directory: URL) throws {
        let filler = directory.appendingPathComponent("filler")
        _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        defer { try? handle.close() }
        try handle.seekToEnd()
        for size in [1 << 20, 4096] {
            let block = Data(repeating: 0x5A, count: size)
            while (try? handle.write(contentsOf: block)) != nil {}
        }
    }

    /// A migrated test database stored on this disk.
    public func createDatabase() async throws -> TestDatabase {
        let n = Self.counter.withLock { v -> Int in
            v += 1
            return v
        }
        let name = "disk\(getpid())_\(n)"
        try await admin { c -> Void in try c.execute("CREATE DATABASE \(name) TEMPLATE catalyst_template TABLESPACE \(tablespace)") }
        databases.withLock { $0.append(name) }
        return TestDatabase(name: name, cluster: cluster)
    }

    var filler: URL { directory.appendingPathComponent("filler") }

    /// Writes a filler file until the volume is full (ENOSPC), in 1 MiB and then 4 KiB pieces.
    public func fill() throws { try Self.fillVolume(directory) }

    /// Deletes the filler: the volume has room again.
    public func free() throws { try FileManager.default.removeItem(at: filler) }

    /// Bytes free on the volume.
    public var bytesFree: Int64 {
        var s = statvfs()
        guard statvfs(directory.path, &s) == 0 else { return -1 }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }

    /// Drops the databases and the tablespace and unmounts the volume. Call it on every path.
    public func tearDown() async {
        try? free()
        for name in databases.withLock({ $0 }) {
            try? await admin { c -> Void in try c.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
        try? await admin { c -> Void in try c.execute("DROP TABLESPACE IF EXISTS \(tablespace)") }
        Self.unmountVolume(directory)
        try? FileManager.default.removeItem(at: directory)
    }

    private func admin(_ body: @Sendable (PGConnection) throws -> Void) async throws {
        let session = PGSession(conninfo: cluster.conninfo(database: "postgres"))
        defer { Task { await session.close() } }
        return try await session.withConnection(body)
    }

    /// Runs a shell command (mount, cp); a non-zero status throws, naming the command.
    public static func shell(_ command: String) throws {
        let status = system(command + " 2>/dev/null")
        guard status == 0 else { throw SmallDiskError("`\(command)` failed (status \(status))") }
    }
}

public struct SmallDiskError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
