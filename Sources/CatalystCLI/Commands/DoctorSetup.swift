import Application
import Broker
import CatalystApp
import Domain
import DoctorClaude
import EventStore
import Foundation
import Logging
import MarketData
import PostgresClient

/// What every `catalyst doctor` subcommand needs: the database, the rules file, the broker (Alpaca when
/// `APCA_API_KEY_ID`/`APCA_API_SECRET_KEY` are set, else none: reconciliation is skipped) and today's
/// cron slots (none on a day the exchange is closed).
struct DoctorSetup: Sendable {
    let configuration: CatalystConfiguration
    let target: DatabaseTarget
    let files: ProjectFiles
    let rules: DoctorRules
    let broker: (any Broker)?

    static func load(rulesPath: String?, configuration: CatalystConfiguration) async throws -> DoctorSetup {
        let files = try configuration.files
        let target = try configuration.database
        // A stalled reader horizon is reported as READER_HORIZON_STALLED, not refused; nothing is then recorded or fixed.
        try await target.requireMigrated(files: files, checkTransactionIDs: false)
        let rules = try DoctorRules.load(path: rulesPath ?? files.config.appendingPathComponent("doctor_rules.yaml").path)
        let broker: (any Broker)? = try configuration.alpaca.map { AlpacaBroker(configuration: $0) }
        return DoctorSetup(configuration: configuration, target: target, files: files, rules: rules, broker: broker)
    }

    /// Minutes of the New York day at which `tools/catalyst.cron` starts a cycle on `date`.
    func slots(on date: NYDate) throws -> [Int] {
        guard NYSECalendar().session(on: date) != nil else { return [] }
        let url = files.root.appendingPathComponent("tools/catalyst.cron")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return try CronSchedule.parse(text, on: date.isoWeekday).triggers.map(\.minuteOfDay)
    }

    func check(verifyAudit: Bool, now: Date, auditProgress: AuditProgress? = nil) throws -> DoctorCheck {
        DoctorCheck(
            pool: target.pool("doctor-check"),
            reader: SnapshotReader(projectionNames: ProjectionCatalog.names, verifyAudit: verifyAudit, auditProgress: auditProgress),
            broker: broker, rules: rules, scheduledSlots: try slots(on: NYDate(now)))
    }

    func eventLog() -> EventLog { EventLog(store: target.store(connections: 2)) }

    /// The trading system the allowed fixes run through: the live (Alpaca) one when broker keys are set.
    /// Without keys, or when the live configuration is incomplete (said on stderr), there is none and
    /// every issue escalates.
    func fixingSystem(_ log: EventLog) -> TradingSystem? {
        guard configuration.hasBrokerKeys else { return nil }
        do {
            var logger = Logger(label: "catalyst.doctor")
            logger.logLevel = .warning
            return try TradingAssembly.live(store: log.store, config: try TradingAssembly.config(files, logger: logger), files: files, configuration: configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("catalyst doctor: fixes disabled, the live trading system is not configured: \(error)\n".utf8))
            return nil
        }
    }

    static func context(_ log: EventLog, now: Date, actor: Actor = DoctorFixer.unauthenticated) -> CommandContext {
        CommandContext(actor: actor, commandID: log.ids.uuid(), correlationID: log.ids.uuid(), now: now)
    }

    /// The fixer: Doctor's fixes run as its agent principal (`CATALYST_API_KEY`, else
    /// `.catalyst/credentials/agent.key`), which must hold `doctor_fix`. Without a trading system, or
    /// without a key that proves such a principal (said on stderr), nothing is fixed and every issue escalates.
    func fixer(_ log: EventLog) async -> DoctorFixer {
        let directory = PrincipalDirectory(log: log)
        var principal: AuthenticatedPrincipal?
        let credentials = configuration.credentials
        if credentials.token(.agent) == nil { _ = try? await credentials.bootstrap(log: log) }  // zero configuration: at first use
        if let token = credentials.token(.agent) {
            do {
                let p = try await directory.authenticate(token)
                try await AuthorityGate(log: log, directory: directory).authorize(p, .doctorFix, action: "doctor fix")
                principal = p
            } catch {
                FileHandle.standardError.write(Data("catalyst doctor: fixes disabled: the configured key may not fix (\(error))\n".utf8))
            }
        } else {
            FileHandle.standardError.write(Data("catalyst doctor: fixes disabled: no agent key (CATALYST_API_KEY or .catalyst/credentials/agent.key)\n".utf8))
        }
        guard let principal else { return DoctorFixer(log: log, rules: rules, system: nil, views: nil) }
        return DoctorFixer(log: log, rules: rules, system: fixingSystem(log), views: target.pool("doctor-fix"), actor: principal.actor)
    }
}
