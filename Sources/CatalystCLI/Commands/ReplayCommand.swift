import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import Labelling
import PostgresClient
import Projections

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay the log for ML and audit: labelled datasets of every scanned candidate.", subcommands: [Label.self, AsOf.self, WhatIfCommand.self])

    struct Label: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one CSV row per scanned candidate (traded or not) with its decision-time features, decision and labels.",
            discussion: """
                Features are copied from the scan events (never recomputed). Labels use only prices the ledger recorded after \
                the decision (monitor observations of candidates, position marks): forward returns at 5/15/60 minutes and end \
                of day, the triple barrier (pt/sl in multiples of the candidate's recorded ATR(14) on one-minute bars, vertical \
                barrier at decision + horizon, cut at the day's last observation), and for traded candidates R-multiple, MAE, \
                MFE, exit reason and hold time. The same events always give the same bytes; the row count and the SHA-256 are \
                printed. See docs/ml-replay.md for the columns.
                """)
        @Option(help: "First New York date of decisions to label (YYYY-MM-DD).") var from: String?
        @Option(help: "Last New York date of decisions to label (YYYY-MM-DD).") var to: String?
        @Option(help: "Output file: .csv, or .csv.lz4 for an LZ4 frame.") var out: String
        @Option(help: "Triple barrier: pt and sl in ATR multiples, horizon in s/m/h (0 switches pt or sl off).") var barriers = "pt=2,sl=1,horizon=60m"
        @Option(help: "Read this archive directory (repeatable, oldest first) before the live table, as one continuous log.") var archive: [String] = []

        func execute(_ configuration: CatalystConfiguration) async throws {
            let spec = try BarrierSpec(parsing: barriers)
            let fromDate = try from.map { try Self.date($0, "--from") }
            let toDate = try to.map { try Self.date($0, "--to") }
            if let fromDate, let toDate, toDate < fromDate { throw ValidationError("--to \(toDate) is before --from \(fromDate)") }
            guard out.hasSuffix(".csv") || out.hasSuffix(".csv.lz4") else { throw ValidationError("--out must end in .csv or .csv.lz4") }
            let target = try await configuration.readerDatabase(note: Terminal.note)
            let store = target.store()
            let log: LabelRun.Batches
            if archive.isEmpty {
                log = LabelRun.table(store, types: Labeller.eventTypes)
            } else {
                log = LabelRun.continuous(try await ContinuousLog.open(archives: archive.map { URL(fileURLWithPath: $0) }, store: store))
            }
            // Progress by global position against the log's head (archives hold the positions below the table's).
            let head = Int(try await store.head().maxPosition)
            let bar = ProgressLine("replaying the log", unit: "events", settings: configuration.progress)
            let source: LabelRun.Batches = {
                let batch = try await log()
                if let batch { bar.update(done: Int(batch.lastPosition), total: head) }
                return batch
            }
            let watch = Stopwatch()
            let fold = try await LabelRun.fold(source, labeller: Labeller(barriers: spec, from: fromDate, to: toDate))
            bar.finish(done: head, total: head)
            let folded = watch.seconds
            let rows = fold.labeller.rows()
            let labelled = watch.seconds
            let csv = LabelRun.csv(rows, barriers: spec)
            let rendered = watch.seconds
            let written = try LabelRun.write(csv, rows: rows.count, to: out)
            let seconds = watch.seconds
            print("\(written.rows) rows written to \(out) (\(written.bytes) bytes)")
            print("sha256 \(written.fileSHA256)\(out.hasSuffix(".lz4") ? "  (csv text \(written.csvSHA256))" : "")")
            print(String(format: "%d events read, %d decoded, %.2f s, barriers %@", fold.eventsRead, fold.eventsDecoded, seconds, spec.description))
            print(
                String(
                    format: "  read, decode and fold %.2f s (%.0f events/s); labels %.2f s; CSV %.2f s; hash and write %.2f s", folded,
                    Double(fold.eventsRead) / folded, labelled - folded, rendered - labelled, seconds - rendered))
        }

        static func date(_ text: String, _ option: String) throws -> NYDate {
            guard let d = NYDate(text) else { throw ValidationError("\(option) must be a date YYYY-MM-DD, got '\(text)'") }
            return d
        }
    }

    struct AsOf: CatalystCommand {
        static let configuration = CommandConfiguration(
            commandName: "as-of",
            abstract: "Build every projection as it stood at a point of the log into a scratch schema (never touches the live ones).",
            discussion: """
                --position N: the reader-order prefix ending with the event at global position N (what a live projector held \
                when its checkpoint reached it). --time T: the prefix before the first event recorded after T (RFC 3339). \
                Then query e.g. `SELECT * FROM SCHEMA.v_positions`. Drop the schema when done (DROP SCHEMA … CASCADE).
                """)
        @Option(help: "Global position of the last event to include.") var position: Int64?
        @Option(help: "Include events recorded at or before this instant (RFC 3339, e.g. 2025-03-14T14:31:00Z).") var time: String?
        @Option(help: "The scratch schema to create.") var into: String
        @Flag(help: "Drop and recreate the schema if it exists.") var replace = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            let limit: AsOfBuilder.Limit
            switch (position, time) {
            case (let p?, nil): limit = .position(p)
            case (nil, let t?):
                guard let d = ISO8601DateFormatter().date(from: t) ?? (try? Date(t, strategy: .iso8601)) else {
                    throw ValidationError("--time must be RFC 3339 (2025-03-14T14:31:00Z), got '\(t)'")
                }
                limit = .recordedAt(d)
            default: throw ValidationError("give exactly one of --position, --time")
            }
            try AsOfBuilder.validate(into)
            let files = try configuration.files
            let target = try configuration.database
            try await target.requireMigrated(files: files)
            let projections = try ProjectionCatalog.all().map { p in (projection: p, definition: try ProjectionDefinition.load(p, from: files.projections)) }
            let watch = Stopwatch()
            let report = try await target.session("replay-as-of").withConnection { c in
                try AsOfBuilder.build(projections, into: into, limit: limit, replace: replace, on: c)
            }
            print("schema \(report.schema): \(report.projections.count) projections as of \(limit), \(report.events) events applied"
                + (report.last.map { ", last cursor \($0)" } ?? "") + String(format: " (%.2f s)", watch.seconds))
            print("query e.g. SELECT * FROM \(report.schema).v_positions; drop with DROP SCHEMA \(report.schema) CASCADE")
        }
    }
}
