import Foundation

extension Reconciliation {
    public enum Event: Sendable, Equatable {
        case started(Started)
        case discrepancyDetected(DiscrepancyDetected)
        case adjustmentApplied(AdjustmentApplied)
        case completed(Completed)
    }

    /// `reconciliation.started`
    public struct Started: DomainEvent {
        public static let eventType = "reconciliation.started"
        public static let schemaVersion = 1
        public var runID: ReconciliationRunID
        public var account: AccountID
        public var trigger: ReconciliationTrigger
        public var at: Date

        public init(runID: ReconciliationRunID, account: AccountID, trigger: ReconciliationTrigger, at: Date) {
            self.runID = runID
            self.account = account
            self.trigger = trigger
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case account, trigger, at
            case runID = "run_id"
        }
    }

    /// `reconciliation.discrepancy_detected`
    public struct DiscrepancyDetected: DomainEvent {
        public static let eventType = "reconciliation.discrepancy_detected"
        public static let schemaVersion = 1
        public var discrepancyID: DiscrepancyID
        public var kind: DiscrepancyKind
        public var severity: Severity
        public var symbol: Symbol?
        public var orderID: OrderID?
        public var positionID: PositionID?
        public var ours: LedgerView
        public var broker: BrokerEvidence
        public var at: Date

        public init(
            discrepancyID: DiscrepancyID, kind: DiscrepancyKind, severity: Severity, symbol: Symbol?, orderID: OrderID?, positionID: PositionID?,
            ours: LedgerView, broker: BrokerEvidence, at: Date
        ) {
            self.discrepancyID = discrepancyID
            self.kind = kind
            self.severity = severity
            self.symbol = symbol
            self.orderID = orderID
            self.positionID = positionID
            self.ours = ours
            self.broker = broker
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case kind, severity, symbol, ours, broker, at
            case discrepancyID = "discrepancy_id"
            case orderID = "order_id"
            case positionID = "position_id"
        }
    }

    /// `reconciliation.adjustment_applied`: what was done about a discrepancy, by whom, on what evidence.
    public struct AdjustmentApplied: DomainEvent {
        public static let eventType = "reconciliation.adjustment_applied"
        public static let schemaVersion = 1
        public var discrepancyID: DiscrepancyID
        public var action: AdjustmentAction
        /// The streams whose events carry the adjustment (e.g. `position-paper-AAPL`).
        public var affectedStreams: [String]
        public var evidence: BrokerEvidence
        public var by: Actor
        public var at: Date
        public var note: String?

        public init(
            discrepancyID: DiscrepancyID, action: AdjustmentAction, affectedStreams: [String], evidence: BrokerEvidence, by: Actor, at: Date,
            note: String?
        ) {
            self.discrepancyID = discrepancyID
            self.action = action
            self.affectedStreams = affectedStreams
            self.evidence = evidence
            self.by = by
            self.at = at
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case action, evidence, by, at, note
            case discrepancyID = "discrepancy_id"
            case affectedStreams = "affected_streams"
        }
    }

    /// `reconciliation.completed`: passed only when every discrepancy was resolved (not escalated).
    public struct Completed: DomainEvent {
        public static let eventType = "reconciliation.completed"
        public static let schemaVersion = 1
        public var at: Date
        public var discrepancies: Int
        public var resolved: Int
        public var unresolved: [DiscrepancyID]
        public var passed: Bool

        public init(at: Date, discrepancies: Int, resolved: Int, unresolved: [DiscrepancyID], passed: Bool) {
            self.at = at
            self.discrepancies = discrepancies
            self.resolved = resolved
            self.unresolved = unresolved
            self.passed = passed
        }
    }
}
