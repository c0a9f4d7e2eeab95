-- principals: who may act, folded from the principal-<id> streams. Key digests are not copied here:
-- only key ids and their validity windows (keys jsonb: [{key_id, created_at, valid_until}]).
CREATE TABLE principals (
    principal_id    text        PRIMARY KEY,
    name            text        NOT NULL,
    kind            text        NOT NULL,   -- human, service, agent
    roles           jsonb       NOT NULL,   -- ["admin","operator",…]
    keys            jsonb       NOT NULL,
    added_at        timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoke_reason   text,
    denied_attempts integer     NOT NULL DEFAULT 0,
    last_position   bigint      NOT NULL
);

-- One row per refused attempt of a known principal.
CREATE TABLE access_denied (
    log_position bigint      PRIMARY KEY,
    principal_id text        NOT NULL,
    capability   text        NOT NULL,
    action       text        NOT NULL,
    at           timestamptz NOT NULL
);
