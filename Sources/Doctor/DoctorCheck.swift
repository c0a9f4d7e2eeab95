import Application
import Broker
import Domain
import EventStore
import Foundation
import PostgresClient

/// One watchdog pass: read the snapshot (views, projection status, audit chain, broker), run the
/// checks, and produce the versioned report. A failure to read becomes an ERROR report (exit 3), never
/// a crash, so the caller always has a contract to print.
public struct DoctorCheck: Sendable {
    public var pool: PGPool
    public var reader: SnapshotReader
    public var broker: (any Broker)?
    public var rules: DoctorRules
    /// Today's scheduled cycle starts (minutes of the New York day); empty on a non-trading day.
    public var scheduledSlots: [Int]

    public init(pool: PGPool, reader: SnapshotReader, broker: (any Broker)?, rules: DoctorRules, scheduledSlots: [Int] = []) {
        self.pool = pool
        self.reader = reader
        self.broker = broker
        self.rules = rules
        self.scheduledSlots = scheduledSlots
    }

    public func snapshot(now: Date) async throws -> DoctorSnapshot {
        let reader = self.reader
        var s = try await pool.withConnection { c in
            var read = DoctorSnapshot(now: now)
            try reader.read(into: &read, on: c)
            return read
        }
        s.scheduledSlots = scheduledSlots
        if let broker { s.broker = await BrokerProbe(broker: broker).read(orders: s.orders) }
        return s
    }

    public func run(now: Date) async -> DoctorReport {
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let d = ContinuousClock.now - started
            return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            let s = try await snapshot(now: now)
            return Watchdog.report(s, thresholds: rules.thresholds, durationMs: elapsed())
        } catch {
            return DoctorReport.failure("\(error)", at: now, durationMs: elapsed())
        }
    }
}
