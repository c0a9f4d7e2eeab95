-- pipeline_status: what v_trade_pipeline_status aggregates. Self-contained: cycle, order and position
-- facts folded from their own events (a view may only read its own projection's tables).
CREATE TABLE pl_cycles (
    cycle_id             text        PRIMARY KEY,
    trading_date         date        NOT NULL,
    status               text        NOT NULL,   -- running | completed | stopped | failed
    phase                text,                   -- last completed stage
    mode                 text        NOT NULL,
    session_mode         text        NOT NULL,
    started_at           timestamptz NOT NULL,
    ended_at             timestamptz,
    candidates           integer     NOT NULL,
    finalists            integer     NOT NULL,
    signals              integer     NOT NULL,
    last_activity        timestamptz NOT NULL,   -- latest business time of any event of the cycle, its orders or positions
    last_order_at        timestamptz,            -- latest submission
    last_global_position bigint      NOT NULL
);

CREATE TABLE pl_orders (
    order_id      text        PRIMARY KEY,
    cycle_id      text        NOT NULL,
    is_leg        boolean     NOT NULL,
    order_purpose text        NOT NULL,
    status        text        NOT NULL,
    requested_at  timestamptz NOT NULL,
    submitted_at  timestamptz,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE pl_positions (
    position_id    text        PRIMARY KEY,
    cycle_id       text        NOT NULL,
    side           text        NOT NULL,
    status         text        NOT NULL,   -- open | closed
    quantity       numeric     NOT NULL,
    cost_basis     numeric     NOT NULL,
    last_price     numeric,
    realized_pnl   numeric     NOT NULL,
    unrealized_pnl numeric     NOT NULL,
    pnl_complete   boolean     NOT NULL,
    opened_at      timestamptz NOT NULL,
    closed_at      timestamptz,
    updated_at     timestamptz NOT NULL
);
