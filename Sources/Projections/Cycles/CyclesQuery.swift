import Foundation

/// Reads of the cycles read model (`v_cycles`, with the candidates' funnel).
public enum CyclesQuery {
    /// The newest cycle's id, as SQL for other queries ("the latest cycle").
    static let latestCycleID = "(SELECT cycle_id FROM v_cycles ORDER BY started_at DESC LIMIT 1)"

    /// Cycles, newest first; with `withinHours`, only those started within that many hours of `reference`.
    public static func history(limit: Int, withinHours: Int? = nil, reference: ReadReference = .wall) -> ViewQuery {
        ViewQuery("SELECT * FROM v_cycles WHERE ($1::int IS NULL OR started_at >= \(reference.sql) - make_interval(hours => $1::int)) ORDER BY started_at DESC LIMIT \(limit)",
            [withinHours.map(String.init)])
    }

    /// The running cycle, else the newest, with its funnel.
    public static func current() -> ViewQuery {
        // The cycle first, then its funnel: joining the view before the LIMIT aggregated every cycle's
        // candidates on each request (the soak saw it grow with the history until the API stalled).
        ViewQuery("SELECT c.*, (SELECT to_jsonb(f) - 'cycle_id' FROM v_candidate_funnel f WHERE f.cycle_id = c.cycle_id) AS funnel "
                + "FROM (SELECT * FROM v_cycles ORDER BY (status = 'running') DESC, started_at DESC LIMIT 1) c")
    }

    /// One cycle with its funnel.
    public static func cycle(_ id: String) -> ViewQuery {
        ViewQuery("SELECT c.*, to_jsonb(f) - 'cycle_id' AS funnel FROM v_cycles c LEFT JOIN v_candidate_funnel f USING (cycle_id) WHERE c.cycle_id = $1", [id])
    }

    /// The newest cycle's funnel and its finalists.
    public static func latestScan() -> ViewQuery {
        ViewQuery("SELECT c.cycle_id, c.started_at, c.status, (SELECT to_jsonb(f) - 'cycle_id' FROM v_candidate_funnel f WHERE f.cycle_id = c.cycle_id) AS funnel, "
                + "(SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM (SELECT symbol, final_rank, composite_score, pattern, catalyst, risk_decision "
                + "FROM v_candidates WHERE cycle_id = c.cycle_id AND is_finalist ORDER BY final_rank) x) AS finalists "
                + "FROM (SELECT * FROM v_cycles ORDER BY started_at DESC LIMIT 1) c")
    }

    /// The id of the newest running cycle.
    public static func runningCycleID() -> ViewQuery {
        ViewQuery("SELECT cycle_id FROM v_cycles WHERE status = 'running' ORDER BY started_at DESC LIMIT 1")
    }

    /// When the newest cycle started, in seconds since 1970.
    public static func latestStartEpoch() -> ViewQuery {
        ViewQuery("SELECT extract(epoch FROM max(started_at))::float8 FROM v_cycles")
    }
}
