import ArgumentParser
import CatalystApp
import CatalystMCP
import Foundation
import Logging

struct MCPCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the MCP protocol on stdio for Claude (resources over the read models, trading tools).",
        discussion: """
            Resources (trading-cycle://current, positions://active, risk://limits, events://stream/{id} …) read the
            database directly (DATABASE_URL or the embedded cluster). Tools (start_trading_cycle, emergency_stop,
            execute_trade …) are sent to the running `catalyst serve` API at CATALYST_API_URL (default
            http://127.0.0.1:5006) with the agent's key: CATALYST_API_KEY, else .catalyst/credentials/agent.key (never the
            owner's). They are recorded as that agent: it can stop trading but never resume it, and its trades always wait
            for a human approval. Logs go to stderr.
            """)

    @Option(help: "Account whose risk and performance rows the resources show.") var account = "sim"

    func execute() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = try DatabaseTarget.resolve()
        var logger = Logger(label: "catalyst.mcp")
        logger.logLevel = .warning
        try await CatalystMCPServer.run(
            resources: MCPResources(conninfo: target.conninfo, account: account),
            tools: MCPTools(baseURL: environment["CATALYST_API_URL"] ?? "http://127.0.0.1:5006", apiKey: LocalCredentials.token(.agent, environment: environment)),
            logger: logger)
    }
}
