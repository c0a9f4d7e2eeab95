-- Every scanned symbol of every cycle, best composite first within a cycle.
CREATE VIEW public.v_candidates AS
    SELECT * FROM candidates ORDER BY cycle_id, final_rank NULLS LAST, composite_score DESC NULLS LAST, symbol;

-- The funnel per cycle: how many symbols reached each stage.
CREATE VIEW public.v_candidate_funnel AS
    SELECT cycle_id,
           count(*)                                                         AS scanned,
           count(*) FILTER (WHERE passed_universe)                          AS universe,
           count(*) FILTER (WHERE stage_reached IN ('catalyst', 'technical', 'pattern', 'final')) AS catalyst,
           count(*) FILTER (WHERE stage_reached IN ('technical', 'pattern', 'final'))             AS technical,
           count(*) FILTER (WHERE stage_reached IN ('pattern', 'final'))                          AS pattern,
           count(*) FILTER (WHERE stage_reached = 'final')                                        AS final,
           count(*) FILTER (WHERE risk_decision = 'approved')               AS approved,
           count(*) FILTER (WHERE risk_decision = 'denied')                 AS denied
    FROM candidates
    GROUP BY cycle_id;

GRANT SELECT ON public.v_candidates, public.v_candidate_funnel TO catalyst_auditor, catalyst_app, catalyst_doctor;
