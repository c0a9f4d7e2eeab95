import Foundation

@testable import Domain

/// One realistic example of every event type at its current schema version: the source of the golden
/// fixtures and of the catalogue-completeness test.
enum Samples {
    static var all: [LedgerEvent] { cycle + risk + order + position + others + principal }

    /// Principals and resume requests: recorded with the authenticated principal as the actor.
    static var principal: [LedgerEvent] {
        let raised = { () -> RiskParameters in var p = RiskParameters.conservative; p.maxPositions = 8; return p }()
        let key = PrincipalKey(keyID: "0a1b2c3d", digest: String(repeating: "ab", count: 32), createdAt: T.at(8, 0))
        let rotated = PrincipalKey(keyID: "4e5f6a7b", digest: String(repeating: "cd", count: 32), createdAt: T.at(8, 30))
        let claude = Actor.principal("claude", kind: .agent, name: "Doctor Claude")
        let halt = TradingHalt(reason: .emergencyStop, by: claude, at: T.at(12, 0), detail: "drill")
        return [
            .principal(.added(Principal.Added(principalID: "alice", name: "Alice", kind: .human, roles: [.operator, .riskOfficer], key: key, at: T.at(8, 0)))),
            .principal(.changed(Principal.Changed(principalID: "alice", name: "Alice B.", roles: [.operator], at: T.at(8, 15)))),
            .principal(.keyRotated(Principal.KeyRotated(principalID: "alice", key: rotated, previousValidUntil: T.at(9, 30), at: T.at(8, 30)))),
            .principal(.revoked(Principal.Revoked(principalID: "alice", reason: "left the desk", at: T.at(16, 0)))),
            .principal(.accessDenied(Principal.AccessDenied(principalID: "claude", capability: .resumeTrading, action: "POST /api/v1/approvals/ap-1/approve", at: T.at(12, 5)))),
            .risk(.resumeRequested(Risk.ResumeRequested(at: T.at(12, 10), by: claude, note: "the broker is back", halt: halt))),
            .risk(
                .parametersProposed(
                    Risk.ParametersProposed(
                        proposedAt: T.at(9, 10), parameters: raised, parametersHash: raised.hash, raises: ["max_positions"],
                        by: Actor.principal("rita", kind: .human, name: "Rita"), reason: "calmer market"))),
            .maintenance(
                .restored(
                    Maintenance.Restored(
                        source: "catalyst.dump", sourceSHA256: String(repeating: "0f", count: 32), fromSystemIdentifier: "7400000000000000001",
                        toSystemIdentifier: "7400000000000000002", restoredMaxTxID: "7822", nextTxID: "1048576", restoredEvents: 4281,
                        restoredHeadPosition: 4281, at: T.at(8, 0)))),
        ]
    }

    static let cycleID = CycleID(rawValue: "cyc-1")
    static let orderID = OrderID(rawValue: "ord-ap-1")
    static let positionID = PositionID(rawValue: "paper-AAPL-1")

    static var cycle: [LedgerEvent] {
        let evaluation = CandidateEvaluation(features: T.features(), stageReached: .final, finalRank: 1)
        let dropped = CandidateEvaluation(
            features: T.features("MSFT", price: "410.5"), stageReached: .catalyst,
            rejection: FunnelRejection(stage: .technical, reason: "rsi_out_of_band", detail: "RSI 81 > 70"))
        return [
            .cycle(
                .started(
                    Cycle.Started(
                        cycleID: cycleID, idempotencyKey: "2026-03-09/market-open", mode: .normal, sessionMode: .autonomous,
                        requestedBy: Actor(.cron, name: "market-open"), tradingDate: T.day, startedAt: T.at(9, 35), configHash: "cfg-9f2c",
                        funnel: .original, maxPositions: 5, riskPerTrade: DecimalValue("0.01"), scanFrequencyMinutes: 30))),
            .cycle(.candidateEvaluated(Cycle.CandidateEvaluated(cycleID: cycleID, index: 0, evaluation: evaluation))),
            .cycle(.candidateEvaluated(Cycle.CandidateEvaluated(cycleID: cycleID, index: 1, evaluation: dropped))),
            .cycle(
                .universeFiltered(
                    Cycle.UniverseFiltered(
                        cycleID: cycleID, at: T.at(9, 36), chunk: 0,
                        rejections: [UniverseRejection(symbol: T.sym("PENNY"), reason: "price_out_of_range", detail: "0.42 < 5")]))),
            .cycle(
                .scanCompleted(
                    Cycle.ScanCompleted(
                        cycleID: cycleID, completedAt: T.at(9, 36), universeSize: 3,
                        stageCounts: [StageCount(stage: .universe, passed: 2), StageCount(stage: .final, passed: 1)], candidatesRecorded: 2,
                        universeRejectionsRecorded: 1, finalists: [T.sym("AAPL")], scoringVersion: "s-1", dataAsOf: T.at(9, 35, 30)))),
            .cycle(
                .signalGenerated(
                    Cycle.SignalGenerated(signalID: "sig-1", cycleID: cycleID, rank: 1, proposal: T.proposal(), generatedAt: T.at(9, 36)))),
            .cycle(.stageCompleted(Cycle.StageCompleted(cycleID: cycleID, stage: .scan, completedAt: T.at(9, 36), itemCount: 2))),
            .cycle(
                .completed(
                    Cycle.Completed(
                        cycleID: cycleID, completedAt: T.at(15, 50),
                        summary: CycleSummary(candidates: 2, signals: 1, approvals: 1, denials: 0, orders: 3, fills: 2)))),
            .cycle(.stopped(Cycle.Stopped(cycleID: cycleID, stoppedAt: T.at(11, 0), reason: "emergency stop", by: Actor(.operator, name: "craig")))),
            .cycle(.failed(Cycle.Failed(cycleID: cycleID, failedAt: T.at(9, 40), stage: .scan, errorCode: "market_data_unavailable", message: "HTTP 503"))),
        ]
    }

    static var risk: [LedgerEvent] {
        let halt = TradingHalt(reason: .dailyLossLimit, by: .system, at: T.at(13, 0), detail: "daily P&L -2000 reached -2000")
        return [
            .risk(
                .dayOpened(
                    Risk.DayOpened(
                        account: T.account, date: T.day, openedAt: T.at(9, 0), parameters: .conservative,
                        parametersHash: RiskParameters.conservative.hash, startingEquity: Money(100_000), carriedHalt: nil,
                        carriedPositions: [Risk.CarriedPosition(symbol: T.sym("XOM"), sector: .energy, quantity: T.q(10), referencePrice: T.p("112.4"))]))),
            .risk(
                .parametersChanged(
                    Risk.ParametersChanged(
                        changedAt: T.at(9, 10), parameters: .conservative, parametersHash: RiskParameters.conservative.hash, previousHash: "0000",
                        by: Actor(.operator, name: "craig"), source: "config/risk_parameters.yaml sha256:ab12"))),
            .risk(.approved(T.approved())),
            .risk(
                .denied(
                    Risk.Denied(
                        approvalID: "ap-2", cycleID: cycleID, signalID: "sig-2", decidedAt: T.t0, symbol: T.sym("TSLA"), positionSide: .long,
                        violations: [
                            RiskViolation(.rewardRiskTooLow, limit: T.d("1.5"), actual: T.d("1.1")),
                            RiskViolation(.sectorExposure, limit: T.d("40000"), actual: T.d("41250"), detail: "Consumer Discretionary"),
                        ], assessment: T.assessment(), parametersHash: RiskParameters.conservative.hash, inputs: T.inputs("TSLA", coid: "c-TSLA-1")))),
            .risk(.approvalReleased(Risk.ApprovalReleased(approvalID: "ap-1", releasedAt: T.at(15, 59), reason: .orderExpired, unfilledQuantity: T.q(40)))),
            .risk(
                .fillRecorded(
                    Risk.FillRecorded(
                        orderID: orderID, executionID: "ex-1", approvalID: "ap-1", symbol: T.sym("AAPL"), sector: .informationTechnology, side: .buy,
                        quantity: T.q(60), price: T.p("49.98"), fee: .zero, filledAt: T.at(10, 0, 5)))),
            .risk(.marksRecorded(Risk.MarksRecorded(markedAt: T.at(10, 1), marks: [SymbolPrice(T.sym("AAPL"), T.p("50.12"))]))),
            .risk(.dailyLossWarning(Risk.DailyLossWarning(at: T.at(12, 0), dailyPnL: T.m("-1512.5"), threshold: T.m("-1500"), limit: T.m("-2000")))),
            .risk(.tradingHalted(Risk.TradingHalted(halt: halt, dailyPnL: T.m("-2000")))),
            .risk(.tradingResumed(Risk.TradingResumed(at: T.day.adding(days: 1).at(hour: 9, minute: 0), by: Actor(.operator, name: "craig"), note: "reviewed", liftedHalt: halt))),
        ]
    }

    static var order: [LedgerEvent] {
        let update = { (status: BrokerOrderStatus, minute: Int, reason: String?) in
            Order.StatusUpdate(orderID: orderID, brokerOrderID: "b-61e6", brokerStatus: status, at: T.at(10, minute), source: .tradeStream, reason: reason)
        }
        let execution = { (id: String, qty: Int, cum: Int, status: Order.Status) in
            Order.Execution(
                orderID: orderID, brokerOrderID: "b-61e6", executionID: ExecutionID(rawValue: id), symbol: T.sym("AAPL"), side: .buy, quantity: T.q(qty),
                price: T.p("49.98"), fee: .zero, executedAt: T.at(10, 0, 5), source: .tradeStream, cumulativeQuantity: T.q(cum),
                leavesQuantity: T.q(100 - cum), averagePrice: T.p("49.98"), status: status, brokerCumulativeQuantity: T.q(cum))
        }
        return [
            .order(
                .requested(
                    Order.Requested(
                        orderID: orderID, intent: T.approvedIntent(), approvalID: "ap-1", cycleID: cycleID,
                        legs: [Order.LegLink(orderID: .leg(of: orderID, .takeProfit), role: .takeProfit), Order.LegLink(orderID: .leg(of: orderID, .stopLoss), role: .stopLoss)],
                        requestedAt: T.t0))),
            .order(.submitted(Order.Submitted(orderID: orderID, brokerOrderID: "b-61e6", brokerStatus: .accepted, status: .accepted, submittedAt: T.at(10, 0, 1)))),
            .order(.submitOutcomeUnknown(Order.SubmitOutcomeUnknown(orderID: orderID, at: T.at(10, 0, 31), reason: "timeout after 30 s"))),
            .order(
                .outcomeResolved(
                    Order.OutcomeResolved(orderID: orderID, at: T.at(10, 1), resolution: .found, brokerOrderID: "b-61e6", brokerStatus: .new, status: .new))),
            .order(.accepted(Order.Accepted(update(.new, 0, nil)))),
            .order(.pendingCancel(Order.PendingCancel(update(.pendingCancel, 5, nil)))),
            .order(.pendingReplace(Order.PendingReplace(update(.pendingReplace, 6, nil)))),
            .order(.statusChanged(Order.StatusChanged(update(.doneForDay, 7, nil)))),
            .order(.cancelRequested(Order.CancelRequested(orderID: orderID, at: T.at(10, 5), reason: "end of day"))),
            .order(.cancelRejected(Order.CancelRejected(orderID: orderID, at: T.at(10, 5, 1), reason: "order is already filled", restoredStatus: .partiallyFilled))),
            .order(
                .replaceRequested(
                    Order.ReplaceRequested(orderID: orderID, newOrderID: "ord-ap-1-r1", changes: Order.ReplaceChanges(limitPrice: T.p("49.9")), at: T.at(10, 6)))),
            .order(.replaceRejected(Order.ReplaceRejected(orderID: orderID, newOrderID: "ord-ap-1-r1", at: T.at(10, 6, 1), reason: "order_replace_rejected", restoredStatus: .new))),
            .order(.replaced(Order.Replaced(orderID: orderID, replacedByOrderID: "ord-ap-1-r1", replacedByBrokerOrderID: "b-77a0", at: T.at(10, 6, 2), source: .tradeStream))),
            .order(.partiallyFilled(Order.PartiallyFilled(execution("ex-1", 60, 60, .partiallyFilled)))),
            .order(.filled(Order.Filled(execution("ex-2", 40, 100, .filled)))),
            .order(.canceled(Order.Canceled(update(.canceled, 8, "canceled by user")))),
            .order(.expired(Order.Expired(update(.expired, 9, nil)))),
            .order(.rejected(Order.Rejected(update(.rejected, 10, "insufficient buying power")))),
        ]
    }

    static var position: [LedgerEvent] {
        [
            .position(
                .opened(
                    Position.Opened(
                        positionID: positionID, account: T.account, symbol: T.sym("AAPL"), side: .long, orderID: orderID, executionID: "ex-1",
                        quantity: T.q(60), price: T.p("49.98"), fee: .zero, costBasis: T.m("2998.8"), openedAt: T.at(10, 0, 5),
                        sector: .informationTechnology, approvalID: "ap-1", cycleID: cycleID, stop: T.p("49"), target: T.p("52")))),
            .position(
                .increased(
                    Position.Increased(
                        positionID: positionID, orderID: orderID, executionID: "ex-2", quantity: T.q(40), price: T.p("50"), fee: .zero,
                        quantityAfter: T.q(100), costBasis: T.m("4998.8"), averageEntryPrice: T.p("49.988"), at: T.at(10, 0, 9)))),
            .position(
                .reduced(
                    Position.Reduced(
                        positionID: positionID, orderID: "ord-exit-1", executionID: "ex-3", quantity: T.q(50), price: T.p("51"), fee: .zero,
                        realizedPnL: T.m("50.6"), quantityAfter: T.q(50), costBasis: T.m("2499.4"), averageEntryPrice: T.p("49.988"), at: T.at(11, 0)))),
            .position(
                .closed(
                    Position.Closed(
                        positionID: positionID, side: .long, orderID: .leg(of: orderID, .takeProfit), executionID: "ex-4", quantity: T.q(50), price: T.p("52"),
                        fee: .zero, realizedPnL: T.m("100.6"), totalRealizedPnL: T.m("151.2"), exitReason: .takeProfit, openedAt: T.at(10, 0, 5),
                        closedAt: T.at(12, 0)))),
            .position(
                .marked(
                    Position.Marked(
                        positionID: positionID, price: T.p("50.5"), quantity: T.q(100), unrealizedPnL: T.m("51.2"), highestPrice: T.p("50.7"),
                        lowestPrice: T.p("49.9"), at: T.at(10, 30)))),
            .position(.exitRequested(Position.ExitRequested(positionID: positionID, reason: .endOfDay, by: .system, at: T.at(15, 45)))),
            .position(
                .protectionChanged(Position.ProtectionChanged(positionID: positionID, stop: T.p("49.5"), target: T.p("52"), by: Actor(.operator, name: "craig"), at: T.at(11, 0)))),
            .position(
                .adjusted(
                    Position.Adjusted(
                        positionID: positionID, account: T.account, symbol: T.sym("AAPL"), quantityBefore: T.q(50), quantityAfter: .zero,
                        costBasisAfter: .zero, evidence: T.evidence, discrepancyID: "d-1", by: Actor(.doctor, name: "doctor-claude"), at: T.at(10, 30)))),
        ]
    }

    static var others: [LedgerEvent] {
        let alert = Alert(alertID: "al-1", kind: .dailyLossWarning, severity: .warning, subject: "Daily loss at 75 % of limit")
        return [
            .approval(
                .requested(
                    Approval.Requested(approvalID: "ap-1", cycleID: cycleID, signalID: "sig-1", intent: T.approvedIntent(), requestedAt: T.t0, expiresAt: T.at(10, 5)))),
            .approval(.granted(Approval.Granted(approvalID: "ap-1", by: Actor(.operator, name: "craig"), at: T.at(10, 2), note: "looks right"))),
            .approval(.denied(Approval.Denied(approvalID: "ap-1", by: Actor(.operator, name: "craig"), at: T.at(10, 2), reason: "earnings tomorrow"))),
            .approval(.expired(Approval.Expired(approvalID: "ap-1", at: T.at(10, 5)))),
            .reconciliation(.started(Reconciliation.Started(runID: "rec-1", account: T.account, trigger: .startup, at: T.at(9, 0)))),
            .reconciliation(
                .discrepancyDetected(
                    Reconciliation.DiscrepancyDetected(
                        discrepancyID: "d-1", kind: .phantomPosition, severity: .warning, symbol: T.sym("AAPL"), orderID: nil, positionID: positionID,
                        ours: LedgerView(status: "open", quantity: T.q(50)), broker: T.evidence, at: T.at(10, 30)))),
            .reconciliation(
                .adjustmentApplied(
                    Reconciliation.AdjustmentApplied(
                        discrepancyID: "d-1", action: .positionClosedExternally, affectedStreams: ["position-paper-AAPL"], evidence: T.evidence,
                        by: Actor(.doctor, name: "doctor-claude"), at: T.at(10, 30), note: "no fill found at the broker"))),
            .reconciliation(.completed(Reconciliation.Completed(at: T.at(10, 31), discrepancies: 1, resolved: 1, unresolved: [], passed: true))),
            .doctor(
                .watchdogRan(
                    Doctor.WatchdogRan(
                        recordID: "dr-1", at: T.at(10, 15), durationMs: 412, contractVersion: "1", status: .warning, brokerConnected: true,
                        issues: [WatchdogIssue(type: "STUCK_ORDER", severity: .warning, message: "order ord-ap-1 not terminal after 5 min", ids: ["ord-ap-1"], proposedFix: "reconcile-order ord-ap-1")]))),
            .doctor(
                .decisionRecorded(
                    Doctor.DecisionRecorded(
                        recordID: "dr-2", at: T.at(10, 16), issueType: "STUCK_ORDER", severity: .warning, decision: "auto-fix",
                        reasoning: "broker reports filled", cycleID: cycleID))),
            .doctor(
                .actionTaken(
                    Doctor.ActionTaken(
                        recordID: "dr-3", at: T.at(10, 16), issueType: "STUCK_ORDER", kind: .autoFix, command: "reconcile-order", target: "ord-ap-1",
                        decisionID: "dr-2"))),
            .doctor(.actionResult(Doctor.ActionResult(actionID: "dr-3", at: T.at(10, 17), outcome: .success, error: nil, verified: true))),
            .doctor(
                .rulesLoaded(
                    Doctor.RulesLoaded(
                        at: T.at(9, 15), source: "config/doctor_rules.yaml", rulesHash: "4f1c0d",
                        rules: [
                            DoctorRule(
                                issueType: "ORDER_NOT_FOUND", autoFixEnabled: true, fixCommand: "mark_order_expired", description: "mark expired",
                                escalationPriority: "NORMAL"),
                            DoctorRule(issueType: "ORPHAN_POSITION", autoFixEnabled: false, escalationPriority: "CRITICAL"),
                        ]))),
            .alert(.sent(Alerting.Sent(alert: alert, channel: .email, recipients: 2, at: T.at(12, 0)))),
            .alert(.suppressed(Alerting.Suppressed(alert: alert, reason: .cooldown, at: T.at(12, 5)))),
            .alert(.failed(Alerting.Failed(alert: alert, channel: .email, error: "SMTP 421", at: T.at(12, 0)))),
            .observation(
                .candidatePrices(
                    Observation.CandidatePrices(
                        cycleID: cycleID, observedAt: T.at(10, 5),
                        prices: [CandidatePrice(symbol: T.sym("AAPL"), last: T.p("50.2"), bid: T.p("50.19"), ask: T.p("50.21"), high: T.p("50.3"), low: T.p("50.1"), volume: 120_000)],
                        source: "simulated"))),
        ]
    }
}
