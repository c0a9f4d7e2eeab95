import CatalystTestKit
import Domain
import EmbeddedPostgres
import EventStore
import Foundation
import PostgresClient
import Testing

/// The read-only commands on a hot standby (`catalyst.read.url`, issue 18 part 2): `audit verify`,
/// `archive export` and `replay label` read there, say so, refuse a URL of another ledger, and keep
/// working when the primary is gone, which is when an auditor may need the standby most.
@Suite(.serialized) struct ReadURLCommandsTests {
    @Test func auditArchiveAndLabelReadTheStandbyEvenWithThePrimaryDown() async throws {
        try await TestCluster.withStandby("read-url") { primary, db, standby in
            let store = db.eventStore(connections: 1)
            for i in 0..<40 {
                let event = NewEvent(
                    eventID: UUID(), streamID: "readurl-\(i % 4)", eventType: "test.read_url", schemaVersion: 1, payload: Data(#"{"i":\#(i)}"#.utf8),
                    metadata: Data("{}".utf8), occurredAt: Date())
                _ = try await store.append(AppendRequest(events: [event], expectations: [:], commandID: UUID()))
            }
            let project = TestCluster.repositoryRoot
            let env = ["DATABASE_URL": db.conninfo, "CATALYST_SHARE": project.path, "CATALYST_READ_URL": standby.conninfo(database: db.name)]
            // The audit seal is written on the primary; the standby replays it.
            let rebuild = try await CLIAndTradeTests.catalyst(["projections", "rebuild", "audit_seal"], environment: env)
            try #require(rebuild.status == 0, "\(rebuild.err)")
            let sealed = try await db.session().withConnection { c in try c.query("SELECT count(*) FROM proj_audit_seal.audit_chain").int64(0, 0) ?? 0 }
            try #require(sealed == 40)
            let replica = PGSession(conninfo: standby.conninfo(database: db.name), name: "read-url-wait")
            try await LiveDrill.poll("the standby to replay the seals") {
                try await replica.withConnection { c in try c.query("SELECT count(*) FROM proj_audit_seal.audit_chain").int64(0, 0) ?? 0 } == sealed
            }
            await replica.close()

            let verify = try await CLIAndTradeTests.catalyst(["audit", "verify"], environment: env)
            #expect(verify.status == 0 && verify.out.contains("OK  40 events verified"), "\(verify.out) \(verify.err)")
            #expect(verify.err.contains("reading from catalyst.read.url"), "\(verify.err)")

            // A read URL of another ledger (another cluster's database) is refused, naming both stores.
            let other = try await TestDatabase.create()
            let wrong = try await CLIAndTradeTests.catalyst(["audit", "verify"], environment: env.merging(["CATALYST_READ_URL": other.conninfo]) { $1 })
            #expect(wrong.status != 0 && wrong.err.contains("not a standby of this ledger"), "\(wrong.out) \(wrong.err)")

            // The primary dies: the standby still answers the auditor, the archive and the labeller.
            try await primary.stop(immediate: true)
            let alone = try await CLIAndTradeTests.catalyst(["audit", "verify"], environment: env)
            #expect(alone.status == 0 && alone.out.contains("OK  40 events verified"), "\(alone.out) \(alone.err)")
            #expect(alone.err.contains("DATABASE_URL cannot be reached"), "\(alone.err)")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("read-url-archive-\(getpid())")
            try? FileManager.default.removeItem(at: dir)
            defer { try? FileManager.default.removeItem(at: dir) }
            let tomorrow = NYDate(Date().addingTimeInterval(86_400)).description
            let export = try await CLIAndTradeTests.catalyst(["archive", "export", "--before", tomorrow, "--dir", dir.path], environment: env)
            #expect(export.status == 0 && export.out.contains("40 events"), "\(export.out) \(export.err)")
            let csv = dir.deletingLastPathComponent().appendingPathComponent("read-url-\(getpid()).csv")
            defer { try? FileManager.default.removeItem(at: csv) }
            let label = try await CLIAndTradeTests.catalyst(["replay", "label", "--out", csv.path], environment: env)
            #expect(label.status == 0 && FileManager.default.fileExists(atPath: csv.path), "\(label.out) \(label.err)")
            // A detach changes the log: it needs the primary, and says so.
            let detach = try await CLIAndTradeTests.catalyst(["archive", "detach", dir.path], environment: env)
            #expect(detach.status != 0, "\(detach.out) \(detach.err)")
        }
    }
}
