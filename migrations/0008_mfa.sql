-- 0008 multi-factor authentication for local accounts: TOTP (RFC 6238) enrolments,
-- hashed recovery codes, the short-lived challenges between the password step and the
-- code step of a sign-in, and the operator's policy. The API code is api/mfa.c.
--
-- Cross-tenant door: mfa_required_for(tenant), which reads the policy of a tenant and
-- of its operator (a client tenant cannot see its operator's rows).

CREATE TABLE mfa_totp (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	user_id uuid NOT NULL,
	-- AES-256-GCM under CONCORD_SECRET_KEY (lib/secretbox.c), bound to tenant and user
	secret_sealed text NOT NULL,
	confirmed_at timestamptz, -- NULL while the enrolment waits for its first code
	last_step bigint NOT NULL DEFAULT 0, -- highest time step accepted: codes are single-use
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, user_id),
	CONSTRAINT mfa_totp_user__user_id FOREIGN KEY (tenant_id, user_id)
		REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- SHA-256 of (user id, code); codes carry 80 random bits, so a fast hash is enough.
CREATE TABLE mfa_recovery_codes (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	user_id uuid NOT NULL,
	code_hash text NOT NULL,
	used_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, user_id, code_hash),
	CONSTRAINT mfa_recovery_codes_user__user_id FOREIGN KEY (tenant_id, user_id)
		REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- Issued when the password was right and a second factor is due: purpose 'verify'
-- (enrolled user) or 'enrol' (the policy requires MFA and the user has none yet).
-- The token given to the client is "cmf.<tenant id>.<secret>"; only its hash is stored.
CREATE TABLE mfa_challenges (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL,
	token_hash bytea NOT NULL,
	purpose text NOT NULL CONSTRAINT mfa_challenges_purpose__purpose
		CHECK (purpose IN ('verify', 'enrol')),
	attempts int NOT NULL DEFAULT 0,
	expires_at timestamptz NOT NULL,
	used_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT mfa_challenges_token__mfa_token UNIQUE (tenant_id, token_hash),
	CONSTRAINT mfa_challenges_user__user_id FOREIGN KEY (tenant_id, user_id)
		REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX mfa_challenges_expiry ON mfa_challenges (tenant_id, expires_at);

-- The operator's (or a tenant's own) policy; applies to the local accounts of the
-- tenant and, for an operator, of all its client tenants.
CREATE TABLE mfa_policies (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	require_local boolean NOT NULL DEFAULT false,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id)
);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['mfa_totp', 'mfa_recovery_codes', 'mfa_challenges',
		'mfa_policies'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO concord_app', t);
	END LOOP;
END $$;

-- Seeds and codes are secrets sealed with this deployment's key (users enrol again
-- after an import); the policy is configuration and travels.
INSERT INTO tenant_tables (name, ord, exported) VALUES
	('mfa_totp', 800, false),
	('mfa_recovery_codes', 801, false),
	('mfa_challenges', 802, false),
	('mfa_policies', 803, true);

CREATE FUNCTION mfa_required_for(p_tenant uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT coalesce(bool_or(p.require_local), false)
	FROM tenants t JOIN mfa_policies p ON p.tenant_id = t.id OR p.tenant_id = t.parent_id
	WHERE t.id = p_tenant
$$;
REVOKE ALL ON FUNCTION mfa_required_for(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mfa_required_for(uuid) TO concord_app;
