CREATE VIEW public.v_cycles AS
    SELECT * FROM cycles ORDER BY started_at DESC;

GRANT SELECT ON public.v_cycles TO catalyst_auditor, catalyst_app, catalyst_doctor;
