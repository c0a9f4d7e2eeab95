-- Doctor Claude's pipeline view: one row per cycle, newest first. Column names are those of the
-- original spec (cycle_id, date, cycle_state, phase, mode, started_at, daily_pnl, trades_executed,
-- trades_won, trades_lost, last_activity, candidates_found, positions_*, orders_*, realized_pnl,
-- unrealized_pnl, minutes_since_activity, pipeline_stage), then the phase-2 aliases (cycle_date,
-- cycle_status, cycle_start, cycle_end, last_order_at) and extras.
--
-- orders_pending: entries and exits not yet terminal. Bracket legs resting at the broker protect an
-- open position and are counted in orders_working_legs instead; counting them as pending would keep a
-- monitored cycle in ORDERS_PENDING forever.
CREATE VIEW public.v_trade_pipeline_status AS
    SELECT
        c.cycle_id,
        c.trading_date AS "date",
        c.status AS cycle_state,
        c.phase,
        c.mode,
        c.started_at,
        coalesce(p.realized, 0) + coalesce(p.unrealized, 0) AS daily_pnl,
        coalesce(p.closed, 0) AS trades_executed,
        coalesce(p.won, 0) AS trades_won,
        coalesce(p.lost, 0) AS trades_lost,
        c.last_activity,
        c.candidates AS candidates_found,
        coalesce(p.total, 0) AS positions_total,
        coalesce(p.open, 0) AS positions_open,
        coalesce(p.closed, 0) AS positions_closed,
        coalesce(o.total, 0) AS orders_total,
        coalesce(o.pending, 0) AS orders_pending,
        coalesce(o.filled, 0) AS orders_filled,
        coalesce(o.cancelled, 0) AS orders_cancelled,
        coalesce(o.rejected, 0) AS orders_rejected,
        coalesce(p.realized, 0) AS realized_pnl,
        coalesce(p.unrealized, 0) AS unrealized_pnl,
        round((extract(epoch FROM (now() - c.last_activity)) / 60)::numeric, 1) AS minutes_since_activity,
        CASE
            WHEN c.status <> 'running' THEN 'COMPLETE'
            WHEN coalesce(p.open, 0) > 0 AND coalesce(o.pending, 0) = 0 THEN 'MONITORING'
            WHEN coalesce(o.pending, 0) > 0 THEN 'ORDERS_PENDING'
            WHEN c.candidates > 0 AND coalesce(p.total, 0) = 0 THEN 'AWAITING_ENTRY'
            WHEN c.candidates = 0 THEN 'SCANNING'
            ELSE 'ACTIVE'
        END AS pipeline_stage,
        c.trading_date AS cycle_date,
        c.status AS cycle_status,
        c.started_at AS cycle_start,
        c.ended_at AS cycle_end,
        c.last_order_at,
        c.session_mode,
        c.finalists AS finalists_found,
        c.signals AS signals_generated,
        coalesce(o.expired, 0) AS orders_expired,
        coalesce(o.replaced, 0) AS orders_replaced,
        coalesce(o.working_legs, 0) AS orders_working_legs,
        coalesce(p.pnl_complete, true) AS pnl_complete
    FROM pl_cycles c
    LEFT JOIN LATERAL (
        SELECT count(*) AS total,
               count(*) FILTER (WHERE NOT is_leg AND status NOT IN ('filled', 'canceled', 'expired', 'rejected', 'replaced')) AS pending,
               count(*) FILTER (WHERE status = 'filled') AS filled,
               count(*) FILTER (WHERE status = 'canceled') AS cancelled,
               count(*) FILTER (WHERE status = 'rejected') AS rejected,
               count(*) FILTER (WHERE status = 'expired') AS expired,
               count(*) FILTER (WHERE status = 'replaced') AS replaced,
               count(*) FILTER (WHERE is_leg AND status NOT IN ('filled', 'canceled', 'expired', 'rejected', 'replaced')) AS working_legs
        FROM pl_orders WHERE cycle_id = c.cycle_id
    ) o ON true
    LEFT JOIN LATERAL (
        SELECT count(*) AS total,
               count(*) FILTER (WHERE status = 'open') AS open,
               count(*) FILTER (WHERE status = 'closed') AS closed,
               count(*) FILTER (WHERE status = 'closed' AND realized_pnl > 0) AS won,
               count(*) FILTER (WHERE status = 'closed' AND realized_pnl < 0) AS lost,
               sum(realized_pnl) AS realized,
               sum(unrealized_pnl) FILTER (WHERE status = 'open') AS unrealized,
               bool_and(pnl_complete) AS pnl_complete
        FROM pl_positions WHERE cycle_id = c.cycle_id
    ) p ON true
    ORDER BY c.trading_date DESC, c.started_at DESC;

COMMENT ON VIEW public.v_trade_pipeline_status IS 'One row per trading cycle for Doctor Claude: state, counts, P&L, minutes since activity and pipeline_stage.';
GRANT SELECT ON public.v_trade_pipeline_status TO catalyst_auditor, catalyst_app, catalyst_doctor;
