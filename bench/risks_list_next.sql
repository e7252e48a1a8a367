-- bench/risks_list_next.sql - pgbench script: a following page of GET /v1/risks?limit=50
-- (?cursor=...): the statements of bench/risks_list.sql with the cursor's keys bound
-- (ref, rid: the ref and id of the previous page's last risk). Written by
-- `bench/risks.sh --write-sql`, checked against the C sources on every run.
BEGIN;
SELECT set_config('app.tenant_id', coalesce(:tenant, ''), true), set_config('app.user_id', coalesce(:user, ''), true), set_config('app.request_id', coalesce(:request, ''), true);
SELECT role, tenant_status, tenant_kind, user_status, session_revoked FROM auth_context(:tenant, :user, nullif(:session, '')::uuid);
WITH page AS (SELECT d.id, d.ref, d.doc FROM risk_docs(ARRAY( SELECT id FROM risks r WHERE (NULL::text IS NULL OR r.type = NULL) AND (NULL::text IS NULL OR r.status = NULL)   AND (NULL::text IS NULL OR coalesce(r.residual_level, r.inherent_level) = NULL)   AND (NULL::uuid IS NULL OR r.owner_id = NULL)   AND (:ref::text IS NULL OR (r.ref, r.id) > (:ref, :rid::uuid)) ORDER BY r.ref, r.id LIMIT :limit1)) d), kept AS (SELECT * FROM page ORDER BY ref, id LIMIT :limit1::int - 1) SELECT coalesce((SELECT jsonb_agg(doc ORDER BY ref, id) FROM kept), '[]')::text, CASE WHEN (SELECT count(*) FROM page) >= :limit1::int THEN (SELECT   jsonb_build_array(ref, id) FROM kept ORDER BY ref DESC, id DESC LIMIT 1)::text END;
COMMIT;
