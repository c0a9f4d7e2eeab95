-- risk: per account and New York trading day, folded from risk-<account>-<YYYY-MM-DD> streams.
-- stream_id is the key of the day in every table (account and trading_date are there for readers).
CREATE TABLE risk_days (
    stream_id            text        PRIMARY KEY,
    account              text        NOT NULL,
    trading_date         date        NOT NULL,
    opened               boolean     NOT NULL,
    opened_at            timestamptz,
    starting_equity      numeric,
    parameters_hash      text,
    max_daily_loss       numeric,
    warning_fraction     numeric,
    max_positions        integer,
    max_daily_trades     integer,
    realized_pnl         numeric     NOT NULL,   -- today's, from fills, net of fees
    unrealized_pnl       numeric     NOT NULL,   -- open book at its marks (carried positions from their reference price)
    daily_pnl            numeric     NOT NULL,   -- realized + unrealized
    open_positions       integer     NOT NULL,
    pending_entries      integer     NOT NULL,
    exposure             numeric     NOT NULL,   -- Σ |qty| × mark of held symbols
    pending_exposure     numeric     NOT NULL,   -- Σ unfilled approved qty × reference price
    approvals            integer     NOT NULL,
    denials              integer     NOT NULL,
    releases             integer     NOT NULL,
    released_unfilled    integer     NOT NULL,
    trades_today         integer     NOT NULL,   -- approvals − approvals released without a single share filled
    fills                integer     NOT NULL,
    consecutive_losses   integer     NOT NULL,
    halted               boolean     NOT NULL,
    halt_reason          text,
    halted_by            text,                   -- actor: system, operator:craig, doctor:… (kept after a resume)
    halted_at            timestamptz,
    halt_detail          text,
    halt_carried         boolean     NOT NULL,   -- the halt came over from an earlier day
    halt_daily_pnl       numeric,
    resumed_by           text,
    resumed_at           timestamptz,
    resume_note          text,
    resume_maker         text,                   -- maker–checker: the first human (resumed_by is the second)
    resume_requested_by  text,                   -- a request to lift the halt in force (an agent's, a maker's)
    resume_requested_at  timestamptz,
    parameters_changed_by text,                  -- who last changed the limits (a risk officer, or system for the file)
    parameters_maker     text,                   -- maker–checker: the first risk officer of a raise
    parameters_proposed_by text,                 -- a raise waiting for a second risk officer
    parameters_proposed_at timestamptz,
    parameters_proposed_raises jsonb,            -- the wire keys it loosens
    warning_issued       boolean     NOT NULL,
    warning_at           timestamptz,
    warning_daily_pnl    numeric,
    last_marks_at        timestamptz,
    last_event_at        timestamptz,
    last_global_position bigint      NOT NULL
);

-- The day's book per symbol (signed quantity and cost basis, as the domain's NetPosition). A symbol
-- that went flat keeps its row with quantity 0.
CREATE TABLE risk_positions (
    stream_id           text    NOT NULL,
    symbol              text    NOT NULL,
    account             text    NOT NULL,
    trading_date        date    NOT NULL,
    sector              text    NOT NULL,
    quantity            numeric NOT NULL,
    cost_basis          numeric NOT NULL,
    mark                numeric,
    exposure            numeric NOT NULL,
    unrealized_pnl      numeric NOT NULL,
    round_trip_realized numeric NOT NULL,
    realized_pnl        numeric NOT NULL,
    fills               integer NOT NULL,
    carried             boolean NOT NULL,
    PRIMARY KEY (stream_id, symbol)
);

-- Approved entries and how much of each is still unfilled (pending | filled | released).
CREATE TABLE risk_pending (
    stream_id        text        NOT NULL,
    approval_id      text        NOT NULL,
    account          text        NOT NULL,
    trading_date     date        NOT NULL,
    symbol           text        NOT NULL,
    sector           text        NOT NULL,
    side             text        NOT NULL,
    approved_qty     numeric     NOT NULL,
    unfilled_qty     numeric     NOT NULL,
    reference_price  numeric     NOT NULL,
    pending_exposure numeric     NOT NULL,
    status           text        NOT NULL,
    release_reason   text,
    approved_at      timestamptz NOT NULL,
    released_at      timestamptz,
    cycle_id         text,
    PRIMARY KEY (stream_id, approval_id)
);

-- Every denial with all its reason codes.
CREATE TABLE risk_denials (
    stream_id       text        NOT NULL,
    approval_id     text        NOT NULL,
    account         text        NOT NULL,
    trading_date    date        NOT NULL,
    symbol          text        NOT NULL,
    position_side   text        NOT NULL,
    cycle_id        text,
    signal_id       text,
    reasons         jsonb       NOT NULL,
    decided_at      timestamptz NOT NULL,
    global_position bigint      NOT NULL,
    PRIMARY KEY (stream_id, approval_id)
);
