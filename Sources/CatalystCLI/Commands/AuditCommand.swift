import ArgumentParser
import CatalystApp
import EventStore
import Foundation
import PostgresClient
import Projections

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The auditors' kit: verify the hash chain, export anchors.", subcommands: [Verify.self, Anchor.self, Trace.self, Statement.self])

    struct Verify: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain from the events and report OK with the head hash, or the first bad event.",
            discussion: "Exit status: 0 when the chain verifies, 2 when it is broken (a sealed event changed, went missing or moved), 3 when later events sort inside the sealed range (a restore that did not move the transaction counter: not a change of history).")
        @Option(help: "Start from an anchor file written by `catalyst audit anchor` (its hash must still match).") var anchor: String?

        func execute(_ configuration: CatalystConfiguration) async throws {
            let target = try await configuration.readerDatabase(note: Terminal.note)
            let start = try anchor.map { path -> AuditVerifier.Anchor in
                let dec = JSONDecoder()
                dec.dateDecodingStrategy = .iso8601
                return try dec.decode(AuditVerifier.Anchor.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            }
            let outcome = try await target.session("catalyst").withConnection { c -> AuditVerifier.Outcome in
                // A ledger whose audit_seal projection never ran has no chain to check: say so, not a missing relation.
                guard try c.query("SELECT to_regclass('audit_chain') IS NOT NULL").bool(0, 0) == true else {
                    throw CatalystError.refused("nothing is sealed yet: the audit_seal projection has not run on this ledger (run `catalyst project`, or `catalyst serve`)")
                }
                return try AuditVerifier().verify(from: start, on: c)
            }
            switch outcome {
            case .ok(let head, let checked, let unsealed):
                print("OK  \(checked) events verified; head seq \(head.seq) at position \(head.globalPosition), hash \(head.hash)")
                if unsealed > 0 { print("    \(unsealed) newer events are not sealed yet (the audit_seal projection is behind)") }
            case .broken(let seq, let position, let stream, let reason):
                print("BROKEN  first bad event: seq \(seq), global position \(position), stream \(stream): \(reason)")
                throw ExitCode(2)
            case .unsealedInsideRange(let count, let first, let checked):
                print(
                    "STALLED  \(checked) sealed events verified and unchanged; \(count) later events (from global position \(first)) sort inside the sealed "
                        + "range because their transaction ids are lower than sealed ones: not sealed yet, not a change of history. The log was "
                        + "restored without moving the cluster's transaction counter: see docs/backup-and-restore.md")
                throw ExitCode(3)
            }
        }
    }

    struct Anchor: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the chain's current head (seq, hash, position) to a file kept outside the database.")
        @Option(help: "File to write (JSON).") var out: String

        func execute(_ configuration: CatalystConfiguration) async throws {
            let target = try await configuration.migratedDatabase()
            var anchor = try await target.session("catalyst").withConnection { c in try AuditVerifier().anchor(on: c) }
            anchor.exportedAt = Date()
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            enc.dateEncodingStrategy = .iso8601
            try enc.encode(anchor).write(to: URL(fileURLWithPath: out))
            print("anchor seq \(anchor.seq) hash \(anchor.hash) written to \(out)")
        }
    }
}
