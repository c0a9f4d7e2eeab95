CREATE VIEW public.v_risk_state AS
    SELECT * FROM risk_days ORDER BY trading_date DESC, account;

-- Today in New York (the only place the clock is read: in the view, never in the fold).
CREATE VIEW public.v_risk_today AS
    SELECT * FROM risk_days WHERE trading_date = (now() AT TIME ZONE 'America/New_York')::date;

CREATE VIEW public.v_risk_exposure_by_symbol AS
    SELECT account, trading_date, symbol, sector, quantity, cost_basis, mark, exposure, unrealized_pnl, realized_pnl, carried
    FROM risk_positions WHERE quantity <> 0;

-- Open exposure per sector: held symbols plus the unfilled part of approved entries.
CREATE VIEW public.v_risk_exposure_by_sector AS
    SELECT account, trading_date, sector, sum(held) AS held_exposure, sum(pending) AS pending_exposure, sum(held) + sum(pending) AS exposure
    FROM (
        SELECT account, trading_date, sector, exposure AS held, 0::numeric AS pending FROM risk_positions WHERE quantity <> 0
        UNION ALL
        SELECT account, trading_date, sector, 0::numeric, pending_exposure FROM risk_pending WHERE status = 'pending'
    ) x
    GROUP BY account, trading_date, sector;

-- Denials counted per reason code (a denial with three failed rules counts under each of them).
CREATE VIEW public.v_risk_denials_by_reason AS
    SELECT d.account, d.trading_date, reason, count(*) AS denials
    FROM risk_denials d, jsonb_array_elements_text(d.reasons) AS reason
    GROUP BY d.account, d.trading_date, reason;

CREATE VIEW public.v_risk_denials AS
    SELECT * FROM risk_denials;

CREATE VIEW public.v_risk_pending AS
    SELECT * FROM risk_pending;

GRANT SELECT ON public.v_risk_state, public.v_risk_today, public.v_risk_exposure_by_symbol, public.v_risk_exposure_by_sector,
    public.v_risk_denials_by_reason, public.v_risk_denials, public.v_risk_pending TO catalyst_auditor, catalyst_app, catalyst_doctor;
