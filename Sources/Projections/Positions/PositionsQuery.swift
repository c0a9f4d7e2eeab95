import Foundation

/// Reads of the positions read model (`v_positions`, `v_positions_current`).
public enum PositionsQuery {
    /// Open positions with their marks and P&L.
    public static func active(limit: Int? = nil) -> ViewQuery {
        ViewQuery("SELECT * FROM v_positions_current" + (limit.map { " LIMIT \($0)" } ?? ""))
    }

    /// Closed positions, latest first.
    public static func closed(limit: Int) -> ViewQuery {
        ViewQuery("SELECT * FROM v_positions WHERE status = 'closed' ORDER BY closed_at DESC NULLS LAST LIMIT \(limit)")
    }

    /// How many positions are open.
    public static func openCount() -> ViewQuery { ViewQuery("SELECT count(*) FROM v_positions_current") }

    /// Counts and P&L of open and closed positions.
    public static func summary() -> ViewQuery {
        ViewQuery("SELECT count(*) FILTER (WHERE status = 'open') AS open, count(*) FILTER (WHERE status = 'closed') AS closed, "
                + "coalesce(sum(unrealized_pnl) FILTER (WHERE status = 'open'), 0) AS unrealized_pnl, coalesce(sum(realized_pnl), 0) AS realized_pnl, "
                + "count(*) FILTER (WHERE status = 'closed' AND realized_pnl > 0) AS wins, count(*) FILTER (WHERE status = 'closed' AND realized_pnl < 0) AS losses "
                + "FROM v_positions")
    }

    /// A filter of `history(_:reference:)`.
    public struct HistoryFilter: Sendable {
        public enum Status: String, Sendable { case closed, open, all }
        public enum Outcome: Sendable { case negative, positive }
        public var limit = 50
        public var status = Status.closed
        public var pattern: String?
        /// Only positions opened within this many days of the reference.
        public var days: Int?
        public var symbol: String?
        /// Only losing (realized plus unrealized P&L below 0) or winning positions.
        public var outcome: Outcome?

        public init() {}
    }

    /// Each position with what it was entered on (its candidate row: pattern, catalyst, scores,
    /// indicators, the signal's levels) and the R it achieved (realized P&L over the initial risk).
    public static func history(_ f: HistoryFilter, reference: ReadReference = .wall) -> ViewQuery {
        let sign = f.outcome.map { $0 == .negative ? "< 0" : "> 0" }
        let sql = """
            SELECT p.*, c.pattern, c.pattern_confidence, c.catalyst, c.catalyst_strength, c.catalyst_score, c.sentiment, c.composite_score,
                   c.relative_volume, c.gap_percent, c.rsi_14, c.macd_hist, c.atr_14, c.signal_entry, c.signal_stop, c.signal_target,
                   CASE WHEN p.initial_risk > 0 THEN round(p.realized_pnl / p.initial_risk, 3) END AS r_multiple
            FROM v_positions p LEFT JOIN v_candidates c ON c.cycle_id = p.cycle_id AND c.symbol = p.symbol
            WHERE ($1::text = 'all' OR p.status = $1)
              AND ($2::text IS NULL OR c.pattern = $2)
              AND ($3::int IS NULL OR p.opened_at >= \(reference.sql) - make_interval(days => $3::int))
              AND ($4::text IS NULL OR p.symbol = $4)
              \(sign.map { "AND p.realized_pnl + coalesce(p.unrealized_pnl, 0) \($0)" } ?? "")
            ORDER BY coalesce(p.closed_at, p.opened_at) DESC LIMIT \(f.limit)
            """
        return ViewQuery(sql, [f.status.rawValue, f.pattern, f.days.map(String.init), f.symbol])
    }
}
