import CatalystTestKit
import Foundation
import Testing

/// `catalyst serve` is one ServiceGroup: SIGTERM (what systemd and `kill` send) and SIGINT (Ctrl-C) shut it
/// down gracefully, the server first, then the clock and the projectors. The process exits 0 by itself,
/// instead of dying of the signal, and answers requests until it stops taking them.
@Suite(.serialized) struct GracefulShutdownTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func serveStopsGracefullyOnASignal(_ signal: Int32) async throws {
        let db = try await TestDatabase.create()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("graceful-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["DATABASE_URL": db.conninfo, "CATALYST_HOME": home.path, "CATALYST_LOG_LEVEL": "info"]
        let serve = try ServeProcess(environment: env, arguments: ["serve", "--simulate", "--date", "2025-11-18", "--symbols", "200", "--speed", "0", "--port", "0"])
        defer { if serve.process.isRunning { _ = Foundation.kill(serve.pid, SIGKILL) } }
        let url = try await serve.url(timeout: .seconds(120))
        #expect(try await DrillHTTP.request("GET", url, "/health").status == 200)

        _ = Foundation.kill(serve.pid, signal)
        try await LiveDrill.poll("catalyst serve to exit", timeout: .seconds(60)) { !serve.process.isRunning }
        #expect(serve.process.terminationReason == .exit, "it exited by itself, not by the signal: \(serve.logText.suffix(1500))")
        #expect(serve.process.terminationStatus == 0, "exit status \(serve.process.terminationStatus): \(serve.logText.suffix(1500))")
    }
}
