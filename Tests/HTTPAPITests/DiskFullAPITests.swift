import CatalystTestKit
import EventStore
import Foundation
import PostgresClient
import Testing

/// The API over a database whose disk fills up for real (a tablespace on a small tmpfs, see
/// `SmallDisk`): reads keep answering 200, mutations answer 503 `database_unavailable` naming SQLSTATE
/// 53100 and write nothing, and once there is room again the same requests succeed, the projections
/// catch up by themselves, equal a clean rebuild, and the audit chain verifies.
@Suite(.serialized, .enabled(if: SmallDisk.unavailable == nil, "needs root to mount a tmpfs"))
struct DiskFullAPITests {
    @Test func aFullDiskRefusesMutationsWith503WhileReadsAnswerAndWritesResumeAfter() async throws {
        // A server of its own: a full tablespace also fails other sessions that evict its dirty pages.
        let cluster = try await TestCluster.dedicated("diskfull-api")
        let disk = try await SmallDisk.mount(megabytes: 96, on: cluster)
        do {
            let db = try await disk.createDatabase()
            try await APIHarness.with(database: db) { h in try await Self.drill(h, disk) }
            try await LiveDrill.expectRebuildEqualsLiveAndChainVerifies(db, project: TestCluster.repositoryRoot)
        } catch {
            Issue.record(error)
        }
        await disk.tearDown()
        await TestCluster.discard(cluster)
    }

    static func drill(_ h: APIHarness, _ disk: SmallDisk) async throws {
        _ = try await h.driver.step(minutes: 30)
        let before = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "before-full"])
        #expect(before.status == 201, "\(before.text)")
        await h.settle()

        // Connect before the disk is full: a new backend may have to rewrite its relation-cache init file in the
        // database's directory (on the small disk), and fails with FATAL "could not write init file" if it cannot.
        let store = h.db.eventStore(connections: 1)
        _ = try await store.pool.withConnection { c in try c.query("SELECT 1").scalar }
        try disk.fill()
        // The log's pages still have a little room; use it up, so that the next append of any size must
        // grow a table or an index — which a full disk refuses.
        var last: PGError?
        for i in 0..<20_000 {
            let event = NewEvent(
                eventID: UUID(), streamID: "drill-filler", eventType: "drill.filler", payload: Data(#"{"n":\#(i)}"#.utf8), occurredAt: Date())
            do { _ = try await store.append(to: "drill-filler", expected: .any, events: [event]) } catch let e as PGError {
                last = e
                break
            }
        }
        #expect(last?.sqlState == "53100", "\(String(describing: last))")
        // Counted on the connection made before the fill: a new backend may fail to start while the disk is full.
        func countEvents() async throws -> Int64 { try await store.pool.withConnection { c in try c.query("SELECT count(*) FROM events").int64(0, 0) ?? 0 } }
        let eventsAtFull = try await countEvents()

        // Reads answer.
        for path in ["/api/v1/workflow/history", "/api/v1/cycles/current", "/api/v1/orders", "/api/v1/positions/active", "/api/v1/candidates?limit=5", "/api/v1/risk/limits"] {
            let r = try await h.get(path)
            #expect(r.status == 200, "\(path): \(r.status) \(r.text)")
        }
        let health = try await h.get("/health")
        #expect(health.status == 200 && health.object["database"] as? String == "ok", "\(health.text)")

        // Mutations are refused clearly, and write nothing.
        let start = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "during-full"])
        #expect(start.status == 503 && start.errorCode == "database_unavailable", "\(start.status) \(start.text)")
        let details = (start.object["error"] as? [String: Any])?["details"] as? [String: Any]
        #expect(details?["sqlstate"] as? String == "53100" && (start.object["error"] as? [String: Any])?["message"] as? String != nil, "\(start.text)")
        #expect(!start.text.contains("pg_tblspc"), "no file paths in the answer: \(start.text)")
        #expect(try await countEvents() == eventsAtFull)

        // Room again: the refused request, sent again, succeeds as if for the first time.
        try disk.free()
        let retried = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "during-full"])
        #expect(retried.status == 201 && retried.object["already_started"] as? Bool == false, "\(retried.status) \(retried.text)")
        await h.settle()
        // The projectors, stopped by the full disk, came back on their own and caught up.
        let after = try await h.get("/health")
        let projections = after.object["projections"] as? [[String: Any]] ?? []
        #expect(after.status == 200 && projections.count >= 5, "\(after.text)")
        #expect(projections.allSatisfy { ($0["lag_events"] as? Int) == 0 && $0["state"] as? String == "live" }, "\(after.text)")
        #expect(try await h.count("SELECT count(*) FROM v_cycles") == 2)
    }
}
