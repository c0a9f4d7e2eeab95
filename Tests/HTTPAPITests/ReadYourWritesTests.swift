import CatalystTestKit
import EmbeddedPostgres
import Foundation
import PostgresClient
import Testing

/// The API's GET routes on a hot standby (`catalyst.read.url`), with read-your-writes: a command's
/// answer carries `Catalyst-Commit-LSN`; a read that sends it back as `Catalyst-Min-LSN` sees the command
/// (from the standby once it has replayed that far, else from the primary), and every read says where
/// it was answered. The standby's replay is paused to make it fall behind on purpose.
@Suite(.serialized) struct ReadYourWritesTests {
    @Test func aReadWithTheCommitPositionSeesTheWriteEvenWhenTheStandbyLags() async throws {
        try await TestCluster.withStandby("read-your-writes") { _, db, standby in
            let standbyURL = standby.conninfo(database: db.name)
            try await APIHarness.with(database: db, configure: { $0.readURL = standbyURL }) { h in
                let first = try await h.get("/api/v1/workflow/history")
                #expect(first.status == 200 && first.headers["catalyst-read-from"] == "standby", "\(first.headers)")

                // The standby stops replaying: from now on it lags behind every write.
                let replica = PGSession(conninfo: standbyURL, name: "ryw-replay")
                try await replica.withConnection { c in _ = try c.query("SELECT pg_wal_replay_pause()") }

                let cron = APIHarness.bearer(h.keys.cron).merging(["Idempotency-Key": "read-your-writes"]) { $1 }
                let start = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: cron)
                try #require(start.status == 201, "\(start.text)")
                let cycle = try #require(start.object["cycle_id"] as? String)
                let lsn = try #require(start.headers["catalyst-commit-lsn"], "a command's answer carries its commit position: \(start.headers)")
                await h.settle()

                // Without the position: the standby answers at once, without the cycle.
                let stale = try await h.get("/api/v1/workflow/history")
                #expect(stale.headers["catalyst-read-from"] == "standby" && !stale.text.contains(cycle), "\(stale.headers) \(stale.text)")
                // With it: the standby has not replayed that far, so the primary answers, with the cycle.
                let fresh = try await h.get("/api/v1/workflow/history", headers: ["Catalyst-Min-LSN": lsn])
                #expect(fresh.headers["catalyst-read-from"] == "primary" && fresh.text.contains(cycle), "\(fresh.headers) \(fresh.text)")
                let one = try await h.get("/api/v1/cycles/\(cycle)", headers: ["Catalyst-Min-LSN": lsn])
                #expect(one.status == 200 && one.headers["catalyst-read-from"] == "primary", "\(one.status) \(one.headers)")

                // Replay resumes: the standby catches up and answers the same read itself.
                try await replica.withConnection { c in _ = try c.query("SELECT pg_wal_replay_resume()") }
                await replica.close()
                let caughtUp = try await h.get("/api/v1/workflow/history", headers: ["Catalyst-Min-LSN": lsn])
                #expect(caughtUp.headers["catalyst-read-from"] == "standby" && caughtUp.text.contains(cycle), "\(caughtUp.headers) \(caughtUp.text)")

                // A malformed position is refused, naming the header (fullwidth digits are not hexadecimal here).
                for malformed in ["yesterday", "0/", "\u{FF10}/\u{FF10}", "123456789/0"] {
                    let bad = try await h.get("/api/v1/workflow/history", headers: ["Catalyst-Min-LSN": malformed])
                    #expect(bad.status == 422 && bad.errorField == "Catalyst-Min-LSN", "\(malformed): \(bad.status) \(bad.text)")
                }

                // The standby dies: the primary answers the reads.
                try await standby.stop(immediate: true)
                let alone = try await h.get("/api/v1/workflow/history")
                #expect(alone.status == 200 && alone.headers["catalyst-read-from"] == "primary" && alone.text.contains(cycle), "\(alone.headers)")
            }
        }
    }
}
