import Foundation

/// Reads of the candidates read model (`v_candidates`): every symbol a cycle scanned, with its stage,
/// scores, indicators, pattern and risk decision.
public enum CandidatesQuery {
    /// A cycle's candidates (the newest cycle's when `cycleID` is nil).
    public static func ofCycle(_ cycleID: String?, limit: Int) -> ViewQuery {
        ViewQuery("SELECT * FROM v_candidates WHERE cycle_id = coalesce($1, \(CyclesQuery.latestCycleID)) LIMIT \(limit)", [cycleID])
    }

    /// The news catalysts of a cycle's candidates (the newest cycle's by default). With a symbol and no
    /// cycle: that symbol's catalysts across cycles.
    public static func catalysts(cycleID: String?, symbol: String?, limit: Int) -> ViewQuery {
        let cycle = cycleID != nil || symbol == nil ? "cycle_id = coalesce($1::text, \(CyclesQuery.latestCycleID))" : "($1::text IS NULL OR cycle_id = $1)"
        return ViewQuery("SELECT cycle_id, symbol, as_of, catalyst, catalyst_strength, catalyst_score, sentiment, news_ids, stage_reached, pattern FROM v_candidates "
                + "WHERE \(cycle) AND ($2::text IS NULL OR symbol = $2) AND catalyst IS NOT NULL "
                + "ORDER BY as_of DESC NULLS LAST, catalyst_score DESC NULLS LAST LIMIT \(limit)",
            [cycleID, symbol])
    }
}
