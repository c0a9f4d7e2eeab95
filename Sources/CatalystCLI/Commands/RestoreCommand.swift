import ArgumentParser
import CatalystApp
import Foundation
import Logging

struct Restore: CatalystCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a logical dump (tools/backup.sh's catalyst.dump) into an empty ledger, so that it carries on.",
        discussion: """
            For the embedded cluster (no DATABASE_URL; use a fresh CATALYST_HOME): starts it, runs pg_restore, moves the \
            cluster's next transaction id past the restored log (pg_resetwal -x, with the cluster stopped), starts it \
            again, records the restore as a maintenance.restored event and writes new local keys for the principals whose \
            key file is not in this state folder. With DATABASE_URL (a server you do not own): runs pg_restore into that \
            empty database and, when its transaction ids are behind the log's, prints the pg_resetwal command the DBA \
            runs and exits 1; then run `catalyst restore --record-only DUMP`. See docs/backup-and-restore.md.
            """)
    @Argument(help: "The dump file (pg_dump --format=custom).") var dump: String
    @Flag(name: .customLong("record-only"), help: "Do not run pg_restore: check the restored ledger and record the restore.") var recordOnly = false

    func execute(_ configuration: CatalystConfiguration) async throws {
        var logger = Logger(label: "catalyst.restore")
        logger.logLevel = .notice
        let report = try await LedgerRestore.run(
            dump: URL(fileURLWithPath: dump), configuration: configuration, recordOnly: recordOnly, logger: logger)
        print("restored \(report.events) events (head position \(report.head)); largest transaction id \(report.maxTxID.map(String.init) ?? "none")")
        print(report.movedTransactionCounter
            ? "moved the cluster's next transaction id to \(report.nextTxID), past the restored log"
            : "the cluster's next transaction id (\(report.nextTxID)) is already past the restored log")
        for url in report.credentials { print("wrote a new local key \(url.path) (mode 0600; the restored key of that principal ended)") }
        print("recorded as maintenance.restored; projections, the sealer and trading carry on from here")
    }
}
