import Application
import Broker
import Domain
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections

/// Turns a report's issues into actions: an allowed fix runs as a normal command through the
/// application's handlers with actor `doctor`; anything else escalates. Every action and its result is
/// a doctor event. The rule's switch, the hourly cap and the cooldown are decided by the Doctor decider
/// from the session's own events (`doctor.action_taken`), so no caller can skip them.
///
/// Without a trading system (no broker configured in this process) nothing can be fixed, and every
/// warning or critical issue escalates.
public struct DoctorFixer: Sendable {
    let log: EventLog
    let runner: DeciderRunner
    let rules: DoctorRules
    let system: TradingSystem?
    /// The database of the projections, for the fix that asks one to rebuild.
    let views: PGPool?
    let logger: Logger
    /// Who the fixes and records are by: Doctor's agent principal when `catalyst doctor` has its key.
    public let actor: Actor
    /// The actor of Doctor's records when no agent key is configured (and of those recorded before principals).
    public static let unauthenticated = Actor(.doctor, name: "claude")

    public init(
        log: EventLog, rules: DoctorRules, system: TradingSystem?, views: PGPool?, actor: Actor = DoctorFixer.unauthenticated,
        logger: Logger = Logger(label: "catalyst.doctor")
    ) {
        self.log = log
        self.views = views
        self.runner = DeciderRunner(log: log)
        self.rules = rules
        self.system = system
        self.actor = actor
        self.logger = logger
    }

    public init(system: TradingSystem, rules: DoctorRules, views: PGPool?) {
        self.init(log: system.log, rules: rules, system: system, views: views, logger: system.logger)
    }

    public enum Outcome: Sendable, Equatable {
        /// The fix ran (its effect is confirmed by the next check).
        case fixed(actionID: DoctorRecordID)
        /// The fix was attempted and failed; the failure is recorded.
        case failed(actionID: DoctorRecordID, error: String)
        /// Not allowed to fix (no rule, disabled, forbidden): handed to a human.
        case escalated(actionID: DoctorRecordID)
        /// Allowed in principle, refused now by the rate limit or the cooldown.
        case refused(code: String, message: String)
        /// Informational, or nothing to do.
        case none
    }

    public struct Handled: Sendable {
        public var issue: DoctorIssue
        public var outcome: Outcome
    }

    /// Handles a report's issues, order-level fixes first: a status sync can bring in fills that a
    /// position fix must already see (closing a phantom before its last fill arrives would reopen it).
    public func handle(_ issues: [DoctorIssue], context: CommandContext) async throws -> [Handled] {
        var out: [Handled] = []
        let ordered = issues.enumerated().sorted { a, b in
            let (ra, rb) = (Self.rank(a.element), Self.rank(b.element))
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
        for issue in ordered {
            out.append(Handled(issue: issue, outcome: try await handle(issue, context: context.followUp(commandID: log.ids.uuid(), actor: actor))))
        }
        return out
    }

    public func handle(_ issue: DoctorIssue, context: CommandContext) async throws -> Outcome {
        guard issue.severity != .info else { return .none }
        let now = context.now
        let stream = Doctor.stream(Doctor.session(for: NYDate(now)))
        let rule = rules.rule(issue.type)
        guard let fix = issue.proposedFix, let rule, rule.active, rule.autoFixEnabled, rule.fixCommand == fix.command,
            !DoctorPolicy.forbidden.contains(issue.type), let system
        else {
            return .escalated(actionID: try await escalate(issue, stream: stream, context: context))
        }
        let actionID = recordID("act", context)
        let action = Doctor.ActionTaken(
            recordID: actionID, at: now, issueType: issue.type, kind: .autoFix, command: fix.command.rawValue, target: fix.target, decisionID: nil)
        do {
            _ = try await runner.run(Doctor.self, stream, context: context) { _ in .takeAction(action, rule: rule.domainRule) }
        } catch let refusal as any CommandRefusal {
            // Rate-limited or cooling down: defer, and say so in the log.
            let decision = Doctor.DecisionRecorded(
                recordID: recordID("dec", context), at: now, issueType: issue.type, severity: issue.severity, decision: "defer",
                reasoning: "auto-fix refused: \(refusal.message)", cycleID: nil)
            _ = try await runner.run(Doctor.self, stream, context: context.followUp(commandID: log.ids.uuid())) { _ in .recordDecision(decision) }
            return .refused(code: refusal.code, message: refusal.message)
        }
        let fixContext = context.followUp(commandID: log.ids.uuid())
        var outcome: Outcome = .fixed(actionID: actionID)
        do {
            try await apply(fix, issue: issue, system: system, context: fixContext)
        } catch {
            outcome = .failed(actionID: actionID, error: "\(error)")
        }
        let result: Doctor.ActionResult
        if case .failed(_, let error) = outcome {
            result = Doctor.ActionResult(actionID: actionID, at: system.clock.now(), outcome: .failure, error: error, verified: nil)
        } else {
            result = Doctor.ActionResult(actionID: actionID, at: system.clock.now(), outcome: .success, error: nil, verified: nil)
        }
        _ = try await runner.run(Doctor.self, stream, context: context.followUp(commandID: log.ids.uuid())) { _ in .recordResult(result) }
        return outcome
    }

    static func rank(_ issue: DoctorIssue) -> Int {
        switch issue.proposedFix?.command {
        case .syncOrderStatus, .markOrderExpired, .cancelOrder: 0
        default: 1
        }
    }

    func escalate(_ issue: DoctorIssue, stream: StreamName, context: CommandContext) async throws -> DoctorRecordID {
        let id = recordID("esc", context)
        let priority = rules.rule(issue.type)?.escalationPriority ?? .high
        let target = issue.ids["order_id"] ?? issue.ids["symbol"] ?? issue.ids["cycle_id"] ?? issue.ids["projection"]
        let e = Doctor.ActionTaken(
            recordID: id, at: context.now, issueType: issue.type, kind: .escalation, command: "escalate:\(priority.rawValue)", target: target,
            decisionID: nil)
        _ = try await runner.run(Doctor.self, stream, context: context) { _ in .takeAction(e, rule: nil) }
        logger.warning("doctor escalation", metadata: ["issue": "\(issue.type)", "priority": "\(priority.rawValue)", "message": "\(issue.message)"])
        return id
    }

    /// Runs one fix through the normal handlers.
    func apply(_ fix: ProposedFix, issue: DoctorIssue, system: TradingSystem, context: CommandContext) async throws {
        let now = context.now
        switch fix.command {
        case .cancelOrder:
            try await OrderCancellation(system: system).cancel(OrderID(rawValue: fix.target), reason: "doctor: \(issue.type)", context: context)
            // A cancel is a request; the broker's confirmation arrives through status sync.
            _ = try await StatusSync(system: system).syncOpenOrders(context: context.followUp(commandID: log.ids.uuid()))
        case .syncOrderStatus:
            _ = try await StatusSync(system: system).syncOpenOrders(context: context)
        case .markOrderExpired:
            let update = Order.BrokerUpdate(status: .expired, at: now, source: .reconciliation, reason: "not found at the broker (doctor: \(issue.type))")
            _ = try await system.runner.run(Order.self, .order(OrderID(rawValue: fix.target)), context: context) { _ in .applyBrokerUpdate(update) }
        case .recordPositionClosedExternally, .adjustPositionQuantity:
            guard let symbol = Symbol(fix.target) else { throw DoctorError.invalidInput("\(fix.target) is not a symbol") }
            let held = try await system.broker.positions().first { $0.symbol == symbol }
            if fix.command == .recordPositionClosedExternally, let held, !held.quantity.shares.isZero {
                throw DoctorError.invalidInput("the broker now holds \(held.quantity) \(symbol): not closed externally")
            }
            let quantity = held?.quantity ?? .zero
            let evidence = BrokerEvidence(
                source: "GET /v2/positions", fetchedAt: now, symbol: symbol, quantity: quantity, averagePrice: held?.averageEntryPrice, raw: held?.raw)
            let broker = Position.BrokerPosition(
                account: system.account, symbol: symbol, quantity: quantity, averagePrice: held?.averageEntryPrice, evidence: evidence, discrepancyID: nil,
                by: actor, at: now)
            _ = try await system.runner.run(Position.self, .position(account: system.account, symbol: symbol), context: context) { _ in .reconcile(broker) }
        case .reconcile:
            _ = try await Reconciler(system: system).run(.manual, context: context)
        case .rebuildProjection:
            let name = fix.target
            guard let views else { throw DoctorFixError.noProjectionDatabase }
            try await views.withConnection { c in try ProjectionStatusReport.requestRebuild(name: name, on: c) }
        }
    }

    func recordID(_ prefix: String, _ context: CommandContext) -> DoctorRecordID {
        DoctorRecordID(rawValue: "\(prefix)-\(log.ids.uuid().uuidString.lowercased().prefix(13))")
    }
}

/// What Doctor never fixes, whatever the rules file says (docs/origins.md §Watchdog): it never acts on an
/// orphan position (real money), never touches quantities or money amounts unattended, never lifts a
/// halt, never changes risk parameters.
public enum DoctorPolicy {
    public static let forbidden: Set<String> = [
        IssueType.orphanPosition.rawValue, IssueType.qtyMismatch.rawValue, IssueType.tradingHalted.rawValue, IssueType.dailyLossWarning.rawValue,
        IssueType.brokerAPIError.rawValue, IssueType.brokerConnectionError.rawValue, IssueType.auditChainBroken.rawValue,
        IssueType.readerHorizonStalled.rawValue, IssueType.writesUnprotected.rawValue,
    ]
}

/// A fix that cannot run in this process.
enum DoctorFixError: Error, CustomStringConvertible {
    case noProjectionDatabase
    var description: String { "no projection database is configured for this fixer" }
}
