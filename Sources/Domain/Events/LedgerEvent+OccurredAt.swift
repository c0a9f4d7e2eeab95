import Foundation

extension LedgerEvent {
    /// The business time of the event (the store's `occurred_at`): when it happened in the market or
    /// the workflow, as opposed to when the database recorded it.
    public var occurredAt: Date {
        switch self {
        case .cycle(let e):
            switch e {
            case .started(let p): p.startedAt
            case .stageCompleted(let p): p.completedAt
            case .completed(let p): p.completedAt
            case .stopped(let p): p.stoppedAt
            case .failed(let p): p.failedAt
            case .candidateEvaluated(let p): p.evaluation.features.asOf
            case .universeFiltered(let p): p.at
            case .scanCompleted(let p): p.completedAt
            case .signalGenerated(let p): p.generatedAt
            }
        case .risk(let e):
            switch e {
            case .dayOpened(let p): p.openedAt
            case .parametersChanged(let p): p.changedAt
            case .approved(let p): p.decidedAt
            case .denied(let p): p.decidedAt
            case .approvalReleased(let p): p.releasedAt
            case .fillRecorded(let p): p.filledAt
            case .marksRecorded(let p): p.markedAt
            case .dailyLossWarning(let p): p.at
            case .tradingHalted(let p): p.halt.at
            case .tradingResumed(let p): p.at
            case .resumeRequested(let p): p.at
            case .parametersProposed(let p): p.proposedAt
            }
        case .order(let e):
            switch e {
            case .requested(let p): p.requestedAt
            case .submitted(let p): p.submittedAt
            case .submitOutcomeUnknown(let p): p.at
            case .outcomeResolved(let p): p.at
            case .accepted(let p): p.update.at
            case .pendingCancel(let p): p.update.at
            case .pendingReplace(let p): p.update.at
            case .statusChanged(let p): p.update.at
            case .cancelRequested(let p): p.at
            case .cancelRejected(let p): p.at
            case .replaceRequested(let p): p.at
            case .replaceRejected(let p): p.at
            case .replaced(let p): p.at
            case .partiallyFilled(let p): p.execution.executedAt
            case .filled(let p): p.execution.executedAt
            case .canceled(let p): p.update.at
            case .expired(let p): p.update.at
            case .rejected(let p): p.update.at
            }
        case .position(let e):
            switch e {
            case .opened(let p): p.openedAt
            case .increased(let p): p.at
            case .reduced(let p): p.at
            case .closed(let p): p.closedAt
            case .marked(let p): p.at
            case .exitRequested(let p): p.at
            case .protectionChanged(let p): p.at
            case .adjusted(let p): p.at
            }
        case .approval(let e):
            switch e {
            case .requested(let p): p.requestedAt
            case .granted(let p): p.at
            case .denied(let p): p.at
            case .expired(let p): p.at
            }
        case .reconciliation(let e):
            switch e {
            case .started(let p): p.at
            case .discrepancyDetected(let p): p.at
            case .adjustmentApplied(let p): p.at
            case .completed(let p): p.at
            }
        case .doctor(let e):
            switch e {
            case .watchdogRan(let p): p.at
            case .decisionRecorded(let p): p.at
            case .actionTaken(let p): p.at
            case .actionResult(let p): p.at
            case .rulesLoaded(let p): p.at
            }
        case .alert(let e):
            switch e {
            case .sent(let p): p.at
            case .suppressed(let p): p.at
            case .failed(let p): p.at
            }
        case .observation(let e):
            switch e {
            case .candidatePrices(let p): p.observedAt
            }
        case .principal(let e):
            switch e {
            case .added(let p): p.at
            case .changed(let p): p.at
            case .keyRotated(let p): p.at
            case .revoked(let p): p.at
            case .accessDenied(let p): p.at
            }
        case .maintenance(let e):
            switch e {
            case .restored(let p): p.at
            }
        }
    }
}
