-- performance: per account and New York trading day; the views aggregate weeks, months and all time.
CREATE TABLE perf_days (
    day_key         text    PRIMARY KEY,     -- '<account>|<YYYY-MM-DD>'
    account         text    NOT NULL,
    trading_date    date    NOT NULL,
    day_opened      boolean NOT NULL,        -- a risk day was opened (a trading day, even without trades)
    starting_equity numeric,                 -- from risk.day_opened: the denominator of the daily return
    realized_pnl    numeric NOT NULL,        -- realized by fills that day, net of fees
    fees            numeric NOT NULL,
    trades          integer NOT NULL,        -- positions closed that day with a known total P&L
    trades_unknown  integer NOT NULL,        -- closed by a reconciliation adjustment: P&L unknowable
    wins            integer NOT NULL,
    losses          integer NOT NULL,
    breakeven       integer NOT NULL,
    gross_profit    numeric NOT NULL,        -- Σ P&L of winning trades
    gross_loss      numeric NOT NULL,        -- Σ |P&L| of losing trades
    r_sum           numeric NOT NULL,        -- Σ R-multiples of trades with a known 1 R
    r_trades        integer NOT NULL,
    start_level     numeric NOT NULL,        -- cumulative realized P&L when the day began
    end_level       numeric NOT NULL,
    high_level      numeric NOT NULL,
    low_level       numeric NOT NULL,
    max_drawdown    numeric NOT NULL         -- largest peak-to-trough fall of the curve within the day
);
CREATE UNIQUE INDEX perf_days_account_date ON perf_days (account, trading_date);

-- Per position: its account and 1 R (Σ |opening fill − initial stop| × qty).
CREATE TABLE perf_positions (
    position_id  text PRIMARY KEY,
    account      text NOT NULL,
    initial_stop numeric,
    initial_risk numeric
);

-- The level of each account's cumulative realized P&L curve.
CREATE TABLE perf_accounts (
    account text    PRIMARY KEY,
    level   numeric NOT NULL
);
