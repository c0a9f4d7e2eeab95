import Foundation

/// The reads behind Doctor Claude's snapshot, over the views its read-only role sees. Doctor runs them
/// on one connection (`result(on:)`), so the snapshot is read in one session, and decodes the columns
/// in the order written here.
public enum WatchdogQuery {
    /// Whether a view exists yet (a projection never built has none).
    public static func viewExists(_ view: String) -> ViewQuery { ViewQuery("SELECT to_regclass($1) IS NOT NULL", ["public." + view]) }

    /// The day's latest cycle in the trade pipeline, all columns.
    public static func latestPipeline(on date: String) -> ViewQuery {
        ViewQuery(#"SELECT * FROM v_trade_pipeline_status WHERE "date" = $1::date ORDER BY started_at DESC, cycle_id DESC LIMIT 1"#, [date])
    }

    /// Open orders, and opening orders of the last day that filled, with whether a position links them:
    /// order_id, symbol, side, order_purpose, status, broker_order_id, quantity, filled_qty, requested_at,
    /// submitted_at, terminal, leg_role, position_id, cycle_id, linked.
    public static func orders(now: String) -> ViewQuery {
        ViewQuery("""
            SELECT o.order_id, o.symbol, o.side, o.order_purpose, o.status, o.broker_order_id, o.quantity, o.filled_qty, o.requested_at,
                   o.submitted_at, o.terminal_at IS NOT NULL, o.leg_role, o.position_id, o.cycle_id,
                   EXISTS (SELECT 1 FROM v_positions p WHERE p.order_ids ? o.order_id OR p.entry_order_id = o.order_id)
            FROM v_orders o
            WHERE o.terminal_at IS NULL
               OR (o.order_purpose IN ('entry', 'scale_in') AND o.filled_qty > 0 AND o.requested_at > $1::timestamptz - interval '24 hours')
            ORDER BY o.requested_at, o.order_id
            """, [now])
    }

    /// Open positions: position_id, symbol, side, quantity, last_mark_at, updated_at.
    public static func openPositions() -> ViewQuery {
        ViewQuery("SELECT position_id, symbol, side, quantity, last_mark_at, updated_at FROM v_positions_current ORDER BY symbol")
    }

    /// The day's cycles: cycle_id, cycle_state, started_at, last_activity.
    public static func cycles(on date: String) -> ViewQuery {
        ViewQuery(#"SELECT cycle_id, cycle_state, started_at, last_activity FROM v_trade_pipeline_status WHERE "date" = $1::date ORDER BY started_at"#, [date])
    }

    /// The day's risk state, the worst account first: halted, halt_reason, halted_by, daily_pnl,
    /// max_daily_loss, warning_fraction.
    public static func risk(on date: String) -> ViewQuery {
        ViewQuery("SELECT halted, halt_reason, halted_by, daily_pnl, max_daily_loss, warning_fraction FROM v_risk_state WHERE trading_date = $1::date ORDER BY halted DESC, daily_pnl LIMIT 1",
            [date])
    }

    /// Risk denials of the hour before `now`, by reason: reason, count.
    public static func denialReasons(now: String) -> ViewQuery {
        ViewQuery("""
            SELECT reason, count(*) FROM v_risk_denials d, jsonb_array_elements_text(d.reasons) AS reason
            WHERE d.decided_at > $1::timestamptz - interval '1 hour' AND d.decided_at <= $1::timestamptz
            GROUP BY reason
            """, [now])
    }
}

