import CatalystTestKit
import Foundation
import Testing

/// `tools/fuzz-api` with a small budget: schemathesis generates requests from the OpenAPI document
/// against the built `catalyst serve`, and every answer must be documented, JSON, never a 5xx, and a
/// refused request must leave the event log as it was. It needs schemathesis (PyPI) in
/// `tools/.venv` (`tools/fuzz-api` creates it on first use; `tools/install-deps.sh --test` too).
@Suite struct SchemathesisFuzzTests {
    static let root = TestCluster.repositoryRoot

    /// Whether schemathesis imports in the tool's venv (the test never installs anything itself).
    static let available = PythonVenv.imports("schemathesis")

    @Test(.enabled(if: available, "schemathesis is not installed in tools/.venv: run tools/fuzz-api once, or tools/install-deps.sh --test"))
    func theAPIWithstandsSchemathesis() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let run = try await CLIAndTradeTests.run(
            "/bin/bash", [Self.root.appendingPathComponent("tools/fuzz-api").path, "--examples", "3", "--phases", "examples,fuzzing"],
            environment: ["CATALYST_BIN": MCPStdioTests.binary.path])
        let output = run.out + run.err
        #expect(run.status == 0, "tools/fuzz-api failed:\n\(output.suffix(6000))")
        #expect(output.contains("state changes from those       0"), "\(output.suffix(3000))")
        #expect(output.contains("500s in the server log         0"), "\(output.suffix(3000))")
        // It really sent requests, refused ones included.
        let sent = output.range(of: #"requests sent\s+[0-9]+"#, options: .regularExpression).map { output[$0].split(separator: " ").last.map(String.init) ?? "0" }
        #expect((sent.flatMap { Int($0) } ?? 0) > 50, "\(sent ?? "no count")")
    }
}
