import ArgumentParser
import CatalystApp
import CatalystMCP
import Foundation
import Logging
import ServiceLifecycle

struct MCPCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the MCP protocol on stdio for Claude (resources over the read models, trading tools).",
        discussion: """
            Resources (trading-cycle://current, positions://active, risk://limits …) and resource templates \
            (positions://history{?limit,status,pattern,days,symbol,pnl}, events://stream/{id} …) read the database \
            directly (DATABASE_URL or the embedded cluster). Prompts (losing_trades, system_health …) embed what they \
            read. See docs/claude-desktop.md. Tools (start_trading_cycle, emergency_stop, \
            execute_trade …) are sent to the running `catalyst serve` API at CATALYST_API_URL (default \
            http://127.0.0.1:5006) with the agent's key: CATALYST_API_KEY, else .catalyst/credentials/agent.key (never the \
            owner's). They are recorded as that agent: it can stop trading but never resume it, and its trades always wait \
            for a human approval. Logs go to stderr.
            """)

    @Option(help: "Account whose risk and performance rows the resources show.") var account = "sim"

    func execute(_ configuration: CatalystConfiguration) async throws {
        let target = try configuration.database
        var logger = Logger(label: "catalyst.mcp")
        logger.logLevel = .warning
        // "The last N days" counts back from the wall clock when trading live (broker keys set), else from
        // the ledger's latest activity: simulated days are not today.
        let resources = MCPResources(conninfo: target.conninfo, account: account, clock: configuration.hasBrokerKeys ? .wall : .ledger)
        let tools = MCPTools(baseURL: configuration.api.url, apiKey: configuration.credentials.token(.agent))
        // The session ends when the client closes stdin, and that ends the group; SIGTERM/SIGINT end it too.
        try await RoleServiceGroup.run(
            [.init(service: RoleWork("mcp") { [logger] in try await CatalystMCPServer.run(resources: resources, tools: tools, logger: logger) },
                   successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger)
    }
}
