-- bench/risks_list.sql - pgbench script: what one GET /v1/risks?limit=50 (the first page)
-- costs in PostgreSQL alone. The same statements as the API, written by
-- `bench/risks.sh --write-sql` and checked against the C sources on every run: BEGIN,
-- the transaction settings (lib/db.c), auth_context (api/auth.c), the list query
-- (api/risks.c) with its filters and cursor NULL, COMMIT. Variables come from pgbench -D
-- (tenant, user, session, request, limit1 = limit + 1).
BEGIN;
SELECT set_config('app.tenant_id', coalesce(:tenant, ''), true), set_config('app.user_id', coalesce(:user, ''), true), set_config('app.request_id', coalesce(:request, ''), true);
SELECT role, tenant_status, tenant_kind, user_status, session_revoked FROM auth_context(:tenant, :user, nullif(:session, '')::uuid);
WITH page AS (SELECT d.id, d.ref, d.doc FROM risk_docs(ARRAY( SELECT id FROM risks r WHERE (NULL::text IS NULL OR r.type = NULL) AND (NULL::text IS NULL OR r.status = NULL)   AND (NULL::text IS NULL OR coalesce(r.residual_level, r.inherent_level) = NULL)   AND (NULL::uuid IS NULL OR r.owner_id = NULL)   AND (NULL::text IS NULL OR (r.ref, r.id) > (NULL, NULL::uuid)) ORDER BY r.ref, r.id LIMIT :limit1)) d), kept AS (SELECT * FROM page ORDER BY ref, id LIMIT :limit1::int - 1) SELECT coalesce((SELECT jsonb_agg(doc ORDER BY ref, id) FROM kept), '[]')::text, CASE WHEN (SELECT count(*) FROM page) >= :limit1::int THEN (SELECT   jsonb_build_array(ref, id) FROM kept ORDER BY ref DESC, id DESC LIMIT 1)::text END;
COMMIT;
