-- bench/audit_events.sql - pgbench script: what one GET /v1/audit-events?limit=50 costs
-- in PostgreSQL alone. The same statements as the API (bench/sqlsync.py checks it):
-- BEGIN, the transaction settings (lib/db.c), auth_context (api/auth.c), the list
-- query (api/audit.c) with its unused filters NULL, COMMIT. Variables come from
-- pgbench -D (tenant, user, session, request, limit, limit1).
BEGIN;
SELECT set_config('app.tenant_id', coalesce(:tenant, ''), true), set_config('app.user_id', coalesce(:user, ''), true), set_config('app.request_id', coalesce(:request, ''), true);
SELECT role, tenant_status, tenant_kind, user_status, session_revoked FROM auth_context(:tenant, :user, nullif(:session, '')::uuid);
SELECT coalesce(json_agg(json_build_object('seq', s.seq, 'id', s.id, 'at', s.at, 'actor_id', s.actor_id, 'action', s.action, 'entity_type', s.entity_type, 'entity_id', s.entity_id, 'before', s.before, 'after', s.after, 'request_id', s.request_id, 'prev_hash', encode(s.prev_hash, 'hex'), 'hash', encode(s.hash, 'hex')) ORDER BY s.seq DESC) FILTER (WHERE s.n <= :limit::int),  '[]'), CASE WHEN count(*) > :limit::int THEN min(s.seq) FILTER (WHERE s.n <= :limit::int) END FROM (SELECT e.seq, e.id, e.at, e.actor_id, e.action, e.entity_type, e.entity_id,   e.before, e.after, e.request_id, e.prev_hash, e.hash,   row_number() OVER (ORDER BY e.seq DESC) AS n  FROM audit_events e  WHERE e.tenant_id = :tenant   AND (NULL::text IS NULL OR e.entity_type = NULL)   AND (NULL::text IS NULL OR e.entity_id = NULL)   AND (NULL::uuid IS NULL OR e.actor_id = NULL::uuid)   AND (NULL::text IS NULL OR e.action = NULL)   AND (NULL::timestamptz IS NULL OR e.at >= NULL::timestamptz)   AND (NULL::timestamptz IS NULL OR e.at <= NULL::timestamptz)   AND (NULL::bigint IS NULL OR e.seq < NULL::bigint)  ORDER BY e.seq DESC LIMIT :limit1::int) s;
COMMIT;
