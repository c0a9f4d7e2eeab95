-- Performance per period: 'day', 'week' (ISO, Monday first), 'month' and 'all', in New York dates.
-- daily return r = realized P&L of the day / starting equity of the day; Sharpe = mean(r) / sample
-- stdev(r) × √252 and Sortino = mean(r) / √(mean(min(r, 0)²)) × √252, risk-free rate 0, over the
-- period's days with a starting equity (NULL with fewer than two such days). Max drawdown composes the
-- days' curves: within a day, or from an earlier day's high to a later day's low.
CREATE VIEW public.v_performance AS
    WITH d AS (
        SELECT p.*, p.realized_pnl / nullif(p.starting_equity, 0) AS r FROM perf_days p
    ), periods AS (
        SELECT 'day'::text AS period, d.trading_date AS period_start, d.trading_date AS period_end, d.* FROM d
        UNION ALL
        SELECT 'week', date_trunc('week', d.trading_date)::date, (date_trunc('week', d.trading_date) + interval '6 days')::date, d.* FROM d
        UNION ALL
        SELECT 'month', date_trunc('month', d.trading_date)::date, (date_trunc('month', d.trading_date) + interval '1 month - 1 day')::date, d.*
        FROM d
        UNION ALL
        SELECT 'all', min(d.trading_date) OVER (PARTITION BY d.account), max(d.trading_date) OVER (PARTITION BY d.account), d.* FROM d
    ), w AS (
        SELECT periods.*,
               max(high_level) OVER (PARTITION BY account, period, period_start ORDER BY trading_date
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior_high
        FROM periods
    )
    SELECT
        account,
        period,
        period_start,
        period_end,
        count(*) AS days,
        count(*) FILTER (WHERE day_opened) AS trading_days,
        sum(realized_pnl) AS pnl,
        sum(fees) AS fees,
        sum(trades)::integer AS trades,
        sum(wins)::integer AS wins,
        sum(losses)::integer AS losses,
        sum(breakeven)::integer AS breakeven,
        sum(trades_unknown)::integer AS trades_unknown,
        round(sum(wins)::numeric / nullif(sum(trades), 0), 6) AS win_rate,
        round(sum(gross_profit) / nullif(sum(gross_loss), 0), 6) AS profit_factor,
        round(sum(r_sum) / nullif(sum(r_trades), 0), 6) AS expectancy_r,
        round(sum(gross_profit) / nullif(sum(wins), 0), 2) AS avg_win,
        round(-sum(gross_loss) / nullif(sum(losses), 0), 2) AS avg_loss,
        sum(gross_profit) AS gross_profit,
        sum(gross_loss) AS gross_loss,
        max(greatest(max_drawdown, coalesce(prior_high - low_level, 0))) AS max_drawdown,
        round(sum(realized_pnl) / nullif((array_agg(starting_equity ORDER BY trading_date))[1], 0), 8) AS period_return,
        count(r) AS return_days,
        round(avg(r), 8) AS mean_daily_return,
        CASE WHEN count(r) >= 2 THEN round(avg(r) / nullif(stddev_samp(r), 0) * sqrt(252::numeric), 6) END AS sharpe,
        CASE WHEN count(r) >= 2 THEN round(avg(r) / nullif(sqrt(avg(power(least(r, 0), 2))), 0) * sqrt(252::numeric), 6) END AS sortino
    FROM w
    GROUP BY account, period, period_start, period_end;

-- The daily rows as stored, with the day's return.
CREATE VIEW public.v_performance_daily AS
    SELECT account, trading_date, day_opened, starting_equity, realized_pnl, fees, trades, wins, losses, breakeven, trades_unknown,
           gross_profit, gross_loss, r_sum, r_trades, max_drawdown, realized_pnl / nullif(starting_equity, 0) AS daily_return
    FROM perf_days;

GRANT SELECT ON public.v_performance, public.v_performance_daily TO catalyst_auditor, catalyst_app, catalyst_doctor;
