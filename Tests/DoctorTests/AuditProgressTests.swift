import CatalystTestKit
import DoctorClaude
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections
import Testing

/// `doctor watch` verifies the audit chain incrementally (`AuditProgress`): the first pass from the
/// genesis, later ones only what was sealed since, and the whole chain again once `fullEvery` has passed.
/// A change to an old sealed event is therefore found at the next full pass, and a resealed anchor at once.
@Suite(.serialized) struct AuditProgressTests {
    @Test func laterPassesVerifyOnlyNewLinksAndAFullPassStillFindsOldTampering() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore(connections: 2)
        func append(_ n: Int, from start: Int) async throws {
            for i in start..<(start + n) {
                let e = NewEvent(
                    eventID: UUID(), streamID: "audit-\(i % 3)", eventType: "test.audited", schemaVersion: 1, payload: Data(#"{"i":\#(i)}"#.utf8),
                    metadata: Data("{}".utf8), occurredAt: Date())
                _ = try await store.append(AppendRequest(events: [e], expectations: [:], commandID: UUID()))
            }
        }
        // The audit_seal projector follows the log until it has sealed every event, as under `serve`.
        func seal() async throws {
            let p = AuditSealProjection()
            let def = try ProjectionDefinition.load(p, from: TestCluster.repositoryRoot.appendingPathComponent("projections"))
            var engine = ProjectorEngine(projection: p, definition: def, conninfo: db.conninfo, waker: LogWaker(conninfo: db.conninfo), logger: Logger(label: "t"))
            engine.pollInterval = .milliseconds(20)
            let runner = Task { [engine] in try await engine.run() }
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let (events, sealed) = try await db.session().withConnection { c -> (Int64, Int64) in
                    let e = try c.query("SELECT count(*) FROM events").int64(0, 0) ?? 0
                    guard try c.query("SELECT to_regclass('audit_chain') IS NOT NULL").bool(0, 0) == true else { return (e, -1) }
                    return (e, try c.query("SELECT count(*) FROM audit_chain").int64(0, 0) ?? 0)
                }
                if sealed == events { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            runner.cancel()
            _ = await runner.result
        }
        let progress = AuditProgress(fullEvery: 3600)
        let reader = SnapshotReader(projectionNames: [], verifyAudit: true, auditProgress: progress)
        func pass(at t: Date) async throws -> DoctorSnapshot.AuditState {
            var s = DoctorSnapshot(now: t)
            try await db.session().withConnection { c in try reader.read(into: &s, on: c) }
            return s.audit
        }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        try await append(30, from: 0)
        try await seal()
        #expect(try await pass(at: t0) == .ok)

        // An old sealed event is changed behind the triggers' back: a pass within the hour verifies only
        // the new links and does not see it; the full pass an hour on does.
        let victim = try await db.session().withConnection { c in try c.query("SELECT min(global_position) + 5 FROM events").int64(0, 0)! }
        try await db.session().withConnection { c -> Void in
            try c.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
            _ = try c.query("UPDATE events SET payload = '{\"i\": 999}' WHERE global_position = $1", [victim])
            try c.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
        }
        try await append(10, from: 30)
        try await seal()
        #expect(try await pass(at: t0.addingTimeInterval(60)) == .ok, "a pass within the hour verifies the 10 new links only")
        guard case .broken(_, let position, _) = try await pass(at: t0.addingTimeInterval(3601)) else {
            Issue.record("the hourly full pass must find the changed event")
            return
        }
        #expect(position == victim)
        // Broken: the next pass starts from the genesis again, and still reports it.
        guard case .broken = try await pass(at: t0.addingTimeInterval(3660)) else {
            Issue.record("a broken chain stays reported")
            return
        }
    }
}
