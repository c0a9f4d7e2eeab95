import Domain
import Foundation

/// Doctor's email settings (`SMTPConfiguration+Reader.swift` lists the keys).
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
