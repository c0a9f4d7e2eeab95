-- Who may act. `status` is what the log says (revoked or active); key windows are in `keys`.
CREATE VIEW public.v_principals AS
    SELECT principal_id, name, kind,
           ARRAY(SELECT jsonb_array_elements_text(roles) ORDER BY 1) AS roles,
           CASE WHEN revoked_at IS NOT NULL THEN 'revoked' ELSE 'active' END AS status,
           added_at, revoked_at, revoke_reason, denied_attempts,
           ARRAY(SELECT k->>'key_id' FROM jsonb_array_elements(keys) k ORDER BY k->>'created_at') AS key_ids,
           keys
    FROM principals;

CREATE VIEW public.v_access_denied AS
    SELECT at, principal_id, capability, action, log_position
    FROM access_denied
    ORDER BY at DESC, log_position DESC;
