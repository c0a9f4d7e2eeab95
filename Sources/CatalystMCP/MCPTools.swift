import APIClient
import Foundation

/// The MCP tools (docs/origins.md §MCP): each is one POST to the running `catalyst serve` API, sent with the agent
/// principal's key (`Authorization: Bearer`), so the command it becomes is recorded as that agent. The
/// API checks the agent's capabilities and refuses exactly as it does for cron and curl; a refusal
/// comes back as a tool error whose text is the API's message. An agent cannot lift a halt (its
/// `resume_trading` is recorded as a request for a human) and its trades always wait for a human.
public struct MCPTools: Sendable {
    public struct Spec: Sendable {
        public var name: String
        public var description: String
        /// JSON-schema properties: name → (type, description); `required` lists the mandatory ones.
        public var properties: [(String, String, String)]
        public var required: [String]
    }

    let baseURL: String
    let apiKey: String?

    /// `apiKey`: the agent's key (`catalyst mcp` reads `CATALYST_API_KEY` or `.catalyst/credentials/agent.key`).
    public init(baseURL: String, apiKey: String?) {
        self.baseURL = baseURL
        self.apiKey = apiKey
    }

    public static let specs: [Spec] = [
        Spec(
            name: "start_trading_cycle", description: "Start a trading cycle (scan → funnel → risk → orders), like the crontab's workflow start.",
            properties: [
                ("mode", "string", "normal, aggressive or conservative"), ("session_mode", "string", "autonomous or supervised"),
                ("max_positions", "integer", "most positions the cycle may open (1–50)"), ("scan_frequency", "integer", "seconds between scans"),
                ("idempotency_key", "string", "retries with the same key start one cycle"),
            ], required: []),
        Spec(
            name: "stop_trading_cycle", description: "Stop the running cycle (or cycle_id); it finishes its current step and places nothing new.",
            properties: [("cycle_id", "string", "the cycle to stop (default: the running one)"), ("reason", "string", "why")], required: []),
        Spec(
            name: "emergency_stop", description: "Halt trading, cancel every open order and close every position with market orders.",
            properties: [("reason", "string", "why trading is being stopped")], required: ["reason"]),
        Spec(
            name: "resume_trading",
            description:
                "Ask for the halt to be lifted. An agent cannot lift it: the request is recorded (risk.resume_requested) and a human operator must resume trading.",
            properties: [("reason", "string", "why it is safe to trade again")],
            required: ["reason"]),
        Spec(
            name: "execute_trade", description: "Propose a trade; it goes through the risk rules and becomes a supervised approval for a human.",
            properties: [
                ("symbol", "string", "ticker"), ("side", "string", "long or short"), ("quantity", "number", "shares (default: sized by risk)"),
                ("entry", "number", "entry price"), ("stop", "number", "stop-loss price"), ("target", "number", "take-profit price"),
                ("pattern", "string", "pattern name, optional"), ("confidence", "number", "0…1, optional"),
            ], required: ["symbol", "side", "entry", "stop", "target"]),
        Spec(
            name: "close_position", description: "Close an open position with a market order (its exit legs are cancelled first).",
            properties: [("symbol", "string", "ticker of the open position")], required: ["symbol"]),
        Spec(
            name: "update_position", description: "Move an open position's stop and/or target.",
            properties: [("symbol", "string", "ticker"), ("stop", "number", "new stop price"), ("target", "number", "new target price")],
            required: ["symbol"]),
    ]

    public enum Failure: Error, CustomStringConvertible {
        case unknownTool(String)
        case missing(String)
        case api(Int, String)
        case unreachable(String)
        public var description: String {
            switch self {
            case .unknownTool(let n): "unknown tool: \(n)"
            case .missing(let f): "missing required argument: \(f)"
            case .api(let status, let message): "the API refused (\(status)): \(message)"
            case .unreachable(let why): "cannot reach the Catalyst API (is `catalyst serve` running?): \(why)"
            }
        }
    }

    /// Calls a tool with JSON-compatible arguments and returns the API's JSON answer.
    public func call(_ name: String, arguments: [String: Any]) async throws -> String {
        guard let spec = Self.specs.first(where: { $0.name == name }) else { throw Failure.unknownTool(name) }
        for field in spec.required where arguments[field] == nil { throw Failure.missing(field) }
        var body = arguments
        let path: String
        var headers: [String: String] = [:]
        switch name {
        case "start_trading_cycle":
            path = "/api/v1/workflow/start"
            if let key = body.removeValue(forKey: "idempotency_key") as? String { headers["Idempotency-Key"] = key }
        case "stop_trading_cycle": path = "/api/v1/workflow/stop"
        case "emergency_stop": path = "/api/v1/emergency-stop"
        case "resume_trading": path = "/api/v1/trading/resume"
        case "execute_trade": path = "/api/v1/trades"
        case "close_position", "update_position":
            guard let symbol = body.removeValue(forKey: "symbol") as? String,
                let escaped = symbol.addingPercentEncoding(withAllowedCharacters: .alphanumerics)
            else { throw Failure.missing("symbol") }
            path = name == "close_position" ? "/api/v1/positions/\(escaped)/close" : "/api/v1/positions/\(escaped)/protection"
        default: throw Failure.unknownTool(name)
        }
        return try await post(path, body: body, headers: headers)
    }

    func post(_ path: String, body: [String: Any], headers: [String: String]) async throws -> String {
        do { return try await APIClient(baseURL: baseURL, key: apiKey).post(path, body: body, headers: headers) } catch {
            switch error {
            case .refused(let status, let message): throw Failure.api(status, message)
            case .unreachable(let why): throw Failure.unreachable(why)
            case .badURL: throw Failure.unreachable("bad CATALYST_API_URL \(baseURL)")
            }
        }
    }
}
