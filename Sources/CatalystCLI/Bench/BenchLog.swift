import CatalystApp
import Domain
import EventStore
import Foundation
import LedgerSimulation
import PostgresClient

/// Fills the scratch database with a simulated log and describes its mix.
enum BenchLog {
    /// Appends whole simulated days until at least `count` events are stored. Returns the count per
    /// event type and the seconds spent (generation, encoding and append).
    static func fill(db: BenchDatabase, simulator sim: inout LedgerSimulator, atLeast count: Int, progress: CatalystConfiguration.Progress) async throws -> ([String: Int], Double) {
        let store = PostgresEventStore(pool: PGPool(conninfo: db.conninfo, size: 2, name: "bench-fill"))
        let codec = EventCodec()
        var mix: [String: Int] = [:]
        let sw = Stopwatch()
        var appended = 0
        let bar = ProgressLine("generating the simulated log", unit: "events", settings: progress)
        while appended < count {
            let day = try sim.nextDay()
            for batch in day { for e in batch.events { mix[e.event.eventType, default: 0] += 1 } }
            for request in try day.appendRequests(codec: codec, maxEvents: 5_000) {
                _ = try await store.append(request)
                appended += request.events.count
            }
            bar.update(done: appended, total: count)
        }
        bar.finish(done: appended, total: count)
        return (mix, sw.seconds)
    }

    static func printMix(_ mix: [String: Int]) {
        let total = Double(mix.values.reduce(0, +))
        let groups: [(String, (String) -> Bool)] = [
            ("scan candidates (scan.candidate_evaluated)", { $0 == "scan.candidate_evaluated" }),
            ("other scan/cycle/signal events", { $0.hasPrefix("scan.") || $0.hasPrefix("cycle.") || $0.hasPrefix("signal.") }),
            ("marks (position.marked, risk.marks_recorded)", { $0 == "position.marked" || $0 == "risk.marks_recorded" }),
            ("fills (order.filled/partially_filled, position fills, risk.fill_recorded)", {
                ["order.filled", "order.partially_filled", "risk.fill_recorded", "position.opened", "position.increased", "position.reduced",
                 "position.closed"].contains($0)
            }),
            ("other order events", { $0.hasPrefix("order.") }),
            ("other risk and position events", { $0.hasPrefix("risk.") || $0.hasPrefix("position.") }),
        ]
        var left = mix
        print("mix:")
        for (label, test) in groups {
            let n = left.filter { test($0.key) }.values.reduce(0, +)
            left = left.filter { !test($0.key) }
            print(String(format: "  %5.1f%%  ", 100 * Double(n) / total) + label)
        }
        if !left.isEmpty { print(String(format: "  %5.1f%%  other", 100 * Double(left.values.reduce(0, +)) / total)) }
    }
}
