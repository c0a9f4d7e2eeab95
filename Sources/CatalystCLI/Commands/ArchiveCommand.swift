import Application
import ArgumentParser
import CatalystApp
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections

struct Archive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "LZ4 archives of the sealed log: export, verify, import.", subcommands: [Export.self, Verify.self, Import.self, Detach.self])

    struct Export: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the sealed events recorded before a New York date into LZ4 segment files and a manifest.",
            discussion: """
                Events are written in audit sequence order (the reader order), one JSON line each, into segment-NNNNNN.jsonl.lz4 \
                files (readable with `lz4 -dc`) plus manifest.json. Only events already sealed by the audit_seal projection are \
                exported. The export runs in one read-only snapshot and never writes to the log. With --detach, the archive \
                (and the --after chain) is then verified, and every partition of the log whose events it all holds is \
                detached (`catalyst archive detach`).
                """)
        @Option(help: "Export events recorded before this date's midnight in America/New_York (YYYY-MM-DD).") var before: String
        @Option(help: "Directory to write (created; must be empty if it exists).") var dir: String
        @Option(help: "Continue after this earlier archive of the same store instead of starting at seq 1.") var after: String?
        @Option(help: "Events per segment file.") var segmentEvents = 100_000
        @Flag(help: "Then verify the archive and detach the partitions it holds entirely.") var detach = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            // An export only reads (one read-only snapshot): a standby serves it; a detach changes the log, on the primary.
            let target = detach ? try await configuration.migratedDatabase() : try await configuration.readerDatabase(note: Terminal.note)
            var options = ArchiveExporter.Options(
                before: before, directory: URL(fileURLWithPath: dir), eventsPerSegment: segmentEvents, previous: after.map { URL(fileURLWithPath: $0) })
            let bar = ProgressLine("exporting", unit: "events", settings: configuration.progress)
            options.progress = { done, total in bar.update(done: Int(done), total: Int(total)) }
            let report = try await target.session("archive-export").withConnection { c in
                try ArchiveExporter.export(options, on: c)
            }
            bar.finish(done: Int(report.manifest.eventCount), total: Int(report.manifest.eventCount))
            let m = report.manifest
            print(
                "archive written to \(dir): \(m.eventCount) events (seq \(m.firstSeq)…\(m.lastSeq)) in \(m.segments.count) segment(s), "
                    + "\(m.transactionCount) transactions")
            print("  recorded before \(m.before) 00:00 America/New_York (\(m.cutoff))")
            print("  reader cursors \(m.firstCursor.txID):\(m.firstCursor.globalPosition) … \(m.lastCursor.txID):\(m.lastCursor.globalPosition)")
            print("  chain \(m.chainStartHash) → \(m.chainEndHash)")
            print(
                String(
                    format: "  %.1f MB → %.1f MB (%.2f×) in %.2f s, %.0f events/s", Double(m.uncompressedBytes) / 1e6, Double(m.compressedBytes) / 1e6,
                    Double(m.uncompressedBytes) / Double(m.compressedBytes), report.seconds, Double(m.eventCount) / report.seconds))
            if report.unsealedBeforeCutoff > 0 {
                print(
                    "note: \(report.unsealedBeforeCutoff) event(s) recorded before \(m.before) are not sealed yet and were not exported; "
                        + "run `catalyst project` and export them with --after \(dir)")
            }
            if report.deferredBeforeCutoff > 0 {
                print(
                    "note: \(report.deferredBeforeCutoff) sealed event(s) recorded before \(m.before) follow a newer event in reader order; "
                        + "the next archive (--after \(dir)) will hold them")
            }
            if detach {
                try await Detach.detach(archives: (after.map { [$0] } ?? []) + [dir], target: target)
            }
        }
    }

    struct Detach: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take out of the log every partition that a verified archive chain holds entirely.",
            discussion: """
                The archives (oldest first) are verified first. A partition is detached when it ends before the chain's last \
                archived event and, with appends held off by a lock, holds exactly the events (positions and ids) the \
                archives hold at its positions. Its record in event_partitions gains the archive and the detach time in the \
                same transaction; the database's guard refuses a DETACH or DROP of a partition that was not recorded so \
                (docs/partitioned-log.md says what it does not stop). The detached table \
                stays outside the log until you drop it. Read archives plus table with `--archive` (replay label, replay \
                what-if) afterwards: a projection rebuilt from the table alone would miss the detached events.
                """)
        @Argument(help: "The archive directories of this store, oldest first.") var dirs: [String]

        func execute(_ configuration: CatalystConfiguration) async throws {
            try await Self.detach(archives: dirs, target: try await configuration.migratedDatabase())
        }

        static func detach(archives: [String], target: DatabaseTarget) async throws {
            guard !archives.isEmpty else { throw ValidationError("name the archive directories, oldest first") }
            let report = try await target.session("archive-detach").withConnection { c in
                try PartitionDetach.run(archives: archives.map { URL(fileURLWithPath: $0) }, on: c)
            }
            print("detached \(report.detached.count) partition(s), \(report.detachedEvents) events: \(report.detached.joined(separator: ", "))")
            for (name, why) in report.kept.sorted(by: { $0.key < $1.key }) { print("  kept \(name): \(why)") }
        }
    }

    struct Verify: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an archive: manifest, every file's SHA-256, the LZ4 checksums, dense seqs and the recomputed hash chain.",
            discussion: "Needs no database. Exit status: 0 when the archive verifies, 2 when it is broken.")
        @Argument(help: "The archive directory.") var dir: String
        @Option(help: "An anchor file from `catalyst audit anchor`; when its seq lies inside the archive, its hash must match there.") var anchor: String?

        func execute(_ configuration: CatalystConfiguration) async throws {
            let start = try anchor.map { path -> ArchiveVerifier.Anchor in
                let a = try JSONDecoder().decode(AnchorFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                return ArchiveVerifier.Anchor(seq: a.seq, hash: a.hash)
            }
            switch ArchiveVerifier.verify(directory: URL(fileURLWithPath: dir), anchor: start) {
            case .ok(let v):
                let m = v.manifest
                print("OK  \(v.eventsChecked) events in \(m.segments.count) segment(s), seq \(m.firstSeq)…\(m.lastSeq), chain end \(m.chainEndHash)")
                print("    store \(m.storeID.uuidString.lowercased()); manifest.json sha256 \(v.manifestSHA256)")
                if let start { print(v.anchorChecked ? "    anchor at seq \(start.seq) matches" : "    anchor seq \(start.seq) is outside this archive: not checked") }
            case .broken(let error):
                print("BROKEN  \(error)")
                throw ExitCode(2)
            }
        }

        /// The fields of `catalyst audit anchor`'s file that matter here.
        struct AnchorFile: Decodable {
            var seq: Int64
            var hash: String
        }
    }

    struct Import: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore archives into an empty store: the events, the stream heads, then every projection.",
            discussion: """
                The store must be freshly migrated and empty. Each original transaction is replayed as a transaction of its own, \
                in order, with its original global position, so the reader order is exactly the archived one. Afterwards the \
                audit seal is rebuilt and must reproduce the archive's chain end hash.
                """)
        @Argument(help: "Archive directories, oldest first (the first must start at seq 1).") var dirs: [String]

        func execute(_ configuration: CatalystConfiguration) async throws {
            let target = try configuration.database
            let files = try configuration.files
            try await target.requireMigrated(files: files)
            let report = try await ArchiveRestore.run(
                directories: dirs.map { URL(fileURLWithPath: $0) }, conninfo: target.conninfo, files: files, logger: Logger(label: "catalyst.archive"))
            let i = report.imported
            print(
                String(
                    format: "imported %lld events in %lld transactions (%lld streams) in %.2f s (verification first: %.2f s), %.0f events/s",
                    i.events, i.transactions, i.streams, i.seconds, i.verifySeconds, Double(i.events) / i.seconds))
            print(String(format: "rebuilt %@ in %.1f s", report.rebuilt.joined(separator: ", "), report.rebuildSeconds))
            print("audit verify: head seq \(report.verifiedHead.seq) hash \(report.verifiedHead.hash) (equals the archive's chain end)")
            // The archived principals came back; this state folder gets keys for the local ones it lacks.
            let log = EventLog(store: target.store(connections: 1))
            for url in try await configuration.credentials.reissueMissing(log: log) { print("wrote a new local key \(url.path) (mode 0600; the archived key of that principal ended)") }
        }
    }
}
