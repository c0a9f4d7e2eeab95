import Domain
import Foundation

/// Everything one scan decided, in the shared Domain types so it can be recorded verbatim.
///
/// Accounting invariant (tested): every symbol of the universe appears exactly once, either in
/// `universeRejections` or in `candidates`; every candidate has either a `finalRank` or a `rejection`;
/// `proposals` are the ranked candidates, in rank order.
public struct ScanResult: Sendable, Hashable {
    public var asOf: Date
    public var session: TradingSession
    public var scoringVersion: String
    public var universeSize: Int
    /// Symbols that never became stage-1 candidates, with their stage-1 reason.
    public var universeRejections: [UniverseRejection]
    /// Every stage-1 candidate, in stage-1 rank order.
    public var candidates: [CandidateEvaluation]
    /// The final picks, best first.
    public var proposals: [TradeProposal]

    /// How many candidates passed each stage.
    public func passedCount(_ stage: FunnelStage) -> Int {
        candidates.filter { $0.stageReached >= stage }.count
    }

    /// Rejection counts by stage and reason, over candidates and universe rejections: the scan summary.
    public var rejectionCounts: [FunnelStage: [String: Int]] {
        var out: [FunnelStage: [String: Int]] = [:]
        for r in universeRejections { out[.universe, default: [:]][r.reason, default: 0] += 1 }
        for r in candidates.compactMap(\.rejection) { out[r.stage, default: [:]][r.reason, default: 0] += 1 }
        return out
    }
}
