/*
 * tokens_api.c - credentials for automation: personal API tokens and per-tenant
 * service accounts with their tokens.
 *
 *   /v1/me/tokens                            the caller's personal tokens
 *   /v1/service-accounts                     non-human members of the tenant (a role)
 *   /v1/service-accounts/{id}/tokens         a service account's tokens
 *
 * A token is "cc_" + 43 base64url characters (256 random bits, util_new_secret),
 * returned once by the create call and stored only as its SHA-256; api/auth.c
 * authenticates it (auth_api_token()). Each token carries scopes - permission
 * patterns in the matrix's syntax ("*:read", "risks:write") that narrow, never widen,
 * what the owner's role allows - and an expiry (default 90 days, at most 366).
 * Revocation keeps the row (revoked_at) so that listings and the audit trail stay
 * complete. A caller authenticated by an API token may only mint tokens whose scopes
 * its own scopes cover.
 *
 * Personal tokens live in the user's home tenant (whichever tenant the request acts
 * in), so one token serves every tenant the user is a member of; a service account
 * and its tokens belong to one tenant and act only there (api/auth.c).
 *
 * Every mutation writes an audit event in the request transaction. Handlers follow
 * api/http.h: arena memory, results owned by the server; any HTTP pool thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

#define TOKEN_PREFIX "cc_"
#define MAX_SCOPES   32 /* api/auth.c reads at most 32; the table checks it too */

#define TOKEN_JSON                                                                                 \
	"jsonb_build_object('id', t.id, 'name', t.name, 'scopes', to_jsonb(t.scopes),"             \
	" 'user_id', t.user_id, 'service_account_id', t.service_account_id,"                       \
	" 'expires_at', t.expires_at, 'revoked_at', t.revoked_at,"                                 \
	" 'last_used_at', t.last_used_at, 'created_at', t.created_at,"                             \
	" 'state', CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked'"                              \
	"   WHEN t.expires_at IS NOT NULL AND t.expires_at <= now() THEN 'expired'"                \
	"   ELSE 'active' END)"

#define SA_JSON                                                                                    \
	"jsonb_build_object('id', s.id, 'name', s.name, 'role', s.role, 'version', s.version,"     \
	" 'created_at', s.created_at, 'updated_at', s.updated_at)"

/* $2 = user id or NULL, $3 = service account id or NULL: exactly one is set. */
static const char token_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY o DESC, i DESC), '[]') FROM ("
        " SELECT t.created_at AS o, t.id AS i, " TOKEN_JSON " AS j FROM api_tokens t"
        " WHERE t.tenant_id = $1"
        "   AND t.user_id IS NOT DISTINCT FROM $2::uuid"
        "   AND t.service_account_id IS NOT DISTINCT FROM $3::uuid"
        "   AND ($4::text IS NULL OR CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked'"
        "     WHEN t.expires_at IS NOT NULL AND t.expires_at <= now() THEN 'expired'"
        "     ELSE 'active' END = $4)"
        "   AND ($5::timestamptz IS NULL OR (t.created_at, t.id) < ($5::timestamptz, $6::uuid))"
        " ORDER BY t.created_at DESC, t.id DESC LIMIT $7) s";
static const char token_get_sql[] =
        "SELECT " TOKEN_JSON " FROM api_tokens t WHERE t.tenant_id = $1 AND t.id = $2"
        " AND t.user_id IS NOT DISTINCT FROM $3::uuid"
        " AND t.service_account_id IS NOT DISTINCT FROM $4::uuid";
static const char expiry_check_sql[] =
        "SELECT $1::timestamptz > now(), $1::timestamptz <= now() + interval '366 days'";
static const char token_insert_sql[] =
        "INSERT INTO api_tokens AS t (tenant_id, user_id, service_account_id, name, token_hash,"
        " scopes, expires_at) VALUES ($1, $2, $3, $4, decode($5, 'hex'),"
        " ARRAY(SELECT jsonb_array_elements_text($6::jsonb)),"
        " coalesce($7::timestamptz, now() + interval '90 days'))"
        " RETURNING " TOKEN_JSON;
static const char token_revoke_sql[] =
        "UPDATE api_tokens AS t SET revoked_at = now() WHERE t.tenant_id = $1 AND t.id = $2"
        " AND t.revoked_at IS NULL RETURNING " TOKEN_JSON;

static const char sa_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY n, i), '[]') FROM ("
        " SELECT s.name AS n, s.id AS i, " SA_JSON " AS j FROM service_accounts s"
        " WHERE s.tenant_id = $1 AND ($2::text IS NULL OR s.role = $2)"
        "   AND ($3::text IS NULL OR (s.name, s.id) > ($3, $4::uuid))"
        " ORDER BY s.name, s.id LIMIT $5) x";
static const char sa_get_sql[] =
        "SELECT " SA_JSON " FROM service_accounts s WHERE s.tenant_id = $1 AND s.id = $2";
static const char sa_insert_sql[] =
        "INSERT INTO service_accounts AS s (tenant_id, name, role) VALUES ($1, $2, $3)"
        " RETURNING " SA_JSON;
static const char sa_update_sql[] =
        "UPDATE service_accounts AS s SET name = coalesce($3, name), role = coalesce($4, role),"
        " version = version + 1, updated_at = now()"
        " WHERE s.tenant_id = $1 AND s.id = $2 AND s.version = $5 RETURNING " SA_JSON;
static const char sa_delete_sql[] =
        "DELETE FROM service_accounts WHERE tenant_id = $1 AND id = $2 AND version = $3";
static const char sa_token_count_sql[] =
        "SELECT count(*) FILTER (WHERE revoked_at IS NULL AND (expires_at IS NULL"
        " OR expires_at > now())) FROM api_tokens WHERE tenant_id = $1 AND service_account_id = $2";

/* Roles a service account may hold: every role but operator (the table checks it too). */
static const char *const sa_roles[] = {"consultant", "sponsor", "isms_lead", "aims_lead",
        "product_ai_lead", "risk_compliance", "security_lead", "contributor", "auditor", "viewer",
        NULL};
static const char *const token_states[] = {"active", "expired", "revoked", NULL};

static const struct jv_field token_fields[] = {
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"scopes", JV_ARRAY, JV_REQUIRED, .max = MAX_SCOPES},
        {"expires_at", JV_TIME, 0, .max = 40},
        {NULL},
};
static const struct jv_field sa_create_fields[] = {
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"role", JV_ENUM, JV_REQUIRED, .values = sa_roles},
        {NULL},
};
static const struct jv_field sa_update_fields[] = {
        {"name", JV_STRING, 0, .max = 200},
        {"role", JV_ENUM, 0, .values = sa_roles},
        {NULL},
};

/* ------------------------------------------------------------------ scopes */

static bool is_action(const char *s, size_t n)
{
	static const char *const actions[] = {"*", "read", "write", "approve", "admin", NULL};
	for (const char *const *a = actions; *a; a++)
		if (strlen(*a) == n && strncmp(*a, s, n) == 0)
			return true;
	return false;
}

/* "resource:action": resource "*" or [a-z][a-z0-9_]{0,39}, action one of is_action. */
static bool scope_valid(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon)
		return false;
	size_t rn = (size_t)(colon - s);
	bool res_ok = rn == 1 && s[0] == '*';
	if (!res_ok && rn >= 1 && rn <= 40 && s[0] >= 'a' && s[0] <= 'z') {
		res_ok = true;
		for (size_t i = 1; i < rn; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
			            s[i] == '_'))
				res_ok = false;
	}
	return res_ok && is_action(colon + 1, strlen(colon + 1));
}

/* Does pattern `have` allow everything pattern `want` allows? */
static bool scope_covers(const char *have, const char *want)
{
	const char *hc = strchr(have, ':'), *wc = strchr(want, ':');
	size_t hr = (size_t)(hc - have), wr = (size_t)(wc - want);
	bool res = (hr == 1 && have[0] == '*') || (hr == wr && strncmp(have, want, hr) == 0);
	bool act = strcmp(hc + 1, "*") == 0 || strcmp(hc + 1, wc + 1) == 0;
	return res && act;
}

/* Validate the "scopes" array of a create request: 1..32 distinct valid patterns, each
 * within the caller's own scopes when the caller is itself an API token. */
static int check_scopes(const struct req *r, const json_t *scopes, struct err *e)
{
	size_t n = json_array_size(scopes);
	if (n == 0)
		return err_set(e, ERR_INVALID, "scopes",
		        "name at least one scope, for example \"*:read\" (\"*:*\" for everything "
		        "the owner's role allows)");
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(scopes, i));
		char field[32];
		snprintf(field, sizeof field, "scopes/%zu", i);
		if (!s || strlen(s) > 60 || !scope_valid(s))
			return err_set(e, ERR_INVALID, field,
			        "must be resource:action, e.g. risks:write or *:read");
		for (size_t j = 0; j < i; j++)
			if (strcmp(s, json_string_value(json_array_get(scopes, j))) == 0)
				return err_set(e, ERR_INVALID, field, "is listed twice");
		if (!r->who.scopes)
			continue;
		bool covered = false;
		for (int k = 0; k < r->who.nscopes && !covered; k++)
			covered = scope_covers(r->who.scopes[k], s);
		if (!covered)
			return err_set(e, ERR_FORBIDDEN, field,
			        "is wider than the calling API token's own scopes");
	}
	return 0;
}

/* ------------------------------------------------------------------ shared token ops */

/* Who owns the tokens a route works on: a user (personal) or a service account. */
struct owner {
	const char *tenant;  /* the tenant the tokens live in */
	const char *user;    /* or NULL */
	const char *account; /* or NULL */
};

static int token_list(struct req *r, const struct owner *o, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *state = req_query(r, "state");
	if (page_begin(r, &pg, e))
		return -1;
	if (state) {
		const struct jv_field f = {"state", JV_ENUM, 0, .values = token_states};
		json_t *v = arena_json(r->arena, json_string(state));
		if (jv_check_value(v, &f, "state", e))
			return -1;
	}
	const char *after_at = page_after(&pg, 0), *after_id = page_after(&pg, 1);
	if (pg.after && (!after_at || !after_id || !util_is_uuid(after_id)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {
	        o->tenant, o->user, o->account, state, after_at, after_id, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "tokens", token_list_sql, 7, p);
	if (!items) {
		if (e->code == ERR_INVALID && pg.after)
			return err_set(
			        e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
		return -1;
	}
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int token_get(
        struct req *r, const struct owner *o, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {o->tenant, id, o->user, o->account};
	json_t *t = db_json_row(r, e, "token", token_get_sql, 4, p);
	if (!t)
		return -1;
	resp->body = json_incref(t);
	return 0;
}

static int token_create(struct req *r, const struct owner *o, const char *location_base,
        struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_header(r, "Idempotency-Key"))
		/* a replay store would keep the secret: creating a token is not repeatable */
		return err_set(e, ERR_INVALID, "Idempotency-Key",
		        "not accepted here: the response carries a secret that is shown only once");
	if (req_body_object(r, &b, e) || jv_check(b, token_fields, e) ||
	        check_scopes(r, json_object_get(b, "scopes"), e))
		return -1;
	const char *expires = jv_str(b, "expires_at");
	if (expires) {
		PGresult *x = db_exec(r->db, r->arena, e, expiry_check_sql, 1, expires);
		if (!x && e->code == ERR_INVALID) /* well-formed but out of PostgreSQL's range */
			return err_set(e, ERR_INVALID, "expires_at", "is not a valid timestamp");
		if (!x)
			return -1;
		if (strcmp(PQgetvalue(x, 0, 0), "t") != 0)
			return err_set(e, ERR_INVALID, "expires_at", "must be in the future");
		if (strcmp(PQgetvalue(x, 0, 1), "t") != 0)
			return err_set(
			        e, ERR_INVALID, "expires_at", "must be at most 366 days from now");
	}
	char *secret = util_new_secret(TOKEN_PREFIX);
	char hash[65];
	util_sha256_hex(secret, strlen(secret), hash);
	char *scopes = jv_dump(b, "scopes");
	const char *p[] = {
	        o->tenant, o->user, o->account, jv_str(b, "name"), hash, scopes, expires};
	json_t *t = db_json_row(r, e, "token", token_insert_sql, 7, p);
	free(scopes);
	if (!t) {
		free(secret);
		return -1;
	}
	const char *id = json_string_value(json_object_get(t, "id"));
	if (audit_record(r, "token.create", "api_token", id, NULL, t, e)) {
		free(secret);
		return -1;
	}
	json_t *out = json_deep_copy(t);
	json_object_set_new(out, "token", json_string(secret));
	free(secret);
	resp->status = 201;
	resp->location = arena_printf(r->arena, "%s/%s", location_base, id);
	resp->body = out;
	return 0;
}

static int token_revoke(
        struct req *r, const struct owner *o, const char *id, struct resp *resp, struct err *e)
{
	const char *gp[] = {o->tenant, id, o->user, o->account};
	json_t *before = db_json_row(r, e, "token", token_get_sql, 4, gp);
	if (!before)
		return -1;
	if (strcmp(json_string_value(json_object_get(before, "state")), "revoked") == 0)
		return err_set(e, ERR_CONFLICT, "id", "the token is already revoked");
	const char *p[] = {o->tenant, id};
	json_t *after = db_json_row(r, e, "token", token_revoke_sql, 2, p);
	if (!after) {
		if (e->code == ERR_NOT_FOUND) /* revoked concurrently */
			return err_set(e, ERR_CONFLICT, "id", "the token is already revoked");
		return -1;
	}
	if (audit_record(r, "token.revoke", "api_token", id, before, after, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ------------------------------------------------------------------ /v1/me/tokens */

/* Personal tokens live in the caller's home tenant; the request transaction moves
 * there for the duration of *fn and back afterwards. */
static int with_home(struct req *r, struct resp *resp, struct err *e,
        int (*fn)(struct req *, const struct owner *, const char *, struct resp *, struct err *),
        const char *id)
{
	if (r->who.kind != PRINCIPAL_USER)
		return err_set(e, ERR_FORBIDDEN, NULL,
		        "a service account has no personal tokens: use "
		        "/v1/service-accounts/{id}/tokens");
	const char *acting = r->tenant_id;
	bool move = strcmp(acting, r->who.home_tenant) != 0;
	struct owner o = {r->who.home_tenant, r->who.user_id, NULL};
	if (move && req_set_tenant(r, r->who.home_tenant, e))
		return -1;
	if (fn(r, &o, id, resp, e))
		return -1;
	if (move && req_set_tenant(r, acting, e))
		return -1;
	return 0;
}

static int me_list_fn(
        struct req *r, const struct owner *o, const char *id, struct resp *resp, struct err *e)
{
	(void)id;
	return token_list(r, o, resp, e);
}

static int me_create_fn(
        struct req *r, const struct owner *o, const char *id, struct resp *resp, struct err *e)
{
	(void)id;
	return token_create(r, o, "/v1/me/tokens", resp, e);
}

static int me_token_list(struct req *r, struct resp *resp, struct err *e)
{
	return with_home(r, resp, e, me_list_fn, NULL);
}

static int me_token_create(struct req *r, struct resp *resp, struct err *e)
{
	return with_home(r, resp, e, me_create_fn, NULL);
}

static int me_token_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	return with_home(r, resp, e, token_get, id);
}

static int me_token_revoke(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	return with_home(r, resp, e, token_revoke, id);
}

/* ------------------------------------------------------------ /v1/service-accounts */

static json_t *sa_load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {r->tenant_id, id};
	json_t *s = db_json_row(r, e, "service account", sa_get_sql, 2, p);
	if (s && resp)
		resp->etag = arena_printf(r->arena, "%lld",
		        (long long)json_integer_value(json_object_get(s, "version")));
	return s;
}

static int sa_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *role = req_query(r, "role");
	if (page_begin(r, &pg, e))
		return -1;
	if (role && !authz_is_role(role))
		return err_set(e, ERR_INVALID, "role", "unknown role");
	const char *after_name = page_after(&pg, 0), *after_id = page_after(&pg, 1);
	if (pg.after && (!after_name || !after_id || !util_is_uuid(after_id)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {r->tenant_id, role, after_name, after_id, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "service accounts", sa_list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"name", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int sa_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *s = sa_load(r, id, resp, e);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return 0;
}

static int sa_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, sa_create_fields, e))
		return -1;
	const char *p[] = {r->tenant_id, jv_str(b, "name"), jv_str(b, "role")};
	json_t *s = db_json_row(r, e, "service account", sa_insert_sql, 3, p);
	if (!s)
		return -1;
	const char *id = json_string_value(json_object_get(s, "id"));
	if (audit_record(r, "service_account.create", "service_account", id, NULL, s, e))
		return -1;
	resp->status = 201;
	resp->etag = "1";
	resp->location = arena_printf(r->arena, "/v1/service-accounts/%s", id);
	resp->body = json_incref(s);
	return 0;
}

static int sa_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, sa_update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = sa_load(r, id, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {r->tenant_id, id, jv_str(b, "name"), jv_str(b, "role"), vbuf};
	PGresult *res = db_execv(r->db, r->arena, e, sa_update_sql, 5, p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the service account was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	json_t *after = db_json(r->arena, res, 0, 0);
	const char *old_role = json_string_value(json_object_get(before, "role"));
	const char *action = strcmp(old_role, json_string_value(json_object_get(after, "role")))
	                             ? "service_account.role_change"
	                             : "service_account.update";
	if (audit_record(r, action, "service_account", id, before, after, e))
		return -1;
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(after, "version")));
	resp->body = json_incref(after);
	return 0;
}

static int sa_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = sa_load(r, id, NULL, e);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the service account was changed by someone else");
	/* its tokens go with it (foreign key cascade); the event records how many were live */
	PGresult *n = db_exec(r->db, r->arena, e, sa_token_count_sql, 2, r->tenant_id, id);
	if (!n)
		return -1;
	json_t *b = json_deep_copy(before);
	json_object_set_new(b, "active_tokens", json_integer(atoll(PQgetvalue(n, 0, 0))));
	arena_json(r->arena, b);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, sa_delete_sql, 3, r->tenant_id, id, vbuf);
	if (!d)
		return -1;
	if (atoi(PQcmdTuples(d)) != 1)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the service account was changed by someone else");
	if (audit_record(r, "service_account.delete", "service_account", id, b, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* The service account of the path, which must exist in the request's tenant. */
static int sa_owner(struct req *r, struct owner *o, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || !sa_load(r, id, NULL, e))
		return -1;
	o->tenant = r->tenant_id;
	o->user = NULL;
	o->account = id;
	return 0;
}

static int sa_token_list(struct req *r, struct resp *resp, struct err *e)
{
	struct owner o;
	if (sa_owner(r, &o, e))
		return -1;
	return token_list(r, &o, resp, e);
}

static int sa_token_create(struct req *r, struct resp *resp, struct err *e)
{
	struct owner o;
	if (sa_owner(r, &o, e))
		return -1;
	return token_create(r, &o,
	        arena_printf(r->arena, "/v1/service-accounts/%s/tokens", o.account), resp, e);
}

static int sa_token_get(struct req *r, struct resp *resp, struct err *e)
{
	struct owner o;
	const char *tid;
	if (sa_owner(r, &o, e) || req_param_uuid(r, "token_id", &tid, e))
		return -1;
	return token_get(r, &o, tid, resp, e);
}

static int sa_token_revoke(struct req *r, struct resp *resp, struct err *e)
{
	struct owner o;
	const char *tid;
	if (sa_owner(r, &o, e) || req_param_uuid(r, "token_id", &tid, e))
		return -1;
	return token_revoke(r, &o, tid, resp, e);
}

static const char *const token_query[] = {"limit", "state", NULL};
static const char *const sa_query[] = {"limit", "role", NULL};

const struct route token_routes[] = {
        {"GET", "/v1/me/tokens", me_token_list, "tokens:read", 0,
                "The caller's personal API tokens, newest first (secrets are never shown again)",
                token_query},
        {"POST", "/v1/me/tokens", me_token_create, "tokens:write", 0,
                "Create a personal API token with scopes and an expiry; the secret is shown once"},
        {"GET", "/v1/me/tokens/{id}", me_token_get, "tokens:read", 0,
                "One of the caller's personal API tokens"},
        {"DELETE", "/v1/me/tokens/{id}", me_token_revoke, "tokens:write", 0,
                "Revoke one of the caller's personal API tokens (effective at its next use)"},
        {"GET", "/v1/service-accounts", sa_list, "service_accounts:read", 0,
                "The tenant's service accounts", sa_query},
        {"POST", "/v1/service-accounts", sa_create, "service_accounts:write", 0,
                "Create a service account with a role (any role but operator)"},
        {"GET", "/v1/service-accounts/{id}", sa_get, "service_accounts:read", 0,
                "Get a service account"},
        {"PATCH", "/v1/service-accounts/{id}", sa_update, "service_accounts:write", 0,
                "Rename a service account or change its role (If-Match required)"},
        {"DELETE", "/v1/service-accounts/{id}", sa_delete, "service_accounts:write", 0,
                "Delete a service account and its tokens (If-Match required)"},
        {"GET", "/v1/service-accounts/{id}/tokens", sa_token_list, "service_accounts:read", 0,
                "A service account's API tokens, newest first", token_query},
        {"POST", "/v1/service-accounts/{id}/tokens", sa_token_create, "service_accounts:write", 0,
                "Create an API token for a service account; the secret is shown once"},
        {"GET", "/v1/service-accounts/{id}/tokens/{token_id}", sa_token_get,
                "service_accounts:read", 0, "One API token of a service account"},
        {"DELETE", "/v1/service-accounts/{id}/tokens/{token_id}", sa_token_revoke,
                "service_accounts:write", 0, "Revoke an API token of a service account"},
        {NULL},
};
