import Foundation
import Synchronization
import Testing

@testable import HTTPAPI

/// `/health` costs the database at most one reading per `maxAge`, however many ask, and asks again
/// once the reading is older.
@Suite struct HealthProbeTests {
    /// Counts readings; each takes a while (callers meanwhile wait for it) and says which one it was.
    final class Reads: Sendable {
        private let count = Mutex(0)
        var total: Int { count.withLock { $0 } }

        var read: @Sendable () async -> HealthProbe.Reading {
            {
                let n = self.count.withLock { c in c += 1; return c }
                try? await Task.sleep(for: .milliseconds(20))
                return HealthProbe.Reading(lastCycleStartEpoch: Double(n), at: .now)
            }
        }
    }

    @Test func concurrentRequestsShareOneReading() async {
        let probe = HealthProbe(maxAge: .seconds(60))
        let reads = Reads()
        let read = reads.read
        let values = await withTaskGroup(of: Double?.self) { group in
            for _ in 0..<200 { group.addTask { await probe.current(read).lastCycleStartEpoch } }
            return await group.reduce(into: Set<Double?>()) { $0.insert($1) }
        }
        #expect(reads.total == 1)
        #expect(values == [1])
    }

    @Test func aReadingOlderThanMaxAgeIsTakenAgain() async throws {
        let probe = HealthProbe(maxAge: .milliseconds(50))
        let reads = Reads()
        #expect(await probe.current(reads.read).lastCycleStartEpoch == 1)
        try await Task.sleep(for: .milliseconds(80))
        #expect(await probe.current(reads.read).lastCycleStartEpoch == 2)
        let zero = HealthProbe(maxAge: .zero)
        for _ in 0..<3 { _ = await zero.current(reads.read) }
        #expect(reads.total == 5)
    }
}
