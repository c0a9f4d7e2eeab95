CREATE VIEW public.v_positions AS
    SELECT * FROM positions;

-- Open positions with time in position and the age of their data (STALE_POSITION_DATA: > 10 minutes).
CREATE VIEW public.v_positions_current AS
    SELECT position_id, account, symbol, side, quantity, avg_entry_price, cost_basis, last_price, unrealized_pnl, realized_pnl,
           stop_price, target_price, sector, cycle_id, entry_order_id, order_ids, opened_at, last_mark_at, updated_at,
           round((extract(epoch FROM (now() - opened_at)) / 60)::numeric, 1) AS minutes_in_position,
           round((extract(epoch FROM (now() - updated_at)) / 60)::numeric, 1) AS minutes_since_update
    FROM positions
    WHERE status = 'open'
    ORDER BY opened_at DESC;

CREATE VIEW public.v_position_fills AS
    SELECT * FROM position_fills;

GRANT SELECT ON public.v_positions, public.v_positions_current, public.v_position_fills TO catalyst_auditor, catalyst_app, catalyst_doctor;
