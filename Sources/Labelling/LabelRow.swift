import Domain
import Foundation

/// One labelled candidate decision. `LabelCSV` renders it; the column list there is the contract.
public struct LabelRow: Sendable {
    public var candidate: CandidateEvaluation
    public var cycle: CycleID
    /// Global log position of the `scan.candidate_evaluated` event: the decision's key in the log.
    public var eventSeq: Int64
    /// dropped | finalist | signaled | risk_denied | risk_approved | ordered | traded
    public var decision = "dropped"
    public var side: PositionSide = .long
    public var denyReasons: String?
    public var entry: Decimal?
    public var stop: Decimal?
    public var target: Decimal?
    public var rPerShare: Decimal?
    public var quantity: Decimal?
    public var clientOrderID: String?
    public var trgt: Decimal?
    var outcome = Outcome()
    var trade: Labeller.Trade?
    public var realizedR: Decimal?
    public var maeR: Decimal?
    public var mfeR: Decimal?
    public var metaLabel: Int?
    public var metaLabelSource: String?

    init(candidate: CandidateEvaluation, cycle: CycleID, eventSeq: Int64) {
        self.candidate = candidate
        self.cycle = cycle
        self.eventSeq = eventSeq
    }

    public var symbol: Symbol { candidate.features.symbol }
    public var decisionTime: Date { candidate.features.asOf }
    /// Triple-barrier label: +1 upper barrier first, −1 lower first, 0 vertical; nil when unlabelled.
    public var label: Int? { outcome.label }
    public var barrierHit: String { outcome.barrierHit }
    public var t1: Date? { outcome.t1 }
    public var forwardReturns: [Decimal?] { outcome.forward }
}
