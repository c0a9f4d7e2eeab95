-- pipeline_status: the indexes only readers use. Built once over the finished tables at the end of a rebuild, before
-- the swap (docs/architecture.md §Read models); the fold itself looks rows up only by the keys in schema.sql.
CREATE INDEX pl_cycles_date ON pl_cycles (trading_date DESC, started_at DESC);
CREATE INDEX pl_orders_cycle ON pl_orders (cycle_id);
CREATE INDEX pl_positions_cycle ON pl_positions (cycle_id);
