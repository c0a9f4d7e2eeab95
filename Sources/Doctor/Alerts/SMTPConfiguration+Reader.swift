import Configuration
import Foundation
import Domain

extension SMTPConfiguration {
    /// Reads Doctor's email settings. The key of each setting is its environment variable, lowercased, with
    /// dots for underscores.
    ///
    /// ## Configuration keys
    /// - `smtp.host` (`SMTP_HOST`): the mail server; unset means alerts are logged and recorded only.
    /// - `smtp.port` (`SMTP_PORT`, default 25).
    /// - `smtp.username`, `smtp.password` (`SMTP_USERNAME`, `SMTP_PASSWORD`, secret): together or not at all.
    /// - `smtp.from` (`SMTP_FROM`): required with a host.
    /// - `smtp.tls` (`SMTP_TLS`): `1` requires STARTTLS.
    /// - `smtp.to` (`SMTP_TO`) and `smtp.to.critical`, `smtp.to.warning`, `smtp.to.info`
    ///   (`SMTP_TO_CRITICAL`, …): comma-separated recipients by severity, each falling back to `smtp.to`.
    ///
    /// Nil when no host is set. A half configuration is an error, not a silent fallback.
    public static func read(_ config: ConfigReader) throws -> SMTPConfiguration? {
        func value(_ key: ConfigKey, secret: Bool = false) -> String? {
            config.string(forKey: key, isSecret: secret).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        guard let host = value("smtp.host") else { return nil }
        guard let from = value("smtp.from") else { throw DoctorError.invalidInput("SMTP_HOST is set but SMTP_FROM is not") }
        var port = 25
        if let p = value("smtp.port") {
            guard let n = Int(p), (1...65535).contains(n) else { throw DoctorError.invalidInput("SMTP_PORT \(p) is not a port number") }
            port = n
        }
        func list(_ key: ConfigKey) -> [String]? {
            value(key).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        }
        let fallback = list("smtp.to") ?? []
        var recipients: [Severity: [String]] = [:]
        recipients[.critical] = list("smtp.to.critical") ?? fallback
        recipients[.warning] = list("smtp.to.warning") ?? fallback
        recipients[.info] = list("smtp.to.info") ?? fallback
        guard recipients.values.contains(where: { !$0.isEmpty }) else {
            throw DoctorError.invalidInput("SMTP_HOST is set but no recipients (SMTP_TO or SMTP_TO_CRITICAL/WARNING/INFO)")
        }
        let username = value("smtp.username", secret: true)
        let password = value("smtp.password", secret: true)
        if (username == nil) != (password == nil) { throw DoctorError.invalidInput("SMTP_USERNAME and SMTP_PASSWORD go together") }
        return SMTPConfiguration(
            host: host, port: port, username: username, password: password, from: from, requireTLS: value("smtp.tls") == "1", recipients: recipients)
    }
}
