-- 0006 tokens and audit trail API: the indexes and constraints behind
-- /v1/me/tokens, /v1/service-accounts and /v1/audit-events (api/tokens_api.c,
-- api/audit.c). No new tables: api_tokens, service_accounts, audit_events and
-- audit_heads come from 0001 and are already registered in tenant_tables.

-- A token can only point at an owner of its own tenant: a personal token lives in its
-- user's home tenant, a service-account token in the account's tenant.
ALTER TABLE api_tokens
	ADD CONSTRAINT api_tokens_user__user_id FOREIGN KEY (tenant_id, user_id)
		REFERENCES users (tenant_id, id) ON DELETE CASCADE,
	ADD CONSTRAINT api_tokens_service_account__service_account_id
		FOREIGN KEY (tenant_id, service_account_id)
		REFERENCES service_accounts (tenant_id, id) ON DELETE CASCADE,
	-- every token the API issues expires, at most 366 days after it was created
	ADD CONSTRAINT api_tokens_expiry__expires_at CHECK (expires_at IS NULL
		OR (expires_at > created_at AND expires_at <= created_at + interval '366 days')),
	ADD CONSTRAINT api_tokens_scopes__scopes CHECK (cardinality(scopes) BETWEEN 1 AND 32);

-- Listing a user's or a service account's tokens, newest first.
CREATE INDEX api_tokens_user_list ON api_tokens (tenant_id, user_id, created_at, id)
	WHERE user_id IS NOT NULL;
CREATE INDEX api_tokens_sa_list ON api_tokens (tenant_id, service_account_id, created_at, id)
	WHERE service_account_id IS NOT NULL;

-- GET /v1/audit-events filters; newest-first without a filter walks the primary key
-- (tenant_id, seq) backwards, entity and actor filters use the indexes of 0001.
CREATE INDEX audit_events_action ON audit_events (tenant_id, action, seq);
CREATE INDEX audit_events_at ON audit_events (tenant_id, at, seq);
