import CatalystTestKit
import Foundation
import Testing

/// `catalyst mcp` spoken to by the official MCP Python SDK (PyPI `mcp`, as Claude Desktop's peers use
/// it): handshake, resources, URI templates, filtered reads and their refusals, prompts, tools
/// (tools/mcp_client_check.py). The SDK validates every answer against the protocol's schema, so a
/// malformed answer fails here even where our own JSON-RPC tests would accept it. Skipped with a message
/// when the SDK is not installed (tools/install-deps.sh --test installs it into tools/.venv).
@Suite(.serialized) struct MCPPythonClientTests {
    static let python = PythonVenv.python.path
    static let hasSDK = PythonVenv.imports("mcp")

    @Test(.enabled(if: hasSDK, "needs the MCP Python SDK in tools/.venv (tools/install-deps.sh --test)"))
    func theOfficialPythonClientPassesEveryCheck() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        try await APIHarness.with { h in
            try await MCPTemplatesAndPromptsTests.seedPositions(h)
            let run = try await CLIAndTradeTests.run(
                Self.python,
                [TestCluster.repositoryRoot.appendingPathComponent("tools/mcp_client_check.py").path, "--expect-trades", "--", MCPStdioTests.binary.path, "mcp"],
                environment: [
                    "DATABASE_URL": h.db.conninfo, "CATALYST_API_URL": h.url.absoluteString, "CATALYST_API_KEY": h.keys.agent,
                    "CATALYST_LOG_LEVEL": "critical", "APCA_API_KEY_ID": "",
                ])
            #expect(run.status == 0, "\(run.out)\n\(run.err)")
            let failures = run.out.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            let result = try #require(run.out.split(separator: "\n").last { $0.hasPrefix("RESULT ") }, "\(run.out)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.dropFirst(7).utf8)) as? [String: Any])
            #expect((summary["passed"] as? Int ?? 0) >= 30, "\(summary)")
        }
    }
}
