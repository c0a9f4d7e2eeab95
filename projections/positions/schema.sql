-- positions: one row per position id (flat to flat), folded from position-<account>-<SYMBOL> streams.
CREATE TABLE positions (
    position_id           text        PRIMARY KEY,
    account               text        NOT NULL,
    symbol                text        NOT NULL,
    side                  text        NOT NULL,    -- long | short
    status                text        NOT NULL,    -- open | closed
    quantity              numeric     NOT NULL,    -- open quantity (0 once closed)
    max_quantity          numeric     NOT NULL,
    cost_basis            numeric     NOT NULL,    -- positive: quantity × average entry
    avg_entry_price       numeric,
    entry_qty             numeric     NOT NULL,    -- Σ opening fills
    entry_notional        numeric     NOT NULL,
    exit_qty              numeric     NOT NULL,    -- Σ reducing fills
    exit_notional         numeric     NOT NULL,
    avg_exit_price        numeric,
    exit_price            numeric,                 -- the closing fill's price
    realized_pnl          numeric     NOT NULL,    -- from fills, net of fees
    fees                  numeric     NOT NULL,
    pnl_complete          boolean     NOT NULL,    -- false after a reconciliation adjustment
    unrealized_pnl        numeric,                 -- at last_price; 0 once closed; NULL before any price
    last_price            numeric,                 -- latest of the last mark and the last fill price
    last_mark_price       numeric,
    last_mark_at          timestamptz,
    highest_price         numeric,
    lowest_price          numeric,
    stop_price            numeric,
    target_price          numeric,
    initial_stop          numeric,
    initial_risk          numeric,                 -- 1 R: Σ |fill − initial stop| × qty over opening fills
    sector                text,
    cycle_id              text,
    approval_id           text,
    entry_order_id        text,
    exit_order_id         text,
    order_ids             jsonb       NOT NULL,    -- every order whose fill moved it, in order
    exit_reason           text,
    exit_requested_reason text,
    exit_requested_by     text,
    exit_requested_at     timestamptz,
    adjusted              boolean     NOT NULL,
    fill_count            integer     NOT NULL,
    opened_at             timestamptz NOT NULL,
    closed_at             timestamptz,
    updated_at            timestamptz NOT NULL,
    last_global_position  bigint      NOT NULL
);

-- Every fill and adjustment that changed a position (insert-only).
CREATE TABLE position_fills (
    global_position  bigint      PRIMARY KEY,
    position_id      text        NOT NULL,
    kind             text        NOT NULL,    -- open | increase | reduce | close | adjust
    order_id         text,
    execution_id     text,
    quantity         numeric     NOT NULL,    -- adjust: signed change
    price            numeric,
    fee              numeric     NOT NULL,
    realized_pnl     numeric     NOT NULL,
    quantity_after   numeric     NOT NULL,
    cost_basis_after numeric     NOT NULL,
    at               timestamptz NOT NULL
);
