import CatalystApp
import Domain
import EventStore
import Foundation
import Logging
import MarketData
import Testing

@testable import ApplicationTestKit

/// `catalyst session run --data`: the session's own code over a recorded day. The day here is recorded
/// from the simulated market through the same backfill that reads Alpaca, so the test needs no network.
@Suite struct RecordedSessionTests {
    static let date = NYDate("2025-03-14")!

    static var quiet: Logger {
        var l = Logger(label: "recorded-session-test")
        l.logLevel = .critical
        return l
    }

    /// A dataset folder holding `date`, recorded from the simulated market.
    static func recorded(seed: UInt64, symbols: Int) async throws -> MarketDataset {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("recorded-\(UUID().uuidString)")
        let dataset = MarketDataset(root: root)
        let market = SimulatedMarket(configuration: .init(seed: seed, symbolCount: symbols), now: date.adding(days: 1).at(hour: 9, minute: 0))
        let report = try await MarketDataBackfill(source: market, dataset: dataset, sourceName: "simulated seed \(seed)").run(
            from: date, through: date, symbols: .universe, logger: quiet)
        #expect(report.fetched == [date] && report.failed.isEmpty)
        return dataset
    }

    /// The golden master's day (seed 13, 500 symbols) recorded and run: the same session code trades it,
    /// and the same data and seed give the same event stream. (The generated original makes 17 signals
    /// and the recorded copy 11: what a scan sees differs between the two sources in details not yet
    /// pinned down; see docs/ml-replay.md.)
    @Test func aRecordedDayTradesThroughTheSessionAndTheSameDataGiveTheSameEventStream() async throws {
        let dataset = try await Self.recorded(seed: 13, symbols: 500)
        defer { try? FileManager.default.removeItem(at: dataset.root) }
        let first = try await SimulatedDayRun.run(world: try RecordedWorld(dataset: dataset, date: Self.date, seed: 13), store: InMemoryEventStore())
        let second = try await SimulatedDayRun.run(world: try RecordedWorld(dataset: dataset, date: Self.date, seed: 13), store: InMemoryEventStore())
        #expect(first.eventStreamHash == second.eventStreamHash)
        #expect(first.cycles >= 10 && first.cyclesFailed == 0, "the crontab's cycles ran: \(first.cycles)")
        #expect(first.candidates > 0 && first.signals > 0, "the funnel found candidates in the recorded data: \(first.candidates), \(first.signals)")
        #expect(first.ordersRequested > 0 && first.fills > 0, "the paper broker filled against the recorded bars: \(first.ordersRequested), \(first.fills)")
    }

    /// Point in time: bars recorded after 11:00 are changed (every price half as high again); nothing the
    /// session recorded before 11:00 changes. A look-ahead anywhere (the scan, risk, the broker's fills)
    /// would show here.
    @Test func changingWhatHappensAfterElevenChangesNothingRecordedBeforeIt() async throws {
        let dataset = try await Self.recorded(seed: 11, symbols: 300)
        defer { try? FileManager.default.removeItem(at: dataset.root) }
        let changed = MarketDataset(root: dataset.root.appendingPathComponent("changed"))
        let eleven = Self.date.at(hour: 11, minute: 0)
        var texts: [String: (text: String, rows: Int)] = [:]
        let manifest = try #require(dataset.manifest(Self.date))
        for file in manifest.files {
            var text = try dataset.text(Self.date, file.name)
            if file.name == "minute_bars.csv.lz4" { text = Self.scaled(text, from: eleven, by: Decimal(string: "1.5")!) }
            texts[file.name] = (text, file.rows)
        }
        try changed.write(Self.date, source: "changed", fetchedAt: Date(), symbols: manifest.symbols, texts: texts)
        #expect(try changed.text(Self.date, "minute_bars.csv.lz4") != dataset.text(Self.date, "minute_bars.csv.lz4"))

        let original = InMemoryEventStore()
        let altered = InMemoryEventStore()
        _ = try await SimulatedDayRun.run(world: try RecordedWorld(dataset: dataset, date: Self.date, seed: 7), store: original)
        _ = try await SimulatedDayRun.run(world: try RecordedWorld(dataset: changed, date: Self.date, seed: 7), store: altered)
        func before(_ store: InMemoryEventStore) async throws -> [String] {
            try await store.readAllToEnd().filter { $0.occurredAt < eleven }.map { "\($0.streamID) \($0.eventType) \(String(decoding: $0.payload, as: UTF8.self))" }
        }
        let a = try await before(original)
        let b = try await before(altered)
        #expect(a.count > 100, "the morning traded: \(a.count) events")
        #expect(a == b, "first difference: \(zip(a, b).first { $0 != $1 }.map { "\($0.0)\n≠ \($0.1)" } ?? "lengths \(a.count) vs \(b.count)")")
        let after = try await original.readAllToEnd().map(\.payload)
        let afterAltered = try await altered.readAllToEnd().map(\.payload)
        #expect(after != afterAltered, "the change after 11:00 does reach the afternoon")
    }

    /// The minute-bar CSV with the prices of every bar starting at or after `from` multiplied by `factor`.
    static func scaled(_ text: String, from: Date, by factor: Decimal) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for i in 1..<lines.count where !lines[i].isEmpty {
            var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let start = RFC3339.parse(cells[1]), start >= from else { continue }
            for c in [2, 3, 4, 5, 7] where !cells[c].isEmpty {
                cells[c] = "\((Decimal(string: cells[c])! * factor).rounded(4))"
            }
            lines[i] = cells.joined(separator: ",")
        }
        return lines.joined(separator: "\n")
    }
}

extension Decimal {
    fileprivate func rounded(_ places: Int) -> Decimal {
        var value = self
        var out = Decimal()
        NSDecimalRound(&out, &value, places, .plain)
        return out
    }
}
