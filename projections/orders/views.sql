-- Every order, all columns.
CREATE VIEW public.v_orders AS
    SELECT * FROM orders;

-- Doctor Claude's order monitor (original C1 view): newest first, with minutes pending and is_stuck.
-- is_stuck: not terminal and submitted (or, never submitted, requested) more than 5 minutes ago. A
-- bracket leg resting at the broker (held until its entry fills, then new/accepted until its price is
-- hit) is protection doing its job, not a stuck order, so it is not flagged.
CREATE VIEW public.v_orders_status AS
    SELECT
        o.order_id,
        coalesce(o.position_id, p.position_id) AS position_id,
        o.symbol,
        o.side,
        o.order_type,
        o.order_purpose,
        o.quantity,
        o.filled_qty,
        o.status,
        o.broker_order_id AS alpaca_order_id,
        o.submitted_at,
        o.filled_at,
        CASE WHEN o.terminal_at IS NULL
             THEN round((extract(epoch FROM (now() - coalesce(o.submitted_at, o.requested_at))) / 60)::numeric, 1) END AS minutes_pending,
        (o.terminal_at IS NULL
            AND coalesce(o.submitted_at, o.requested_at) < now() - interval '5 minutes'
            AND NOT (o.leg_role IS NOT NULL AND o.status IN ('held', 'new', 'accepted', 'pending_new'))) AS is_stuck,
        o.rejection_reason,
        jsonb_strip_nulls(jsonb_build_object(
            'client_order_id', o.client_order_id, 'order_class', o.order_class, 'time_in_force', o.time_in_force,
            'limit_price', o.limit_price, 'stop_price', o.stop_price, 'leg_role', o.leg_role, 'parent_order_id', o.parent_order_id,
            'cycle_id', o.cycle_id, 'approval_id', o.approval_id, 'last_broker_status', o.last_broker_status,
            'cancel_reason', o.cancel_reason, 'replaced_by_order_id', o.replaced_by_order_id)) AS metadata,
        o.broker_order_id,
        o.client_order_id,
        o.parent_order_id,
        o.leg_role,
        o.order_class,
        o.time_in_force,
        o.limit_price,
        o.stop_price,
        o.filled_avg_price,
        o.fees,
        o.last_broker_status,
        o.cycle_id,
        o.requested_at,
        o.updated_at,
        o.terminal_at IS NOT NULL AS is_terminal,
        o.cancel_reason,
        o.replaced_by_order_id
    FROM orders o
    LEFT JOIN orders p ON p.order_id = o.parent_order_id
    ORDER BY o.requested_at DESC, o.order_id;

CREATE VIEW public.v_order_executions AS
    SELECT * FROM order_executions;

COMMENT ON VIEW public.v_orders_status IS 'One row per order, newest first; is_stuck = not terminal and submitted more than 5 minutes ago (resting bracket legs excluded).';
GRANT SELECT ON public.v_orders, public.v_orders_status, public.v_order_executions TO catalyst_auditor, catalyst_app, catalyst_doctor;
