import CatalystTestKit
import EventStore
import Foundation
import PostgresClient
import PropertyBased
import Testing

@testable import Projections

/// A projection that names its event types reads typed pages: every event passes (cursor and count stay
/// exact) but only its types carry payloads. It must fold exactly what a whole-log read would have given it.
@Suite struct TypedPageTests {
    static let typed = StreamCountsProjection(eventTypes: ["test.a", "test.poison"])

    /// For random interleavings of wanted and unwanted types, built live in random batch sizes or rebuilt
    /// from zero: the tables equal the fold of the wanted events alone, and the checkpoint has passed every
    /// event and stands on the last one.
    @Test func aTypedProjectionFoldsOnlyItsTypesAndPassesEveryEvent() async throws {
        await propertyCheck(count: 5, input: Gen.int(in: 0...99).array(of: 20...150), Gen.int(in: 1...13)) { rolls, batch in
            do {
                let db = try await TestDatabase.create()
                let store = db.eventStore()
                let live = Task { try await engine(db, Self.typed, batch: batch).run() }
                for (i, roll) in rolls.enumerated() {
                    let s = "s\(roll % 5)"
                    // Mostly unwanted events, as for the orders projection in a trading log.
                    let type = roll < 25 ? "test.a" : "test.b"
                    _ = try await store.append(to: s, expected: .any, events: (0...(i % 2)).map { _ in event(stream: s, qty: roll, type: type) })
                }
                try await waitCaughtUp(db)
                live.cancel()
                _ = await live.result
                let all = try await allEvents(db)
                let expected = StreamCountsProjection.expected(all.filter { $0.eventType == "test.a" })
                #expect(try await tableRows(db) == expected)
                let s = try await status(db)
                #expect(s.eventsApplied == Int64(all.count), "every event passed, wanted or not")
                #expect(s.position == all.map(\.position).max())
                #expect(s.lagEvents == 0)

                try await engine(db, Self.typed, batch: 10_000).rebuildNow()
                #expect(try await tableRows(db) == expected)
                #expect(try await status(db).eventsApplied == Int64(all.count))
            } catch {
                Issue.record(error)
            }
        }
    }

    /// A failing event among unwanted ones: the error names it, the checkpoint keeps the last wanted event
    /// applied before it, and nothing from there on is skipped (the unwanted event between them is passed
    /// again when the projection restarts, which changes nothing).
    @Test func aPoisonEventAmongUnwantedOnesStopsTheProjectionAtItsPosition() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        let runner = Task { try await engine(db, Self.typed, batch: 100).run() }
        for i in 0..<6 { _ = try await store.append(to: "ok", expected: .any, events: [event(stream: "ok", qty: i, type: i % 2 == 0 ? "test.a" : "test.b")]) }
        try await waitCaughtUp(db)
        // One page: unwanted, wanted, unwanted, the poison, then more of both.
        let batch = ["test.b", "test.a", "test.b", "test.poison", "test.b", "test.a"].map { event(stream: "mixed", type: $0) }
        let poison = try await store.append(to: "mixed", expected: .any, events: batch).receipt!.positions[3]
        let result = await runner.result
        guard case .failure(let error) = result else {
            Issue.record("the projection should fail")
            return
        }
        #expect("\(error)".contains("position \(poison)"))
        let s = try await status(db)
        #expect(s.errorPosition == poison)
        #expect(s.position == poison - 2, "the checkpoint stands on the wanted event before the poison")
        #expect(s.lagEvents == 4, "the unwanted event after it, the poison and the two after that wait: \(s)")
        #expect(try await tableRows(db)["mixed"]?.events == 1)
    }
}
