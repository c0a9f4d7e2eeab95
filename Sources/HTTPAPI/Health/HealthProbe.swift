import EventStore
import Foundation
import Projections

/// What `/health` reads from the database (the projections' status, the transaction-id invariant, the
/// last cycle's start), at most `maxAge` old. One reading serves every request in that window, and
/// requests that arrive while a reading is under way wait for that one rather than starting their own:
/// a monitor polling every 100 ms from ten places costs the database one reading a second. What the
/// process knows itself (the trading gate, the broker's circuit, the clock) is read fresh each time.
actor HealthProbe {
    struct Reading: Sendable {
        var projections: [ProjectionStatusRow] = []
        var transactionIDs: TransactionIDCheck.Reading?
        var replication: ReplicationReading?
        var lastCycleStartEpoch: Double?
        /// Why the database could not be read; nil when it was.
        var error: String?
        var at: ContinuousClock.Instant
    }

    let maxAge: Duration
    private var last: Reading?
    private var inflight: Task<Reading, Never>?

    init(maxAge: Duration = .seconds(1)) { self.maxAge = maxAge }

    /// The last reading when it is fresh enough, else a new one (shared with concurrent callers).
    func current(_ read: @escaping @Sendable () async -> Reading) async -> Reading {
        if let last, ContinuousClock.now - last.at < maxAge { return last }
        if let inflight { return await inflight.value }
        let task = Task { await read() }
        inflight = task
        let reading = await task.value
        inflight = nil
        last = reading
        return reading
    }
}
