-- 0007 single sign-on: per-tenant OpenID Connect configuration, pending browser
-- sign-ins (state, nonce, PKCE verifier) and the link from a Concord user to the
-- provider's subject. The API code is api/sso.c and lib/oidc.c.
--
-- Cross-tenant doors (SECURITY DEFINER, returning the minimum):
--   sso_tenant_by_slug  the tenant behind /v1/auth/sso/{slug}/login
--   sso_discover        home-realm discovery: the tenant claiming an email domain
--   sso_domains_taken   which of a configuration's domains another tenant claims

-- A user signed in through a provider is identified by (issuer, subject), never by
-- email alone: emails can be reassigned at the provider, subjects cannot.
ALTER TABLE users ADD COLUMN external_issuer text;
CREATE UNIQUE INDEX users_external__external_subject
	ON users (tenant_id, external_issuer, external_subject) WHERE external_subject IS NOT NULL;

CREATE TABLE sso_configs (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	issuer text NOT NULL CONSTRAINT sso_configs_issuer__issuer
		CHECK (length(issuer) BETWEEN 8 AND 500),
	client_id text NOT NULL CONSTRAINT sso_configs_client_id__client_id
		CHECK (length(client_id) BETWEEN 1 AND 255),
	-- AES-256-GCM under CONCORD_SECRET_KEY (lib/secretbox.c), bound to the tenant
	client_secret_sealed text NOT NULL,
	allowed_domains text[] NOT NULL CONSTRAINT sso_configs_domains__allowed_domains
		CHECK (cardinality(allowed_domains) BETWEEN 1 AND 50),
	groups_claim text NOT NULL DEFAULT 'groups' CONSTRAINT sso_configs_groups_claim__groups_claim
		CHECK (length(groups_claim) BETWEEN 1 AND 100),
	-- IdP group -> Concord role; the API validates the roles
	group_roles jsonb NOT NULL DEFAULT '{}' CONSTRAINT sso_configs_group_roles__group_roles
		CHECK (jsonb_typeof(group_roles) = 'object'),
	-- role when no group matches; NULL refuses such sign-ins
	default_role text CONSTRAINT sso_configs_default_role__default_role CHECK (default_role IN (
		'consultant', 'sponsor', 'isms_lead', 'aims_lead', 'product_ai_lead',
		'risk_compliance', 'security_lead', 'contributor', 'auditor', 'viewer')),
	jit_provisioning boolean NOT NULL DEFAULT false,
	accept_bearer_tokens boolean NOT NULL DEFAULT false,
	bearer_audience text CONSTRAINT sso_configs_bearer_audience__bearer_audience
		CHECK (length(bearer_audience) BETWEEN 1 AND 255),
	scopes text[] NOT NULL DEFAULT '{openid,email,profile}',
	enabled boolean NOT NULL DEFAULT true,
	-- what discovery said at the last save: endpoints, algorithms, client auth method
	provider jsonb NOT NULL,
	validated_at timestamptz NOT NULL DEFAULT now(),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id)
);

-- One row per browser sign-in started; the state sent to the provider is
-- "<tenant id>.<secret>" and only its SHA-256 is stored. used_at makes it single-use;
-- used rows are kept a day so a replay is recognised (and audited) as one.
CREATE TABLE sso_logins (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	state_hash bytea NOT NULL,
	nonce text NOT NULL,
	code_verifier text NOT NULL,
	redirect_uri text NOT NULL,
	login_hint text,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	used_at timestamptz,
	PRIMARY KEY (tenant_id, state_hash)
);
CREATE INDEX sso_logins_expiry ON sso_logins (tenant_id, expires_at);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['sso_configs', 'sso_logins'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO concord_app', t);
	END LOOP;
END $$;

-- Neither is exported: the configuration holds a secret sealed with this deployment's
-- key (re-enter it after an import), and pending sign-ins are operational state.
INSERT INTO tenant_tables (name, ord, exported) VALUES
	('sso_configs', 700, false),
	('sso_logins', 701, false);

CREATE FUNCTION sso_tenant_by_slug(p_slug text)
RETURNS TABLE (tenant_id uuid, tenant_status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT t.id, t.status FROM tenants t JOIN sso_configs c ON c.tenant_id = t.id
	WHERE t.slug = p_slug AND c.enabled
$$;

-- Answers from configurations only, never from user rows, so it cannot reveal whether
-- an account exists.
CREATE FUNCTION sso_discover(p_domain text)
RETURNS TABLE (tenant_slug text, tenant_name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT t.slug, t.name FROM sso_configs c JOIN tenants t ON t.id = c.tenant_id
	WHERE lower(p_domain) = ANY (c.allowed_domains) AND c.enabled AND t.status = 'active'
	ORDER BY c.created_at LIMIT 1
$$;

-- Domains of p_domains that another tenant's configuration already claims (the
-- calling tenant comes from the transaction, not from the caller).
CREATE FUNCTION sso_domains_taken(p_domains text[])
RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT DISTINCT d FROM sso_configs c, unnest(c.allowed_domains) d
	WHERE c.tenant_id <> app_tenant() AND d = ANY (p_domains)
	ORDER BY d
$$;

REVOKE ALL ON FUNCTION sso_tenant_by_slug(text), sso_discover(text), sso_domains_taken(text[])
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sso_tenant_by_slug(text), sso_discover(text),
	sso_domains_taken(text[]) TO concord_app;
