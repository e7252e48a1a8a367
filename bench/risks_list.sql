-- bench/risks_list.sql - pgbench script: what one GET /v1/risks?limit=50 (the first page)
-- costs in PostgreSQL alone. The same statements as the API, written by
-- `bench/risks.sh --write-sql` and checked against the C sources on every run: BEGIN,
-- the transaction settings (lib/db.c), auth_context (api/auth.c), the list query
-- (api/risks.c) with its filters and cursor NULL, COMMIT. Variables come from pgbench -D
-- (tenant, user, session, request, limit1 = limit + 1).
BEGIN;
SELECT set_config('app.tenant_id', coalesce(:tenant, ''), true), set_config('app.user_id', coalesce(:user, ''), true), set_config('app.request_id', coalesce(:request, ''), true);
SELECT role, tenant_status, tenant_kind, user_status, session_revoked FROM auth_context(:tenant, :user, nullif(:session, '')::uuid);
WITH ids AS (SELECT id FROM risks r WHERE (NULL::text IS NULL OR r.type = NULL) AND (NULL::text IS NULL OR r.status = NULL)   AND (NULL::text IS NULL OR coalesce(r.residual_level, r.inherent_level) = NULL)   AND (NULL::uuid IS NULL OR r.owner_id = NULL)   AND (NULL::text IS NULL OR (r.ref, r.id) > (NULL, NULL::uuid)) ORDER BY r.ref, r.id LIMIT :limit1) SELECT coalesce(jsonb_agg(risk_doc(r) ORDER BY r.ref, r.id), '[]') FROM risks r JOIN ids ON ids.id = r.id;
COMMIT;
