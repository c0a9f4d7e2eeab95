import Crypto
import Domain
import EventStore
import Foundation

/// What happened on one trading day, folded from the day's events: the summary a session prints and the
/// statistics the golden-master test pins.
public struct DayReport: Sendable, Codable, Hashable {
    public struct ClosedPosition: Sendable, Codable, Hashable {
        public var symbol: String
        public var side: String
        public var entryPrice: String
        public var exitPrice: String?
        public var quantity: String
        public var realizedPnL: String
        public var exitReason: String
    }

    public var date: String
    public var cycles = 0
    public var cyclesCompleted = 0
    public var cyclesFailed = 0
    public var candidates = 0
    /// Candidates that passed each funnel stage, summed over the day's scans (`scan.completed`), keyed by
    /// the stage's name (universe, catalyst, technical, pattern, final).
    public var funnel: [String: Int] = [:]
    public var signals = 0
    public var approvals = 0
    public var denials = 0
    public var denialsByReason: [String: Int] = [:]
    public var ordersRequested = 0
    public var ordersByStatus: [String: Int] = [:]
    public var fills = 0
    public var positionsOpened = 0
    public var closedPositions: [ClosedPosition] = []
    public var realizedPnL = "0"
    public var unrealizedPnL = "0"
    public var wins = 0
    public var losses = 0
    public var halted = false
    public var reconciliationDiscrepancies = 0
    public var events = 0
    /// SHA-256 over every event of the day in log order: stream, version, type, schema, payload and
    /// metadata — never database clocks or positions — so the same seed reproduces the same value.
    public var eventStreamHash = ""
    public var auditHead: String?

    /// Folds a day's events (in log order).
    public static func build(date: NYDate, events: [RecordedEvent], codec: EventCodec) throws -> DayReport {
        var r = DayReport(date: date.description)
        var entries: [PositionID: Position.Opened] = [:]
        var lastStatus: [OrderID: String] = [:]
        var realized = Money.zero
        var unrealized: [PositionID: Money] = [:]
        var partial: [PositionID: Money] = [:]
        var hash = SHA256()
        for e in events {
            r.events += 1
            for part in [Data(e.streamID.utf8), Data(String(e.streamVersion).utf8), Data(e.eventType.utf8), Data(String(e.schemaVersion).utf8), e.payload, e.metadata] {
                hash.update(data: Data(String(part.count).utf8))
                hash.update(data: part)
            }
            switch try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload) {
            case .cycle(.started): r.cycles += 1
            case .cycle(.completed): r.cyclesCompleted += 1
            case .cycle(.failed): r.cyclesFailed += 1
            case .cycle(.candidateEvaluated): r.candidates += 1
            case .cycle(.scanCompleted(let s)):
                for c in s.stageCounts { r.funnel[c.stage.rawValue, default: 0] += c.passed }
            case .cycle(.signalGenerated): r.signals += 1
            case .risk(.approved): r.approvals += 1
            case .risk(.denied(let d)):
                r.denials += 1
                for v in d.violations { r.denialsByReason[v.code.rawValue, default: 0] += 1 }
            case .risk(.tradingHalted): r.halted = true
            case .risk(.tradingResumed): r.halted = false
            case .order(.requested(let o)):
                r.ordersRequested += 1
                lastStatus[o.orderID] = "requested"
            case .order(let o):
                if let (id, status) = Self.status(of: o) { lastStatus[id] = status }
                if case .filled = o { r.fills += 1 }
                if case .partiallyFilled = o { r.fills += 1 }
            case .position(.opened(let p)):
                r.positionsOpened += 1
                entries[p.positionID] = p
            case .position(.marked(let m)):
                unrealized[m.positionID] = m.unrealizedPnL
            case .position(.closed(let c)):
                unrealized[c.positionID] = nil
                realized += c.realizedPnL
                // A position's result is all its reducing fills, not only the closing one.
                let total = c.totalRealizedPnL ?? (c.realizedPnL + (partial.removeValue(forKey: c.positionID) ?? .zero))
                partial[c.positionID] = nil
                if total.amount > 0 { r.wins += 1 } else if total.amount < 0 { r.losses += 1 }
                let entry = entries[c.positionID]
                r.closedPositions.append(
                    ClosedPosition(
                        symbol: entry?.symbol.rawValue ?? "?", side: c.side.rawValue, entryPrice: entry.map { "\($0.price)" } ?? "?",
                        exitPrice: c.price.map { "\($0)" }, quantity: "\(c.quantity)", realizedPnL: "\(total.roundedToCents)",
                        exitReason: c.exitReason.rawValue))
            case .position(.reduced(let p)):
                realized += p.realizedPnL
                partial[p.positionID, default: .zero] += p.realizedPnL
            case .reconciliation(.discrepancyDetected): r.reconciliationDiscrepancies += 1
            default: break
            }
        }
        for (_, s) in lastStatus { r.ordersByStatus[s, default: 0] += 1 }
        r.realizedPnL = "\(realized.roundedToCents)"
        r.unrealizedPnL = "\(unrealized.values.reduce(Money.zero, +).roundedToCents)"
        r.eventStreamHash = hash.finalize().map { String(format: "%02x", $0) }.joined()
        return r
    }

    static func status(of e: Order.Event) -> (OrderID, String)? {
        switch e {
        case .submitted(let s): (s.orderID, s.status.rawValue)
        case .accepted(let a): (a.update.orderID, "accepted")
        case .filled(let f): (f.execution.orderID, "filled")
        case .partiallyFilled(let p): (p.execution.orderID, "partially_filled")
        case .canceled(let c): (c.update.orderID, "canceled")
        case .expired(let x): (x.update.orderID, "expired")
        case .rejected(let x): (x.update.orderID, "rejected")
        case .replaced(let x): (x.orderID, "replaced")
        case .submitOutcomeUnknown(let u): (u.orderID, "submit_unknown")
        default: nil
        }
    }

    /// The events whose business time falls within the New York date, in log order: what a day's report
    /// and a day's statement read.
    public static func events(of date: NYDate, in store: any EventStore) async throws -> [RecordedEvent] {
        try await store.events(occurredFrom: date.at(hour: 0, minute: 0), before: date.adding(days: 1).at(hour: 0, minute: 0))
    }

    /// The day's events from the log (business time within the New York date), in log order.
    public static func load(date: NYDate, store: any EventStore, codec: EventCodec) async throws -> DayReport {
        let events = try await Self.events(of: date, in: store)
        return try build(date: date, events: events, codec: codec)
    }
}
