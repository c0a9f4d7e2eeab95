import EventStore
import Foundation
import Logging
import Projections
import ServiceLifecycle

/// `catalyst project`: one service per projection (or just `--only NAME`), a shared LISTEN wake-up, and
/// graceful shutdown on SIGTERM/SIGINT after the current batch.
public enum ProjectorRole {
    public static func run(only: String?, configuration: CatalystConfiguration, logger: Logger) async throws {
        let target = try await configuration.migratedDatabase(logger: logger)
        let files = try configuration.files
        let projections = try only.map { [try ProjectionCatalog.named($0)] } ?? ProjectionCatalog.all()
        logger.notice("projectors starting", metadata: ["projections": "\(projections.map(\.name).joined(separator: ","))"])
        if configuration.readURL != nil { logger.notice("projectors read the log from the standby at catalyst.read.url") }
        try await RoleServiceGroup.run(projections, files: files, conninfo: target.conninfo, readConninfo: configuration.readURL, logger: logger)
    }
}
