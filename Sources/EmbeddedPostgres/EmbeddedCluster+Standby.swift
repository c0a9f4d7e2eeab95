import Foundation
import Logging

extension EmbeddedCluster {
    /// A hot standby of `primary` in this cluster's folder: a base backup taken over the primary's socket
    /// (`pg_basebackup -X stream -R`, so the standby streams from it), started on this cluster's port and
    /// socket. For the replica tests and for trying `CATALYST_READ_URL` on one machine; production standbys
    /// come from the failover manager (docs/high-availability.md).
    public func startStandby(of primary: EmbeddedCluster, logger: Logger? = nil) async throws {
        if try await status() == .running { return }
        let fm = FileManager.default
        try fm.createDirectory(at: home, withIntermediateDirectories: true)
        try fm.createDirectory(at: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try tools.prepareOwnership(of: socketDirectory)
        try tools.prepareOwnership(of: home)
        if !fm.fileExists(atPath: logFile.path) { _ = fm.createFile(atPath: logFile.path, contents: nil) }
        try tools.prepareOwnership(of: logFile)
        if !fm.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) {
            logger?.info("base backup for a standby", metadata: ["primary": "\(primary.home.path)", "standby": "\(home.path)"])
            try await tools.runChecked(
                "pg_basebackup",
                [
                    "-D", dataDirectory.path, "-h", primary.socketDirectory.path, "-p", String(primary.port), "-U", primary.superuser,
                    "-X", "stream", "-R", "-c", "fast",
                ])
            // The copied settings are the primary's; later lines win.
            let settings = """

                # --- catalyst ledger (embedded standby of \(primary.home.path)) ---
                port = \(port)
                unix_socket_directories = '\(socketDirectory.path)'
                hot_standby = on
                wal_receiver_status_interval = 1s
                # its name on the primary (pg_stat_replication.application_name): a read replica, not a failover target
                cluster_name = 'read_replica_\(port)'

                """
            let handle = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.conf"))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(settings.utf8))
        }
        try await tools.runChecked("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path])
    }
}
