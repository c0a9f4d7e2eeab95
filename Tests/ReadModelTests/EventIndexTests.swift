import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

@Suite struct EventIndexTests {
    /// Every trace key leads to exactly the events that carry it, without touching `events` by payload.
    @Test func traceKeysFindTheirEvents() async throws {
        let db = try await TestDatabase.create()
        var s = Scenario()
        try s.openDay()
        s.r.newCorrelation()
        let workflow = s.r.correlation
        let cycle = try s.startCycle("2026-03-02/open", at: s.at(9, 45))
        let a = try #require(try s.evaluate("ap-1", Scenario.proposal("ACME", price: 50, at: s.at(9, 48)), cycle: cycle, qty: 100, at: s.at(9, 48)))
        let entry = try s.placeBracket(a, cycle: cycle, at: s.at(9, 49))
        try s.fill(entry, qty: 100, price: 50, exec: "e1", at: s.at(9, 50))
        let batches = s.batches()
        try await ReadModels.append(batches, to: db.eventStore())
        try await ReadModels.project(db, [EventIndexProjection()])
        let all = try await db.committedEvents()
        func positions(_ kind: String, _ key: String) async throws -> [Int64] {
            try await ReadModels.rows(db, "SELECT global_position FROM v_event_trace WHERE key_kind = $1 AND key = $2 ORDER BY 1", [kind, key])
                .compactMap { $0["global_position"].flatMap { Int64($0) } }
        }
        let events = batches.flatMap(\.events)
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.eventID, $0.position) })

        let correlated = events.filter { $0.metadata.correlationID == workflow }.map { byID[$0.eventID]! }.sorted()
        #expect(!correlated.isEmpty)
        #expect(try await positions("correlation", workflow.uuidString.lowercased()) == correlated)

        let fillBatch = try #require(batches.last)
        #expect(try await positions("command", fillBatch.commandID.uuidString.lowercased()) == fillBatch.events.map { byID[$0.eventID]! }.sorted())
        let second = fillBatch.events[1]
        #expect(try await positions("causation", fillBatch.events[0].eventID.uuidString.lowercased()) == [byID[second.eventID]!])

        // The client order id: the approval, and every event of the entry's stream (fills included).
        let entryStream = all.filter { $0.streamID == "order-\(entry.rawValue)" }.map(\.position)
        let approval = all.filter { $0.eventType == "risk.approved" }.map(\.position)
        #expect(try await positions("client_order", "c-ap-1") == (entryStream + approval).sorted())

        // The cycle: its own stream, the approval, all three orders and the position it opened.
        let cycleEvents = all.filter {
            $0.streamID == "cycle-\(cycle.rawValue)" || $0.streamID.hasPrefix("order-") || $0.eventType == "risk.approved" || $0.eventType == "position.opened"
        }.map(\.position)
        #expect(try await positions("cycle", cycle.rawValue) == cycleEvents.sorted())
    }
}
