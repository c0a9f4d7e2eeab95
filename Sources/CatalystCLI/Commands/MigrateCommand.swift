import ArgumentParser
import CatalystApp
import EventStore
import Foundation
import PostgresClient
import Application

struct Migrate: CatalystCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the migrations in migrations/ in order, each in its own transaction.",
        discussion: """
            Each applied file is recorded with its SHA-256 checksum. A file changed after it was applied is refused \
            (restore it and add a new migration). Long-running roles refuse to start while migrations are pending.
            """
    )

    @Flag(help: "List applied and pending migrations without applying anything.")
    var status = false

    func execute(_ configuration: CatalystConfiguration) async throws {
        let target = try configuration.database
        try await target.ensureAvailable()
        let migrator = try Migrator(directory: try configuration.files.migrations)
        let session = target.session("migrate")
        if status {
            let s = try await session.withConnection { c in try migrator.status(on: c) }
            for a in s.applied { print("applied  \(a.name)  \(a.checksum.prefix(12))  \(a.appliedAt)") }
            for p in s.pending { print("pending  \(p.name)  \(p.checksum.prefix(12))") }
            if !s.pending.isEmpty { throw ExitCode(1) }
            return
        }
        let applied = try await session.withConnection { c in try migrator.apply(on: c) }
        if applied.isEmpty {
            print("schema is up to date (\(migrator.migrations.count) migrations)")
        } else {
            for name in applied { print("applied \(name)") }
        }
        // A log restored by hand from a logical dump is refused here too, before anything is appended.
        try await session.withConnection { c in try DatabaseTarget.requireTransactionIDs(on: c) }
        // The local keys are made at first use (serve, principals, whoami, doctor), not here: a freshly migrated
        // store stays empty, which `catalyst archive import` requires.
    }
}
