import Application
import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import FakeAlpaca
import Foundation
import Testing

/// A live day with capture on, replayed: a real `catalyst serve` trades against the fake Alpaca (its
/// market data over HTTP), a cycle runs through the API, and `catalyst session replay` decides the day
/// again on what the cycle captured. Unchanged, nothing differs; with one captured daily bar changed, the
/// replay says the capture was altered and names the candidate whose decision changed.
@Suite(.serialized) struct LiveCaptureReplayTests {
    @Test func aLiveCycleReplaysWithZeroDifferencesAndAChangedBarNamesTheCandidate() async throws {
        await LiveDrill.outsideTheFlattenWindow()
        let (fake, _, data) = LiveDrill.fake()
        Self.market(data, now: Date())
        let db = try await TestDatabase.create()
        let project = try LiveDrill.project()
        defer { try? FileManager.default.removeItem(at: project) }
        try await fake.withRunning { fakeURL in
            let environment = LiveDrill.environment(fake: fakeURL, db: db, project: project)
            let serve = try ServeProcess(environment: environment)
            let url = try await serve.url()
            try await LiveDrill.poll("the start-up reconciliation to open the trading gate") {
                (try? await DrillHTTP.request("GET", url, "/health"))?.object["trading_gate"] as? String == "open"
            }
            let key = try LiveDrill.ownerKey(project)
            let start = try await DrillHTTP.request("POST", url, "/api/v1/workflow/start", body: #"{"mode": "normal"}"#, key: key)
            #expect((200..<300).contains(start.status), "\(start.text)")
            try await LiveDrill.poll("the cycle to finish") {
                let status = try await DrillHTTP.request("GET", url, "/api/v1/cycles/current", key: key).object["status"] as? String
                if status == "failed" { throw DrillFailure("the cycle failed: \(serve.logText.suffix(2000))") }
                return status == "completed"
            }
            try await serve.terminate()

            let scan = try #require(try await LiveDrill.rows(db, "SELECT payload->>'data_hash' AS hash, payload->>'universe_size' AS n FROM events WHERE event_type = 'scan.completed'").first)
            let hash = try #require(scan["hash"], "the scan carries the hash of the data it was decided on")
            #expect(scan["n"] == "2")
            let candidates = try await LiveDrill.rows(db, "SELECT payload->'evaluation'->'features'->>'symbol' AS s FROM events WHERE event_type = 'scan.candidate_evaluated'")
            let rejected = try await LiveDrill.rows(db, "SELECT payload::text AS p FROM events WHERE event_type = 'scan.universe_filtered'").map { $0["p"] ?? "" }
            #expect(candidates.map { $0["s"] } == ["AAA"], "AAA passes stage 1 and BBB (no snapshot) does not: \(rejected)")

            let day = NYDate(Date()).description
            let verify = try await CLIAndTradeTests.catalyst(["data", "verify"], environment: environment)
            #expect(verify.status == 0 && verify.out.contains("captures/\(day) ok"), "\(verify.out) \(verify.err)")
            let same = try await CLIAndTradeTests.catalyst(["session", "replay", "--date", day], environment: environment)
            #expect(same.status == 0 && same.out.contains("identical") && same.out.contains("parity: every decision"), "\(same.out) \(same.err)")

            // After the day, AAA's captured daily volume is cut to 10 shares a day.
            let folder = project.appendingPathComponent(".catalyst/data/captures/\(day)")
            let parts = try MarketRecording.partHashes(head: try Self.read(folder.appendingPathComponent("\(hash).json.lz4")))
            let file = folder.appendingPathComponent("\(try #require(parts["daily_bars"])).json.lz4")
            var series = try #require(try JSONSerialization.jsonObject(with: try Self.read(file)) as? [[String: Any]])
            for i in series.indices where series[i]["symbol"] as? String == "AAA" {
                series[i]["bars"] = (series[i]["bars"] as? [[String: Any]] ?? []).map { var b = $0; b["v"] = 10; return b }
            }
            try Self.write(try JSONSerialization.data(withJSONObject: series, options: [.sortedKeys]), to: file)

            let changed = try await CLIAndTradeTests.catalyst(["session", "replay", "--date", day], environment: environment)
            #expect(changed.status != 0, "\(changed.out)")
            #expect(changed.out.contains("candidate AAA: recorded, not in the replay"), "\(changed.out)")
            #expect(changed.out.contains("stage 1 AAA: not rejected at stage 1 → rejected at stage 1 (average_volume_too_low)"), "\(changed.out)")
            #expect(changed.out.contains("altered"), "\(changed.out)")
            let broken = try await CLIAndTradeTests.catalyst(["data", "verify"], environment: environment)
            #expect(broken.status != 0 && broken.err.contains("content does not hash to its name"), "\(broken.out) \(broken.err)")
        }
    }

    /// AAA: thirty sessions of 2M shares a day at 100, today's bar so far, a fresh minute bar and a tight
    /// quote, so it passes stage 1 (and, without news, stops at the catalyst stage). BBB has no snapshot.
    static func market(_ data: FakeMarketDataState, now: Date) {
        let today = NYDate(now)
        var daily: [Bar] = []
        var day = today.adding(days: -45)
        while day < today {
            if day.isoWeekday <= 5 {
                let t = day.at(hour: 0, minute: 0)
                daily.append(Bar(start: t, open: Price(99), high: Price(101), low: Price(98), close: Price(100), volume: 2_000_000, availableAt: t))
            }
            day = day.adding(days: 1)
        }
        let minute = now.addingTimeInterval(-60)
        let todayBar = Bar(start: today.at(hour: 0, minute: 0), open: Price(100), high: Price(101), low: Price(99), close: Price(100), volume: 900_000, availableAt: now)
        daily.append(todayBar)
        data.setBars(daily, for: "AAA", timeframe: .day)
        data.setSnapshot(
            MarketSnapshot(
                symbol: Symbol("AAA")!, lastPrice: Price(100), bid: Price(Decimal(string: "99.99")!), ask: Price(Decimal(string: "100.01")!), dailyBar: todayBar,
                previousDailyBar: daily[daily.count - 2],
                minuteBar: Bar(start: minute, open: Price(100), high: Price(100), low: Price(100), close: Price(100), volume: 5_000, availableAt: now),
                asOf: now))
    }

    static func read(_ file: URL) throws -> Data {
        let reader = try LZ4FrameReader(path: file.path)
        var out = Data()
        while let chunk = try reader.next() { out.append(contentsOf: chunk) }
        return out
    }

    static func write(_ bytes: Data, to file: URL) throws {
        try FileManager.default.removeItem(at: file)
        let writer = try LZ4FrameWriter(path: file.path)
        try bytes.withUnsafeBytes { try writer.write($0) }
        _ = try writer.finish()
    }
}
