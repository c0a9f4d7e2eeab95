CREATE VIEW public.v_event_index AS
    SELECT * FROM event_index;

-- The indexed events themselves: an index lookup, then the events' primary key.
CREATE VIEW public.v_event_trace AS
    SELECT i.key_kind, i.key, e.global_position, e.stream_id, e.stream_version, e.event_id, e.event_type, e.schema_version,
           e.occurred_at, e.recorded_at, e.payload, e.metadata
    FROM event_index i
    JOIN public.events e ON e.global_position = i.global_position;

GRANT SELECT ON public.v_event_index, public.v_event_trace TO catalyst_auditor, catalyst_app, catalyst_doctor;
