import Foundation
import Testing

@testable import Domain

@Suite struct ApprovalTests {
    static let craig = Actor.principal("craig", kind: .human, name: "craig")
    static var requested: Approval.Event {
        .requested(Approval.Requested(approvalID: "ap-1", cycleID: "cyc-1", signalID: "sig-1", intent: T.approvedIntent(), requestedAt: T.t0, expiresAt: T.at(10, 5)))
    }

    @Test func aSupervisedApprovalWaitsForAHuman() {
        expectDecision(Approval.self, when: .request(T.approved(), at: T.t0, timeout: Approval.defaultTimeout), then: [Self.requested])
        expectDecision(Approval.self, given: [Self.requested], when: .request(T.approved(), at: T.at(10, 1), timeout: 300), then: [])
        let granted = Approval.Event.granted(Approval.Granted(approvalID: "ap-1", by: Self.craig, at: T.at(10, 2), note: nil))
        expectDecision(Approval.self, given: [Self.requested], when: .grant(by: Self.craig, at: T.at(10, 2), note: nil), then: [granted])
        expectDecision(Approval.self, given: [Self.requested, granted], when: .grant(by: Self.craig, at: T.at(10, 3), note: nil), then: [])
        expectRejection(Approval.self, given: [Self.requested, granted], when: .deny(by: Self.craig, at: T.at(10, 3), reason: "no"), then: .alreadyDecided(.granted))
    }

    @Test func machinesCannotGrantOrDeny() {
        expectRejection(Approval.self, given: [Self.requested], when: .grant(by: Actor(.doctor, name: "doctor-claude"), at: T.at(10, 1), note: nil), then: .humanRequired(Actor(.doctor, name: "doctor-claude")))
        expectRejection(Approval.self, given: [Self.requested], when: .deny(by: .system, at: T.at(10, 1), reason: ""), then: .humanRequired(.system))
    }

    @Test func anUnansweredApprovalExpiresAndCannotBeGrantedLate() {
        expectRejection(Approval.self, given: [Self.requested], when: .grant(by: Self.craig, at: T.at(10, 5), note: nil), then: .expired(at: T.at(10, 5)))
        expectRejection(Approval.self, given: [Self.requested], when: .expire(at: T.at(10, 4)), then: .notYetExpired(expiresAt: T.at(10, 5)))
        let expired = Approval.Event.expired(Approval.Expired(approvalID: "ap-1", at: T.at(10, 5)))
        expectDecision(Approval.self, given: [Self.requested], when: .expire(at: T.at(10, 5)), then: [expired])
        expectRejection(Approval.self, given: [Self.requested, expired], when: .grant(by: Self.craig, at: T.at(10, 6), note: nil), then: .alreadyDecided(.expired))
        expectRejection(Approval.self, when: .expire(at: T.t0), then: .notRequested)
    }
}

@Suite struct ReconciliationTests {
    static let started = Reconciliation.Event.started(Reconciliation.Started(runID: "rec-1", account: T.account, trigger: .startup, at: T.at(9, 0)))
    static let discrepancy = Reconciliation.DiscrepancyDetected(
        discrepancyID: "d-1", kind: .orphanPosition, severity: .critical, symbol: T.sym("TSLA"), orderID: nil, positionID: nil,
        ours: LedgerView(quantity: .zero), broker: T.evidence, at: T.at(9, 1))

    static func adjustment(_ action: AdjustmentAction) -> Reconciliation.AdjustmentApplied {
        Reconciliation.AdjustmentApplied(discrepancyID: "d-1", action: action, affectedStreams: [], evidence: T.evidence, by: .system, at: T.at(9, 2), note: nil)
    }

    @Test func aRunPassesOnlyWhenEveryDiscrepancyIsResolved() {
        expectDecision(Reconciliation.self, when: .start("rec-1", account: T.account, trigger: .startup, at: T.at(9, 0)), then: [Self.started])
        expectDecision(Reconciliation.self, given: [Self.started], when: .recordDiscrepancy(Self.discrepancy), then: [.discrepancyDetected(Self.discrepancy)])
        let given: [Reconciliation.Event] = [Self.started, .discrepancyDetected(Self.discrepancy)]
        expectDecision(Reconciliation.self, given: given, when: .recordDiscrepancy(Self.discrepancy), then: [])
        let escalated = given + [.adjustmentApplied(Self.adjustment(.escalated))]
        expectDecision(Reconciliation.self, given: escalated, when: .complete(at: T.at(9, 3)), then: [
            .completed(Reconciliation.Completed(at: T.at(9, 3), discrepancies: 1, resolved: 0, unresolved: ["d-1"], passed: false))
        ])
        let fixed = given + [.adjustmentApplied(Self.adjustment(.positionAdjusted))]
        let done = expectDecision(Reconciliation.self, given: fixed, when: .complete(at: T.at(9, 3)), then: [
            .completed(Reconciliation.Completed(at: T.at(9, 3), discrepancies: 1, resolved: 1, unresolved: [], passed: true))
        ])
        #expect(done.passed == true)
        expectDecision(Reconciliation.self, given: fixed, when: .applyAdjustment(Self.adjustment(.positionAdjusted)), then: [])
    }

    @Test func adjustmentsNeedAKnownDiscrepancyAndAnOpenRun() {
        expectRejection(Reconciliation.self, given: [Self.started], when: .applyAdjustment(Self.adjustment(.ingestedFill)), then: .unknownDiscrepancy("d-1"))
        expectRejection(Reconciliation.self, when: .recordDiscrepancy(Self.discrepancy), then: .notStarted)
        let completed = Reconciliation.Event.completed(Reconciliation.Completed(at: T.at(9, 3), discrepancies: 0, resolved: 0, unresolved: [], passed: true))
        expectRejection(Reconciliation.self, given: [Self.started, completed], when: .recordDiscrepancy(Self.discrepancy), then: .runCompleted)
        expectRejection(Reconciliation.self, given: [Self.started], when: .start("rec-2", account: T.account, trigger: .periodic, at: T.t0), then: .alreadyStarted("rec-1"))
    }
}

@Suite struct DoctorTests {
    static let rule = DoctorRule(issueType: "STUCK_ORDER", autoFixEnabled: true, fixCommand: "reconcile-order")

    static func fix(_ n: Int, minute: Int, kind: DoctorActionKind = .autoFix) -> Doctor.ActionTaken {
        Doctor.ActionTaken(recordID: DoctorRecordID(rawValue: "a\(n)"), at: T.at(10, minute), issueType: "STUCK_ORDER", kind: kind, command: "reconcile-order", target: "ord-\(n)", decisionID: nil)
    }

    @Test func theEleventhAutoFixInAnHourIsRefused() {
        var state = Doctor.initial
        for i in 0..<10 {
            let events = decided(Doctor.self, .takeAction(Self.fix(i, minute: i * 5), rule: Self.rule), state)
            #expect(events.count == 1)
            state = Doctor.fold(events, from: state)
        }
        expectRejection(Doctor.self, given: (0..<10).map { .actionTaken(Self.fix($0, minute: $0 * 5)) }, when: .takeAction(Self.fix(10, minute: 50), rule: Self.rule), then: .rateLimited(issueType: "STUCK_ORDER", maxPerHour: 10))
        // Escalations are never rate limited.
        #expect(decided(Doctor.self, .takeAction(Self.fix(11, minute: 50, kind: .escalation), rule: Self.rule), state).count == 1)
    }

    @Test func theCooldownAndTheRuleSwitchAreEnforced() {
        expectRejection(Doctor.self, given: [.actionTaken(Self.fix(0, minute: 0))], when: .takeAction(Self.fix(1, minute: 3), rule: Self.rule), then: .coolingDown(issueType: "STUCK_ORDER", until: T.at(10, 5)))
        var off = Self.rule
        off.autoFixEnabled = false
        expectRejection(Doctor.self, when: .takeAction(Self.fix(0, minute: 0), rule: off), then: .autoFixDisabled(issueType: "STUCK_ORDER"))
        expectRejection(Doctor.self, when: .takeAction(Self.fix(0, minute: 0), rule: nil), then: .autoFixDisabled(issueType: "STUCK_ORDER"))
    }

    @Test func resultsNeedTheirActionAndAreRecordedOnce() {
        let result = Doctor.ActionResult(actionID: "a0", at: T.at(10, 1), outcome: .success, error: nil, verified: true)
        expectRejection(Doctor.self, when: .recordResult(result), then: .unknownAction("a0"))
        expectDecision(Doctor.self, given: [.actionTaken(Self.fix(0, minute: 0))], when: .recordResult(result), then: [.actionResult(result)])
        expectDecision(Doctor.self, given: [.actionTaken(Self.fix(0, minute: 0)), .actionResult(result)], when: .recordResult(result), then: [])
        let run = Doctor.WatchdogRan(recordID: "r1", at: T.t0, durationMs: 10, contractVersion: "1", status: .ok, brokerConnected: nil, issues: [])
        expectDecision(Doctor.self, given: [.watchdogRan(run)], when: .recordRun(run), then: [])
        #expect(Doctor.session(for: T.day) == "claude-20260309")
    }
}

@Suite struct AlertingTests {
    static func alert(_ id: String, _ kind: AlertKind = .dailyLossWarning, _ severity: Severity = .warning) -> Alert {
        Alert(alertID: AlertID(rawValue: id), kind: kind, severity: severity, subject: "s")
    }

    @Test func cooldownHourlyCapAndCriticalBypass() {
        let policy = AlertPolicy.original
        let sent = Alerting.fold([.sent(Alerting.Sent(alert: Self.alert("a1"), channel: .email, recipients: 1, at: T.t0))])
        #expect(Alerting.admission(for: Self.alert("a2"), at: T.at(10, 10), policy: policy, state: sent) == .suppress(.cooldown))
        #expect(Alerting.admission(for: Self.alert("a2"), at: T.at(10, 16), policy: policy, state: sent) == .send)
        #expect(Alerting.admission(for: Self.alert("a3", .emergencyStop, .critical), at: T.at(10, 1), policy: policy, state: sent) == .send)
        let kinds = AlertKind.allCases.filter { $0 != .dailySummary }
        let busy = Alerting.fold((0..<20).map { i in .sent(Alerting.Sent(alert: Self.alert("b\(i)", kinds[i % kinds.count]), channel: .log, recipients: 0, at: T.at(10, i))) })
        #expect(Alerting.admission(for: Self.alert("c", .dailySummary), at: T.at(10, 30), policy: policy, state: busy) == .suppress(.hourlyLimit))
        expectDecision(Alerting.self, given: [.sent(Alerting.Sent(alert: Self.alert("a1"), channel: .email, recipients: 1, at: T.t0))], when: .suppressIfLimited(Self.alert("a2"), at: T.at(10, 1), policy: policy), then: [
            .suppressed(Alerting.Suppressed(alert: Self.alert("a2"), reason: .cooldown, at: T.at(10, 1)))
        ])
        expectDecision(Alerting.self, when: .suppressIfLimited(Self.alert("a2"), at: T.at(10, 1), policy: policy), then: [])
    }

    @Test func recordsAreIdempotentPerAlert() {
        let failed = Alerting.Event.failed(Alerting.Failed(alert: Self.alert("a1"), channel: .email, error: "421", at: T.t0))
        expectDecision(Alerting.self, when: .recordFailed(Self.alert("a1"), channel: .email, error: "421", at: T.t0), then: [failed])
        expectDecision(Alerting.self, given: [failed], when: .recordSent(Self.alert("a1"), channel: .email, recipients: 1, at: T.t0), then: [])
    }
}

@Suite struct ObservationTests {
    static func prices(_ minute: Int) -> Observation.CandidatePrices {
        Observation.CandidatePrices(cycleID: "cyc-1", observedAt: T.at(10, minute), prices: [CandidatePrice(symbol: T.sym("AAPL"), last: T.p("50"))], source: "simulated")
    }

    @Test func observationsAreAppendedInTimeOrderOnce() {
        expectDecision(Observation.self, when: .record(Self.prices(5)), then: [.candidatePrices(Self.prices(5))])
        expectDecision(Observation.self, given: [.candidatePrices(Self.prices(5))], when: .record(Self.prices(5)), then: [])
        expectRejection(Observation.self, given: [.candidatePrices(Self.prices(5))], when: .record(Self.prices(4)), then: .outOfOrder(last: T.at(10, 5)))
        var empty = Self.prices(6)
        empty.prices = []
        expectRejection(Observation.self, when: .record(empty), then: .empty)
        var other = Self.prices(6)
        other.cycleID = "cyc-2"
        expectRejection(Observation.self, given: [.candidatePrices(Self.prices(5))], when: .record(other), then: .wrongCycle("cyc-1"))
    }
}

@Suite struct StreamNameTests {
    @Test func theStreamMap() {
        #expect(Cycle.stream("cyc-1").rawValue == "cycle-cyc-1")
        #expect(Order.stream("ord-ap-1").rawValue == "order-ord-ap-1")
        #expect(Position.stream(account: T.account, symbol: T.sym("BRK.B")).rawValue == "position-paper-BRK.B")
        #expect(Risk.stream(account: T.account, date: T.day).rawValue == "risk-paper-2026-03-09")
        #expect(Approval.stream("ap-1").rawValue == "approval-ap-1")
        #expect(Reconciliation.stream(account: T.account, run: "rec-1").rawValue == "reconciliation-paper-rec-1")
        #expect(Doctor.stream("claude-20260309").rawValue == "doctor-claude-20260309")
        #expect(Alerting.stream(T.day).rawValue == "alerts-2026-03-09")
        #expect(Observation.stream("cyc-1").rawValue == "observations-cyc-1")
        #expect(Principal.stream("claude").rawValue == "principal-claude")
        #expect(StreamName(parsing: "risk-paper-2026-03-09") == Risk.stream(account: T.account, date: T.day))
        #expect(StreamName(parsing: "positions-x") == nil)
        #expect(StreamName(parsing: "order-") == nil)
        for category in StreamCategory.allCases { #expect(!category.rawValue.contains("-")) }
        for info in EventCodec.catalogue {
            let prefix = info.eventType.split(separator: ".")[0]
            #expect(["cycle", "scan", "signal", "risk", "order", "position", "approval", "reconciliation", "doctor", "alert", "observation", "principal", "maintenance"].contains(prefix))
        }
    }
}
