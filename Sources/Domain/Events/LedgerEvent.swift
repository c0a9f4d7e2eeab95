import Foundation

/// Every domain event, grouped by the aggregate (stream category) it belongs to. This is what the
/// codec decodes the log into; projections switch over it:
///
/// ```swift
/// switch try codec.decode(eventType: row.type, schemaVersion: row.version, payload: row.payload) {
/// case .order(.filled(let f)): …
/// case .position(.closed(let c)): …
/// default: break
/// }
/// ```
public enum LedgerEvent: Sendable, Equatable {
    case cycle(Cycle.Event)
    case risk(Risk.Event)
    case order(Order.Event)
    case position(Position.Event)
    case approval(Approval.Event)
    case reconciliation(Reconciliation.Event)
    case doctor(Doctor.Event)
    case alert(Alerting.Event)
    case observation(Observation.Event)
    case principal(Principal.Event)
    case maintenance(Maintenance.Event)

    /// The payload, whose type carries the wire name and schema version.
    public var payload: any DomainEvent {
        switch self {
        case .cycle(let e): e.payload
        case .risk(let e): e.payload
        case .order(let e): e.payload
        case .position(let e): e.payload
        case .approval(let e): e.payload
        case .reconciliation(let e): e.payload
        case .doctor(let e): e.payload
        case .alert(let e): e.payload
        case .observation(let e): e.payload
        case .principal(let e): e.payload
        case .maintenance(let e): e.payload
        }
    }

    public var eventType: String { type(of: payload).eventType }
    public var schemaVersion: Int { type(of: payload).schemaVersion }

    /// The stream category events of this case are appended to.
    public var category: StreamCategory {
        switch self {
        case .cycle: .cycle
        case .risk: .risk
        case .order: .order
        case .position: .position
        case .approval: .approval
        case .reconciliation: .reconciliation
        case .doctor: .doctor
        case .alert: .alerts
        case .observation: .observations
        case .principal: .principal
        case .maintenance: .maintenance
        }
    }
}

/// An aggregate's event type, convertible to and from `LedgerEvent`.
public protocol LedgerEventConvertible: Sendable {
    var ledgerEvent: LedgerEvent { get }
    /// Nil when the ledger event belongs to another aggregate.
    init?(_ event: LedgerEvent)
}

extension Cycle.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .cycle(self) }
    public init?(_ event: LedgerEvent) {
        guard case .cycle(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .started(let p): p
        case .stageCompleted(let p): p
        case .completed(let p): p
        case .stopped(let p): p
        case .failed(let p): p
        case .candidateEvaluated(let p): p
        case .universeFiltered(let p): p
        case .scanCompleted(let p): p
        case .signalGenerated(let p): p
        }
    }
}

extension Risk.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .risk(self) }
    public init?(_ event: LedgerEvent) {
        guard case .risk(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .dayOpened(let p): p
        case .parametersChanged(let p): p
        case .approved(let p): p
        case .denied(let p): p
        case .approvalReleased(let p): p
        case .fillRecorded(let p): p
        case .marksRecorded(let p): p
        case .dailyLossWarning(let p): p
        case .tradingHalted(let p): p
        case .tradingResumed(let p): p
        case .resumeRequested(let p): p
        case .parametersProposed(let p): p
        }
    }
}

extension Order.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .order(self) }
    public init?(_ event: LedgerEvent) {
        guard case .order(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .requested(let p): p
        case .submitted(let p): p
        case .submitOutcomeUnknown(let p): p
        case .outcomeResolved(let p): p
        case .accepted(let p): p
        case .pendingCancel(let p): p
        case .pendingReplace(let p): p
        case .statusChanged(let p): p
        case .cancelRequested(let p): p
        case .cancelRejected(let p): p
        case .replaceRequested(let p): p
        case .replaceRejected(let p): p
        case .replaced(let p): p
        case .partiallyFilled(let p): p
        case .filled(let p): p
        case .canceled(let p): p
        case .expired(let p): p
        case .rejected(let p): p
        }
    }
}

extension Position.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .position(self) }
    public init?(_ event: LedgerEvent) {
        guard case .position(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .opened(let p): p
        case .increased(let p): p
        case .reduced(let p): p
        case .closed(let p): p
        case .marked(let p): p
        case .exitRequested(let p): p
        case .protectionChanged(let p): p
        case .adjusted(let p): p
        }
    }
}

extension Approval.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .approval(self) }
    public init?(_ event: LedgerEvent) {
        guard case .approval(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .requested(let p): p
        case .granted(let p): p
        case .denied(let p): p
        case .expired(let p): p
        }
    }
}

extension Reconciliation.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .reconciliation(self) }
    public init?(_ event: LedgerEvent) {
        guard case .reconciliation(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .started(let p): p
        case .discrepancyDetected(let p): p
        case .adjustmentApplied(let p): p
        case .completed(let p): p
        }
    }
}

extension Doctor.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .doctor(self) }
    public init?(_ event: LedgerEvent) {
        guard case .doctor(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .watchdogRan(let p): p
        case .decisionRecorded(let p): p
        case .actionTaken(let p): p
        case .actionResult(let p): p
        case .rulesLoaded(let p): p
        }
    }
}

extension Alerting.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .alert(self) }
    public init?(_ event: LedgerEvent) {
        guard case .alert(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .sent(let p): p
        case .suppressed(let p): p
        case .failed(let p): p
        }
    }
}

extension Observation.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .observation(self) }
    public init?(_ event: LedgerEvent) {
        guard case .observation(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .candidatePrices(let p): p
        }
    }
}

extension Principal.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .principal(self) }
    public init?(_ event: LedgerEvent) {
        guard case .principal(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .added(let p): p
        case .changed(let p): p
        case .keyRotated(let p): p
        case .revoked(let p): p
        case .accessDenied(let p): p
        }
    }
}

extension Maintenance.Event: LedgerEventConvertible {
    public var ledgerEvent: LedgerEvent { .maintenance(self) }
    public init?(_ event: LedgerEvent) {
        guard case .maintenance(let e) = event else { return nil }
        self = e
    }
    public var payload: any DomainEvent {
        switch self {
        case .restored(let p): p
        }
    }
}
