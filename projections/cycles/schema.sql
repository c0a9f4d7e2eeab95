-- cycles: one row per trading cycle, folded from its cycle-<id> stream plus the risk decisions and
-- orders that name it.
CREATE TABLE cycles (
    cycle_id               text        PRIMARY KEY,
    idempotency_key        text        NOT NULL,
    mode                   text        NOT NULL,    -- normal | aggressive | conservative
    session_mode           text        NOT NULL,    -- autonomous | supervised
    trigger                text        NOT NULL,    -- who asked: cron:market-open, operator:craig, api …
    trigger_kind           text        NOT NULL,
    trading_date           date        NOT NULL,    -- New York date
    started_at             timestamptz NOT NULL,
    config_hash            text        NOT NULL,
    funnel_universe        integer     NOT NULL,
    funnel_catalyst        integer     NOT NULL,
    funnel_technical       integer     NOT NULL,
    funnel_pattern         integer     NOT NULL,
    funnel_final           integer     NOT NULL,
    max_positions          integer,
    risk_per_trade         numeric,
    scan_frequency_minutes integer,
    status                 text        NOT NULL,    -- running | completed | stopped | failed
    stage                  text,                    -- last completed stage: scan … monitor
    stages_completed       jsonb       NOT NULL,
    ended_at               timestamptz,
    stop_reason            text,
    stopped_by             text,
    failed_stage           text,
    error_code             text,
    error_message          text,
    universe_size          integer,
    candidates             integer     NOT NULL,    -- stage-1 survivors recorded by the scan
    universe_rejections    integer     NOT NULL,
    finalists              jsonb       NOT NULL,
    scan_completed_at      timestamptz,
    scoring_version        text,
    data_as_of             timestamptz,
    signals                integer     NOT NULL,
    approvals              integer     NOT NULL,
    denials                integer     NOT NULL,
    orders                 integer     NOT NULL,    -- every order requested for the cycle (entries, legs, exits)
    entry_orders           integer     NOT NULL,
    fills                  integer     NOT NULL,    -- broker executions of those orders
    filled_qty             numeric     NOT NULL,
    last_event_at          timestamptz NOT NULL,
    last_global_position   bigint      NOT NULL
);

-- Which cycle each order belongs to, so fills (which do not name the cycle) are counted.
CREATE TABLE cycle_orders (
    order_id text PRIMARY KEY,
    cycle_id text NOT NULL
);
