import Domain
import Foundation

/// Email settings from the environment: `SMTP_HOST`, `SMTP_PORT` (25), `SMTP_USERNAME`, `SMTP_PASSWORD`,
/// `SMTP_FROM`, `SMTP_TLS` (`1` requires STARTTLS), and the recipients by severity — `SMTP_TO_CRITICAL`,
/// `SMTP_TO_WARNING`, `SMTP_TO_INFO`, each falling back to `SMTP_TO` (comma-separated lists).
public struct SMTPConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var from: String
    public var requireTLS: Bool
    public var recipients: [Severity: [String]]

    public init(host: String, port: Int = 25, username: String? = nil, password: String? = nil, from: String, requireTLS: Bool = false, recipients: [Severity: [String]]) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.from = from
        self.requireTLS = requireTLS
        self.recipients = recipients
    }

    /// Nil when `SMTP_HOST` is not set (alerts are then logged and recorded only). A half
    /// configuration is an error, not a silent fallback.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> SMTPConfiguration? {
        func value(_ k: String) -> String? { env[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        guard let host = value("SMTP_HOST") else { return nil }
        guard let from = value("SMTP_FROM") else { throw DoctorError.invalidInput("SMTP_HOST is set but SMTP_FROM is not") }
        var port = 25
        if let p = value("SMTP_PORT") {
            guard let n = Int(p), (1...65535).contains(n) else { throw DoctorError.invalidInput("SMTP_PORT \(p) is not a port number") }
            port = n
        }
        func list(_ k: String) -> [String]? {
            value(k).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        }
        let fallback = list("SMTP_TO") ?? []
        var recipients: [Severity: [String]] = [:]
        recipients[.critical] = list("SMTP_TO_CRITICAL") ?? fallback
        recipients[.warning] = list("SMTP_TO_WARNING") ?? fallback
        recipients[.info] = list("SMTP_TO_INFO") ?? fallback
        guard recipients.values.contains(where: { !$0.isEmpty }) else {
            throw DoctorError.invalidInput("SMTP_HOST is set but no recipients (SMTP_TO or SMTP_TO_CRITICAL/WARNING/INFO)")
        }
        let username = value("SMTP_USERNAME")
        let password = value("SMTP_PASSWORD")
        if (username == nil) != (password == nil) { throw DoctorError.invalidInput("SMTP_USERNAME and SMTP_PASSWORD go together") }
        return SMTPConfiguration(
            host: host, port: port, username: username, password: password, from: from, requireTLS: value("SMTP_TLS") == "1", recipients: recipients)
    }
}

/// The password never reaches a log line or an error message, however the configuration is printed
/// (`"\(smtp)"`, `String(reflecting:)`, `dump`).
extension SMTPConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "SMTPConfiguration(host: \(host), port: \(port), username: \(username ?? "none"), password: \(password == nil ? "none" : "<redacted>"), from: \(from), requireTLS: \(requireTLS))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "username": username as Any, "password": password == nil ? "none" : "<redacted>", "from": from,
                "requireTLS": requireTLS, "recipients": recipients,
            ])
    }
}
