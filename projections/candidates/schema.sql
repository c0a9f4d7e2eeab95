-- candidates: every symbol each scan looked at (stage-1 drops included), keyed by cycle and symbol.
-- Only the key is NOT NULL: scan, signal and decision columns are written by different events.
CREATE TABLE candidates (
    cycle_id          text        NOT NULL,
    symbol            text        NOT NULL,
    candidate_index   integer,                 -- position in the scan's survivor list (NULL for stage-1 drops)
    passed_universe   boolean,                 -- false: dropped at stage 1 (price, volume, data quality)
    stage_reached     text,                    -- last funnel stage passed: universe | catalyst | technical | pattern | final
    rejected_stage    text,                    -- the stage that dropped it
    rejection_reason  text,
    rejection_detail  text,
    final_rank        integer,                 -- 1 = best; NULL unless a finalist
    is_finalist       boolean,
    sector            text,
    as_of             timestamptz,
    price             numeric,
    volume            bigint,
    relative_volume   numeric,
    gap_percent       numeric,
    change_percent    numeric,
    catalyst          text,
    catalyst_strength numeric,
    sentiment         numeric,
    pattern           text,
    pattern_confidence numeric,
    news_ids          jsonb,
    catalyst_score    numeric,
    technical_score   numeric,
    pattern_score     numeric,
    momentum_score    numeric,
    volume_score      numeric,
    composite_score   numeric,
    sma_20            numeric,
    ema_20            numeric,
    rsi_14            numeric,
    macd              numeric,
    macd_signal       numeric,
    macd_hist         numeric,
    atr_14            numeric,
    bb_upper          numeric,
    bb_middle         numeric,
    bb_lower          numeric,
    obv               numeric,
    vwap              numeric,
    scoring_version   text,
    global_position   bigint,
    signal_id         text,
    signal_rank       integer,
    signal_side       text,
    signal_entry      numeric,
    signal_stop       numeric,
    signal_target     numeric,
    signal_confidence numeric,
    signal_at         timestamptz,
    risk_decision     text,                    -- approved | denied
    approval_id       text,
    risk_reasons      jsonb,                   -- denial reason codes
    approved_qty      numeric,
    decided_at        timestamptz,
    PRIMARY KEY (cycle_id, symbol)
);
