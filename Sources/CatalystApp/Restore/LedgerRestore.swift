import Application
import Crypto
import Domain
import EmbeddedPostgres
import EventStore
import Foundation
import Logging
import PostgresClient

/// `catalyst restore DUMP`: a logical dump (`tools/backup.sh`, `pg_dump --format=custom`) brought into an
/// empty ledger so that trading, projectors, the sealer and replays carry on. The dump keeps the old
/// cluster's transaction ids; a new cluster's counter starts low, so for the embedded cluster the restore
/// stops it and moves its next transaction id past the restored ones (`pg_resetwal -x`, offline), starts
/// it again and checks the invariant. On a server we do not own it says what the DBA runs and refuses
/// until it is done. The restore is recorded as `maintenance.restored`.
public enum LedgerRestore {
    public struct Report: Sendable {
        public var events: Int64
        public var head: Int64
        public var maxTxID: UInt64?
        public var nextTxID: UInt64
        public var movedTransactionCounter: Bool
        public var credentials: [URL]
    }

    /// Roles are cluster-wide and not in a dump: made by the same statement `migrations/0001_event_store.sql`
    /// opens with (read from there, so the two cannot drift).
    static func rolesStatement(_ files: ProjectFiles) throws -> String {
        let text = try String(contentsOf: files.migrations.appendingPathComponent("0001_event_store.sql"), encoding: .utf8)
        guard let start = text.range(of: "DO $$"), let end = text.range(of: "$$;", range: start.upperBound..<text.endIndex) else {
            throw CatalystError.setup("migrations/0001_event_store.sql no longer opens with the roles statement")
        }
        return String(text[start.lowerBound..<end.lowerBound]) + "$$"
    }

    static func sha256(_ url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    public static func run(dump: URL, configuration: CatalystConfiguration, recordOnly: Bool = false, logger: Logger) async throws -> Report {
        let (target, files) = (try configuration.database, try configuration.files)
        guard FileManager.default.isReadableFile(atPath: dump.path) else { throw CatalystError.invalidInput(field: "dump", reason: "cannot read \(dump.path)") }
        let digest = try sha256(dump)
        try await target.ensureAvailable(logger: logger)
        var session = target.session("restore")
        if !recordOnly {
            let occupied = try await session.withConnection { c in try c.query("SELECT to_regclass('public.events') IS NOT NULL").bool(0, 0) ?? false }
            guard !occupied else {
                throw CatalystError.refused("the ledger database already holds an event store: restore into an empty one (a fresh CATALYST_HOME, or an empty database)")
            }
            let roles = try rolesStatement(files)
            try await session.withConnection { c in _ = try c.execute(roles) }
            let tools: PostgresTools
            if case .embedded(let cluster) = target { tools = cluster.tools } else { tools = try PostgresTools.locate(bin: configuration.postgresBin) }
            let out = try await tools.run("pg_restore", ["--exit-on-error", "--no-owner", "--dbname", target.conninfo, dump.path], asClient: true)
            guard out.exitCode == 0 else { throw CatalystError.setup("pg_restore failed (exit \(out.exitCode)): \(out.output.suffix(2000))") }
        }
        var reading = try await session.withConnection { c in try TransactionIDCheck().read(on: c) }
        var moved = false
        if !reading.holds {
            guard case .embedded(let cluster) = target else {
                throw CatalystError.refused(
                    TransactionIDCheck.Violation(reading: reading).description
                        + ". The dump is restored; once that is done, record the restore with `catalyst restore --record-only \(dump.lastPathComponent)`")
            }
            let epoch = (reading.maxStored ?? 0) >> 32
            var xid = TransactionIDCheck.safeNextXid(after: reading.maxStored ?? 0)
            var nextEpoch = epoch
            if xid > 0xFFFF_FFFF { (nextEpoch, xid) = (epoch + 1, 1_048_576) }
            logger.notice("moving the cluster's next transaction id past the restored log", metadata: ["epoch": "\(nextEpoch)", "xid": "\(xid)"])
            try await cluster.stop()
            try await cluster.tools.runChecked("pg_resetwal", ["-e", String(nextEpoch), "-x", String(xid), "-D", cluster.dataDirectory.path])
            try await cluster.start(logger: logger)
            session = target.session("restore")  // the old session's connection ended with the server
            reading = try await session.withConnection { c in try TransactionIDCheck().read(on: c) }
            guard reading.holds else { throw CatalystError.setup(TransactionIDCheck.Violation(reading: reading).description) }
            moved = true
        }
        try await target.requireMigrated(files: files, logger: logger)
        let (fromID, toID, events, head) = try await session.withConnection { c -> (String?, String, Int64, Int64) in
            let from = try? PostgresEventStore.identity(on: c).systemIdentifier
            let to = try c.query("SELECT system_identifier::text FROM pg_control_system()").string(0, 0) ?? "?"
            return (from, to, try PostgresEventStore.eventCount(on: c), try PostgresEventStore.head(on: c).maxPosition)
        }
        let log = EventLog(store: target.store())
        let restored = Maintenance.Restored(
            source: dump.lastPathComponent, sourceSHA256: digest, fromSystemIdentifier: fromID, toSystemIdentifier: toID,
            restoredMaxTxID: reading.maxStored.map(String.init) ?? "0", nextTxID: String(reading.next), restoredEvents: events, restoredHeadPosition: head,
            at: Date())
        let user = configuration.user
        let context = CommandContext(actor: Actor(.system, name: "restore by \(user)"), commandID: UUID(), correlationID: UUID(), now: Date())
        _ = try await DeciderRunner(log: log).run(Maintenance.self, Maintenance.stream, context: context) { _ in .recordRestore(restored) }
        let credentials = try await configuration.credentials.reissueMissing(log: log)
        return Report(events: events, head: head, maxTxID: reading.maxStored, nextTxID: reading.next, movedTransactionCounter: moved, credentials: credentials)
    }
}
