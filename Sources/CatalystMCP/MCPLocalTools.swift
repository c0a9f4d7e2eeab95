import Foundation

/// The MCP tools that are roles of this binary rather than API commands (docs/claude-desktop.md): the watchdog,
/// the activity log and the training-set export. Each runs `catalyst doctor check`, `catalyst doctor
/// log` or `catalyst replay label` as a child process of the same executable, so the tool and the
/// command line share one implementation, one validation and one exit-code contract.
public struct MCPLocalTools: Sendable {
    let executable: String

    /// `executable`: this binary (default `/proc/self/exe`).
    public init(executable: String = "/proc/self/exe") { self.executable = executable }

    public static let specs: [MCPTools.Spec] = [
        MCPTools.Spec(
            name: "run_watchdog",
            description: "Run Doctor Claude's watchdog once and return its JSON report (issues, severities, proposed fixes, summary).",
            properties: [("fix", "boolean", "apply the fixes the rules allow and escalate the rest"), ("audit", "boolean", "also recompute the audit hash chain (default true)")],
            required: []),
        MCPTools.Spec(
            name: "log_activity",
            description: "Append to Doctor Claude's activity log (claude_activity_log), with the flags of the original log_activity.py.",
            properties: [
                ("type", "string", "watchdog_run, manual_check, alert_triggered, startup, shutdown"), ("summary", "string", "JSON observation summary"),
                ("decision", "string", "auto_fix, escalate, monitor, no_action, defer"), ("reasoning", "string", "why"),
                ("action_type", "string", "command, api_call, alert_sent, …"), ("action", "string", "the named command"), ("target", "string", "what it acted on"),
                ("result", "string", "success, failed, partial, pending, skipped"), ("error", "string", "error message"),
                ("issue_type", "string", "STUCK_ORDER, …"), ("severity", "string", "CRITICAL, WARNING, INFO"), ("cycle_id", "string", "cycle id"),
                ("session_id", "string", "session id"), ("metadata", "string", "JSON metadata"),
            ], required: ["type"]),
        MCPTools.Spec(
            name: "generate_training_dataset",
            description: "Write the labelled ML training set (one row per scanned candidate, traded or not) to a CSV file and return its row count and SHA-256.",
            properties: [
                ("out", "string", "output file path (.csv or .csv.lz4)"), ("from", "string", "first New York date (YYYY-MM-DD)"),
                ("to", "string", "last New York date (YYYY-MM-DD)"), ("barriers", "string", "triple barrier, e.g. pt=2,sl=1,horizon=60m"),
            ], required: ["out"]),
    ]

    public enum Failure: Error, CustomStringConvertible {
        case invalid(String)
        case failed(command: String, status: Int32, output: String)
        public var description: String {
            switch self {
            case .invalid(let why): why
            case .failed(let command, let status, let output): "`catalyst \(command)` exited with \(status): \(output)"
            }
        }
    }

    /// The longest string argument passed on: a child's argument can hold at most 128 KiB (Linux
    /// MAX_ARG_STRLEN), and no field of these tools needs more than a paragraph.
    static let maxArgumentBytes = 64 * 1024

    /// The command line of a tool call (validated: strings only where strings are expected, no NUL —
    /// it would cut the argument —, no more than `maxArgumentBytes`). Values are passed as
    /// `--flag=value`, so a value that looks like a flag (`"--fix"`) stays a value.
    public static func arguments(for name: String, _ args: [String: Any]) throws -> [String] {
        func text(_ key: String) throws -> String? {
            guard let v = args[key] else { return nil }
            guard let s = v as? String else { throw Failure.invalid("\(key) must be a string") }
            guard !s.utf8.contains(0) else { throw Failure.invalid("\(key) must not contain NUL (U+0000) characters") }
            guard s.utf8.count <= maxArgumentBytes else { throw Failure.invalid("\(key) is longer than \(maxArgumentBytes) bytes") }
            return s
        }
        func flag(_ key: String, default d: Bool) throws -> Bool {
            guard let v = args[key] else { return d }
            guard let b = v as? Bool else { throw Failure.invalid("\(key) must be a boolean") }
            return b
        }
        switch name {
        case "run_watchdog":
            var cli = ["doctor", "check", "--json"]
            if try flag("fix", default: false) { cli.append("--fix") }
            if !(try flag("audit", default: true)) { cli.append("--no-audit") }
            return cli
        case "log_activity":
            var cli = ["doctor", "log"]
            for key in ["type", "summary", "decision", "reasoning", "action_type", "action", "target", "result", "error", "issue_type", "severity", "cycle_id", "session_id", "metadata"] {
                if let v = try text(key) { cli.append("--" + key.replacingOccurrences(of: "_", with: "-") + "=" + v) }
            }
            return cli
        case "generate_training_dataset":
            guard let out = try text("out") else { throw Failure.invalid("missing required argument: out") }
            var cli = ["replay", "label", "--out=" + out]
            for key in ["from", "to", "barriers"] { if let v = try text(key) { cli.append("--\(key)=" + v) } }
            return cli
        default:
            throw Failure.invalid("unknown tool: \(name)")
        }
    }

    /// Runs the tool; the watchdog's exit codes 1 (WARNING) and 2 (CRITICAL) are answers, not failures.
    public func call(_ name: String, arguments args: [String: Any]) async throws -> String {
        let cli = try Self.arguments(for: name, args)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = cli
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read before waiting: a full pipe would otherwise block the child.
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationStatus
        let text = String(decoding: out, as: UTF8.self)
        let answers: Set<Int32> = name == "run_watchdog" ? [0, 1, 2] : [0]
        guard answers.contains(status) else {
            throw Failure.failed(command: cli.joined(separator: " "), status: status, output: String(decoding: err.isEmpty ? out : err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return text.isEmpty ? "{\"ok\": true}" : text
    }
}
