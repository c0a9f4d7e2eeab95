-- event_index: trace keys → global positions, so auditors never scan `events` by a jsonb expression.
CREATE TABLE event_index (
    key_kind        text        NOT NULL,   -- correlation | causation | command | client_order | cycle
    key             text        NOT NULL,
    global_position bigint      NOT NULL,
    stream_id       text        NOT NULL,
    event_type      text        NOT NULL,
    occurred_at     timestamptz NOT NULL
);

-- What order.requested said about each order, for indexing the rest of its stream.
CREATE TABLE ei_orders (
    order_id        text PRIMARY KEY,
    client_order_id text,
    cycle_id        text
);
