import APIClient
import ArgumentParser
import CatalystApp
import Foundation

/// The cron alternative to curl: commands that POST to the local API (`catalyst.api.url`, default
/// http://127.0.0.1:5006) with a principal's key, `CATALYST_API_KEY` or else the local owner's
/// (`.catalyst/credentials/owner.key`), and print its JSON answer. The API records that principal.
enum LocalAPI {
    /// POSTs `body`; a non-2xx answer or an unreachable server is an error with the API's message.
    static func post(
        _ path: String, body: [String: Any], headers: [String: String] = [:], configuration: CatalystConfiguration
    ) async throws -> String {
        let credentials = configuration.credentials
        guard let key = credentials.token(.owner) else {
            throw ValidationError(
                "no credential: set CATALYST_API_KEY to a principal's key; the local ones are written to \(credentials.folder.path) when `catalyst serve` first starts")
        }
        let client = APIClient(baseURL: configuration.api.url, key: key)
        do { return try await client.post(path, body: body, headers: headers) } catch {
            switch error {
            case .unreachable(let why): throw ValidationError("cannot reach the API at \(client.baseURL) (is `catalyst serve` running?): \(why)")
            case .badURL, .refused: throw ValidationError("\(error)")
            }
        }
    }
}

struct CycleCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle", abstract: "Start or stop a trading cycle through the local API.", subcommands: [Start.self, Stop.self])

    func execute(_ configuration: CatalystConfiguration) async throws { throw CleanExit.helpRequest(self) }

    struct Start: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Start a cycle (POST /api/v1/workflow/start), like the crontab's curl lines.")
        @Option(help: "normal, aggressive or conservative.") var mode = "normal"
        @Option(name: .customLong("session-mode"), help: "autonomous or supervised.") var sessionMode: String?
        @Option(name: .customLong("scan-frequency"), help: "Seconds between scans.") var scanFrequency: Int?
        @Option(name: .customLong("max-positions"), help: "Most positions the cycle may open (1–50).") var maxPositions: Int?
        @Option(name: .customLong("idempotency-key"), help: "Retries with the same key start one cycle (default: the schedule slot).")
        var idempotencyKey: String?

        func execute(_ configuration: CatalystConfiguration) async throws {
            var body: [String: Any] = ["mode": mode]
            if let sessionMode { body["session_mode"] = sessionMode }
            if let scanFrequency { body["scan_frequency"] = scanFrequency }
            if let maxPositions { body["max_positions"] = maxPositions }
            print(try await LocalAPI.post("/api/v1/workflow/start", body: body, headers: idempotencyKey.map { ["Idempotency-Key": $0] } ?? [:], configuration: configuration))
        }
    }

    struct Stop: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the running cycle, or --cycle-id (POST /api/v1/workflow/stop).")
        @Option(name: .customLong("cycle-id"), help: "The cycle to stop (default: the running one).") var cycleID: String?
        @Option(help: "Why (recorded with the stop).") var reason = "stopped from the command line"

        func execute(_ configuration: CatalystConfiguration) async throws {
            var body: [String: Any] = ["reason": reason]
            if let cycleID { body["cycle_id"] = cycleID }
            print(try await LocalAPI.post("/api/v1/workflow/stop", body: body, configuration: configuration))
        }
    }
}

struct HaltCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "halt", abstract: "Emergency stop through the local API: halt, cancel open orders, flatten positions.",
        discussion: "Recorded as the principal whose key is used (CATALYST_API_KEY, else the local owner's).")
    @Option(help: "Why trading is being stopped (required).") var reason: String

    func execute(_ configuration: CatalystConfiguration) async throws {
        print(try await LocalAPI.post("/api/v1/emergency-stop", body: ["reason": reason], configuration: configuration))
    }
}

struct ResumeCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Lift a halt through the local API (a human operator's key).",
        discussion: """
            Recorded as the principal whose key is used (CATALYST_API_KEY, else the local owner's). Only a human with the \
            operator role lifts a halt; anyone else's call is recorded as a request. Under maker–checker \
            (config/authority.yaml) a loss-limit halt needs a second, different human to run this too.
            """)
    @Option(help: "Why it is safe to trade again (required).") var reason: String

    func execute(_ configuration: CatalystConfiguration) async throws {
        print(try await LocalAPI.post("/api/v1/trading/resume", body: ["reason": reason], configuration: configuration))
    }
}

struct RiskCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk", abstract: "Change the risk limits through the local API (a risk officer's key).", subcommands: [Set.self])

    func execute(_ configuration: CatalystConfiguration) async throws { throw CleanExit.helpRequest(self) }

    struct Set: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set limits (POST /api/v1/risk/parameters), in the keys of config/risk_parameters.yaml.",
            discussion: """
                Recorded as the principal whose key is used (CATALYST_API_KEY, else the local owner's), who needs the \
                risk_officer role. The limits stand for the following days until changed again or until the file changes. \
                Under maker–checker (config/authority.yaml raise_risk_limit) a change that loosens any limit waits for a \
                second, different risk officer to run the same command.
                """)
        @Argument(help: "key=value, e.g. max_daily_loss_usd=2500 max_positions=4.") var assignments: [String]
        @Option(help: "Why the limits change (required).") var reason: String

        func execute(_ configuration: CatalystConfiguration) async throws {
            var set: [String: Any] = [:]
            for item in assignments {
                guard let eq = item.firstIndex(of: "="), eq != item.startIndex else { throw ValidationError("expected key=value, got \(item)") }
                let value = String(item[item.index(after: eq)...])
                let parsed: Any
                switch value {
                case "true": parsed = true
                case "false": parsed = false
                default: parsed = value
                }
                set[String(item[..<eq])] = parsed
            }
            print(try await LocalAPI.post("/api/v1/risk/parameters", body: ["set": set, "reason": reason], configuration: configuration))
        }
    }
}
