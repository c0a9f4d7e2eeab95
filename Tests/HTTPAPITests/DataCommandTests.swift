import CatalystTestKit
import Domain
import FakeAlpaca
import Foundation
import Testing

/// `catalyst data backfill` and `catalyst data verify` as a user runs them, against the fake Alpaca.
@Suite struct DataCommandTests {
    @Test func backfillRecordsADayThatVerifiesAndVerifyNamesAFlippedFile() async throws {
        let day = NYDate("2025-03-14")!
        let state = FakeMarketDataState()
        state.setAssets([FakeAsset(symbol: "AAA", name: "Aaa Corp"), FakeAsset(symbol: "BBB", name: "Bbb Inc")])
        let bars = (0..<390).map { i in
            let t = day.at(hour: 9, minute: 30).addingTimeInterval(Double(i) * 60)
            return Bar(start: t, open: Price(10), high: Price(11), low: Price(9), close: Price(10), volume: 100, vwap: nil, tradeCount: nil, availableAt: t)
        }
        state.setBars(bars, for: "AAA", timeframe: .minute)
        state.setClock(
            now: day.adding(days: 3).at(hour: 12, minute: 0),
            sessions: [day.adding(days: -1), day].map { TradingSession(date: $0, open: $0.at(hour: 9, minute: 30), close: $0.at(hour: 16, minute: 0)) })
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("data-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: project) }
        try FileManager.default.createSymbolicLink(
            at: project.appendingPathComponent("migrations"), withDestinationURL: TestCluster.repositoryRoot.appendingPathComponent("migrations"))
        try "symbol,sector\nAAA,Energy\nBBB,Financials\n".write(to: project.appendingPathComponent("config/sectors.csv"), atomically: true, encoding: .utf8)
        try "# mine\nAAA\nbbb  # lower case is fine\n".write(to: project.appendingPathComponent("symbols.txt"), atomically: true, encoding: .utf8)
        let server = FakeAlpacaServer(groups: FakeAlpacaServer.marketDataGroups(state))
        try await server.withRunning { url in
            let env = [
                "APCA_API_KEY_ID": FakeAlpacaServer.testKeyID, "APCA_API_SECRET_KEY": FakeAlpacaServer.testSecret, "APCA_API_BASE_URL": url.absoluteString,
                "APCA_DATA_BASE_URL": url.absoluteString, "CATALYST_SHARE": project.path, "CATALYST_HOME": project.appendingPathComponent(".catalyst").path,
                "CATALYST_PROGRESS": "off",
            ]
            let neither = try await CLIAndTradeTests.catalyst(["data", "backfill", "--from", "2025-03-14", "--to", "2025-03-14"], environment: env)
            #expect(neither.status != 0 && neither.err.contains("--symbols FILE or --universe"), "\(neither.err)")

            let symbols = project.appendingPathComponent("symbols.txt").path
            let run = try await CLIAndTradeTests.catalyst(["data", "backfill", "--from", "2025-03-13", "--to", "2025-03-14", "--symbols", symbols], environment: env)
            #expect(run.status == 0 && run.out.contains("recorded 2 days"), "\(run.out) \(run.err)")
            let again = try await CLIAndTradeTests.catalyst(["data", "backfill", "--from", "2025-03-13", "--to", "2025-03-14", "--symbols", symbols], environment: env)
            #expect(again.status == 0 && again.out.contains("recorded 0 days") && again.out.contains("2 already recorded"), "\(again.out)")

            let verify = try await CLIAndTradeTests.catalyst(["data", "verify"], environment: env)
            #expect(verify.status == 0 && verify.out.contains("2 of 2 days verify") && verify.out.contains("2025-03-14 ok  2 symbols, 2 securities, 390 minute_bars"), "\(verify.out) \(verify.err)")

            let file = project.appendingPathComponent(".catalyst/data/2025-03-14/news.csv.lz4")
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count - 1] ^= 0x01
            try bytes.write(to: file)
            let broken = try await CLIAndTradeTests.catalyst(["data", "verify"], environment: env)
            #expect(broken.status != 0 && broken.err.contains("2025-03-14/news.csv.lz4") && broken.out.contains("1 of 2 days verify"), "\(broken.out) \(broken.err)")

            let noKeys = try await CLIAndTradeTests.catalyst(
                ["data", "backfill", "--from", "2025-03-14", "--to", "2025-03-14", "--universe"],
                environment: env.filter { !$0.key.hasPrefix("APCA_API") })
            #expect(noKeys.status != 0 && noKeys.err.contains("APCA_API_KEY_ID"), "\(noKeys.err)")
        }
    }

    /// With no keys at all: the generated market recorded through the same backfill, then `session run
    /// --data` trades the recorded day on PostgreSQL and prints its day report.
    @Test func aSimulatedRecordingRunsAsARecordedSession() async throws {
        let db = try await TestDatabase.create()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("data-session-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["DATABASE_URL": db.conninfo, "CATALYST_HOME": home.path, "CATALYST_PROGRESS": "off", "CATALYST_SHARE": TestCluster.repositoryRoot.path]
        let record = try await CLIAndTradeTests.catalyst(
            ["data", "backfill", "--simulated", "--seed", "11", "--simulated-symbols", "100", "--from", "2025-03-13", "--to", "2025-03-14"], environment: env)
        #expect(record.status == 0 && record.out.contains("recorded 2 days"), "\(record.out) \(record.err)")
        let missing = try await CLIAndTradeTests.catalyst(["session", "run", "--data", "--date", "2025-03-12"], environment: env)
        #expect(missing.status != 0 && missing.err.contains("2025-03-12 is not recorded"), "\(missing.err)")
        // A range with a day missing runs nothing, and names the day.
        let gap = try await CLIAndTradeTests.catalyst(["session", "run", "--data", "--from", "2025-03-12", "--to", "2025-03-14"], environment: env)
        #expect(gap.status != 0 && gap.err.contains("1 of the 3 trading days are not recorded") && gap.err.contains("2025-03-12"), "\(gap.err)")
        let untouched = try await db.session().withConnection { c in try c.query("SELECT count(*) FROM events").int64(0, 0) ?? -1 }
        #expect(untouched == 0, "nothing ran")
        let both = try await CLIAndTradeTests.catalyst(["session", "run", "--data", "--simulate", "--date", "2025-03-14"], environment: env)
        #expect(both.status != 0 && both.err.contains("--simulate") && both.err.contains("--data"), "\(both.err)")
        let run = try await CLIAndTradeTests.catalyst(["session", "run", "--data", "--date", "2025-03-14", "--seed", "11", "--json"], environment: env)
        #expect(run.status == 0, "\(run.err)")
        let report = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
        #expect(report?["date"] as? String == "2025-03-14" && (report?["cycles"] as? Int ?? 0) >= 10, "\(run.out.prefix(500))")

        // Both recorded days (a Thursday and a Friday) in turn, into a fresh ledger; the weekend after is skipped.
        let second = try await TestDatabase.create()
        var rangeEnv = env
        rangeEnv["DATABASE_URL"] = second.conninfo
        let range = try await CLIAndTradeTests.catalyst(
            ["session", "run", "--data", "--from", "2025-03-13", "--to", "2025-03-16", "--seed", "11", "--json"], environment: rangeEnv)
        #expect(range.status == 0, "\(range.err)")
        let days = try JSONSerialization.jsonObject(with: Data(range.out.utf8)) as? [[String: Any]] ?? []
        #expect(days.map { $0["date"] as? String } == ["2025-03-13", "2025-03-14"], "\(range.out.prefix(300))")
        #expect(days.allSatisfy { ($0["cycles"] as? Int ?? 0) >= 10 })
        // The second day of the range is the day run alone, on top of the first.
        #expect(days.last?["events"] as? Int ?? 0 > 0 && days.last?["candidates"] as? Int == report?["candidates"] as? Int)
    }
}
