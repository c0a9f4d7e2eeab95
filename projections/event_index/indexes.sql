-- event_index: its primary key, built once over the finished table at the end of a rebuild, before the swap
-- (one sorted build instead of an index entry per row; docs/architecture.md §Read models). The fold only appends.
ALTER TABLE event_index ADD CONSTRAINT event_index_pkey PRIMARY KEY (key_kind, key, global_position);
