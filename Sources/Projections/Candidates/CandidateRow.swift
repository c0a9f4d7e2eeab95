import Domain
import Foundation

/// One row of `candidates`: a symbol a cycle's scan looked at, with how far it got in the funnel, its
/// features and score components, its final rank, and (for finalists) the signal and risk decision.
enum CandidateRow {
    static let table = "candidates"

    /// Written once when the scan records the candidate.
    static let scanColumns = [
        "cycle_id", "symbol", "candidate_index", "passed_universe", "stage_reached", "rejected_stage", "rejection_reason", "rejection_detail",
        "final_rank", "is_finalist", "sector", "as_of", "price", "volume", "relative_volume", "gap_percent", "change_percent", "catalyst",
        "catalyst_strength", "sentiment", "pattern", "pattern_confidence", "news_ids", "catalyst_score", "technical_score", "pattern_score",
        "momentum_score", "volume_score", "composite_score", "sma_20", "ema_20", "rsi_14", "macd", "macd_signal", "macd_hist", "atr_14",
        "bb_upper", "bb_middle", "bb_lower", "obv", "vwap", "scoring_version", "global_position",
    ]

    /// Written when a finalist gets its signal.
    static let signalColumns = [
        "cycle_id", "symbol", "signal_id", "signal_rank", "signal_side", "signal_entry", "signal_stop", "signal_target", "signal_confidence",
        "signal_at",
    ]

    /// Written when risk decides on the finalist's signal.
    static let decisionColumns = ["cycle_id", "symbol", "risk_decision", "approval_id", "risk_reasons", "approved_qty", "decided_at"]

    static func scanned(_ e: Cycle.CandidateEvaluated, position: Int64) -> [String?] {
        let c = e.evaluation
        let f = c.features
        let s = f.scores
        let i = f.indicators
        let d = SQLText.decimal
        return [
            e.cycleID.rawValue, f.symbol.rawValue, SQLText.int(e.index), "t", c.stageReached.rawValue, c.rejection?.stage.rawValue,
            c.rejection?.reason, c.rejection?.detail, SQLText.int(c.finalRank), SQLText.bool(c.finalRank != nil), f.sector.rawValue,
            SQLText.time(f.asOf), f.price.description, String(f.volume), d(f.relativeVolume), d(f.gapPercent), d(f.changePercent),
            f.catalyst?.rawValue, d(f.catalystStrength), d(f.sentiment), f.pattern?.rawValue, d(f.patternConfidence),
            SQLText.jsonArray(f.newsIDs.map(\.rawValue)), d(s?.catalyst), d(s?.technical), d(s?.pattern), d(s?.momentum), d(s?.volume),
            d(s?.composite), d(i.sma20), d(i.ema20), d(i.rsi14), d(i.macd), d(i.macdSignal), d(i.macdHistogram), d(i.atr14),
            d(i.bollingerUpper), d(i.bollingerMiddle), d(i.bollingerLower), d(i.obv), d(i.vwap), f.scoringVersion, String(position),
        ]
    }

    /// A stage-1 rejection: no features beyond the reason.
    static func rejected(_ cycle: CycleID, _ r: UniverseRejection, at: Date, position: Int64) -> [String?] {
        var row = [String?](repeating: nil, count: scanColumns.count)
        row[0] = cycle.rawValue
        row[1] = r.symbol.rawValue
        row[3] = "f"
        row[5] = FunnelStage.universe.rawValue
        row[6] = r.reason
        row[7] = r.detail
        row[9] = "f"
        row[11] = SQLText.time(at)
        row[scanColumns.count - 1] = String(position)
        return row
    }

    static func signal(_ e: Cycle.SignalGenerated) -> [String?] {
        let p = e.proposal
        return [
            e.cycleID.rawValue, p.symbol.rawValue, e.signalID.rawValue, SQLText.int(e.rank), p.side.rawValue, p.entry.description,
            p.stop.description, p.target.description, SQLText.decimal(p.confidence), SQLText.time(e.generatedAt),
        ]
    }

    static func approved(_ e: Risk.Approved, cycle: CycleID) -> [String?] {
        [cycle.rawValue, e.intent.symbol.rawValue, "approved", e.approvalID.rawValue, "[]", e.intent.quantity.description, SQLText.time(e.decidedAt)]
    }

    static func denied(_ e: Risk.Denied, cycle: CycleID) -> [String?] {
        [
            cycle.rawValue, e.symbol.rawValue, "denied", e.approvalID.rawValue, SQLText.jsonArray(e.reasonCodes.map(\.rawValue)), nil,
            SQLText.time(e.decidedAt),
        ]
    }
}
