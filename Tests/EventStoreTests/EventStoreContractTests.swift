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
    struct IgnoresExpectedVersions: ForwardingEventStore {
        let inner = InMemoryEventStore()
        func append(_ r: AppendRequest) async throws -> AppendResult {
            try await inner.append(AppendRequest(events: r.events, expectations: [:], commandID: r.commandID))
        }
    }

    @Test func aStoreThatIgnoresExpectedVersionsFailsTheContract() async throws {
        let failing = EventStoreContract.cases.filter { $0.name.hasPrefix("expected versions") || $0.name.hasPrefix("racers") || $0.name.hasPrefix("a multi-stream") }
        #expect(failing.count == 3)
        for contract in failing {
            await #expect(throws: ContractViolation.self, "\(contract.name)") { try await contract.run(IgnoresExpectedVersions()) }
        }
    }
}
