import Application
import Domain
import Foundation
import Logging

/// Sends alerts under the original's limits (15-minute cooldown per kind, 20 an hour, critical
/// bypasses both; decided by `Alerting.admission` from the day's `alerts-<date>` events). Every alert
/// ends as one event: `alert.sent`, `alert.suppressed` or `alert.failed`. With no SMTP configured an
/// alert is logged and recorded on the `log` channel, and nothing fails.
public struct AlertService: Sendable {
    let runner: DeciderRunner
    let mailer: SMTPMailer?
    let policy: AlertPolicy
    let logger: Logger

    public init(runner: DeciderRunner, smtp: SMTPConfiguration?, policy: AlertPolicy = .original, logger: Logger = Logger(label: "catalyst.alerts")) {
        self.runner = runner
        self.mailer = smtp.map(SMTPMailer.init)
        self.policy = policy
        self.logger = logger
    }

    public enum Outcome: Sendable, Equatable {
        case sent(channel: AlertChannel, recipients: Int)
        case suppressed(SuppressionReason)
        case failed(String)
        /// Already recorded (the same alert id).
        case duplicate
    }

    @discardableResult
    public func send(_ alert: Alert, body: String, context: CommandContext) async throws -> Outcome {
        let now = context.now
        let stream = Alerting.stream(NYDate(now))
        let policy = self.policy
        let checked = try await runner.run(Alerting.self, stream, context: context) { _ in .suppressIfLimited(alert, at: now, policy: policy) }
        if case .suppressed(let s)? = checked.events.first { return .suppressed(s.reason) }
        if checked.state.recorded.contains(alert.alertID) { return .duplicate }
        let next = context.followUp(commandID: runner.log.ids.uuid())
        guard let mailer else {
            logger.warning("alert (no SMTP configured)", metadata: ["kind": "\(alert.kind.rawValue)", "severity": "\(alert.severity.rawValue)", "subject": "\(alert.subject)"])
            _ = try await runner.run(Alerting.self, stream, context: next) { _ in .recordSent(alert, channel: .log, recipients: 0, at: now) }
            return .sent(channel: .log, recipients: 0)
        }
        let recipients = mailer.configuration.recipients[alert.severity] ?? []
        let subject = "[Catalyst \(alert.severity.rawValue.uppercased())] \(alert.subject)"
        do {
            try await Task.detached {
                try mailer.send(to: recipients, subject: subject, body: body, date: now, messageID: alert.alertID.rawValue)
            }.value
        } catch {
            logger.error("alert email failed", metadata: ["kind": "\(alert.kind.rawValue)", "error": "\(error)"])
            _ = try await runner.run(Alerting.self, stream, context: next) { _ in .recordFailed(alert, channel: .email, error: "\(error)", at: now) }
            return .failed("\(error)")
        }
        _ = try await runner.run(Alerting.self, stream, context: next) { _ in .recordSent(alert, channel: .email, recipients: recipients.count, at: now) }
        return .sent(channel: .email, recipients: recipients.count)
    }
}
