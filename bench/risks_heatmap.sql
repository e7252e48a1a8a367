-- bench/risks_heatmap.sql - pgbench script: what one GET /v1/risks/heatmap costs in
-- PostgreSQL alone: BEGIN, the transaction settings (lib/db.c), auth_context
-- (api/auth.c), risk_heatmap() with no type filter (api/risks.c, migration 0023),
-- COMMIT. Written by `bench/risks.sh --write-sql`, checked against the C sources on
-- every run. Variables from pgbench -D (tenant, user, session, request).
BEGIN;
SELECT set_config('app.tenant_id', coalesce(:tenant, ''), true), set_config('app.user_id', coalesce(:user, ''), true), set_config('app.request_id', coalesce(:request, ''), true);
SELECT role, tenant_status, tenant_kind, user_status, session_revoked FROM auth_context(:tenant, :user, nullif(:session, '')::uuid);
SELECT risk_heatmap(NULL);
COMMIT;
