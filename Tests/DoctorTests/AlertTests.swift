import Application
import Configuration
import Domain
import DoctorClaude
import Foundation
import Testing

/// Alerts over libcurl's SMTP to a local aiosmtpd sink: the message that arrives, the limits, and the
/// events; without SMTP, alerts are recorded and nothing fails.
extension DoctorDatabaseTests {
@Suite struct AlertTests {
    static func alert(_ id: String, _ kind: AlertKind, _ severity: Severity) -> Alert {
        Alert(alertID: AlertID(rawValue: id), kind: kind, severity: severity, subject: "subject \(id)")
    }

    static func alertEvents(_ h: DoctorHarness, at: Date) async throws -> [Alerting.Event] {
        try await h.system.log.events(Alerting.stream(NYDate(at))).compactMap { if case .alert(let e) = $0 { e } else { nil } }
    }

    @Test(.enabled(if: SMTPSink.available, "needs aiosmtpd (tools/install-deps.sh installs it)"))
    func anAlertArrivesAtTheSinkAndIsRecorded() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let h = try await DoctorHarness.make()
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: sink.port, from: "doctor@catalyst.test", recipients: [.critical: ["craig@catalyst.test", "ops@catalyst.test"], .warning: ["craig@catalyst.test"]])
        let service = AlertService(runner: h.system.runner, smtp: smtp)
        let outcome = try await service.send(Self.alert("alt-1", .tradingHalted, .critical), body: "Trading halted: daily loss limit.\n.\nline after a lone dot", context: h.context())
        #expect(outcome == .sent(channel: .email, recipients: 2))
        let messages = try sink.messages()
        #expect(messages.count == 1)
        let m = messages.first ?? ""
        #expect(m.contains("X-Envelope-To: craig@catalyst.test,ops@catalyst.test"))
        #expect(m.contains("From: doctor@catalyst.test"))
        #expect(m.contains("Subject: [Catalyst CRITICAL] subject alt-1"))
        #expect(m.contains("Trading halted: daily loss limit."))
        #expect(m.contains("line after a lone dot"))
        let events = try await Self.alertEvents(h, at: h.now)
        #expect(events.count == 1)
        guard case .sent(let sent) = events.first else { Issue.record("no alert.sent"); return }
        #expect(sent.channel == .email && sent.recipients == 2 && sent.alert.kind == .tradingHalted)
    }

    @Test func anUnreachableServerIsAFailedAlertEvent() async throws {
        let h = try await DoctorHarness.make()
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: 1, from: "doctor@catalyst.test", recipients: [.warning: ["craig@catalyst.test"]])
        let outcome = try await AlertService(runner: h.system.runner, smtp: smtp).send(Self.alert("alt-f", .missedCycle, .warning), body: "x", context: h.context())
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        guard case .failed(let f) = try await Self.alertEvents(h, at: h.now).first else { Issue.record("no alert.failed"); return }
        #expect(f.channel == .email && !f.error.isEmpty)
    }

    /// 15 minutes per kind, 20 an hour; critical bypasses both. Without SMTP the alert goes to the log channel.
    @Test func limitsWithoutSMTP() async throws {
        let h = try await DoctorHarness.make()
        let service = AlertService(runner: h.system.runner, smtp: nil)
        #expect(try await service.send(Self.alert("a1", .missedCycle, .warning), body: "", context: h.context()) == .sent(channel: .log, recipients: 0))
        h.move(to: h.now.addingTimeInterval(5 * 60))
        #expect(try await service.send(Self.alert("a2", .missedCycle, .warning), body: "", context: h.context()) == .suppressed(.cooldown))
        #expect(try await service.send(Self.alert("a3", .tradingHalted, .critical), body: "", context: h.context()) == .sent(channel: .log, recipients: 0))
        #expect(try await service.send(Self.alert("a1", .missedCycle, .warning), body: "", context: h.context()) == .duplicate)
        h.move(to: h.now.addingTimeInterval(11 * 60))
        #expect(try await service.send(Self.alert("a4", .missedCycle, .warning), body: "", context: h.context()) == .sent(channel: .log, recipients: 0))
        // The hourly cap: critical alerts bypass the limits but count; after 20 sends in the hour a
        // warning of a kind not cooling down is suppressed, and a critical one still goes out.
        for i in 0..<17 {
            h.move(to: h.now.addingTimeInterval(1))
            #expect(try await service.send(Self.alert("b\(i)", .emergencyStop, .critical), body: "", context: h.context()) == .sent(channel: .log, recipients: 0))
        }
        #expect(try await service.send(Self.alert("c0", .escalation, .warning), body: "", context: h.context()) == .suppressed(.hourlyLimit))
        #expect(try await service.send(Self.alert("crit", .emergencyStop, .critical), body: "", context: h.context()) == .sent(channel: .log, recipients: 0))
        let events = try await Self.alertEvents(h, at: h.now)
        #expect(events.contains { if case .suppressed(let s) = $0 { s.reason == .hourlyLimit } else { false } })
        #expect(events.contains { if case .suppressed(let s) = $0 { s.reason == .cooldown } else { false } })
    }

    /// A pass routes a halt to an alert once a day, however many passes see it.
    @Test func aPassAlertsOnAHaltOncePerDay() async throws {
        let h = try await DoctorHarness.make()
        _ = try await EmergencyStop(system: h.system).run(reason: "test stop", context: h.system.context(DoctorHarness.operatorActor))
        try await h.project()
        let pass = DoctorPass(check: h.check(), fixer: h.fixer(), log: h.system.log, alerts: AlertService(runner: h.system.runner, smtp: nil))
        let first = try await pass.runDetailed(now: h.now)
        #expect(first.alerts.contains(.sent(channel: .log, recipients: 0)))
        h.move(to: h.now.addingTimeInterval(300))
        let second = try await pass.runDetailed(now: h.now)
        #expect(second.alerts.allSatisfy { $0 == .duplicate })
        let sent = try await Self.alertEvents(h, at: h.now).compactMap { if case .sent(let s) = $0 { s } else { nil } }
        #expect(sent.map(\.alert.kind).contains(.tradingHalted))
    }

    @Test func smtpSettingsFromTheEnvironment() throws {
        #expect(try SMTPConfiguration.readEnvironment([:]) == nil)
        let c = try SMTPConfiguration.readEnvironment(["SMTP_HOST": "mail", "SMTP_PORT": "2525", "SMTP_FROM": "d@x", "SMTP_TO": "a@x, b@x", "SMTP_TO_CRITICAL": "c@x"])
        #expect(c?.port == 2525 && c?.recipients[.critical] == ["c@x"] && c?.recipients[.warning] == ["a@x", "b@x"])
        #expect(throws: DoctorError.self) { try SMTPConfiguration.readEnvironment(["SMTP_HOST": "mail", "SMTP_TO": "a@x"]) }
        #expect(throws: DoctorError.self) { try SMTPConfiguration.readEnvironment(["SMTP_HOST": "mail", "SMTP_FROM": "d@x", "SMTP_TO": "a@x", "SMTP_PORT": "x"]) }
        #expect(throws: DoctorError.self) { try SMTPConfiguration.readEnvironment(["SMTP_HOST": "mail", "SMTP_FROM": "d@x"]) }
        #expect(throws: DoctorError.self) { try SMTPConfiguration.readEnvironment(["SMTP_HOST": "mail", "SMTP_FROM": "d@x", "SMTP_TO": "a@x", "SMTP_USERNAME": "u"]) }
    }
}
}

extension SMTPConfiguration {
    /// The reader over an environment alone, as `CatalystConfiguration` builds it.
    static func readEnvironment(_ environment: [String: String]) throws -> SMTPConfiguration? {
        try read(ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
    }
}
