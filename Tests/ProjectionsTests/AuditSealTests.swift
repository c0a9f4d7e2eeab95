import CatalystTestKit
import EventStore
import Foundation
import Logging
import PostgresClient
import Testing

@testable import Projections

@Suite struct AuditSealTests {
    func sealer(_ db: TestDatabase) -> ProjectorEngine {
        let p = AuditSealProjection()
        let def = try! ProjectionDefinition.load(p, from: TestCluster.repositoryRoot.appendingPathComponent("projections"))
        var e = ProjectorEngine(projection: p, definition: def, conninfo: db.conninfo, waker: LogWaker(conninfo: db.conninfo), logger: Logger(label: "t"))
        e.pollInterval = .milliseconds(20)
        return e
    }

    func seeded() async throws -> (TestDatabase, [Int64]) {
        let db = try await TestDatabase.create()
        let store = db.eventStore(connections: 4)
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<4 {
                g.addTask { for i in 0..<50 { _ = try await store.append(to: "w\(w)-\(i % 5)", expected: .any, events: [event(stream: "w\(w)-\(i % 5)", qty: i)]) } }
            }
            try await g.waitForAll()
        }
        let runner = Task { try await sealer(db).run() }
        try await waitCaughtUp(db, "audit_seal")
        runner.cancel()
        _ = await runner.result
        // Committed ground truth, read without the reader horizon.
        let positions = try await allEvents(db).map(\.position)
        return (db, positions)
    }

    func verify(_ db: TestDatabase, from anchor: AuditVerifier.Anchor? = nil) async throws -> AuditVerifier.Outcome {
        try await db.session().withConnection { c in try AuditVerifier().verify(from: anchor, on: c, pageSize: 37) }
    }

    @Test func anIntactChainVerifiesFromGenesisAndFromAnAnchor() async throws {
        let (db, positions) = try await seeded()
        guard case .ok(let head, let checked, let unsealed) = try await verify(db) else {
            Issue.record("chain should verify")
            return
        }
        #expect(checked == 200)
        #expect(head.seq == 200)
        #expect(unsealed == 0)
        #expect(Set(positions).contains(head.globalPosition))
        let anchor = try await db.session().withConnection { c in try AuditVerifier().anchor(on: c) }
        #expect(anchor.hash == head.hash)
        guard case .ok(_, let fromAnchor, _) = try await verify(db, from: anchor) else {
            Issue.record("verify from the head anchor")
            return
        }
        #expect(fromAnchor == 0)
    }

    /// A superuser who switches the trigger off and changes one byte of one payload is caught, and the
    /// report names exactly that event.
    @Test func aTamperedPayloadIsReportedExactly() async throws {
        let (db, positions) = try await seeded()
        let victim = positions[137]
        try await db.session().withConnection { c -> Void in
            try c.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
            try c.query("UPDATE events SET payload = jsonb_set(payload::jsonb, '{qty}', '\"999\"') WHERE global_position = $1", [victim])
            try c.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
        }
        let outcome = try await verify(db)
        guard case .broken(_, let position, let stream, let reason) = outcome else {
            Issue.record("tampering went unnoticed")
            return
        }
        #expect(position == victim)
        #expect(stream.hasPrefix("w"))
        #expect(reason.contains("does not match"))
    }

    @Test func aDeletedEventIsReported() async throws {
        let (db, positions) = try await seeded()
        try await db.session().withConnection { c -> Void in
            try c.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
            try c.query("DELETE FROM events WHERE global_position = $1", [positions[10]])
            try c.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
        }
        guard case .broken(_, let position, _, let reason) = try await verify(db) else {
            Issue.record("deletion went unnoticed")
            return
        }
        #expect(position == positions[10])
        #expect(reason.contains("missing"))
    }

    /// Events appended after the seal whose transaction ids are lower than sealed ones (a log restored
    /// without moving the cluster's transaction counter) are "not sealed yet", not a change of history; one
    /// that lands among the sealed positions is still a break.
    @Test func laterEventsSortingInsideTheSealedRangeAreNotSealedYetNotATamper() async throws {
        let (db, positions) = try await seeded()
        let copy = """
            INSERT INTO events (global_position, tx_id, stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, occurred_at)
            SELECT $1::bigint, '3'::xid8, $2, 1, gen_random_uuid(), event_type, schema_version, payload, metadata, occurred_at
            FROM events ORDER BY global_position LIMIT 1
            """
        let late = positions.max()! + 100
        try await db.session().withConnection { c -> Void in _ = try c.query(copy, [late, "late-1"]) }
        guard case .unsealedInsideRange(let count, let first, let checked) = try await verify(db) else {
            Issue.record("expected the later event to be reported as not sealed yet")
            return
        }
        #expect(count == 1 && first == late && checked == Int64(positions.count))
        // Among the sealed positions (a gap below the seal's last): a break, as before.
        try await db.session().withConnection { c -> Void in _ = try c.query(copy, [Int64(-5), "early-1"]) }
        guard case .broken(_, let position, _, let reason) = try await verify(db) else {
            Issue.record("an event slipped into the sealed range went unnoticed")
            return
        }
        #expect(position == -5 && reason.contains("inside the sealed range"), "\(reason)")
    }

    /// Rewriting history and then rebuilding the seal makes a self-consistent chain; the anchor exported
    /// before the rewrite still exposes it.
    @Test func resealingAfterTamperingIsExposedByTheExportedAnchor() async throws {
        let (db, positions) = try await seeded()
        let anchor = try await db.session().withConnection { c in try AuditVerifier().anchor(on: c) }
        try await db.session().withConnection { c -> Void in
            try c.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
            // A value no seeded event has ("0" is some writer's first event, and then the update changes nothing).
            try c.query("UPDATE events SET payload = jsonb_set(payload::jsonb, '{qty}', '\"-1\"') WHERE global_position = $1", [positions[5]])
            try c.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
        }
        try await sealer(db).rebuildNow()
        guard case .ok = try await verify(db) else {
            Issue.record("a resealed chain is internally consistent: \(try await verify(db))")
            return
        }
        guard case .broken(let seq, _, _, let reason) = try await verify(db, from: anchor) else {
            Issue.record("the anchor must expose the rewrite")
            return
        }
        #expect(seq == anchor.seq)
        #expect(reason.contains("resealed"))
    }
}
