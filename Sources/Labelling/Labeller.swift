import Domain
import Foundation

/// The ML labeller: a streaming fold over the decoded log (in reader order) that remembers every scanned
/// candidate with the features recorded in its `scan.candidate_evaluated`, links the decisions that
/// followed (signal, risk decision, order, position) and collects the prices recorded afterwards; `rows()`
/// then labels each candidate. Pure: no I/O, no clock, no randomness, so the same events give the same rows.
///
/// Point in time: features are copied from the decision event and never recomputed; outcomes read only
/// prices observed after the decision time and appended after the decision event.
public struct Labeller: Sendable {
    public static let version = "labeller/1"

    /// The event types the labeller reads; everything else can be skipped without decoding.
    public static let eventTypes: Set<String> = [
        Cycle.CandidateEvaluated.eventType, Cycle.SignalGenerated.eventType,
        Risk.Approved.eventType, Risk.Denied.eventType, Risk.MarksRecorded.eventType,
        Order.Requested.eventType,
        Position.Opened.eventType, Position.Increased.eventType, Position.Reduced.eventType, Position.Closed.eventType,
        Position.Marked.eventType,
        Observation.CandidatePrices.eventType,
    ]

    public let barriers: BarrierSpec
    public let from: NYDate?
    public let to: NYDate?

    struct CandidateKey: Hashable, Sendable {
        var cycle: CycleID
        var symbol: Symbol
    }

    struct Candidate: Sendable {
        var position: Int64
        var cycle: CycleID
        var evaluation: CandidateEvaluation
        var signal: Cycle.SignalGenerated?
        /// The approved quantity (an approval), or the reasons of a denial.
        var approvedQuantity: Quantity?
        var denialReasons: [RiskReasonCode]?
        var clientOrderID: ClientOrderID?
        var positionID: PositionID?
    }

    struct Trade: Sendable {
        var symbol: Symbol
        var side: PositionSide
        var entry: Decimal
        var stop: Decimal?
        var quantity: Decimal
        var fees: Decimal = 0
        var openedAt: Date
        var closedAt: Date?
        var exit: Decimal?
        var realized: Decimal?
        var exitReason: ExitReason?
        var highest: Decimal
        var lowest: Decimal
    }

    private var candidates: [Candidate] = []
    private var byKey: [CandidateKey: Int] = [:]
    private var bySignal: [SignalID: Int] = [:]
    private var byApproval: [ApprovalID: Int] = [:]
    private var trades: [PositionID: Trade] = [:]
    private var paths: [Symbol: PricePath] = [:]
    public private(set) var eventsConsumed = 0

    public init(barriers: BarrierSpec = .standard, from: NYDate? = nil, to: NYDate? = nil) {
        self.barriers = barriers
        self.from = from
        self.to = to
    }

    /// Folds one event at global log `position`.
    public mutating func consume(_ event: LedgerEvent, position: Int64) {
        eventsConsumed += 1
        switch event {
        case .cycle(.candidateEvaluated(let c)):
            if from != nil || to != nil {  // a calendar lookup per candidate only when a range asks for it
                let day = NYDate(c.evaluation.features.asOf)
                if let from, day < from { return }
                if let to, day > to { return }
            }
            let key = CandidateKey(cycle: c.cycleID, symbol: c.evaluation.features.symbol)
            guard byKey[key] == nil else { return }
            byKey[key] = candidates.count
            candidates.append(Candidate(position: position, cycle: c.cycleID, evaluation: c.evaluation))
        case .cycle(.signalGenerated(let s)):
            guard let i = byKey[CandidateKey(cycle: s.cycleID, symbol: s.proposal.symbol)] else { return }
            candidates[i].signal = s
            bySignal[s.signalID] = i
        case .risk(.approved), .risk(.denied), .order(.requested):
            if let glimpse = DecisionGlimpse(event) { consume(glimpse) }
        case .risk(.marksRecorded(let m)):
            for mark in m.marks { paths[mark.symbol, default: PricePath()].append(PricePoint(at: m.markedAt, position: position, last: mark.price.value)) }
        case .observation(.candidatePrices(let o)):
            for p in o.prices {
                paths[p.symbol, default: PricePath()].append(
                    PricePoint(at: o.observedAt, position: position, last: p.last.value, dayHigh: p.high?.value, dayLow: p.low?.value))
            }
        case .position(.opened(let o)):
            if let i = o.approvalID.flatMap({ byApproval[$0] }), candidates[i].positionID == nil { candidates[i].positionID = o.positionID }
            trades[o.positionID] = Trade(
                symbol: o.symbol, side: o.side, entry: o.price.value, stop: o.stop?.value, quantity: o.quantity.shares, fees: o.fee.amount,
                openedAt: o.openedAt, highest: o.price.value, lowest: o.price.value)
        case .position(.increased(let e)):
            guard var t = trades[e.positionID] else { return }
            t.entry = e.averageEntryPrice.value
            t.quantity = e.quantityAfter.shares
            t.fees += e.fee.amount
            trades[e.positionID] = t
        case .position(.reduced(let e)):
            trades[e.positionID]?.fees += e.fee.amount
        case .position(.marked(let m)):
            guard var t = trades[m.positionID] else { return }
            t.highest = max(t.highest, m.highestPrice.value, m.price.value)
            t.lowest = min(t.lowest, m.lowestPrice.value, m.price.value)
            trades[m.positionID] = t
        case .position(.closed(let c)):
            guard var t = trades[c.positionID] else { return }
            t.fees += c.fee.amount
            t.closedAt = c.closedAt
            t.exit = c.price?.value
            t.realized = c.totalRealizedPnL?.amount
            t.exitReason = c.exitReason
            if let x = c.price?.value {
                t.highest = max(t.highest, x)
                t.lowest = min(t.lowest, x)
            }
            trades[c.positionID] = t
        default:
            break
        }
    }

    /// Folds what it uses of a risk decision or an order request, read without decoding the whole event
    /// (`DecisionGlimpse.read`); the same as consuming the decoded event.
    public mutating func consume(_ glimpse: DecisionGlimpse, position: Int64) {
        eventsConsumed += 1
        consume(glimpse)
    }

    private mutating func consume(_ glimpse: DecisionGlimpse) {
        switch glimpse {
        case .approved(let approval, let signal, let quantity):
            guard let i = signal.flatMap({ bySignal[$0] }) else { return }
            candidates[i].approvedQuantity = quantity
            byApproval[approval] = i
        case .denied(let signal, let reasons):
            guard let i = signal.flatMap({ bySignal[$0] }) else { return }
            candidates[i].denialReasons = reasons
        case .orderRequested(let approval, let parent, let client):
            guard parent == nil, let i = approval.flatMap({ byApproval[$0] }), candidates[i].clientOrderID == nil else { return }
            candidates[i].clientOrderID = client
        }
    }

    /// One row per candidate, in the log order of their decision events. Rows are independent of each
    /// other, so they are computed on every core in contiguous chunks and joined in order.
    public func rows() -> [LabelRow] {
        var finishing = self.paths
        for k in finishing.keys { finishing[k]!.finish() }
        let paths = finishing, candidates = self.candidates
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, candidates.count / 1_000))
        guard workers > 1 else {
            var days = DayWindow()
            return candidates.map { c in row(c, paths: paths, days: &days) }
        }
        let chunk = (candidates.count + workers - 1) / workers
        let parts = RowParts(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = min(candidates.count, w * chunk)..<min(candidates.count, (w + 1) * chunk)
            var days = DayWindow()
            parts.set(w, candidates[range].map { c in row(c, paths: paths, days: &days) })
        }
        return parts.joined()
    }

    private func row(_ c: Candidate, paths: [Symbol: PricePath], days: inout DayWindow) -> LabelRow {
        let f = c.evaluation.features
        var r = LabelRow(candidate: c.evaluation, cycle: c.cycle, eventSeq: c.position)
        let side = c.signal?.proposal.side ?? .long
        r.side = side
        if let s = c.signal {
            r.entry = s.proposal.entry.value
            r.stop = s.proposal.stop.value
            r.target = s.proposal.target.value
            let rps = abs(s.proposal.entry.value - s.proposal.stop.value)
            r.rPerShare = rps
        }
        r.decision = c.evaluation.rejection != nil ? "dropped" : c.signal == nil ? "finalist" : "signaled"
        if let reasons = c.denialReasons {
            r.decision = "risk_denied"
            r.denyReasons = reasons.map(\.rawValue).joined(separator: ";")
        }
        if let quantity = c.approvedQuantity {
            r.decision = "risk_approved"
            r.quantity = quantity.shares
        }
        if let id = c.clientOrderID {
            r.decision = "ordered"
            r.clientOrderID = id.rawValue
        }
        let trgt = f.indicators.atr14
        r.trgt = trgt
        let o = OutcomeCalculator.outcome(
            path: paths[f.symbol], t0: f.asOf, decisionPosition: c.position, price: f.price.value, side: side, trgt: trgt, spec: barriers,
            days: &days)
        r.outcome = o
        if let t1Return = o.returnAtT1 {
            let signed = side == .long ? t1Return : -t1Return
            r.metaLabel = signed > 0 ? 1 : 0
            r.metaLabelSource = "barrier"
        }
        if let pid = c.positionID, let t = trades[pid] {
            r.decision = "traded"
            r.trade = t
            let stop = t.stop ?? r.stop
            if let stop, abs(t.entry - stop) > 0 {
                let rps = abs(t.entry - stop)
                let favourable = side == .long ? t.highest - t.entry : t.entry - t.lowest
                let adverse = side == .long ? t.lowest - t.entry : t.entry - t.highest
                r.mfeR = DecimalText.round(favourable / rps, scale: 4)
                r.maeR = DecimalText.round(adverse / rps, scale: 4)
                if let pnl = t.realized { r.realizedR = DecimalText.round(pnl / (rps * t.quantity), scale: 4) }
            }
            if let pnl = t.realized {
                r.metaLabel = pnl > 0 ? 1 : 0
                r.metaLabelSource = "trade"
            }
        }
        return r
    }
}

/// Each worker's rows, by worker index.
private final class RowParts: @unchecked Sendable {
    private var parts: [[LabelRow]]
    private let lock = NSLock()

    init(_ count: Int) { parts = Array(repeating: [], count: count) }

    func set(_ index: Int, _ rows: [LabelRow]) { lock.withLock { parts[index] = rows } }
    func joined() -> [LabelRow] { lock.withLock { parts.flatMap { $0 } } }
}
