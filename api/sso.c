/*
 * sso.c - single sign-on through each tenant's own OpenID Connect provider, and the
 * tenants a person may act in.
 *
 *   /v1/tenants/{id}/sso          the tenant's provider configuration (GET, PUT, PATCH,
 *                                 DELETE); the client secret is write-only, sealed with
 *                                 CONCORD_SECRET_KEY, and every save re-runs discovery
 *   /v1/auth/discover             home-realm discovery: email domain -> tenant, SSO or not
 *   /v1/auth/sso/{slug}/login     start the browser flow: 302 to the provider with
 *                                 code + PKCE (S256), state and nonce
 *   /v1/auth/sso/callback         finish it: single-use state, code exchange, ID token
 *                                 validation (lib/oidc.c), group -> role mapping, account
 *                                 link / just-in-time provisioning, Concord session
 *   /v1/me/tenants                the caller's tenants (consultants switch with
 *                                 X-Concord-Tenant; membership is checked per request)
 *   sso_authenticate_bearer()     access tokens issued by a tenant's provider, accepted
 *                                 on the API when the tenant enables it (from auth.c)
 *
 * Accounts: an SSO user is identified by (issuer, subject). At the first sign-in an
 * account that an administrator created with the same email is linked; otherwise the
 * account is created when just-in-time provisioning is on, and the sign-in refused when
 * it is off. The provider's groups decide the role at every sign-in (first match in
 * role_precedence, else the default role); a change is audited as user.role_change.
 *
 * Every sign-in (auth.login, through auth_start_session), failed sign-in
 * (auth.login_failed), configuration change (sso.config_*) and role change is audited
 * in the tenant. A failed callback still commits (r->commit_on_error) so that the state
 * stays spent and the failure is recorded; account writes happen inside a savepoint so a
 * half-done provisioning never commits.
 *
 * Network calls to the provider run inside the request transaction of the callback
 * and of configuration saves (bounded by lib/oidc.c's timeouts); on the bearer path
 * they run outside any transaction. Threads: any MHD pool thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "jsonv.h"
#include "log.h"
#include "oidc.h"
#include "secretbox.h"
#include "util.h"

#define LOGIN_TTL_SECONDS 600
#define STATE_PREFIX_LEN  36 /* the tenant id in front of the state secret */

#define SSO_JSON                                                                                   \
	"jsonb_build_object('tenant_id', c.tenant_id, 'issuer', c.issuer, 'client_id',        \
	c.client_id, 'client_secret_set', true, 'allowed_domains', to_jsonb(c.allowed_domains), \
	'groups_claim', c.groups_claim, 'group_roles', c.group_roles, 'default_role',         \
	c.default_role, 'jit_provisioning', c.jit_provisioning, 'accept_bearer_tokens',       \
	c.accept_bearer_tokens, 'bearer_audience', c.bearer_audience, 'scopes',               \
	to_jsonb(c.scopes), 'enabled', c.enabled, 'provider', c.provider, 'validated_at',     \
	c.validated_at, 'version', c.version, 'created_at', c.created_at, 'updated_at',       \
	c.updated_at)"

static const char cfg_get_sql[] =
        "SELECT " SSO_JSON ", c.client_secret_sealed FROM sso_configs c WHERE c.tenant_id = $1";
static const char cfg_lock_sql[] =
        "SELECT " SSO_JSON ", c.client_secret_sealed FROM sso_configs c WHERE c.tenant_id = $1"
        " FOR UPDATE";
static const char cfg_upsert_sql[] =
        "INSERT INTO sso_configs AS c (tenant_id, issuer, client_id, client_secret_sealed,"
        " allowed_domains, groups_claim, group_roles, default_role, jit_provisioning,"
        " accept_bearer_tokens, bearer_audience, scopes, enabled, provider)"
        " VALUES ($1, $2, $3, $4, ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6,"
        " $7::jsonb, $8, $9::boolean, $10::boolean, $11,"
        " ARRAY(SELECT jsonb_array_elements_text($12::jsonb)), $13::boolean, $14::jsonb)"
        " ON CONFLICT (tenant_id) DO UPDATE SET issuer = EXCLUDED.issuer,"
        " client_id = EXCLUDED.client_id, client_secret_sealed = EXCLUDED.client_secret_sealed,"
        " allowed_domains = EXCLUDED.allowed_domains, groups_claim = EXCLUDED.groups_claim,"
        " group_roles = EXCLUDED.group_roles, default_role = EXCLUDED.default_role,"
        " jit_provisioning = EXCLUDED.jit_provisioning,"
        " accept_bearer_tokens = EXCLUDED.accept_bearer_tokens,"
        " bearer_audience = EXCLUDED.bearer_audience, scopes = EXCLUDED.scopes,"
        " enabled = EXCLUDED.enabled, provider = EXCLUDED.provider, validated_at = now(),"
        " version = c.version + 1, updated_at = now()"
        " WHERE c.version = $15::int"
        " RETURNING " SSO_JSON;
static const char cfg_delete_sql[] =
        "DELETE FROM sso_configs WHERE tenant_id = $1 AND version = $2::int";
static const char client_of_sql[] =
        "SELECT 1 FROM tenants WHERE id = $1 AND parent_id = app_tenant()";
static const char slug_sql[] = "SELECT slug FROM tenants WHERE id = $1";
static const char domains_lock_sql[] =
        "SELECT pg_advisory_xact_lock(hashtext('concord.sso_domains'))";
static const char domains_taken_sql[] =
        "SELECT d FROM sso_domains_taken(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) d";

static const char by_slug_sql[] = "SELECT tenant_id, tenant_status FROM sso_tenant_by_slug($1)";
static const char login_cfg_sql[] =
        "SELECT client_id, array_to_string(scopes, ' '), provider->>'authorization_endpoint'"
        " FROM sso_configs WHERE tenant_id = $1 AND enabled";
static const char login_gc_sql[] =
        "DELETE FROM sso_logins WHERE tenant_id = $1 AND expires_at < now() - interval '1 day'";
static const char login_insert_sql[] =
        "INSERT INTO sso_logins (tenant_id, state_hash, nonce, code_verifier, redirect_uri,"
        " login_hint, expires_at) VALUES ($1, decode($2, 'hex'), $3, $4, $5, $6,"
        " now() + make_interval(secs => $7::int))";

static const char state_get_sql[] =
        "SELECT nonce, code_verifier, redirect_uri, used_at IS NOT NULL, expires_at <= now()"
        " FROM sso_logins WHERE tenant_id = $1 AND state_hash = decode($2, 'hex') FOR UPDATE";
static const char state_use_sql[] = "UPDATE sso_logins SET used_at = now() WHERE tenant_id = $1"
                                    " AND state_hash = decode($2, 'hex')";
static const char cb_cfg_sql[] =
        "SELECT issuer, client_id, client_secret_sealed, groups_claim, group_roles::text,"
        " default_role, jit_provisioning, provider::text"
        " FROM sso_configs WHERE tenant_id = $1 AND enabled";
static const char domain_ok_sql[] =
        "SELECT lower($2) = ANY (allowed_domains) FROM sso_configs WHERE tenant_id = $1";

static const char user_by_sub_sql[] =
        "SELECT id, status, email, display_name FROM users WHERE tenant_id = app_tenant()"
        " AND external_issuer = $1 AND external_subject = $2";
static const char user_by_email_sql[] =
        "SELECT id, status, external_subject FROM users WHERE tenant_id = app_tenant()"
        " AND lower(email) = lower($1)";
static const char user_link_sql[] =
        "UPDATE users SET source = 'sso', external_issuer = $2, external_subject = $3,"
        " version = version + 1, updated_at = now() WHERE tenant_id = app_tenant() AND id = $1";
static const char user_profile_sql[] =
        "UPDATE users SET email = $2, display_name = $3, version = version + 1,"
        " updated_at = now() WHERE tenant_id = app_tenant() AND id = $1";
static const char user_insert_sql[] =
        "INSERT INTO users (tenant_id, email, display_name, source, external_issuer,"
        " external_subject) VALUES (app_tenant(), $1, $2, 'sso', $3, $4) RETURNING id";
static const char member_get_sql[] =
        "SELECT role FROM memberships WHERE tenant_id = app_tenant() AND user_id = $1";
static const char member_insert_sql[] =
        "INSERT INTO memberships (tenant_id, user_id, role) VALUES (app_tenant(), $1, $2)";
static const char member_role_sql[] =
        "UPDATE memberships SET role = $2, version = version + 1, updated_at = now()"
        " WHERE tenant_id = app_tenant() AND user_id = $1";

static const char bearer_cfg_sql[] =
        "SELECT issuer, coalesce(bearer_audience, client_id), accept_bearer_tokens AND enabled,"
        " provider->>'jwks_uri', provider->'algs' FROM sso_configs WHERE tenant_id = $1";
static const char bearer_user_sql[] =
        "SELECT id FROM users WHERE tenant_id = app_tenant() AND external_issuer = $1"
        " AND external_subject = $2";

static const char discover_sql[] = "SELECT tenant_slug, tenant_name FROM sso_discover($1)";

static const char me_tenants_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('tenant_id', tenant_id, 'slug', slug, 'name',"
        " name, 'kind', kind, 'status', status, 'role', role, 'home', home, 'current',"
        " tenant_id = $3::uuid) ORDER BY slug), '[]')"
        " FROM (SELECT * FROM me_tenants() WHERE ($1::text IS NULL OR slug > $1)"
        " ORDER BY slug LIMIT $2::int) s";

/* Roles SSO may grant (never operator), and which one wins when a person's groups map
 * to several: the first in this list. */
static const char *const role_precedence[] = {"isms_lead", "aims_lead", "consultant",
        "risk_compliance", "security_lead", "product_ai_lead", "sponsor", "contributor", "auditor",
        "viewer", NULL};

static const char *const config_keys[] = {"issuer", "client_id", "allowed_domains", "groups_claim",
        "group_roles", "default_role", "jit_provisioning", "accept_bearer_tokens",
        "bearer_audience", "scopes", "enabled", NULL};

#define CONFIG_FIELDS(req)                                                                         \
	{"issuer", JV_STRING, req, .max = 500}, {"client_id", JV_STRING, req, .max = 255},         \
	        {"client_secret", JV_STRING, 0, .max = 1024},                                      \
	        {"allowed_domains", JV_ARRAY, req, .max = 50},                                     \
	        {"groups_claim", JV_STRING, 0, .max = 100},                                        \
	        {"group_roles", JV_OBJECT, 0, .max = 200},                                         \
	        {"default_role", JV_ENUM, JV_NULLABLE, .values = role_precedence},                 \
	        {"jit_provisioning", JV_BOOL, 0}, {"accept_bearer_tokens", JV_BOOL, 0},            \
	        {"bearer_audience", JV_STRING, JV_NULLABLE, .max = 255},                           \
	        {"scopes", JV_ARRAY, 0, .max = 20}, {"enabled", JV_BOOL, 0},                       \
	{                                                                                          \
		NULL                                                                               \
	}

static const struct jv_field put_fields[] = {CONFIG_FIELDS(JV_REQUIRED)};
static const struct jv_field patch_fields[] = {CONFIG_FIELDS(0)};
static const struct jv_field discover_fields[] = {
        {"email", JV_EMAIL, JV_REQUIRED, .max = 320},
        {NULL},
};

static const char *const login_query[] = {"login_hint", NULL};
static const char *const callback_query[] = {
        "code", "state", "error", "error_description", "iss", "session_state", NULL};
static const char *const me_query[] = {"limit", NULL};

/* ------------------------------------------------------------------ helpers */

static bool sso_role_ok(const char *role)
{
	for (const char *const *p = role_precedence; *p; p++)
		if (strcmp(*p, role) == 0)
			return true;
	return false;
}

static const char *redirect_uri(struct req *r)
{
	size_t n = strlen(cfg.public_url);
	while (n > 0 && cfg.public_url[n - 1] == '/')
		n--;
	return arena_printf(r->arena, "%.*s/v1/auth/sso/callback", (int)n, cfg.public_url);
}

static char *b64_random(struct req *r, size_t bytes)
{
	unsigned char raw[64];
	util_random(raw, bytes);
	char *s = util_b64url_encode(raw, bytes);
	char *out = arena_strdup(r->arena, s);
	free(s);
	return out;
}

/* Escape into the arena. */
static const char *esc(struct req *r, const char *s)
{
	char *x = oidc_escape(s);
	char *out = arena_strdup(r->arena, x);
	free(x);
	return out;
}

/* A domain name: labels of [a-z0-9-] (not starting or ending with '-'), at least two. */
static bool valid_domain(const char *d)
{
	size_t n = strlen(d), label = 0;
	int dots = 0;
	if (n < 3 || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = d[i];
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return false;
			label = 0;
			dots++;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		           (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return dots > 0 && d[n - 1] != '-';
}

static char *lower_dup(struct req *r, const char *s)
{
	char *o = arena_strdup(r->arena, s);
	for (char *p = o; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return o;
}

/* The tenant a configuration route acts on: the request's tenant, or (for an operator)
 * one of its client tenants. Switches the transaction to it; *acting keeps the tenant
 * the request started in. */
static int sso_target(struct req *r, const char **target, const char **acting, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	*acting = r->tenant_id;
	*target = id;
	if (strcmp(id, r->tenant_id) == 0)
		return 0;
	PGresult *c = db_exec(r->db, r->arena, e, client_of_sql, 1, id);
	if (!c)
		return -1;
	if (PQntuples(c) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such tenant");
	return req_set_tenant(r, id, e);
}

/* Audit in the configured tenant and, when an operator acted on a client, in the
 * operator's trail too; leaves the transaction in the acting tenant. */
static int audit_both(struct req *r, const char *target, const char *acting, const char *action,
        json_t *before, json_t *after, struct err *e)
{
	if (audit_record(r, action, "sso_config", target, before, after, e))
		return -1;
	if (strcmp(target, acting) == 0)
		return 0;
	return req_set_tenant(r, acting, e) ||
	       audit_record(r, action, "sso_config", target, before, after, e);
}

/* The configuration of tenant as API JSON (borrowed, arena), with the redirect URI to
 * register and the sign-in link; NULL + 404 when there is none. */
static json_t *load_config(struct req *r, const char *tenant, bool lock, const char **sealed,
        struct resp *resp, struct err *e)
{
	PGresult *res = db_exec(r->db, r->arena, e, lock ? cfg_lock_sql : cfg_get_sql, 1, tenant);
	if (!res)
		return NULL;
	if (PQntuples(res) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "this tenant has no single sign-on configuration");
		return NULL;
	}
	json_t *c = db_json(r->arena, res, 0, 0);
	if (sealed)
		*sealed = PQgetvalue(res, 0, 1);
	if (resp)
		resp->etag = arena_printf(r->arena, "%lld",
		        (long long)json_integer_value(json_object_get(c, "version")));
	return c;
}

/* Add what an administrator needs to register Concord at the provider. */
static int decorate(struct req *r, const char *tenant, json_t *c, struct err *e)
{
	PGresult *s = db_exec(r->db, r->arena, e, slug_sql, 1, tenant);
	if (!s)
		return -1;
	json_object_set_new(c, "redirect_uri", json_string(redirect_uri(r)));
	if (PQntuples(s) == 1)
		json_object_set_new(c, "login_url",
		        json_sprintf(
		                "%s/v1/auth/sso/%s/login", cfg.public_url, PQgetvalue(s, 0, 0)));
	return 0;
}

/* ------------------------------------------------------------ configuration */

static int sso_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *target, *acting;
	if (sso_target(r, &target, &acting, e))
		return -1;
	json_t *c = load_config(r, target, false, NULL, resp, e);
	if (!c || decorate(r, target, c, e))
		return -1;
	resp->body = json_incref(c);
	return req_set_tenant(r, acting, e);
}

/* Normalise and check the merged configuration in place. */
static int check_config(struct req *r, json_t *m, struct err *e)
{
	json_t *domains = json_array(), *v;
	size_t i;
	json_array_foreach(json_object_get(m, "allowed_domains"), i, v)
	{
		char field[40];
		snprintf(field, sizeof field, "allowed_domains[%zu]", i);
		if (!json_is_string(v) || json_string_length(v) > 253) {
			json_decref(domains);
			return err_set(e, ERR_INVALID, field, "must be a domain name");
		}
		char *d = lower_dup(r, json_string_value(v));
		if (!valid_domain(d)) {
			json_decref(domains);
			return err_set(
			        e, ERR_INVALID, field, "must be a domain name such as example.com");
		}
		size_t j;
		json_t *w;
		json_array_foreach(domains, j, w)
		{
			if (strcmp(json_string_value(w), d) == 0) {
				json_decref(domains);
				return err_set(e, ERR_INVALID, field, "is listed twice");
			}
		}
		json_array_append_new(domains, json_string(d));
	}
	if (json_array_size(domains) == 0) {
		json_decref(domains);
		return err_set(e, ERR_INVALID, "allowed_domains", "must list at least one domain");
	}
	json_object_set_new(m, "allowed_domains", domains);

	const char *k;
	json_object_foreach(json_object_get(m, "group_roles"), k, v)
	{
		char field[300];
		snprintf(field, sizeof field, "group_roles.%s", k);
		if (!*k || strlen(k) > 256)
			return err_set(e, ERR_INVALID, "group_roles",
			        "group names must be 1 to 256 bytes");
		if (!json_is_string(v) || !sso_role_ok(json_string_value(v)))
			return err_set(e, ERR_INVALID, field,
			        "must be a role other than operator (isms_lead, aims_lead, "
			        "consultant, "
			        "risk_compliance, security_lead, product_ai_lead, sponsor, "
			        "contributor, "
			        "auditor, viewer)");
	}
	if (json_object_size(json_object_get(m, "group_roles")) == 0 &&
	        !json_is_string(json_object_get(m, "default_role")))
		return err_set(e, ERR_UNPROCESSABLE, "default_role",
		        "set group_roles or a default_role, otherwise nobody can sign in");

	bool openid = false;
	json_array_foreach(json_object_get(m, "scopes"), i, v)
	{
		const char *s = json_string_value(v);
		char field[32];
		snprintf(field, sizeof field, "scopes[%zu]", i);
		if (!s || !*s || strlen(s) > 100)
			return err_set(e, ERR_INVALID, field, "must be a scope name");
		for (const char *p = s; *p; p++)
			if (*p <= ' ' || *p > '~' || *p == '"' || *p == '\\')
				return err_set(e, ERR_INVALID, field, "must be a scope name");
		if (strcmp(s, "openid") == 0)
			openid = true;
	}
	if (!openid)
		return err_set(e, ERR_INVALID, "scopes", "must include openid");
	const char *gc = json_string_value(json_object_get(m, "groups_claim"));
	for (const char *p = gc; p && *p; p++)
		if (*p < ' ' || *p > '~')
			return err_set(e, ERR_INVALID, "groups_claim", "must be printable ASCII");
	return 0;
}

/* Start from defaults (PUT) or the stored configuration (PATCH) and overlay the body. */
static json_t *merge_config(const json_t *body, const json_t *existing, bool patch)
{
	json_t *m = json_pack("{s:s, s:{}, s:n, s:b, s:b, s:n, s:[sss], s:b}", "groups_claim",
	        "groups", "group_roles", "default_role", "jit_provisioning", 0,
	        "accept_bearer_tokens", 0, "bearer_audience", "scopes", "openid", "email",
	        "profile", "enabled", 1);
	for (const char *const *k = config_keys; *k; k++) {
		json_t *v = json_object_get(body, *k);
		if (!v && patch)
			v = json_object_get(existing, *k);
		if (v)
			json_object_set_new(m, *k, json_deep_copy(v));
	}
	return m;
}

static int sso_save(struct req *r, struct resp *resp, struct err *e, bool patch)
{
	const char *target, *acting, *sealed_old = NULL;
	json_t *b;
	long version = 0;
	if (req_body_object(r, &b, e) || jv_check(b, patch ? patch_fields : put_fields, e) ||
	        sso_target(r, &target, &acting, e))
		return -1;
	struct err nf = {0};
	json_t *before = load_config(r, target, true, &sealed_old, NULL, &nf);
	if (!before && nf.code != ERR_NOT_FOUND) {
		*e = nf;
		return -1;
	}
	if (!before && patch)
		return err_set(e, ERR_NOT_FOUND, NULL,
		        "this tenant has no single sign-on configuration; create it with PUT");
	bool has_if_match = req_header(r, "If-Match") != NULL;
	if ((before || has_if_match) && req_if_match(r, &version, e))
		return -1;
	if (!before && has_if_match)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "there is no configuration to update");
	if (before && json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the configuration was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	const char *secret = jv_str(b, "client_secret");
	if (!before && !secret)
		return err_set(e, ERR_INVALID, "client_secret", "is required");

	json_t *m = arena_json(r->arena, merge_config(b, before, patch));
	if (check_config(r, m, e))
		return -1;
	const char *issuer = json_string_value(json_object_get(m, "issuer"));
	json_t *provider = arena_json(r->arena, oidc_discover(issuer, e));
	if (!provider)
		return -1;

	char *domains = json_dumps(json_object_get(m, "allowed_domains"), JSON_COMPACT);
	PGresult *lk = db_exec(r->db, r->arena, e, domains_lock_sql, 0);
	PGresult *taken = lk ? db_exec(r->db, r->arena, e, domains_taken_sql, 1, domains) : NULL;
	if (!taken) {
		free(domains);
		return -1;
	}
	if (PQntuples(taken) > 0) {
		free(domains);
		return err_set(e, ERR_CONFLICT, "allowed_domains",
		        "%s is already claimed by another organisation's single sign-on",
		        PQgetvalue(taken, 0, 0));
	}

	char *sealed = NULL;
	if (secret) {
		char aad[80];
		snprintf(aad, sizeof aad, "sso.client_secret:%s", target);
		if (!(sealed = secretbox_seal(
		              cfg.secret_key_hex, aad, secret, strlen(secret), e))) {
			free(domains);
			return -1;
		}
	}
	char *roles = json_dumps(json_object_get(m, "group_roles"), JSON_COMPACT);
	char *scopes = json_dumps(json_object_get(m, "scopes"), JSON_COMPACT);
	char *prov = json_dumps(provider, JSON_COMPACT);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {target, issuer, json_string_value(json_object_get(m, "client_id")),
	        sealed ? sealed : sealed_old, domains,
	        json_string_value(json_object_get(m, "groups_claim")), roles,
	        json_string_value(json_object_get(m, "default_role")),
	        json_is_true(json_object_get(m, "jit_provisioning")) ? "true" : "false",
	        json_is_true(json_object_get(m, "accept_bearer_tokens")) ? "true" : "false",
	        json_string_value(json_object_get(m, "bearer_audience")), scopes,
	        json_is_true(json_object_get(m, "enabled")) ? "true" : "false", prov,
	        before ? vbuf : NULL};
	PGresult *res = db_execv(r->db, r->arena, e, cfg_upsert_sql, 15, p);
	free(sealed);
	free(domains);
	free(roles);
	free(scopes);
	free(prov);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the configuration was changed by someone else");
	json_t *after = db_json(r->arena, res, 0, 0);
	json_t *audit_after = json_deep_copy(after);
	json_object_set_new(audit_after, "client_secret_changed", json_boolean(secret != NULL));
	int rc = audit_both(r, target, acting, before ? "sso.config_update" : "sso.config_create",
	        before, audit_after, e);
	json_decref(audit_after);
	if (rc || req_set_tenant(r, target, e) || decorate(r, target, after, e) ||
	        req_set_tenant(r, acting, e))
		return -1;
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(after, "version")));
	if (!before) {
		resp->status = 201;
		resp->location = arena_printf(r->arena, "/v1/tenants/%s/sso", target);
	}
	resp->body = json_incref(after);
	return 0;
}

static int sso_put(struct req *r, struct resp *resp, struct err *e)
{
	return sso_save(r, resp, e, false);
}

static int sso_patch(struct req *r, struct resp *resp, struct err *e)
{
	return sso_save(r, resp, e, true);
}

static int sso_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *target, *acting;
	long version;
	if (req_if_match(r, &version, e) || sso_target(r, &target, &acting, e))
		return -1;
	json_t *before = load_config(r, target, true, NULL, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, cfg_delete_sql, 2, target, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the configuration was changed by someone else");
	if (audit_both(r, target, acting, "sso.config_delete", before, NULL, e))
		return -1;
	resp->status = 204;
	return req_set_tenant(r, acting, e);
}

/* ------------------------------------------------------------ discovery */

static int sso_discover(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, discover_fields, e))
		return -1;
	const char *email = jv_str(b, "email");
	const char *domain = lower_dup(r, strrchr(email, '@') + 1);
	PGresult *res = db_exec(r->db, r->arena, e, discover_sql, 1, domain);
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		/* the same answer whether or not a local account exists */
		resp->body = json_pack("{s:s, s:b, s:n, s:s}", "email_domain", domain, "sso", 0,
		        "tenant", "login_url",
		        arena_printf(r->arena, "%s/v1/auth/login", cfg.public_url));
		return 0;
	}
	const char *slug = PQgetvalue(res, 0, 0);
	resp->body = json_pack("{s:s, s:b, s:{s:s, s:s}, s:s}", "email_domain", domain, "sso", 1,
	        "tenant", "slug", slug, "name", PQgetvalue(res, 0, 1), "login_url",
	        arena_printf(r->arena, "%s/v1/auth/sso/%s/login?login_hint=%s", cfg.public_url,
	                slug, esc(r, email)));
	return 0;
}

/* ------------------------------------------------------------ browser flow */

static int sso_login(struct req *r, struct resp *resp, struct err *e)
{
	const char *slug = req_param(r, "slug"), *hint = req_query(r, "login_hint");
	if (!slug || strlen(slug) > 63)
		return err_set(
		        e, ERR_NOT_FOUND, NULL, "this organisation does not use single sign-on");
	if (hint && strlen(hint) > 320)
		return err_set(e, ERR_INVALID, "login_hint", "must be at most 320 bytes");
	PGresult *t = db_exec(r->db, r->arena, e, by_slug_sql, 1, slug);
	if (!t)
		return -1;
	if (PQntuples(t) == 0)
		return err_set(
		        e, ERR_NOT_FOUND, NULL, "this organisation does not use single sign-on");
	if (strcmp(PQgetvalue(t, 0, 1), "active") != 0)
		return err_set(e, ERR_FORBIDDEN, NULL, "tenant is %s", PQgetvalue(t, 0, 1));
	const char *tenant = arena_strdup(r->arena, PQgetvalue(t, 0, 0));
	if (req_set_tenant(r, tenant, e))
		return -1;
	PGresult *c = db_exec(r->db, r->arena, e, login_cfg_sql, 1, tenant);
	if (!c)
		return -1;
	if (PQntuples(c) == 0)
		return err_set(
		        e, ERR_NOT_FOUND, NULL, "this organisation does not use single sign-on");

	const char *state = arena_printf(r->arena, "%s.%s", tenant, b64_random(r, 32));
	const char *nonce = b64_random(r, 32), *verifier = b64_random(r, 32);
	unsigned char digest[32];
	util_sha256(verifier, strlen(verifier), digest);
	char *challenge = util_b64url_encode(digest, sizeof digest);
	char hash[65], ttl[16];
	util_sha256_hex(state, strlen(state), hash);
	snprintf(ttl, sizeof ttl, "%d", LOGIN_TTL_SECONDS);
	const char *redirect = redirect_uri(r);
	if (!db_exec(r->db, r->arena, e, login_gc_sql, 1, tenant) ||
	        !db_exec(r->db, r->arena, e, login_insert_sql, 7, tenant, hash, nonce, verifier,
	                redirect, hint, ttl)) {
		free(challenge);
		return -1;
	}
	const char *authz = PQgetvalue(c, 0, 2);
	char *url = arena_printf(r->arena,
	        "%s%sresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s&state=%s&nonce=%s"
	        "&code_challenge=%s&code_challenge_method=S256%s%s",
	        authz, strchr(authz, '?') ? "&" : "?", esc(r, PQgetvalue(c, 0, 0)),
	        esc(r, redirect), esc(r, PQgetvalue(c, 0, 1)), esc(r, state), esc(r, nonce),
	        challenge, hint ? "&login_hint=" : "", hint ? esc(r, hint) : "");
	free(challenge);
	/* a browser navigates and follows the redirect; a script (a single-page app cannot
	 * follow a cross-origin redirect) asks for JSON and navigates itself */
	const char *accept = req_header(r, "Accept");
	resp->status = accept && strstr(accept, "application/json") ? 200 : 302;
	if (resp->status == 302)
		resp->location = url;
	resp->body = json_pack("{s:s}", "location", url);
	return 0;
}

/* The identity a validated ID token describes. */
struct identity {
	const char *issuer, *sub, *email, *name;
	json_t *groups; /* borrowed from the claims; array, string or NULL */
};

/* Record a failed SSO sign-in in the tenant (the transaction commits anyway); e keeps
 * the error for the client. Returns -1. */
static int sso_fail(struct req *r, const struct identity *id, const char *user, struct err *e)
{
	r->commit_on_error = true;
	json_t *d = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "client_ip", r->client_ip, "method",
	        "sso", "reason", e->message, "subject", id ? id->sub : NULL, "email",
	        id ? id->email : NULL);
	struct err ae = {0};
	if (audit_record(r, "auth.login_failed", "user", user, NULL, d, &ae))
		log_warn("could not audit a failed SSO sign-in: %s", ae.detail_log);
	json_decref(d);
	return -1;
}

/* Find a claim by name, or by a dotted path into nested objects (Keycloak's
 * realm_access.roles); names with dots (URL-style custom claims) are tried whole first. */
static json_t *claim_path(json_t *claims, const char *name, struct arena *a)
{
	json_t *v = json_object_get(claims, name);
	if (v || !strchr(name, '.'))
		return v;
	char *copy = arena_strdup(a, name), *save;
	v = claims;
	for (char *t = strtok_r(copy, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
		v = json_object_get(v, t);
	return v;
}

static bool in_groups(const json_t *groups, const char *g)
{
	if (json_is_string(groups))
		return strcmp(json_string_value(groups), g) == 0;
	size_t i;
	json_t *v;
	json_array_foreach(groups, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), g) == 0)
			return true;
	}
	return false;
}

/* The role the person's groups give: the first in role_precedence that one of their
 * groups maps to, else the default role, else NULL. */
static const char *map_role(
        const json_t *groups, const json_t *group_roles, const char *default_role)
{
	for (const char *const *role = role_precedence; *role; role++) {
		const char *g;
		json_t *v;
		json_object_foreach((json_t *)group_roles, g, v)
		{
			if (strcmp(json_string_value(v), *role) == 0 && in_groups(groups, g))
				return *role;
		}
	}
	return default_role;
}

/* Link, update or create the account and set its role. Runs inside a savepoint; on
 * failure e says why (a refusal or a database error). */
static int provision(struct req *r, const struct identity *id, const char *role, bool jit,
        const char **user_out, struct err *e)
{
	const char *user = NULL;
	PGresult *u = db_exec(r->db, r->arena, e, user_by_sub_sql, 2, id->issuer, id->sub);
	if (!u)
		return -1;
	if (PQntuples(u) == 1) {
		user = PQgetvalue(u, 0, 0);
		if (strcmp(PQgetvalue(u, 0, 1), "active") != 0)
			return err_set(e, ERR_FORBIDDEN, NULL, "account disabled");
		const char *name = id->name ? id->name : PQgetvalue(u, 0, 3);
		if (strcmp(PQgetvalue(u, 0, 2), id->email) || strcmp(PQgetvalue(u, 0, 3), name)) {
			json_t *before = json_pack("{s:s, s:s}", "email", PQgetvalue(u, 0, 2),
			        "display_name", PQgetvalue(u, 0, 3));
			json_t *after = json_pack("{s:s, s:s, s:s}", "email", id->email,
			        "display_name", name, "source", "identity provider");
			int rc = db_exec(r->db, r->arena, e, user_profile_sql, 3, user, id->email,
			                 name)
			                 ? audit_record(
			                           r, "user.update", "user", user, before, after, e)
			                 : -1;
			json_decref(before);
			json_decref(after);
			if (rc)
				return -1;
		}
	} else {
		PGresult *m = db_exec(r->db, r->arena, e, user_by_email_sql, 1, id->email);
		if (!m)
			return -1;
		if (PQntuples(m) == 1) {
			user = PQgetvalue(m, 0, 0);
			if (!PQgetisnull(m, 0, 2))
				return err_set(e, ERR_FORBIDDEN, NULL,
				        "this email belongs to an account linked to another "
				        "identity");
			if (strcmp(PQgetvalue(m, 0, 1), "active") != 0)
				return err_set(e, ERR_FORBIDDEN, NULL, "account disabled");
			json_t *after = json_pack("{s:s, s:s, s:s}", "issuer", id->issuer,
			        "subject", id->sub, "email", id->email);
			int rc = db_exec(r->db, r->arena, e, user_link_sql, 3, user, id->issuer,
			                 id->sub)
			                 ? audit_record(
			                           r, "user.sso_link", "user", user, NULL, after, e)
			                 : -1;
			json_decref(after);
			if (rc)
				return -1;
		} else if (!jit) {
			return err_set(e, ERR_FORBIDDEN, NULL,
			        "no Concord account for %.200s in this organisation, and "
			        "just-in-time "
			        "provisioning is off: ask an administrator to add you",
			        id->email);
		} else {
			PGresult *ins = db_exec(r->db, r->arena, e, user_insert_sql, 4, id->email,
			        id->name ? id->name : "", id->issuer, id->sub);
			if (!ins)
				return -1;
			user = PQgetvalue(ins, 0, 0);
			if (!db_exec(r->db, r->arena, e,
			            "SELECT set_config('app.user_id', $1, true)", 1, user))
				return -1;
			json_t *after = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", user,
			        "email", id->email, "source", "sso", "provisioning", "just-in-time",
			        "subject", id->sub, "role", role);
			int rc = audit_record(r, "user.create", "user", user, NULL, after, e);
			json_decref(after);
			if (rc)
				return -1;
		}
	}
	if (!db_exec(r->db, r->arena, e, "SELECT set_config('app.user_id', $1, true)", 1, user))
		return -1;
	PGresult *mem = db_exec(r->db, r->arena, e, member_get_sql, 1, user);
	if (!mem)
		return -1;
	const char *old = PQntuples(mem) ? PQgetvalue(mem, 0, 0) : NULL;
	if (!old || strcmp(old, role) != 0) {
		if (!db_exec(r->db, r->arena, e, old ? member_role_sql : member_insert_sql, 2, user,
		            role))
			return -1;
		json_t *before = old ? json_pack("{s:s}", "role", old) : NULL;
		json_t *after = json_pack("{s:s, s:s, s:O?}", "role", role, "source",
		        "identity provider groups", "groups", id->groups);
		int rc = audit_record(r, old ? "user.role_change" : "membership.assign", "user",
		        user, before, after, e);
		json_decref(before);
		json_decref(after);
		if (rc)
			return -1;
	}
	*user_out = user;
	return 0;
}

/* Exchange the code at the provider's token endpoint; the ID token (arena) or NULL. */
static const char *exchange_code(struct req *r, const json_t *provider, const char *client_id,
        const char *secret, const char *code, const char *verifier, const char *redirect,
        struct err *e)
{
	bool basic = strcmp(json_string_value(json_object_get(provider, "token_auth")),
	                     "client_secret_post") != 0;
	char *form = arena_printf(r->arena,
	        "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s"
	        "&client_id=%s%s%s",
	        esc(r, code), esc(r, redirect), esc(r, verifier), esc(r, client_id),
	        basic ? "" : "&client_secret=", basic ? "" : esc(r, secret));
	long status;
	json_t *tok = oidc_post_form(json_string_value(json_object_get(provider, "token_endpoint")),
	        form, basic ? client_id : NULL, basic ? secret : NULL, &status, e);
	if (!tok)
		return NULL;
	arena_json(r->arena, tok);
	if (status != 200) {
		const char *pe = json_string_value(json_object_get(tok, "error"));
		err_set(e, ERR_UNAUTHENTICATED, NULL, "the provider refused the code (%.100s)",
		        pe ? pe : "no error code");
		return NULL;
	}
	const char *idt = json_string_value(json_object_get(tok, "id_token"));
	if (!idt)
		err_set(e, ERR_UNAUTHENTICATED, NULL, "the provider returned no ID token");
	return idt;
}

static int sso_callback(struct req *r, struct resp *resp, struct err *e)
{
	const char *state = req_query(r, "state"), *code = req_query(r, "code");
	const char *perr = req_query(r, "error");
	char tenant[STATE_PREFIX_LEN + 1];
	if (!state || strlen(state) < STATE_PREFIX_LEN + 2 || strlen(state) > 200 ||
	        state[STATE_PREFIX_LEN] != '.')
		return err_set(e, ERR_INVALID, "state", "is not a sign-in state issued by Concord");
	memcpy(tenant, state, STATE_PREFIX_LEN);
	tenant[STATE_PREFIX_LEN] = '\0';
	if (!util_is_uuid(tenant))
		return err_set(e, ERR_INVALID, "state", "is not a sign-in state issued by Concord");
	char hash[65];
	util_sha256_hex(state, strlen(state), hash);
	if (req_set_tenant(r, tenant, e))
		return -1;
	PGresult *st = db_exec(r->db, r->arena, e, state_get_sql, 2, tenant, hash);
	if (!st)
		return -1;
	if (PQntuples(st) == 0)
		return err_set(e, ERR_INVALID, "state",
		        "unknown sign-in attempt: start again from the sign-in page");
	if (strcmp(PQgetvalue(st, 0, 3), "t") == 0) {
		err_set(e, ERR_INVALID, "state",
		        "this sign-in attempt was already used (replayed state)");
		return sso_fail(r, NULL, NULL, e);
	}
	if (strcmp(PQgetvalue(st, 0, 4), "t") == 0) {
		err_set(e, ERR_INVALID, "state", "this sign-in attempt expired: start again");
		return sso_fail(r, NULL, NULL, e);
	}
	/* spent from here on, whatever happens next */
	if (!db_exec(r->db, r->arena, e, state_use_sql, 2, tenant, hash))
		return -1;
	r->commit_on_error = true;
	const char *nonce = PQgetvalue(st, 0, 0), *verifier = PQgetvalue(st, 0, 1);
	const char *redirect = PQgetvalue(st, 0, 2);
	if (perr) {
		err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "the identity provider refused the sign-in (%.100s)", perr);
		return sso_fail(r, NULL, NULL, e);
	}
	if (!code || strlen(code) > 4096) {
		err_set(e, ERR_INVALID, "code", "is required");
		return sso_fail(r, NULL, NULL, e);
	}
	PGresult *c = db_exec(r->db, r->arena, e, cb_cfg_sql, 1, tenant);
	if (!c)
		return -1;
	if (PQntuples(c) == 0) {
		err_set(e, ERR_FORBIDDEN, NULL, "single sign-on is not enabled for this tenant");
		return sso_fail(r, NULL, NULL, e);
	}
	struct identity id = {.issuer = PQgetvalue(c, 0, 0)};
	/* RFC 9207: a provider that names itself in the response must be ours (mix-up) */
	const char *iss_param = req_query(r, "iss");
	if (iss_param && strcmp(iss_param, id.issuer) != 0) {
		err_set(e, ERR_UNAUTHENTICATED, "iss",
		        "the authorization response comes from another issuer");
		return sso_fail(r, NULL, NULL, e);
	}
	const char *client_id = PQgetvalue(c, 0, 1);
	json_t *group_roles = arena_json(r->arena, json_loads(PQgetvalue(c, 0, 4), 0, NULL));
	json_t *provider = arena_json(r->arena, json_loads(PQgetvalue(c, 0, 7), 0, NULL));
	const char *default_role = db_val(c, 0, 5);
	bool jit = strcmp(PQgetvalue(c, 0, 6), "t") == 0;

	char aad[80];
	size_t slen;
	snprintf(aad, sizeof aad, "sso.client_secret:%s", tenant);
	unsigned char *secret =
	        secretbox_open(cfg.secret_key_hex, aad, PQgetvalue(c, 0, 2), &slen, e);
	if (!secret)
		return sso_fail(r, NULL, NULL, e);
	const char *idt = exchange_code(
	        r, provider, client_id, (const char *)secret, code, verifier, redirect, e);
	free(secret);
	if (!idt)
		return sso_fail(r, NULL, NULL, e);
	struct oidc_expect x = {.issuer = id.issuer,
	        .audience = client_id,
	        .nonce = nonce,
	        .id_token = true,
	        .now = (long)time(NULL)};
	json_t *claims;
	if (oidc_verify(idt, json_string_value(json_object_get(provider, "jwks_uri")),
	            json_object_get(provider, "algs"), &x, &claims, e))
		return sso_fail(r, NULL, NULL, e);
	arena_json(r->arena, claims);

	id.sub = json_string_value(json_object_get(claims, "sub"));
	id.email = json_string_value(json_object_get(claims, "email"));
	if (!id.email) {
		/* Entra ID puts the sign-in name in preferred_username (or upn) */
		const char *alt = json_string_value(json_object_get(claims, "preferred_username"));
		if (!alt)
			alt = json_string_value(json_object_get(claims, "upn"));
		if (alt && strchr(alt, '@'))
			id.email = alt;
	}
	id.name = json_string_value(json_object_get(claims, "name"));
	if (id.name && strlen(id.name) > 200)
		id.name = arena_strndup(r->arena, id.name, 200);
	id.groups = claim_path(claims, PQgetvalue(c, 0, 3), r->arena);
	if (!id.email || strlen(id.email) > 320 || !strchr(id.email, '@')) {
		err_set(e, ERR_FORBIDDEN, NULL, "the ID token carries no email address");
		return sso_fail(r, &id, NULL, e);
	}
	id.email = lower_dup(r, id.email);
	if (json_is_false(json_object_get(claims, "email_verified"))) {
		err_set(e, ERR_FORBIDDEN, NULL, "the provider has not verified this email address");
		return sso_fail(r, &id, NULL, e);
	}
	PGresult *dom =
	        db_exec(r->db, r->arena, e, domain_ok_sql, 2, tenant, strrchr(id.email, '@') + 1);
	if (!dom)
		return -1;
	if (PQntuples(dom) != 1 || strcmp(PQgetvalue(dom, 0, 0), "t") != 0) {
		err_set(e, ERR_FORBIDDEN, NULL,
		        "email domain %.100s is not allowed to sign in to this organisation",
		        strrchr(id.email, '@') + 1);
		return sso_fail(r, &id, NULL, e);
	}
	const char *role = map_role(id.groups, group_roles, default_role);
	if (!role) {
		err_set(e, ERR_FORBIDDEN, NULL,
		        "none of your groups gives access to this organisation, and there is no "
		        "default role");
		return sso_fail(r, &id, NULL, e);
	}

	const char *user = NULL;
	if (!db_exec(r->db, r->arena, e, "SAVEPOINT sso_provision", 0))
		return -1;
	if (provision(r, &id, role, jit, &user, e)) {
		struct err se = {0};
		/* undo the account writes, keep the spent state and record the failure */
		if (!db_exec(r->db, r->arena, &se, "ROLLBACK TO SAVEPOINT sso_provision", 0) ||
		        !db_exec(r->db, r->arena, &se, "SELECT set_config('app.user_id', '', true)",
		                0))
			return -1;
		return sso_fail(r, &id, NULL, e);
	}
	json_t *out;
	if (auth_start_session(r, tenant, user, "sso", &out, e))
		return -1;
	json_object_set_new(out, "role", json_string(role));
	r->commit_on_error = false;
	resp->body = out;
	return 0;
}

/* ------------------------------------------------------------ bearer tokens */

int sso_authenticate_bearer(struct req *r, const char *token, struct err *e)
{
	struct oidc_jwt t;
	struct err pe = {0};
	if (oidc_jwt_parse(token, &t, &pe))
		return 1; /* not a JWT at all: not ours to judge */
	const char *iss = json_string_value(json_object_get(t.claims, "iss"));
	bool provider_token = !iss || strcmp(iss, "concord") != 0;
	oidc_jwt_free(&t);
	if (!provider_token)
		return 1;

	const char *tenant = req_header(r, "X-Concord-Tenant");
	if (!tenant || !util_is_uuid(tenant))
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "a token from an identity provider needs X-Concord-Tenant naming its "
		        "tenant");
	PGconn *c = db_thread_conn(cfg.database_url, e);
	if (!c || db_begin(c, r->arena, e, tenant, NULL, r->request_id))
		return -1;
	PGresult *res = db_exec(c, r->arena, e, bearer_cfg_sql, 1, tenant);
	db_rollback(c);
	if (!res)
		return -1;
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 2), "t") != 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "this tenant does not accept tokens from its identity provider");
	const char *issuer = PQgetvalue(res, 0, 0), *audience = PQgetvalue(res, 0, 1);
	json_t *algs = db_json(r->arena, res, 0, 4);
	struct oidc_expect x = {.issuer = issuer,
	        .audience = audience,
	        .nonce = NULL,
	        .id_token = false,
	        .now = (long)time(NULL)};
	json_t *claims;
	if (oidc_verify(token, PQgetvalue(res, 0, 3), algs, &x, &claims, e))
		return -1;
	arena_json(r->arena, claims);
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	if (db_begin(c, r->arena, e, tenant, NULL, r->request_id))
		return -1;
	PGresult *u = db_exec(c, r->arena, e, bearer_user_sql, 2, issuer, sub);
	db_rollback(c);
	if (!u)
		return -1;
	if (PQntuples(u) != 1)
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "no Concord account is linked to this identity: sign in once through "
		        "single "
		        "sign-on");
	r->who.kind = PRINCIPAL_USER;
	snprintf(r->who.user_id, sizeof r->who.user_id, "%s", PQgetvalue(u, 0, 0));
	snprintf(r->who.home_tenant, sizeof r->who.home_tenant, "%s", tenant);
	r->who.session_id[0] = '\0';
	return 0;
}

/* ------------------------------------------------------------ my tenants */

static int me_tenants(struct req *r, struct resp *resp, struct err *e)
{
	if (r->who.kind != PRINCIPAL_USER)
		return err_set(e, ERR_UNPROCESSABLE, "Authorization",
		        "a service account acts only in its own tenant");
	struct page pg;
	if (page_begin(r, &pg, e))
		return -1;
	const char *p[] = {page_after(&pg, 0), pg.limit_plus_one, r->tenant_id};
	if (pg.after && !p[0])
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "tenants", me_tenants_sql, 3, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"slug", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

const struct route sso_routes[] = {
        {"GET", "/v1/tenants/{id}/sso", sso_get, "sso:read", 0,
                "The tenant's single sign-on (OpenID Connect) configuration, without the secret"},
        {"PUT", "/v1/tenants/{id}/sso", sso_put, "sso:admin", 0,
                "Create or replace the single sign-on configuration (validated by discovery)"},
        {"PATCH", "/v1/tenants/{id}/sso", sso_patch, "sso:admin", 0,
                "Change part of the single sign-on configuration (If-Match required)"},
        {"DELETE", "/v1/tenants/{id}/sso", sso_delete, "sso:admin", 0,
                "Remove the single sign-on configuration (If-Match required)"},
        {"POST", "/v1/auth/discover", sso_discover, NULL, ROUTE_PUBLIC,
                "Home-realm discovery: which sign-in an email address should use"},
        {"GET", "/v1/auth/sso/{slug}/login", sso_login, NULL, ROUTE_PUBLIC,
                "Start single sign-on: redirect to the tenant's identity provider", login_query},
        {"GET", "/v1/auth/sso/callback", sso_callback, NULL, ROUTE_PUBLIC,
                "Finish single sign-on: returns access and refresh tokens", callback_query},
        {"GET", "/v1/me/tenants", me_tenants, NULL, 0,
                "The tenants the caller may act in, with their role in each", me_query},
        {NULL},
};
