import Foundation

/// One event type as the store sees it.
public struct EventTypeInfo: Hashable, Sendable {
    public let eventType: String
    /// The version this code writes.
    public let schemaVersion: Int
    /// Older versions that can still be read (through upcasters).
    public let readableVersions: [Int]
    public let category: StreamCategory
}

/// The registry behind `EventCodec`: wire name → decoder, and the upcaster chain. A type missing here
/// cannot be encoded (`EventCodecError.unregisteredEventType`), so nothing unreadable reaches the log.
enum EventCatalogue {
    struct Registration: Sendable {
        let info: EventTypeInfo
        let upcasters: [Int: Upcaster]
        let decode: @Sendable (JSONDecoder, Data) throws -> LedgerEvent
    }

    static func entry<P: DomainEvent>(
        _ type: P.Type, _ category: StreamCategory, upcasters: [Upcaster] = [], _ wrap: @escaping @Sendable (P) -> LedgerEvent
    ) -> Registration {
        let byVersion = Dictionary(uniqueKeysWithValues: upcasters.map { ($0.from, $0) })
        var readable = [P.schemaVersion]
        var version = P.schemaVersion - 1
        while version >= 1, byVersion[version] != nil {
            readable.insert(version, at: 0)
            version -= 1
        }
        return Registration(
            info: EventTypeInfo(eventType: P.eventType, schemaVersion: P.schemaVersion, readableVersions: readable, category: category),
            upcasters: byVersion,
            decode: { decoder, data in wrap(try decoder.decode(P.self, from: data)) })
    }

    static let registrations: [Registration] = [
        entry(Cycle.Started.self, .cycle, upcasters: [Upcasters.cycleStartedV1toV2]) { .cycle(.started($0)) },
        entry(Cycle.StageCompleted.self, .cycle) { .cycle(.stageCompleted($0)) },
        entry(Cycle.Completed.self, .cycle) { .cycle(.completed($0)) },
        entry(Cycle.Stopped.self, .cycle) { .cycle(.stopped($0)) },
        entry(Cycle.Failed.self, .cycle) { .cycle(.failed($0)) },
        entry(Cycle.CandidateEvaluated.self, .cycle) { .cycle(.candidateEvaluated($0)) },
        entry(Cycle.UniverseFiltered.self, .cycle) { .cycle(.universeFiltered($0)) },
        entry(Cycle.ScanCompleted.self, .cycle) { .cycle(.scanCompleted($0)) },
        entry(Cycle.SignalGenerated.self, .cycle) { .cycle(.signalGenerated($0)) },

        entry(Risk.DayOpened.self, .risk) { .risk(.dayOpened($0)) },
        entry(Risk.ParametersChanged.self, .risk) { .risk(.parametersChanged($0)) },
        entry(Risk.Approved.self, .risk, upcasters: [Upcasters.riskDecisionV1toV2, Upcasters.riskDecisionV2toV3]) { .risk(.approved($0)) },
        entry(Risk.Denied.self, .risk, upcasters: [Upcasters.riskDecisionV1toV2, Upcasters.riskDecisionV2toV3]) { .risk(.denied($0)) },
        entry(Risk.ApprovalReleased.self, .risk) { .risk(.approvalReleased($0)) },
        entry(Risk.FillRecorded.self, .risk) { .risk(.fillRecorded($0)) },
        entry(Risk.MarksRecorded.self, .risk) { .risk(.marksRecorded($0)) },
        entry(Risk.DailyLossWarning.self, .risk) { .risk(.dailyLossWarning($0)) },
        entry(Risk.TradingHalted.self, .risk) { .risk(.tradingHalted($0)) },
        entry(Risk.TradingResumed.self, .risk) { .risk(.tradingResumed($0)) },
        entry(Risk.ResumeRequested.self, .risk) { .risk(.resumeRequested($0)) },
        entry(Risk.ParametersProposed.self, .risk) { .risk(.parametersProposed($0)) },

        entry(Order.Requested.self, .order) { .order(.requested($0)) },
        entry(Order.Submitted.self, .order) { .order(.submitted($0)) },
        entry(Order.SubmitOutcomeUnknown.self, .order) { .order(.submitOutcomeUnknown($0)) },
        entry(Order.OutcomeResolved.self, .order) { .order(.outcomeResolved($0)) },
        entry(Order.Accepted.self, .order) { .order(.accepted($0)) },
        entry(Order.PendingCancel.self, .order) { .order(.pendingCancel($0)) },
        entry(Order.PendingReplace.self, .order) { .order(.pendingReplace($0)) },
        entry(Order.StatusChanged.self, .order) { .order(.statusChanged($0)) },
        entry(Order.CancelRequested.self, .order) { .order(.cancelRequested($0)) },
        entry(Order.CancelRejected.self, .order) { .order(.cancelRejected($0)) },
        entry(Order.ReplaceRequested.self, .order) { .order(.replaceRequested($0)) },
        entry(Order.ReplaceRejected.self, .order) { .order(.replaceRejected($0)) },
        entry(Order.Replaced.self, .order) { .order(.replaced($0)) },
        entry(Order.PartiallyFilled.self, .order) { .order(.partiallyFilled($0)) },
        entry(Order.Filled.self, .order) { .order(.filled($0)) },
        entry(Order.Canceled.self, .order) { .order(.canceled($0)) },
        entry(Order.Expired.self, .order) { .order(.expired($0)) },
        entry(Order.Rejected.self, .order) { .order(.rejected($0)) },

        entry(Position.Opened.self, .position) { .position(.opened($0)) },
        entry(Position.Increased.self, .position) { .position(.increased($0)) },
        entry(Position.Reduced.self, .position) { .position(.reduced($0)) },
        entry(Position.Closed.self, .position) { .position(.closed($0)) },
        entry(Position.Marked.self, .position) { .position(.marked($0)) },
        entry(Position.ExitRequested.self, .position) { .position(.exitRequested($0)) },
        entry(Position.ProtectionChanged.self, .position) { .position(.protectionChanged($0)) },
        entry(Position.Adjusted.self, .position) { .position(.adjusted($0)) },

        entry(Approval.Requested.self, .approval) { .approval(.requested($0)) },
        entry(Approval.Granted.self, .approval) { .approval(.granted($0)) },
        entry(Approval.Denied.self, .approval) { .approval(.denied($0)) },
        entry(Approval.Expired.self, .approval) { .approval(.expired($0)) },

        entry(Reconciliation.Started.self, .reconciliation) { .reconciliation(.started($0)) },
        entry(Reconciliation.DiscrepancyDetected.self, .reconciliation) { .reconciliation(.discrepancyDetected($0)) },
        entry(Reconciliation.AdjustmentApplied.self, .reconciliation) { .reconciliation(.adjustmentApplied($0)) },
        entry(Reconciliation.Completed.self, .reconciliation) { .reconciliation(.completed($0)) },

        entry(Doctor.WatchdogRan.self, .doctor) { .doctor(.watchdogRan($0)) },
        entry(Doctor.DecisionRecorded.self, .doctor) { .doctor(.decisionRecorded($0)) },
        entry(Doctor.ActionTaken.self, .doctor) { .doctor(.actionTaken($0)) },
        entry(Doctor.ActionResult.self, .doctor) { .doctor(.actionResult($0)) },
        entry(Doctor.RulesLoaded.self, .doctor) { .doctor(.rulesLoaded($0)) },

        entry(Alerting.Sent.self, .alerts) { .alert(.sent($0)) },
        entry(Alerting.Suppressed.self, .alerts) { .alert(.suppressed($0)) },
        entry(Alerting.Failed.self, .alerts) { .alert(.failed($0)) },

        entry(Principal.Added.self, .principal) { .principal(.added($0)) },
        entry(Principal.Changed.self, .principal) { .principal(.changed($0)) },
        entry(Principal.KeyRotated.self, .principal) { .principal(.keyRotated($0)) },
        entry(Principal.Revoked.self, .principal) { .principal(.revoked($0)) },
        entry(Principal.AccessDenied.self, .principal) { .principal(.accessDenied($0)) },

        entry(Maintenance.Restored.self, .maintenance) { .maintenance(.restored($0)) },

        entry(Observation.CandidatePrices.self, .observations) { .observation(.candidatePrices($0)) },
    ]

    static let byType: [String: Registration] = Dictionary(uniqueKeysWithValues: registrations.map { ($0.info.eventType, $0) })
}
