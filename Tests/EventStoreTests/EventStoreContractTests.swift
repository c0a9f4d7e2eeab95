import CatalystTestKit
import EventStore
import Foundation
import Testing

/// One contract, two stores: the in-memory store must keep every promise the PostgreSQL store keeps,
/// so tests and tools that run on it see the ledger's semantics.
@Suite struct EventStoreContractTests {
    @Test(arguments: EventStoreContract.cases)
    func inMemory(_ contract: EventStoreContract.Case) async throws {
        try await contract.run(InMemoryEventStore())
    }

    @Test(arguments: EventStoreContract.cases)
    func postgres(_ contract: EventStoreContract.Case) async throws {
        try await contract.run(try await TestDatabase.create().eventStore(connections: 24))
    }
}

/// The contract can fail: a store that ignores expected versions breaks it.
@Suite struct EventStoreContractCanFailTests {
    struct IgnoresExpectedVersions: EventStore {
        let inner = InMemoryEventStore()
        func append(_ r: AppendRequest) async throws -> AppendResult {
            try await inner.append(AppendRequest(events: r.events, expectations: [:], commandID: r.commandID))
        }
        func readStream(_ s: String, from v: Int64, limit: Int) async throws -> [RecordedEvent] { try await inner.readStream(s, from: v, limit: limit) }
        func readAll(after c: LogCursor, limit: Int) async throws -> [RecordedEvent] { try await inner.readAll(after: c, limit: limit) }
        func head() async throws -> LogHead { try await inner.head() }
        func catchUpTarget() async throws -> UInt64 { try await inner.catchUpTarget() }
        func streamVersion(_ s: String) async throws -> Int64 { try await inner.streamVersion(s) }
        func streamHeads(prefix: String, touchedWithin: Double?) async throws -> [StreamHead] { try await inner.streamHeads(prefix: prefix, touchedWithin: touchedWithin) }
        func events(occurredFrom from: Date, before: Date) async throws -> [RecordedEvent] { try await inner.events(occurredFrom: from, before: before) }
        func latestOccurrence(from: Date, to: Date) async throws -> Date? { try await inner.latestOccurrence(from: from, to: to) }
        func identity() async throws -> StoreIdentity { try await inner.identity() }
    }

    @Test func aStoreThatIgnoresExpectedVersionsFailsTheContract() async throws {
        let failing = EventStoreContract.cases.filter { $0.name.hasPrefix("expected versions") || $0.name.hasPrefix("racers") || $0.name.hasPrefix("a multi-stream") }
        #expect(failing.count == 3)
        for contract in failing {
            await #expect(throws: ContractViolation.self, "\(contract.name)") { try await contract.run(IgnoresExpectedVersions()) }
        }
    }
}
