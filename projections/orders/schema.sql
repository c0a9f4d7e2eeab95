-- orders: one row per order (entry, bracket leg, exit, replacement), folded from its order-<id> stream.
-- Money, prices and quantities are numeric. Times are business times from the events (never now()).
CREATE TABLE orders (
    order_id               text        PRIMARY KEY,
    parent_order_id        text,                    -- bracket legs: the entry order
    leg_role               text,                    -- take_profit | stop_loss (legs only)
    replaces_order_id      text,                    -- a replacement: the order it replaces
    replaced_by_order_id   text,                    -- set when this order was replaced
    cycle_id               text,
    approval_id            text,
    position_id            text,                    -- the position its first fill opened or changed
    client_order_id        text,                    -- our idempotency key with the broker
    broker_order_id        text,                    -- the broker's id (Alpaca `id`)
    symbol                 text        NOT NULL,
    side                   text        NOT NULL,    -- buy | sell
    position_side          text        NOT NULL,    -- long | short
    order_purpose          text        NOT NULL,    -- entry | scale_in | exit | scale_out | stop_loss | take_profit
    order_type             text        NOT NULL,
    order_class            text        NOT NULL,
    time_in_force          text        NOT NULL,
    extended_hours         boolean     NOT NULL,
    quantity               numeric     NOT NULL,
    limit_price            numeric,
    stop_price             numeric,
    take_profit            numeric,
    stop_loss              numeric,
    stop_loss_limit        numeric,
    status                 text        NOT NULL,    -- our status: Alpaca spellings plus requested / submit_unknown
    previous_status        text,                    -- before pending_cancel / pending_replace
    last_broker_status     text,
    cancel_requested       boolean     NOT NULL,
    pending_replacement_id text,
    filled_qty             numeric     NOT NULL,
    filled_notional        numeric     NOT NULL,
    filled_avg_price       numeric,
    fees                   numeric     NOT NULL,
    fill_count             integer     NOT NULL,
    requested_at           timestamptz NOT NULL,
    submitted_at           timestamptz,
    accepted_at            timestamptz,
    first_fill_at          timestamptz,
    filled_at              timestamptz,
    cancel_requested_at    timestamptz,
    canceled_at            timestamptz,
    expired_at             timestamptz,
    rejected_at            timestamptz,
    replaced_at            timestamptz,
    terminal_at            timestamptz,
    updated_at             timestamptz NOT NULL,
    rejection_reason       text,
    cancel_reason          text,
    submit_unknown_reason  text,
    last_update_source     text,
    event_count            integer     NOT NULL,
    last_global_position   bigint      NOT NULL
);

-- One row per broker execution (insert-only; the domain deduplicates execution ids).
CREATE TABLE order_executions (
    order_id        text        NOT NULL,
    execution_id    text        NOT NULL,
    broker_order_id text,
    symbol          text        NOT NULL,
    side            text        NOT NULL,
    quantity        numeric     NOT NULL,
    price           numeric     NOT NULL,
    fee             numeric     NOT NULL,
    executed_at     timestamptz NOT NULL,
    source          text        NOT NULL,
    cum_qty         numeric     NOT NULL,
    leaves_qty      numeric     NOT NULL,
    avg_price       numeric     NOT NULL,
    status_after    text        NOT NULL,
    is_final        boolean     NOT NULL,
    broker_cum_qty  numeric,
    global_position bigint      NOT NULL,
    PRIMARY KEY (order_id, execution_id)
);
