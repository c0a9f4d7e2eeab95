import Application
import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Logging

@testable import ApplicationTestKit

/// One simulated trading day run in-process, exactly as the golden master runs it (`SimulatedDayRun`), on
/// a smaller universe, into a fresh test database. Built once per test process and shared.
struct SimulatedDay: Sendable {
    static let date = NYDate("2025-03-14")!
    static let seed: UInt64 = 13
    static let symbols = 300

    let db: TestDatabase
    let store: PostgresEventStore
    let report: DayReport

    private static let shared = SharedDay()

    static func get() async throws -> SimulatedDay { try await shared.get() }

    static func run() async throws -> SimulatedDay {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        let report = try await SimulatedDayRun.run(date: date, seed: seed, symbols: symbols, store: store)
        return SimulatedDay(db: db, store: store, report: report)
    }
}

/// Runs the day once, whichever test asks first.
private actor SharedDay {
    private var task: Task<SimulatedDay, any Error>?

    func get() async throws -> SimulatedDay {
        if let task { return try await task.value }
        let t = Task { try await SimulatedDay.run() }
        task = t
        return try await t.value
    }
}

extension SimulatedDay {
    /// Every event of the day, in reader order: all that was committed when asked, even while a transaction
    /// elsewhere on the test cluster holds the read horizon back (a plain `readAll` loop would stop there).
    func allEvents() async throws -> [RecordedEvent] {
        var all: [RecordedEvent] = []
        try await store.readPages(after: .start, limit: 5_000, reaching: try await store.catchUpTarget()) { all += $0 }
        return all
    }
}
