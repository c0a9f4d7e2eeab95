import Foundation

/// Reports over the performance, risk, cycles and positions read models.
public enum ReportsQuery {
    /// A day in one object (the latest risk day when `date` is nil): performance, the risk day, the
    /// number of cycles and of positions closed.
    public static func daily(account: String, date: String?) -> ViewQuery {
        ViewQuery("""
            SELECT d AS date,
                   (SELECT to_jsonb(p) FROM v_performance_daily p WHERE p.account = $1 AND p.trading_date = d) AS performance,
                   (SELECT to_jsonb(r) FROM v_risk_state r WHERE r.account = $1 AND r.trading_date = d) AS risk,
                   (SELECT count(*) FROM v_cycles c WHERE c.trading_date = d) AS cycles,
                   (SELECT count(*) FROM v_positions p WHERE p.status = 'closed' AND (p.closed_at AT TIME ZONE 'America/New_York')::date = d) AS positions_closed
            FROM (SELECT coalesce($2::date, \(RiskQuery.latestDay)) AS d) x
            """, [account, date])
    }

    /// Performance by period (day, week, month, all).
    public static func performance(account: String) -> ViewQuery {
        ViewQuery("SELECT * FROM v_performance WHERE account = $1 ORDER BY period, period_start DESC", [account])
    }

    public enum Period: String, Sendable { case week, month }

    /// The week or month holding `date` (the latest risk day when nil).
    public static func period(_ period: Period, account: String, date: String?) -> ViewQuery {
        ViewQuery("SELECT * FROM v_performance WHERE account = $1 AND period = '\(period.rawValue)' AND coalesce($2::date, \(RiskQuery.latestDay)) BETWEEN period_start AND period_end",
            [account, date])
    }
}
