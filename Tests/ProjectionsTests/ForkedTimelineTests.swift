import CatalystTestKit
import EventStore
import Foundation
import Logging
import PostgresClient
import Testing

@testable import Projections

/// After a failover that lost committed events (or any replacement of the log), the event a projection's
/// checkpoint stands on is gone. The projection must stop loudly on its next connection, not fold the new
/// timeline's events onto a state built from the lost ones.
@Suite struct ForkedTimelineTests {
    @Test func aProjectionWhoseCheckpointEventIsGoneStopsInsteadOfFollowingTheForkedLog() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        for i in 0..<20 { _ = try await store.append(to: "s\(i % 3)", expected: .any, events: [event(stream: "s\(i % 3)", qty: i)]) }
        let first = Task { try await engine(db).run() }
        try await waitCaughtUp(db)
        first.cancel()
        _ = await first.result
        let before = try await tableRows(db)
        let checkpoint = try await status(db).position

        // The last five events are lost (as an asynchronous standby promoted without them would lose them),
        // and the new timeline carries on with three others.
        try await db.session().withConnection { c -> Void in
            try c.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
            _ = try c.query("DELETE FROM events WHERE global_position > $1::bigint", [checkpoint - 5])
            try c.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
        }
        for i in 0..<3 { _ = try await store.append(to: "new\(i)", expected: .any, events: [event(stream: "new\(i)", qty: 100)]) }

        let second = Task { try await engine(db).run() }
        // Broken, the projection would follow the forked log for ever: give up on it after two minutes (a
        // loaded machine can take many seconds just to start the engine; the check is its first batch).
        let giveUp = Task {
            try await Task.sleep(for: .seconds(120))
            second.cancel()
        }
        let result = await second.result
        giveUp.cancel()
        guard case .failure(let error) = result, case ProjectionRuntimeError.forkedTimeline(let name, let at)? = error as? ProjectionRuntimeError else {
            Issue.record("the projection must stop on the forked log, got \(result)")
            return
        }
        #expect(name == "stream_counts" && at.hasSuffix(":\(checkpoint)"))
        let s = try await status(db)
        #expect(s.state == "failed" && (s.error ?? "").contains("timeline forked"), "\(s)")
        #expect(try await tableRows(db) == before, "nothing of the new timeline was folded")
    }
}
