import CatalystTestKit
import Foundation
import Testing

/// Long commands show progress with an ETA on standard error and keep standard output for their answer;
/// in a log (not a terminal) that is a plain line every few seconds (here every 0.2 s).
@Suite struct ProgressOutputTests {
    @Test func aSessionRunPrintsPlainProgressLinesWithAnETAToStandardError() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let db = try await TestDatabase.create()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["DATABASE_URL": db.conninfo, "CATALYST_HOME": home.path, "CATALYST_PROGRESS_EVERY": "0.2"]
        let day = ["session", "run", "--simulate", "--date", "2025-03-14", "--symbols", "150", "--speed", "max", "--seed", "3"]
        let run = try await CLIAndTradeTests.catalyst(day, environment: env)
        #expect(run.status == 0, "\(run.err)")
        let lines = run.err.split(separator: "\n").filter { $0.hasPrefix("simulated day: ") }
        #expect(lines.count >= 2, "\(run.err)")
        #expect(lines.dropLast().contains { $0.contains(", ETA ") && $0.contains(" ET, cycles ") }, "\(lines)")
        #expect(lines.last?.contains(" minutes (100%)") == true, "\(lines.last ?? "")")
        #expect(run.out.hasPrefix("Day report 2025-03-14") && !run.out.contains("simulated day:"), "\(run.out)")

        // Silenced on request.
        let quiet = try await CLIAndTradeTests.catalyst(
            ["projections", "rebuild", "--all"], environment: env.merging(["CATALYST_PROGRESS": "off", "CATALYST_PROGRESS_EVERY": "0"]) { $1 })
        #expect(quiet.status == 0 && !quiet.err.contains("rebuilding "), "\(quiet.err)")
    }
}
