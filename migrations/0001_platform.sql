-- 0001 platform: tenants, identity, row-level security, audit chain, jobs, idempotency.
--
-- Runs as the schema owner. The application connects as concord_app, which owns
-- nothing and has no BYPASSRLS: every tenant-owned table has RLS enabled (not forced:
-- the owner's SECURITY DEFINER functions are the audited cross-tenant doors), with
-- policies that read the transaction-local setting app.tenant_id. Without that
-- setting, tenant tables return nothing.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'concord_app') THEN
		CREATE ROLE concord_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
	END IF;
END $$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO concord_app;

-- The calling transaction's tenant and user (NULL when not set).
CREATE FUNCTION app_tenant() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
CREATE FUNCTION app_user() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

-- Every tenant-owned table is registered here, in an order that respects foreign
-- keys; tenant export/import and the isolation test walk this list.
CREATE TABLE tenant_tables (
	name text PRIMARY KEY,
	ord int NOT NULL UNIQUE,
	exported boolean NOT NULL DEFAULT true -- false: operational or secret (tokens, jobs)
);
GRANT SELECT ON tenant_tables TO concord_app;

CREATE TABLE tenants (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	kind text NOT NULL CONSTRAINT tenants_kind__kind CHECK (kind IN ('operator', 'client')),
	parent_id uuid REFERENCES tenants (id),
	slug text NOT NULL CONSTRAINT tenants_slug__slug UNIQUE
		CONSTRAINT tenants_slug_format__slug CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
	name text NOT NULL CONSTRAINT tenants_name__name CHECK (length(name) BETWEEN 1 AND 200),
	status text NOT NULL DEFAULT 'active'
		CONSTRAINT tenants_status__status CHECK (status IN ('active', 'suspended', 'deleting')),
	delete_after timestamptz,
	settings jsonb NOT NULL DEFAULT '{}',
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT tenants_parent_kind CHECK ((kind = 'operator') = (parent_id IS NULL))
);
CREATE INDEX tenants_parent ON tenants (parent_id, created_at, id);
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
-- A tenant sees itself; an operator also sees the client tenants it owns.
CREATE POLICY tenants_visible ON tenants
	USING (id = app_tenant() OR parent_id = app_tenant())
	WITH CHECK (id = app_tenant() OR parent_id = app_tenant());
GRANT SELECT, INSERT, UPDATE ON tenants TO concord_app;

CREATE TABLE users (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
	email text NOT NULL CONSTRAINT users_email__email CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
	display_name text NOT NULL DEFAULT '',
	password_hash text,
	status text NOT NULL DEFAULT 'active'
		CONSTRAINT users_status__status CHECK (status IN ('active', 'disabled')),
	source text NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'sso')),
	external_subject text,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_email__email ON users (tenant_id, lower(email));

CREATE TABLE memberships (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	user_id uuid NOT NULL CONSTRAINT memberships_user__user_id REFERENCES users (id) ON DELETE CASCADE,
	role text NOT NULL CONSTRAINT memberships_role__role CHECK (role IN ('operator', 'consultant',
		'sponsor', 'isms_lead', 'aims_lead', 'product_ai_lead', 'risk_compliance',
		'security_lead', 'contributor', 'auditor', 'viewer')),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
-- Users of the tenant, plus users of other tenants (consultants) who are members here,
-- plus the calling user's own row.
CREATE POLICY users_visible ON users
	USING (tenant_id = app_tenant() OR id = app_user()
		OR id IN (SELECT m.user_id FROM memberships m WHERE m.tenant_id = app_tenant()))
	WITH CHECK (tenant_id = app_tenant() OR id = app_user());
GRANT SELECT, INSERT, UPDATE, DELETE ON users TO concord_app;

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
-- A membership is visible in its tenant and to the member (to list their tenants).
CREATE POLICY memberships_visible ON memberships
	USING (tenant_id = app_tenant() OR user_id = app_user())
	WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO concord_app;

-- Refresh tokens belong to the user's home tenant; the opaque token text carries
-- that tenant id so lookups run under RLS like everything else.
CREATE TABLE refresh_tokens (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	family_id uuid NOT NULL,
	token_hash bytea NOT NULL UNIQUE,
	expires_at timestamptz NOT NULL,
	used_at timestamptz,
	revoked_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (tenant_id, family_id);

CREATE TABLE service_accounts (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
	name text NOT NULL CONSTRAINT service_accounts_name__name CHECK (length(name) BETWEEN 1 AND 200),
	role text NOT NULL CONSTRAINT service_accounts_role__role CHECK (role IN ('consultant',
		'sponsor', 'isms_lead', 'aims_lead', 'product_ai_lead', 'risk_compliance',
		'security_lead', 'contributor', 'auditor', 'viewer')),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT service_accounts_name_unique__name UNIQUE (tenant_id, name)
);

-- Personal API tokens (user_id set) and service-account tokens (service_account_id set).
CREATE TABLE api_tokens (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	user_id uuid REFERENCES users (id) ON DELETE CASCADE,
	service_account_id uuid REFERENCES service_accounts (id) ON DELETE CASCADE,
	name text NOT NULL CONSTRAINT api_tokens_name__name CHECK (length(name) BETWEEN 1 AND 200),
	token_hash bytea NOT NULL UNIQUE,
	scopes text[] NOT NULL DEFAULT '{}',
	expires_at timestamptz,
	revoked_at timestamptz,
	last_used_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT api_tokens_owner CHECK ((user_id IS NULL) <> (service_account_id IS NULL))
);

-- Jobs: the PostgreSQL row is the truth; Redis only carries the dispatch.
CREATE TABLE jobs (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	type text NOT NULL,
	payload jsonb NOT NULL DEFAULT '{}',
	state text NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
	attempts int NOT NULL DEFAULT 0,
	max_attempts int NOT NULL DEFAULT 5,
	run_at timestamptz NOT NULL DEFAULT now(),
	idempotency_key text,
	result jsonb,
	error text,
	locked_by text,
	locked_at timestamptz,
	created_by uuid,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT jobs_idem__idempotency_key UNIQUE (tenant_id, type, idempotency_key)
);
CREATE INDEX jobs_list ON jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('queued', 'failed');

-- Files produced by jobs (exports, reports); downloadable through the API.
CREATE TABLE artifacts (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	job_id uuid,
	name text NOT NULL,
	content_type text NOT NULL,
	size bigint NOT NULL,
	sha256 text NOT NULL,
	data bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT artifacts_job_name UNIQUE (tenant_id, job_id, name)
);

-- Recurring jobs per tenant, cron-style (minute hour day-of-month month day-of-week).
CREATE TABLE schedules (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	job_type text NOT NULL,
	cron text NOT NULL,
	payload jsonb NOT NULL DEFAULT '{}',
	enabled boolean NOT NULL DEFAULT true,
	next_run_at timestamptz NOT NULL,
	last_run_at timestamptz,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE enabled;

-- Idempotency-Key replay store (24 h).
CREATE TABLE idempotency_keys (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	principal text NOT NULL,
	key text NOT NULL,
	method text NOT NULL,
	path text NOT NULL,
	body_hash text NOT NULL,
	status int NOT NULL,
	response text NOT NULL,
	headers jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, principal, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

-- Audit trail: append-only, hash-chained per tenant. The application role may read
-- (under RLS) and append through audit_append(); it cannot UPDATE or DELETE.
CREATE TABLE audit_events (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	seq bigint NOT NULL,
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	at timestamptz NOT NULL DEFAULT now(),
	actor_id uuid,
	action text NOT NULL,
	entity_type text NOT NULL,
	entity_id text,
	before jsonb,
	after jsonb,
	request_id text,
	prev_hash bytea NOT NULL,
	hash bytea NOT NULL,
	PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_entity ON audit_events (tenant_id, entity_type, entity_id, seq);
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_id, seq);

CREATE TABLE audit_heads (
	tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
	seq bigint NOT NULL,
	hash bytea NOT NULL
);

-- The canonical text of an event that the chain hashes: a jsonb object (jsonb prints
-- keys in a fixed order) with the timestamp in a fixed UTC format.
CREATE FUNCTION audit_canonical(e audit_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object(
		'seq', e.seq, 'tenant_id', e.tenant_id, 'id', e.id,
		'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
		'actor_id', e.actor_id, 'action', e.action, 'entity_type', e.entity_type,
		'entity_id', e.entity_id, 'before', e.before, 'after', e.after,
		'request_id', e.request_id)::text
$$;

-- Append one event for the current tenant; hash = SHA-256(prev_hash || canonical).
-- Runs with the owner's rights so the application role needs no INSERT grant;
-- the tenant comes only from the transaction's setting, never from the caller.
CREATE FUNCTION audit_append(p_action text, p_entity_type text, p_entity_id text,
	p_before jsonb, p_after jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	t uuid := app_tenant();
	head audit_heads;
	ev audit_events;
BEGIN
	IF t IS NULL THEN
		RAISE EXCEPTION 'audit_append without app.tenant_id';
	END IF;
	INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (t, 0, '\x'::bytea)
		ON CONFLICT (tenant_id) DO NOTHING;
	SELECT * INTO head FROM audit_heads WHERE tenant_id = t FOR UPDATE;
	ev.tenant_id := t;
	ev.seq := head.seq + 1;
	ev.id := gen_random_uuid();
	ev.at := clock_timestamp();
	ev.actor_id := app_user();
	ev.action := p_action;
	ev.entity_type := p_entity_type;
	ev.entity_id := p_entity_id;
	ev.before := p_before;
	ev.after := p_after;
	ev.request_id := nullif(current_setting('app.request_id', true), '');
	ev.prev_hash := head.hash;
	ev.hash := sha256(head.hash || convert_to(audit_canonical(ev), 'UTF8'));
	INSERT INTO audit_events VALUES (ev.*);
	UPDATE audit_heads SET seq = ev.seq, hash = ev.hash WHERE tenant_id = t;
	RETURN ev.seq;
END $$;
REVOKE ALL ON FUNCTION audit_append(text, text, text, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, jsonb, jsonb) TO concord_app;
GRANT EXECUTE ON FUNCTION audit_canonical(audit_events) TO concord_app;

-- RLS on every tenant-owned table: rows of the current tenant only.
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['refresh_tokens', 'service_accounts', 'api_tokens', 'jobs',
		'artifacts', 'schedules', 'idempotency_keys', 'audit_events', 'audit_heads']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
	END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens, service_accounts, api_tokens, jobs,
	artifacts, schedules, idempotency_keys TO concord_app;
GRANT SELECT ON audit_events, audit_heads TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('users', 10, true),
	('memberships', 20, true),
	('service_accounts', 30, true),
	('refresh_tokens', 40, false),
	('api_tokens', 50, false),
	('jobs', 60, false),
	('artifacts', 70, false),
	('schedules', 80, true),
	('idempotency_keys', 90, false),
	('audit_events', 100, false),
	('audit_heads', 110, false);

-- Sign-in happens before a tenant is known: look a local account up by email across
-- tenants, returning only what the password check needs. At most 5 candidates.
CREATE FUNCTION auth_find_users(p_email text, p_tenant_slug text)
RETURNS TABLE (tenant_id uuid, user_id uuid, password_hash text, user_status text,
	tenant_status text, tenant_slug text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT u.tenant_id, u.id, u.password_hash, u.status, t.status, t.slug
	FROM users u JOIN tenants t ON t.id = u.tenant_id
	WHERE lower(u.email) = lower(p_email) AND u.source = 'local'
	  AND (p_tenant_slug IS NULL OR t.slug = p_tenant_slug)
	ORDER BY u.created_at LIMIT 5
$$;
REVOKE ALL ON FUNCTION auth_find_users(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_find_users(text, text) TO concord_app;

-- Per-request authorisation context: the caller's role in the requested tenant,
-- that tenant's status, the caller's own account status and whether the caller's
-- session (refresh-token family) was revoked by logout. Membership is checked on
-- every request, so removing it ends access at the next request.
CREATE FUNCTION auth_context(p_tenant uuid, p_user uuid, p_session uuid)
RETURNS TABLE (role text, tenant_status text, tenant_kind text, user_status text,
	home_tenant uuid, session_revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT m.role, t.status, t.kind, u.status, u.tenant_id,
		p_session IS NOT NULL AND EXISTS (SELECT 1 FROM refresh_tokens r
			WHERE r.tenant_id = u.tenant_id AND r.family_id = p_session
			  AND r.revoked_at IS NOT NULL)
	FROM users u
	JOIN tenants t ON t.id = p_tenant
	LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = p_tenant
	WHERE u.id = p_user
$$;
REVOKE ALL ON FUNCTION auth_context(uuid, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_context(uuid, uuid, uuid) TO concord_app;

-- API tokens are looked up by hash before the tenant is known; the function also
-- resolves a service account's role and records the last use.
CREATE FUNCTION auth_api_token(p_hash bytea)
RETURNS TABLE (tenant_id uuid, token_id uuid, user_id uuid, service_account_id uuid,
	sa_role text, scopes text[], expired boolean, revoked boolean)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
	UPDATE api_tokens a SET last_used_at = now()
	WHERE a.token_hash = p_hash
	RETURNING a.tenant_id, a.id, a.user_id, a.service_account_id,
		(SELECT s.role FROM service_accounts s WHERE s.id = a.service_account_id), a.scopes,
		a.expires_at IS NOT NULL AND a.expires_at <= now(), a.revoked_at IS NOT NULL
$$;
REVOKE ALL ON FUNCTION auth_api_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_api_token(bytea) TO concord_app;

-- Workers and the scheduler look across tenants only through these functions, which
-- return identifiers; all further work runs under the job's tenant.
CREATE FUNCTION jobs_dispatchable(p_limit int)
RETURNS TABLE (tenant_id uuid, id uuid, type text, state text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT j.tenant_id, j.id, j.type, j.state FROM jobs j
	WHERE j.state IN ('queued', 'failed') AND j.run_at <= now()
	ORDER BY j.run_at LIMIT p_limit
$$;
CREATE FUNCTION jobs_stale_running(p_older_than_seconds int, p_limit int)
RETURNS TABLE (tenant_id uuid, id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT j.tenant_id, j.id FROM jobs j
	WHERE j.state = 'running'
	  AND j.locked_at < now() - make_interval(secs => p_older_than_seconds)
	LIMIT p_limit
$$;
CREATE FUNCTION jobs_state_counts()
RETURNS TABLE (type text, state text, n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT j.type, j.state, count(*) FROM jobs j GROUP BY 1, 2
$$;
CREATE FUNCTION schedules_due(p_limit int)
RETURNS TABLE (tenant_id uuid, id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT s.tenant_id, s.id FROM schedules s JOIN tenants t ON t.id = s.tenant_id
	WHERE s.enabled AND s.next_run_at <= now() AND t.status = 'active'
	ORDER BY s.next_run_at LIMIT p_limit
$$;
CREATE FUNCTION tenants_due_for_purge()
RETURNS TABLE (id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT t.id FROM tenants t WHERE t.status = 'deleting' AND t.delete_after <= now()
$$;
-- Remove every row of a tenant whose grace period has expired (including its audit
-- trail, which the application role could not otherwise delete).
CREATE FUNCTION tenant_purge(p_tenant uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE r record;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM tenants WHERE id = p_tenant AND status = 'deleting'
			AND delete_after <= now()) THEN
		RETURN false;
	END IF;
	IF EXISTS (SELECT 1 FROM tenants WHERE parent_id = p_tenant) THEN
		RETURN false;
	END IF;
	FOR r IN SELECT name FROM tenant_tables ORDER BY ord DESC LOOP
		EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', r.name) USING p_tenant;
	END LOOP;
	DELETE FROM memberships WHERE user_id IN (SELECT id FROM users WHERE tenant_id = p_tenant);
	DELETE FROM tenants WHERE id = p_tenant;
	RETURN true;
END $$;
REVOKE ALL ON FUNCTION jobs_dispatchable(int), jobs_stale_running(int, int), jobs_state_counts(),
	schedules_due(int), tenants_due_for_purge(), tenant_purge(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jobs_dispatchable(int), jobs_stale_running(int, int),
	jobs_state_counts(), schedules_due(int), tenants_due_for_purge(), tenant_purge(uuid)
	TO concord_app;
