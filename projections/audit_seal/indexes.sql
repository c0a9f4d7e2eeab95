-- audit_seal: its unique keys besides seq, checked once over the finished table at the end of a rebuild, before
-- the swap (one sorted build instead of an index entry per row; docs/architecture.md §Read models). The fold
-- itself finds the chain's head by seq.
ALTER TABLE audit_chain ADD CONSTRAINT audit_chain_global_position_key UNIQUE (global_position),
    ADD CONSTRAINT audit_chain_event_id_key UNIQUE (event_id);
