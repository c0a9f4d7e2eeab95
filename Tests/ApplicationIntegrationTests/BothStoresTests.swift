import Application
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Testing

@testable import ApplicationTestKit

/// The fast workflow tests run on the in-memory store. This is why that is allowed: the same seeded
/// session (a busy cycle, then half an hour of duties with fills and exits) writes the same ledger on
/// both stores, event for event: ids, streams, versions, types, business times, payloads and metadata.
@Suite struct BothStoresTests {
    @Test func aSeededSessionWritesTheSameLedgerOnBothStores() async throws {
        let memory = try await Self.session(try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute))
        let postgres = try await Self.session(
            try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute, db: try await TestDatabase.create()))
        #expect(memory.count > 50, "the session wrote a ledger worth comparing (\(memory.count) events)")
        #expect(Set(memory.map(\.eventType)).isSuperset(of: ["cycle.started", "risk.approved", "order.requested", "order.filled"]))
        #expect(memory.count == postgres.count)
        for (i, (m, p)) in zip(memory, postgres).enumerated() {
            if m.eventID != p.eventID || m.streamID != p.streamID || (try? Self.json(m.metadata) == Self.json(p.metadata)) != true {
                Issue.record("first difference at \(i): \(m.eventType) \(m.streamID) \(String(decoding: m.metadata, as: UTF8.self)) vs \(p.eventType) \(p.streamID) \(String(decoding: p.metadata, as: UTF8.self))")
                break
            }
            #expect(m.eventID == p.eventID && m.streamID == p.streamID && m.streamVersion == p.streamVersion, "\(m.eventType) vs \(p.eventType)")
            #expect(m.eventType == p.eventType && m.schemaVersion == p.schemaVersion && m.occurredAtMicros == p.occurredAtMicros)
            #expect(try Self.json(m.payload) == Self.json(p.payload), "payload of \(m.eventType) \(m.eventID)")
            #expect(try Self.json(m.metadata) == Self.json(p.metadata), "metadata of \(m.eventType) \(m.eventID)")
        }
    }

    static func session(_ h: SimHarness) async throws -> [RecordedEvent] {
        _ = try await h.runCycle()
        try await h.runMinutes(to: h.now.addingTimeInterval(30 * 60))
        return try await h.store.readAllToEnd()
    }

    static func json(_ data: Data) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: data) as? NSDictionary ?? [:]
    }
}
