/*
 * auth.c - who is calling, in which tenant, with which role; and the session routes
 * (login, refresh, logout, me, jwks).
 *
 * Credentials accepted in "Authorization: Bearer <token>":
 *   - Concord access tokens (RS256 JWT, see lib/tokens.h), 15 minutes by default;
 *   - API tokens "cc_<43 chars>": personal tokens (act as their user) and service
 *     account tokens (act in their tenant with the account's role), stored as SHA-256.
 *   - access tokens issued by a tenant's own identity provider, when the tenant enables
 *     it (sso_authenticate_bearer in sso.c: same validation as single sign-on; the
 *     tenant is named by X-Concord-Tenant, the token's subject must be linked to a user).
 * Refresh tokens "crt.<tenant>.<secret>" are opaque, stored hashed, rotated on every
 * use; presenting a used one revokes its whole family (theft detection).
 *
 * Password login has a second step when the account enrolled MFA or the operator's
 * policy requires it (mfa_login_step in mfa.c): the answer is then {mfa_required,
 * mfa_token} and POST /v1/auth/mfa/verify issues the session.
 *
 * A request acts in the caller's home tenant unless it names another one in
 * X-Concord-Tenant (consultants switching between client tenants). Membership, the
 * tenant's status, the account's status and session revocation are checked inside
 * the request transaction on every request (auth_context()).
 *
 * Login throttling: failed attempts are counted in Redis per account and per client
 * IP over CONCORD_LOGIN_WINDOW; at CONCORD_LOGIN_MAX_FAILURES further attempts get 429.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "jsonv.h"
#include "log.h"
#include "password.h"
#include "redis.h"
#include "tokens.h"
#include "util.h"

#define API_TOKEN_PREFIX "cc_"
#define REFRESH_PREFIX   "crt."

/* ------------------------------------------------------------ per request */

int auth_authenticate(struct req *r, struct err *e)
{
	const char *h = req_header(r, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "sign in: send Authorization: Bearer");
	const char *tok = h + 7;
	while (*tok == ' ')
		tok++;
	if (strncmp(tok, API_TOKEN_PREFIX, 3) == 0) {
		/* resolved in auth_authorize, where the database is at hand */
		r->who.kind = PRINCIPAL_USER;
		r->who.via_api_token = true;
		return 0;
	}
	int provider = sso_authenticate_bearer(r, tok, e);
	if (provider <= 0)
		return provider;
	struct access_claims c;
	if (tokens_verify_access(tok, &c, e))
		return -1;
	r->who.kind = PRINCIPAL_USER;
	snprintf(r->who.user_id, sizeof r->who.user_id, "%s", c.sub);
	snprintf(r->who.home_tenant, sizeof r->who.home_tenant, "%s", c.tid);
	snprintf(r->who.session_id, sizeof r->who.session_id, "%s", c.sid);
	return 0;
}

static const char api_token_sql[] =
        "SELECT tenant_id, token_id, user_id, service_account_id, sa_role, scopes, expired, revoked"
        " FROM auth_api_token(decode($1, 'hex'))";

static int resolve_api_token(struct req *r, struct err *e)
{
	const char *h = req_header(r, "Authorization") + 7;
	while (*h == ' ')
		h++;
	char hash[65];
	util_sha256_hex(h, strlen(h), hash);
	PGconn *c = db_thread_conn(cfg.database_url, e);
	if (!c)
		return -1;
	PGresult *res = db_exec(c, r->arena, e, api_token_sql, 1, hash);
	if (!res)
		return -1;
	if (PQntuples(res) != 1)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "unknown API token");
	if (strcmp(PQgetvalue(res, 0, 6), "t") == 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "API token expired");
	if (strcmp(PQgetvalue(res, 0, 7), "t") == 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "API token revoked");
	snprintf(r->who.home_tenant, sizeof r->who.home_tenant, "%s", PQgetvalue(res, 0, 0));
	if (!PQgetisnull(res, 0, 3)) {
		r->who.kind = PRINCIPAL_SERVICE;
		snprintf(r->who.user_id, sizeof r->who.user_id, "%s", PQgetvalue(res, 0, 3));
		snprintf(r->who.role, sizeof r->who.role, "%s", PQgetvalue(res, 0, 4));
	} else {
		snprintf(r->who.user_id, sizeof r->who.user_id, "%s", PQgetvalue(res, 0, 2));
	}
	/* scopes come back as a text[] literal: {a,b} (our scopes never need quoting) */
	const char *lit = PQgetvalue(res, 0, 5);
	size_t n = strlen(lit);
	if (n > 2) {
		char *s = arena_strndup(r->arena, lit + 1, n - 2);
		const char **sc = arena_alloc(r->arena, sizeof(char *) * 33);
		int k = 0;
		for (char *save, *t = strtok_r(s, ",", &save); t && k < 32;
		        t = strtok_r(NULL, ",", &save))
			sc[k++] = t;
		r->who.scopes = sc;
		r->who.nscopes = k;
	}
	return 0;
}

int auth_select_tenant(struct req *r, const char **tenant, struct err *e)
{
	if (r->who.via_api_token && resolve_api_token(r, e))
		return -1;
	const char *h = req_header(r, "X-Concord-Tenant");
	if (h) {
		if (!util_is_uuid(h))
			return err_set(e, ERR_INVALID, "X-Concord-Tenant", "must be a tenant id");
		if (r->who.kind == PRINCIPAL_SERVICE && strcmp(h, r->who.home_tenant) != 0)
			return err_set(e, ERR_FORBIDDEN, "X-Concord-Tenant",
			        "a service account acts only in its own tenant");
		*tenant = arena_strdup(r->arena, h);
	} else {
		*tenant = arena_strdup(r->arena, r->who.home_tenant);
	}
	return 0;
}

static const char context_sql[] =
        "SELECT role, tenant_status, tenant_kind, user_status, session_revoked"
        " FROM auth_context($1, $2, nullif($3, '')::uuid)";
static const char sa_context_sql[] = "SELECT status, kind FROM tenants WHERE id = $1";

int auth_authorize(struct req *r, struct err *e)
{
	const char *tenant_status, *tenant_kind;
	if (r->who.kind == PRINCIPAL_SERVICE) {
		PGresult *res = db_exec(r->db, r->arena, e, sa_context_sql, 1, r->tenant_id);
		if (!res)
			return -1;
		if (PQntuples(res) != 1)
			return err_set(e, ERR_FORBIDDEN, NULL, "tenant not accessible");
		tenant_status = PQgetvalue(res, 0, 0);
		tenant_kind = PQgetvalue(res, 0, 1);
	} else {
		PGresult *res = db_exec(r->db, r->arena, e, context_sql, 3, r->tenant_id,
		        r->who.user_id, r->who.session_id);
		if (!res)
			return -1;
		if (PQntuples(res) != 1)
			return err_set(e, ERR_UNAUTHENTICATED, NULL, "account no longer exists");
		if (strcmp(PQgetvalue(res, 0, 3), "active") != 0)
			return err_set(e, ERR_UNAUTHENTICATED, NULL, "account disabled");
		if (strcmp(PQgetvalue(res, 0, 4), "t") == 0)
			return err_set(
			        e, ERR_UNAUTHENTICATED, NULL, "session ended; sign in again");
		if (PQgetisnull(res, 0, 0))
			return err_set(e, ERR_FORBIDDEN, "X-Concord-Tenant",
			        "you are not a member of this tenant");
		snprintf(r->who.role, sizeof r->who.role, "%s", PQgetvalue(res, 0, 0));
		tenant_status = PQgetvalue(res, 0, 1);
		tenant_kind = PQgetvalue(res, 0, 2);
	}
	snprintf(r->who.tenant_kind, sizeof r->who.tenant_kind, "%s", tenant_kind);
	if (strcmp(tenant_status, "active") != 0)
		return err_set(e, ERR_FORBIDDEN, NULL, "tenant is %s", tenant_status);
	if ((r->route->flags & ROUTE_OPERATOR) && strcmp(tenant_kind, "operator") != 0)
		return err_set(
		        e, ERR_FORBIDDEN, NULL, "only a consultancy (operator) tenant may do this");
	if (!authz_allows(r->who.role, r->route->perm))
		return err_set(
		        e, ERR_FORBIDDEN, NULL, "role %s may not %s", r->who.role, r->route->perm);
	if (r->route->perm && !authz_scope_allows(&r->who, r->route->perm))
		return err_set(
		        e, ERR_FORBIDDEN, NULL, "token scope does not include %s", r->route->perm);
	return 0;
}

/* ------------------------------------------------------------ throttling */

static void throttle_keys(struct req *r, const char *email, char *acct, char *ip, size_t n)
{
	char lower[320], hash[65];
	size_t i = 0;
	for (; i < sizeof lower - 1 && email[i]; i++)
		lower[i] = (char)((email[i] >= 'A' && email[i] <= 'Z') ? email[i] + 32 : email[i]);
	lower[i] = '\0';
	util_sha256_hex(lower, i, hash);
	snprintf(acct, n, "concord:login:acct:%s", hash);
	snprintf(ip, n, "concord:login:ip:%s", r->client_ip);
}

/* 0 when the caller may try; -1 with 429 (or 503 when Redis is down: fail closed). */
static int throttle_check(struct req *r, const char *acct, const char *ip, struct err *e)
{
	redisContext *c = redis_thread_conn(cfg.redis_url, e);
	if (!c)
		return -1;
	redisReply *rep = redis_cmd(c, r->arena, e, "MGET %s %s", acct, ip);
	if (!rep)
		return -1;
	for (size_t i = 0; i < rep->elements; i++) {
		redisReply *el = rep->element[i];
		if (el->type == REDIS_REPLY_STRING && atoi(el->str) >= cfg.login_max_failures)
			return err_set(
			        e, ERR_TOO_MANY, NULL, "too many failed sign-ins; try again later");
	}
	return 0;
}

static void throttle_fail(struct req *r, const char *acct, const char *ip)
{
	struct err e = {0};
	redisContext *c = redis_thread_conn(cfg.redis_url, &e);
	if (!c)
		return;
	for (int i = 0; i < 2; i++) {
		const char *k = i ? ip : acct;
		redis_cmd(c, r->arena, &e, "INCR %s", k);
		redis_cmd(c, r->arena, &e, "EXPIRE %s %d NX", k, cfg.login_window);
	}
}

static void throttle_success(struct req *r, const char *acct)
{
	struct err e = {0};
	redisContext *c = redis_thread_conn(cfg.redis_url, &e);
	if (c)
		redis_cmd(c, r->arena, &e, "DEL %s", acct);
}

/* ------------------------------------------------------------ sessions */

static const char refresh_insert_sql[] =
        "INSERT INTO refresh_tokens (tenant_id, user_id, family_id, token_hash, expires_at)"
        " VALUES ($1, $2, $3, decode($4, 'hex'), now() + make_interval(secs => $5::int))";

/* Issue an access + refresh token pair for user in home tenant, session family fam. */
static int issue_session(struct req *r, const char *tenant, const char *user, const char *fam,
        json_t **out, struct err *e)
{
	unsigned char raw[32];
	util_random(raw, sizeof raw);
	char *secret = util_b64url_encode(raw, sizeof raw);
	char *refresh = arena_printf(r->arena, REFRESH_PREFIX "%s.%s", tenant, secret);
	free(secret);
	char hash[65], ttl[16];
	util_sha256_hex(refresh, strlen(refresh), hash);
	snprintf(ttl, sizeof ttl, "%d", cfg.refresh_ttl);
	if (!db_exec(r->db, r->arena, e, refresh_insert_sql, 5, tenant, user, fam, hash, ttl))
		return -1;
	struct access_claims c = {0};
	snprintf(c.sub, sizeof c.sub, "%s", user);
	snprintf(c.tid, sizeof c.tid, "%s", tenant);
	snprintf(c.sid, sizeof c.sid, "%s", fam);
	char *access = tokens_sign_access(&c, cfg.access_ttl, e);
	if (!access)
		return -1;
	*out = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "access_token", access, "token_type",
	        "Bearer", "expires_in", cfg.access_ttl, "refresh_token", refresh, "tenant_id",
	        tenant, "user_id", user);
	free(access);
	return 0;
}

static const struct jv_field login_fields[] = {
        {"email", JV_EMAIL, JV_REQUIRED, .max = 320},
        {"password", JV_STRING, JV_REQUIRED, .max = PASSWORD_MAX},
        {"tenant", JV_STRING, 0, .max = 63},
        {NULL},
};

static const char find_sql[] =
        "SELECT tenant_id, user_id, password_hash, user_status, tenant_status"
        " FROM auth_find_users($1, $2)";

static int auth_login(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, login_fields, e))
		return -1;
	const char *email = jv_str(b, "email"), *pwd = jv_str(b, "password");
	char acct[128], ip[128];
	throttle_keys(r, email, acct, ip, sizeof acct);
	if (throttle_check(r, acct, ip, e))
		return -1;
	PGresult *res = db_exec(r->db, r->arena, e, find_sql, 2, email, jv_str(b, "tenant"));
	if (!res)
		return -1;
	int match = -1, nmatch = 0;
	for (int i = 0; i < PQntuples(res); i++)
		if (password_verify(db_val(res, i, 2), pwd)) {
			match = i;
			nmatch++;
		}
	if (PQntuples(res) == 0)
		password_verify(NULL, pwd);
	if (nmatch != 1 || strcmp(PQgetvalue(res, match, 3), "active") != 0 ||
	        strcmp(PQgetvalue(res, match, 4), "active") != 0) {
		throttle_fail(r, acct, ip);
		/* audit the failure in the tenant of the account(s) the email names */
		r->commit_on_error = true;
		for (int i = 0; i < PQntuples(res); i++) {
			struct err ae = {0};
			json_t *d = json_pack("{s:s, s:s, s:s}", "email", email, "client_ip",
			        r->client_ip, "reason",
			        nmatch > 1 ? "ambiguous: name the tenant"
			                   : (match >= 0 ? "account or tenant not active"
			                                 : "wrong password"));
			if (req_set_tenant(r, PQgetvalue(res, i, 0), &ae) == 0)
				audit_record(r, "auth.login_failed", "user", PQgetvalue(res, i, 1),
				        NULL, d, &ae);
			json_decref(d);
		}
		if (nmatch > 1)
			return err_set(e, ERR_INVALID, "tenant",
			        "this email has accounts in several tenants: name the tenant");
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "wrong email or password");
	}
	const char *tenant = PQgetvalue(res, match, 0), *user = PQgetvalue(res, match, 1);
	throttle_success(r, acct);
	json_t *out;
	if (mfa_login_step(r, tenant, user, &out, e))
		return -1;
	if (out) {
		resp->body = out; /* a second factor is due: no session yet */
		return 0;
	}
	if (auth_start_session(r, tenant, user, "password", &out, e))
		return -1;
	resp->body = out;
	return 0;
}

int auth_start_session(struct req *r, const char *tenant, const char *user, const char *method,
        json_t **out, struct err *e)
{
	if (req_set_tenant(r, tenant, e) ||
	        !db_exec(r->db, r->arena, e, "SELECT set_config('app.user_id', $1, true)", 1, user))
		return -1;
	PGresult *u = db_exec(r->db, r->arena, e, "SELECT gen_random_uuid()::text", 0);
	if (!u)
		return -1;
	char fam[37];
	snprintf(fam, sizeof fam, "%s", PQgetvalue(u, 0, 0));
	if (issue_session(r, tenant, user, fam, out, e))
		return -1;
	json_t *d = json_pack("{s:s, s:s}", "client_ip", r->client_ip, "method", method);
	int rc = audit_record(r, "auth.login", "user", user, NULL, d, e);
	json_decref(d);
	if (rc) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static const struct jv_field refresh_fields[] = {
        {"refresh_token", JV_STRING, JV_REQUIRED, .max = 200},
        {NULL},
};

static const char refresh_get_sql[] =
        "SELECT user_id, family_id, used_at IS NOT NULL, revoked_at IS NOT NULL,"
        " expires_at <= now() FROM refresh_tokens WHERE token_hash = decode($1, 'hex') FOR UPDATE";
static const char refresh_use_sql[] =
        "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = decode($1, 'hex')";
static const char family_revoke_sql[] =
        "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL";
static const char user_active_sql[] =
        "SELECT u.status = 'active' AND t.status = 'active' FROM users u JOIN tenants t"
        " ON t.id = u.tenant_id WHERE u.id = $1";

static int auth_refresh(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, refresh_fields, e))
		return -1;
	const char *tok = jv_str(b, "refresh_token");
	char tenant[37];
	if (strncmp(tok, REFRESH_PREFIX, 4) != 0 || strlen(tok) < 4 + 36 + 2 || tok[40] != '.')
		return err_set(e, ERR_UNAUTHENTICATED, "refresh_token", "invalid refresh token");
	memcpy(tenant, tok + 4, 36);
	tenant[36] = '\0';
	if (!util_is_uuid(tenant))
		return err_set(e, ERR_UNAUTHENTICATED, "refresh_token", "invalid refresh token");
	char hash[65];
	util_sha256_hex(tok, strlen(tok), hash);
	if (req_set_tenant(r, tenant, e))
		return -1;
	PGresult *res = db_exec(r->db, r->arena, e, refresh_get_sql, 1, hash);
	if (!res)
		return -1;
	if (PQntuples(res) != 1)
		return err_set(e, ERR_UNAUTHENTICATED, "refresh_token", "invalid refresh token");
	const char *user = PQgetvalue(res, 0, 0), *fam = PQgetvalue(res, 0, 1);
	if (!db_exec(r->db, r->arena, e, "SELECT set_config('app.user_id', $1, true)", 1, user))
		return -1;
	if (strcmp(PQgetvalue(res, 0, 2), "t") == 0) {
		/* a rotated token came back: someone holds a copy. End the whole session. */
		r->commit_on_error = true;
		if (db_exec(r->db, r->arena, e, family_revoke_sql, 1, fam)) {
			json_t *d = json_pack("{s:s}", "session", fam);
			audit_record(r, "auth.refresh_reuse_detected", "user", user, NULL, d, e);
			json_decref(d);
		}
		return err_set(e, ERR_UNAUTHENTICATED, "refresh_token",
		        "refresh token already used; the session was ended");
	}
	if (strcmp(PQgetvalue(res, 0, 3), "t") == 0 || strcmp(PQgetvalue(res, 0, 4), "t") == 0)
		return err_set(e, ERR_UNAUTHENTICATED, "refresh_token", "session ended");
	PGresult *act = db_exec(r->db, r->arena, e, user_active_sql, 1, user);
	if (!act)
		return -1;
	if (PQntuples(act) != 1 || strcmp(PQgetvalue(act, 0, 0), "t") != 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "account or tenant not active");
	if (!db_exec(r->db, r->arena, e, refresh_use_sql, 1, hash))
		return -1;
	json_t *out;
	if (issue_session(r, tenant, user, fam, &out, e))
		return -1;
	resp->body = out;
	return 0;
}

static int auth_logout(struct req *r, struct resp *resp, struct err *e)
{
	if (!r->who.session_id[0])
		return err_set(e, ERR_INVALID, "Authorization",
		        "logout ends a sign-in session; revoke API tokens instead");
	/* the session's refresh tokens live in the home tenant */
	if (req_set_tenant(r, r->who.home_tenant, e) ||
	        !db_exec(r->db, r->arena, e, family_revoke_sql, 1, r->who.session_id))
		return -1;
	json_t *d = json_pack("{s:s}", "session", r->who.session_id);
	int rc = audit_record(r, "auth.logout", "user", r->who.user_id, NULL, d, e);
	json_decref(d);
	resp->status = 204;
	return rc;
}

static const char me_sql[] =
        "SELECT jsonb_build_object('user', jsonb_build_object('id', u.id, 'email', u.email,"
        " 'display_name', u.display_name, 'tenant_id', u.tenant_id),"
        " 'tenant_id', $2::uuid, 'role', $3::text,"
        " 'memberships', coalesce((SELECT jsonb_agg(jsonb_build_object('tenant_id', m.tenant_id,"
        "   'role', m.role) ORDER BY m.tenant_id) FROM memberships m WHERE m.user_id = u.id), "
        "'[]'))"
        " FROM users u WHERE u.id = $1";

static int auth_me(struct req *r, struct resp *resp, struct err *e)
{
	if (r->who.kind == PRINCIPAL_SERVICE) {
		resp->body = json_pack("{s:{s:s, s:s}, s:s, s:s}", "service_account", "id",
		        r->who.user_id, "tenant_id", r->who.home_tenant, "tenant_id", r->tenant_id,
		        "role", r->who.role);
		return 0;
	}
	const char *p[] = {r->who.user_id, r->tenant_id, r->who.role};
	json_t *j = db_json_row(r, e, "user", me_sql, 3, p);
	if (!j)
		return -1;
	resp->body = json_incref(j);
	return 0;
}

static int auth_jwks(struct req *r, struct resp *resp, struct err *e)
{
	(void)r;
	(void)e;
	resp->body = tokens_jwks();
	return 0;
}

const struct route auth_routes[] = {
        {"POST", "/v1/auth/login", auth_login, NULL, ROUTE_PUBLIC,
                "Sign in with email and password; returns access and refresh tokens"},
        {"POST", "/v1/auth/refresh", auth_refresh, NULL, ROUTE_PUBLIC,
                "Exchange a refresh token for a new token pair (rotation)"},
        {"POST", "/v1/auth/logout", auth_logout, NULL, 0, "End the current sign-in session"},
        {"GET", "/v1/auth/me", auth_me, NULL, 0,
                "The caller, the tenant the request acts in, and the caller's memberships"},
        {"GET", "/v1/auth/jwks.json", auth_jwks, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
                "Public keys that verify Concord access tokens"},
        {NULL},
};
