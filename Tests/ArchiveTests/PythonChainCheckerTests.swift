import CatalystTestKit
import EmbeddedPostgres
import EventStore
import Foundation
import Projections
import Subprocess
import SystemPackage
import Testing

/// The auditor's own checker (`tools/verify_chain.py`, Python standard library only), fed by the documented
/// `psql -f tools/audit_chain_export.sql`, agrees with `AuditVerifier` — which proves the canonical bytes
/// documented in AuditChain.swift are enough to recompute the chain without our code.
@Suite struct PythonChainCheckerTests {
    static let python = "/usr/bin/python3"

    struct Run {
        var status: Int32
        var output: String
    }

    /// Runs the documented export query with psql, then the checker on its output.
    func runChecker(_ db: TestDatabase) async throws -> Run {
        let root = TestCluster.repositoryRoot
        let csv = temporaryDirectory("chain").appendingPathExtension("csv")
        let psql = try PostgresTools.locate().binDirectory.appendingPathComponent("psql").path
        let export = try await Subprocess.run(
            .path(FilePath(psql)),
            arguments: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.conninfo, "-f", root.appendingPathComponent("tools/audit_chain_export.sql").path, "-o", csv.path],
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        #expect(export.terminationStatus == .exited(0), "psql: \(export.standardError)")
        let check = try await Subprocess.run(
            .path(FilePath(Self.python)), arguments: [root.appendingPathComponent("tools/verify_chain.py").path, csv.path],
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        let status: Int32 =
            switch check.terminationStatus {
            case .exited(let c): c
            case .signaled(let s): 128 + s
            }
        return Run(status: status, output: (check.standardOutput + check.standardError).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func agreesWithAuditVerifierOnAnIntactAndATamperedLog() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 3, appendsPerWriter: 12)
        try await seal(db)

        guard case .ok(let head, let checked, _) = try await verifyChain(db) else {
            Issue.record("intact chain must verify")
            return
        }
        let intact = try await runChecker(db)
        #expect(intact.status == 0, "\(intact.output)")
        #expect(intact.output == "OK \(head.seq) \(head.hash)")
        #expect(head.seq == checked)

        let victim = try await rows(db, "SELECT seq::text, global_position::text FROM audit_chain WHERE seq = 23")[0]
        try await tamper(db, position: Int64(victim[1])!)
        guard case .broken(let seq, let position, _, _) = try await verifyChain(db) else {
            Issue.record("AuditVerifier must notice the tampering")
            return
        }
        let tampered = try await runChecker(db)
        #expect(tampered.status == 2, "\(tampered.output)")
        #expect(seq == 23 && String(position) == victim[1])
        #expect(tampered.output.hasPrefix("BAD seq \(seq) global_position \(position):"), "\(tampered.output)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func reportsADeletedEventLikeAuditVerifier() async throws {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 2, appendsPerWriter: 5)
        try await seal(db)
        let victim = try await rows(db, "SELECT global_position::text FROM audit_chain WHERE seq = 5")[0][0]
        try await db.session().withConnection { c -> Void in
            try c.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
            try c.query("DELETE FROM events WHERE global_position = $1", [Int64(victim)!])
            try c.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
        }
        guard case .broken(let seq, _, _, let reason) = try await verifyChain(db) else {
            Issue.record("AuditVerifier must notice the deletion")
            return
        }
        #expect(seq == 5 && reason.contains("missing"))
        let run = try await runChecker(db)
        #expect(run.status == 2)
        #expect(run.output.hasPrefix("BAD seq 5 global_position \(victim):") && run.output.contains("missing"), "\(run.output)")
    }
}
