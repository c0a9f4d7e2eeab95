import Foundation

/// Reads of the risk read model (`v_risk_state`, exposure and denials).
public enum RiskQuery {
    /// The latest risk day of an account, as SQL for other queries.
    static let latestDay = "(SELECT max(trading_date) FROM v_risk_state WHERE account = $1)"

    /// The account's risk day: the latest one.
    public static func state(account: String) -> ViewQuery {
        ViewQuery("SELECT * FROM v_risk_state WHERE account = $1 ORDER BY trading_date DESC LIMIT 1", [account])
    }

    /// The limits of the latest risk day.
    public static func limits(account: String) -> ViewQuery {
        ViewQuery("SELECT account, trading_date, max_daily_loss, warning_fraction, max_positions, max_daily_trades, parameters_hash FROM v_risk_state "
                + "WHERE account = $1 ORDER BY trading_date DESC LIMIT 1",
            [account])
    }

    /// The latest risk day's exposure by symbol and by sector, each row with its cap.
    public static func exposure(account: String) -> ViewQuery {
        ViewQuery("""
            SELECT (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_symbol s WHERE s.account = $1 AND s.trading_date = \(latestDay)) AS by_symbol,
                   (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_sector s WHERE s.account = $1 AND s.trading_date = \(latestDay)) AS by_sector
            """, [account])
    }

    /// Risk denials of a day (the latest risk day when `date` is nil) with their reasons.
    public static func denials(account: String, date: String?) -> ViewQuery {
        ViewQuery("SELECT * FROM v_risk_denials WHERE account = $1 AND trading_date = coalesce($2::date, \(latestDay))", [account, date])
    }

    /// The latest risk day's P&L and halt, as `/health` shows them.
    public static func dayLine(account: String) -> ViewQuery {
        ViewQuery("SELECT daily_pnl::text AS daily_pnl, halted::text AS halted FROM v_risk_state WHERE account = $1 ORDER BY trading_date DESC LIMIT 1", [account])
    }
}
