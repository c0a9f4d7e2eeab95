import EventStore
import Foundation
import Logging
import PostgresClient

extension CatalystConfiguration {
    /// Where a read-only command reads the ledger (`audit verify`, `audit trace`, `audit statement`,
    /// `replay label`, `archive export` without `--detach`).
    ///
    /// With `catalyst.read.url` set, the hot standby there, once it answers, its migrations are applied and
    /// it holds this ledger: the same store identity (store id and cluster system identifier) as
    /// `DATABASE_URL`'s. A URL of another store or account is refused. When the primary cannot be reached,
    /// the standby is used with a warning that says it could not be confirmed (an auditor may need the
    /// standby exactly when the primary is gone). `note` receives one line saying where the command
    /// reads and how far behind the standby's replay is: events committed after that are not in the answer.
    ///
    /// Without it, the primary, as `migratedDatabase()`.
    public func readerDatabase(note: (String) -> Void) async throws -> DatabaseTarget {
        guard let readURL, !readURL.trimmingCharacters(in: .whitespaces).isEmpty else { return try await migratedDatabase() }
        let standby = try DatabaseTarget(url: readURL, home: home, postgresBin: postgresBin)
        guard case .external = standby else { return try await migratedDatabase() }
        let theirs: StoreIdentity
        let lag: Double?
        let recovering: Bool
        do {
            let migrator = try Migrator(directory: try files.migrations)
            (theirs, lag, recovering) = try await standby.session("read-url-check").withConnection { c in
                try migrator.requireUpToDate(on: c)
                let r = try c.query("SELECT pg_is_in_recovery(), extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8")
                return (try PostgresEventStore.identity(on: c), r.double(0, 1), r.bool(0, 0) ?? false)
            }
        } catch let e as PGError {
            throw CatalystError.setup("cannot read the standby named by catalyst.read.url: \(e.message)")
        }
        do {
            let primary = try database
            let mine = try await primary.session("read-url-primary").withConnection { c in try PostgresEventStore.identity(on: c) }
            guard mine == theirs else {
                throw CatalystError.refused(
                    "catalyst.read.url is not a standby of this ledger: its store is \(theirs.storeID) on cluster \(theirs.systemIdentifier), "
                        + "DATABASE_URL's is \(mine.storeID) on cluster \(mine.systemIdentifier)")
            }
        } catch let e as PGError {
            note("warning: DATABASE_URL cannot be reached (\(e.message)); reading the standby at catalyst.read.url without confirming it holds this ledger")
        }
        let behind =
            !recovering
            ? "it is not a standby (it takes writes)" : lag.map { String(format: "its last replayed commit is %.1f s old", max(0, $0)) } ?? "it has replayed no commit since it started"
        note("reading from catalyst.read.url (\(standby.displayURL)): \(behind); commits after that are not seen there yet")
        return standby
    }
}
