-- orders: the indexes only readers use. Built once over the finished tables at the end of a rebuild, before
-- the swap (docs/architecture.md §Read models); the fold itself looks rows up only by the keys in schema.sql.
CREATE INDEX orders_parent ON orders (parent_order_id) WHERE parent_order_id IS NOT NULL;
CREATE INDEX orders_cycle ON orders (cycle_id);
CREATE INDEX orders_position ON orders (position_id);
CREATE INDEX orders_open ON orders (requested_at) WHERE status NOT IN ('filled', 'canceled', 'expired', 'rejected', 'replaced');
CREATE INDEX orders_client_order_id ON orders (client_order_id);
CREATE INDEX orders_broker_order_id ON orders (broker_order_id);
