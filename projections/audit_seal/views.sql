CREATE VIEW public.audit_chain AS
    SELECT seq, global_position, event_id, stream_id, hash, sealed_at FROM audit_chain;

COMMENT ON VIEW public.audit_chain IS 'Dense audit sequence and SHA-256 hash chain over the event log (catalyst audit verify).';
GRANT SELECT ON public.audit_chain TO catalyst_auditor, catalyst_app, catalyst_doctor;
