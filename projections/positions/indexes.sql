-- positions: the indexes only readers use. Built once over the finished tables at the end of a rebuild, before
-- the swap (docs/architecture.md §Read models); the fold itself looks rows up only by the keys in schema.sql.
CREATE INDEX positions_open ON positions (symbol) WHERE status = 'open';
CREATE INDEX positions_cycle ON positions (cycle_id);
CREATE INDEX positions_closed_at ON positions (closed_at);
CREATE INDEX position_fills_position ON position_fills (position_id);
