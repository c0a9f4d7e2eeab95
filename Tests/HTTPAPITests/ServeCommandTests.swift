import Foundation
import Testing

/// `catalyst serve` start-up refusals, and the simulated clock moving on its own as under `--speed`.
@Suite(.serialized) struct ServeCommandTests {
    @Test func serveRefusesAnUnauthenticatedNonLoopbackAddress() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path))
        let open = try await CLIAndTradeTests.catalyst(["serve", "--simulate", "--host", "0.0.0.0"], environment: ["CATALYST_API_KEYS": ""])
        #expect(open.status != 0 && open.err.contains("CATALYST_API_KEYS"), "\(open.err)")
        // With broker keys, serve is live (Alpaca): without the sector map it refuses, naming the file.
        let live = try await CLIAndTradeTests.catalyst(
            ["serve", "--port", "0"], environment: ["APCA_API_KEY_ID": "k", "APCA_API_SECRET_KEY": "s", "APCA_API_BASE_URL": "http://127.0.0.1:9"])
        #expect(live.status != 0 && live.err.contains("sectors.csv"), "\(live.err)")
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
}
