import EventStore
import Foundation
import Logging
import PostgresClient
import Projections

/// `catalyst archive import`: restores archives into an empty store, then rebuilds every projection
/// over the restored log, so the read models (the audit seal included) stand exactly as the events say.
///
/// The event store layer restores the events and stream heads (`ArchiveImporter`); this composition step
/// adds the projections, which the event store does not know about. After it, `catalyst audit verify`
/// reports the archive's `chain_end_hash` as its head.
public enum ArchiveRestore {
    public struct Report: Sendable {
        public var imported: ArchiveImporter.Report
        public var rebuilt: [String]
        public var rebuildSeconds: Double
        /// The head `AuditVerifier` found after the rebuild (equal to the archive's chain end).
        public var verifiedHead: AuditVerifier.Anchor
    }

    public static func run(
        directories: [URL], conninfo: String, files: ProjectFiles, logger: Logger, progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> Report {
        let session = PGSession(conninfo: conninfo, name: "archive-import")
        let imported = try await session.withConnection { c in try ArchiveImporter.importEvents(from: directories, on: c, progress: progress) }
        await session.close()
        try await waitUntilReadable(conninfo: conninfo, logger: logger)
        let started = Date()
        let projections = ProjectionCatalog.all()
        let engines = try ProjectionCatalog.engines(projections, files: files, conninfo: conninfo, waker: LogWaker(conninfo: nil), logger: logger)
        for engine in engines {
            logger.notice("rebuilding projection after import", metadata: ["projection.name": "\(engine.definition.name)"])
            try await engine.rebuildNow()
        }
        let rebuildSeconds = Date().timeIntervalSince(started)
        // The restored log, resealed from scratch, must reproduce the archived chain exactly.
        let outcome = try await PGSession(conninfo: conninfo, name: "archive-import-verify").withConnection { c in try AuditVerifier().verify(on: c) }
        guard case .ok(let head, _, _) = outcome, head.seq == imported.lastSeq, head.hash == imported.chainEndHash else {
            throw CatalystError.refused(
                "the restored store does not reproduce the archive's chain (expected seq \(imported.lastSeq) hash \(imported.chainEndHash), audit verify says \(outcome))")
        }
        return Report(imported: imported, rebuilt: projections.map(\.name), rebuildSeconds: rebuildSeconds, verifiedHead: head)
    }

    /// Readers only take events below the oldest transaction still in flight anywhere in the cluster, so
    /// a rebuild started while some unrelated writer is open would stop short of the restored events.
    /// Wait until every restored event is readable.
    static func waitUntilReadable(conninfo: String, logger: Logger, timeout: Duration = .seconds(300)) async throws {
        let session = PGSession(conninfo: conninfo, name: "archive-import-wait")
        defer { Task { await session.close() } }
        let start = ContinuousClock.now
        var warned = false
        while true {
            let invisible = try await session.withConnection { c in try PostgresEventStore.head(on: c).invisibleEvents }
            if invisible == 0 { return }
            if ContinuousClock.now - start > timeout {
                throw CatalystError.refused(
                    "\(invisible) restored events are still not readable after \(timeout): a long-running writing transaction "
                        + "elsewhere in the cluster holds the reader horizon back (see pg_stat_activity)")
            }
            if !warned, ContinuousClock.now - start > .seconds(2) {
                logger.notice("waiting for an older transaction elsewhere in the cluster to finish before rebuilding", metadata: ["invisible": "\(invisible)"])
                warned = true
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
