import CatalystTestKit
import Domain
import Foundation
import HTTPAPI
import Testing

/// `catalyst serve` start-up refusals, and the simulated clock moving on its own as under `--speed`.
@Suite(.serialized) struct ServeCommandTests {
    @Test func serveRefusesALiveStartWithoutASectorMap() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path))
        // With broker keys, serve is live (Alpaca): without the sector map it refuses, naming the file.
        let live = try await CLIAndTradeTests.catalyst(
            ["serve", "--port", "0"], environment: ["APCA_API_KEY_ID": "k", "APCA_API_SECRET_KEY": "s", "APCA_API_BASE_URL": "http://127.0.0.1:9"])
        #expect(live.status != 0 && live.err.contains("sectors.csv"), "\(live.err)")
    }

    @Test func serveRefusesABadSpeedOrDayCount() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path))
        let speed = try await CLIAndTradeTests.catalyst(["serve", "--simulate", "--port", "0", "--speed", "fast"], environment: [:])
        #expect(speed.status != 0 && speed.err.contains("speed") && speed.err.contains("max"), "\(speed.err)")
        let days = try await CLIAndTradeTests.catalyst(["serve", "--simulate", "--port", "0", "--days", "0"], environment: [:])
        #expect(days.status != 0 && days.err.contains("days"), "\(days.err)")
    }

    @Test func theClockDriverRunsTheDayToTheEndOnItsOwn() async throws {
        try await APIHarness.with { h in
            _ = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "driver"])
            // 6000 simulated seconds per real second: the sleeps are short; the minutes themselves take the time.
            await h.driver.run(speed: 6000)
            #expect(h.driver.now == h.sim.world.session.close.addingTimeInterval(5 * 60))
            await h.settle()
            let health = try await h.get("/health").object
            #expect(health["ledger_time"] as? String == "2025-03-14T20:05:00Z")
            // The clock waited for the cycle in flight before it moved.
            #expect(try await h.get("/api/v1/cycles/current").object["status"] as? String == "completed")
        }
    }

    /// `serve --simulate --days 2 --speed max --cron`: one process runs Friday 2025-03-14 and then Monday
    /// 2025-03-17 (the next NYSE session), the crontab's workflow lines starting cycles on both days.
    @Test func theClockDriverRunsConsecutiveDaysWithTheCrontabsCycles() async throws {
        let crontab = try String(contentsOf: TestCluster.repositoryRoot.appendingPathComponent("tools/catalyst.cron"), encoding: .utf8)
        try await APIHarness.with(configure: { o in
            o.days = 2
            o.crontab = crontab
            o.symbolCount = 100
        }) { h in
            #expect(h.driver.sessions.map(\.date.description) == ["2025-03-14", "2025-03-17"])
            await h.driver.run(speed: .infinity)
            let monday = h.driver.sessions[1]
            #expect(h.driver.now == monday.close.addingTimeInterval(5 * 60))
            await h.backend.cycles.waitIdle()
            await h.settle()
            #expect(try await h.get("/health").object["ledger_time"] as? String == "2025-03-17T20:05:00Z")
            let cycles = try await h.get("/api/v1/workflow/history?limit=500").array
            let days = Dictionary(grouping: cycles) { String(($0["trading_date"] as? String ?? "").prefix(10)) }
            // 13 workflow lines a weekday: 09:30, every half hour 10:00–14:30, 15:00 and the conservative 15:30.
            #expect(days["2025-03-14"]?.count == 13, "\(days.mapValues(\.count))")
            #expect(days["2025-03-17"]?.count == 13, "\(days.mapValues(\.count))")
            #expect(cycles.allSatisfy { $0["status"] as? String != "running" })
            #expect(cycles.allSatisfy { $0["trigger_kind"] as? String == "cron" }, "\(Set(cycles.compactMap { $0["trigger_kind"] as? String }))")
        }
    }
}
