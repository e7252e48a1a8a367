/*
 * mfa.c - multi-factor authentication for local accounts: TOTP (RFC 6238, lib/totp.c)
 * with single-use recovery codes, the second step of password sign-in, and the
 * operator's "require MFA" policy.
 *
 *   mfa_login_step()                  called by auth.c after a right password: when the
 *                                     account has MFA, or the policy requires it, the
 *                                     login answers {mfa_required, mfa_token} instead of
 *                                     tokens
 *   POST /v1/auth/mfa/verify          second step: mfa_token + code (or recovery code)
 *                                     -> the session, exactly as a password login
 *   POST /v1/auth/mfa/enrol           second step for an account the policy forces to
 *                                     enrol: a new secret; verify then confirms it
 *   /v1/me/mfa...                     the caller's own enrolment, confirmation, recovery
 *                                     codes and removal (a signed-in session only)
 *   /v1/users/{id}/mfa                an administrator's view and reset (lost device)
 *   /v1/mfa/policy                    the operator's policy: require MFA for every local
 *                                     account of the consultancy and its client tenants
 *
 * Secrets: TOTP seeds are sealed with CONCORD_SECRET_KEY (lib/secretbox.c) and bound to
 * tenant and user; recovery codes are stored as SHA-256 of (user, code) and shown once.
 * A code is accepted at most once: the last accepted time step is stored and anything
 * not later is refused as a replay. Wrong codes count against the sign-in step (5 per
 * mfa_token) and against the account (CONCORD_LOGIN_MAX_FAILURES per
 * CONCORD_LOGIN_WINDOW across steps); each is audited as auth.login_failed.
 *
 * Accounts signed in through a tenant's identity provider have no Concord MFA: their
 * provider enforces it. Threads: any MHD pool thread; memory from the request arena.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "jsonv.h"
#include "log.h"
#include "secretbox.h"
#include "totp.h"
#include "util.h"

#define CHALLENGE_PREFIX   "cmf."
#define CHALLENGE_TTL      300
#define CHALLENGE_ATTEMPTS 5
#define RECOVERY_CODES     10
#define TOTP_ISSUER        "Concord"

static const char totp_get_sql[] =
        "SELECT secret_sealed, confirmed_at IS NOT NULL, last_step, version FROM mfa_totp"
        " WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE";
static const char totp_start_sql[] =
        "INSERT INTO mfa_totp AS t (tenant_id, user_id, secret_sealed) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant_id, user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed,"
        " last_step = 0, version = t.version + 1, updated_at = now() WHERE t.confirmed_at IS NULL"
        " RETURNING version";
static const char totp_accept_sql[] =
        "UPDATE mfa_totp SET last_step = $3::bigint,"
        " confirmed_at = coalesce(confirmed_at, CASE WHEN $4::boolean THEN now() END),"
        " version = version + 1, updated_at = now() WHERE tenant_id = $1 AND user_id = $2";
static const char totp_delete_sql[] = "DELETE FROM mfa_totp WHERE tenant_id = $1 AND user_id = $2";
static const char codes_delete_sql[] =
        "DELETE FROM mfa_recovery_codes WHERE tenant_id = $1 AND user_id = $2";
static const char code_insert_sql[] =
        "INSERT INTO mfa_recovery_codes (tenant_id, user_id, code_hash) VALUES ($1, $2, $3)";
static const char code_use_sql[] =
        "UPDATE mfa_recovery_codes SET used_at = now() WHERE tenant_id = $1 AND user_id = $2"
        " AND code_hash = $3 AND used_at IS NULL RETURNING 1";
static const char status_sql[] =
        "SELECT jsonb_build_object('user_id', $2::uuid, 'enrolled', t.confirmed_at IS NOT NULL,"
        " 'pending', t.user_id IS NOT NULL AND t.confirmed_at IS NULL,"
        " 'confirmed_at', t.confirmed_at, 'recovery_codes_remaining', (SELECT count(*)"
        "   FROM mfa_recovery_codes c WHERE c.tenant_id = $1 AND c.user_id = $2"
        "   AND c.used_at IS NULL), 'required', mfa_required_for($1), 'version', t.version)"
        " FROM (SELECT 1) one LEFT JOIN mfa_totp t ON t.tenant_id = $1 AND t.user_id = $2";
static const char required_sql[] = "SELECT mfa_required_for($1)";
static const char enrolled_sql[] = "SELECT 1 FROM mfa_totp WHERE tenant_id = $1 AND user_id = $2"
                                   " AND confirmed_at IS NOT NULL";
static const char user_sql[] =
        "SELECT source, email, tenant_id = $2::uuid FROM users WHERE id = $1";

static const char challenge_insert_sql[] =
        "INSERT INTO mfa_challenges (tenant_id, user_id, token_hash, purpose, expires_at)"
        " VALUES ($1, $2, decode($3, 'hex'), $4, now() + make_interval(secs => $5::int))";
static const char challenge_gc_sql[] =
        "DELETE FROM mfa_challenges WHERE tenant_id = $1 AND expires_at < now() - interval '1 day'";
static const char challenge_get_sql[] =
        "SELECT c.id, c.user_id, c.purpose, c.attempts, c.expires_at <= now(),"
        " c.used_at IS NOT NULL, u.status = 'active' AND t.status = 'active'"
        " FROM mfa_challenges c JOIN users u ON u.id = c.user_id"
        " JOIN tenants t ON t.id = c.tenant_id"
        " WHERE c.tenant_id = $1 AND c.token_hash = decode($2, 'hex') FOR UPDATE OF c";
static const char challenge_fail_sql[] =
        "UPDATE mfa_challenges SET attempts = attempts + 1 WHERE tenant_id = $1 AND id = $2";
static const char challenge_used_sql[] =
        "UPDATE mfa_challenges SET used_at = now() WHERE tenant_id = $1 AND id = $2";
static const char recent_failures_sql[] =
        "SELECT coalesce(sum(attempts), 0) >= $3::int FROM mfa_challenges WHERE tenant_id = $1"
        " AND user_id = $2 AND created_at > now() - make_interval(secs => $4::int)";

static const char policy_get_sql[] =
        "SELECT jsonb_build_object('tenant_id', $1::uuid, 'require_local',"
        " coalesce(p.require_local, false), 'version', coalesce(p.version, 1),"
        " 'updated_at', p.updated_at) FROM (SELECT 1) one"
        " LEFT JOIN mfa_policies p ON p.tenant_id = $1";
static const char policy_put_sql[] =
        "INSERT INTO mfa_policies AS p (tenant_id, require_local, version) VALUES ($1, $2, 2)"
        " ON CONFLICT (tenant_id) DO UPDATE SET require_local = EXCLUDED.require_local,"
        " version = p.version + 1, updated_at = now() WHERE p.version = $3::int"
        " RETURNING jsonb_build_object('tenant_id', tenant_id, 'require_local', require_local,"
        " 'version', version, 'updated_at', updated_at)";
static const char member_home_sql[] =
        "SELECT 1 FROM users WHERE id = $1 AND tenant_id = app_tenant()";

static const struct jv_field verify_fields[] = {
        {"mfa_token", JV_STRING, JV_REQUIRED, .max = 200},
        {"code", JV_STRING, 0, .max = 16},
        {"recovery_code", JV_STRING, 0, .max = 40},
        {NULL},
};
static const struct jv_field enrol_fields[] = {
        {"mfa_token", JV_STRING, JV_REQUIRED, .max = 200},
        {NULL},
};
static const struct jv_field code_fields[] = {
        {"code", JV_STRING, JV_REQUIRED, .max = 16},
        {NULL},
};
static const struct jv_field policy_fields[] = {
        {"require_local", JV_BOOL, JV_REQUIRED},
        {NULL},
};

/* ------------------------------------------------------------------ helpers */

/* Digits only (authenticator apps show "123 456"). */
static const char *clean_code(struct req *r, const char *code)
{
	char *o = arena_alloc(r->arena, strlen(code) + 1), *w = o;
	for (const char *p = code; *p; p++)
		if (*p != ' ')
			*w++ = *p;
	return o;
}

static void recovery_hash(const char *user, const char *code, char out[65])
{
	char buf[128], norm[48];
	size_t n = 0;
	for (const char *p = code; *p && n < sizeof norm - 1; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		norm[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	}
	norm[n] = '\0';
	int len = snprintf(buf, sizeof buf, "%s:%s", user, norm);
	util_sha256_hex(buf, (size_t)len, out);
	OPENSSL_cleanse(buf, sizeof buf);
}

/* Replace the user's recovery codes with a new set; the plain codes (to show once). */
static json_t *new_recovery_codes(
        struct req *r, const char *tenant, const char *user, struct err *e)
{
	if (!db_exec(r->db, r->arena, e, codes_delete_sql, 2, tenant, user))
		return NULL;
	json_t *codes = arena_json(r->arena, json_array());
	for (int i = 0; i < RECOVERY_CODES; i++) {
		unsigned char raw[10]; /* 80 bits */
		util_random(raw, sizeof raw);
		char *b = totp_base32_encode(raw, sizeof raw); /* 16 characters */
		char code[24], hash[65];
		snprintf(code, sizeof code, "%.4s-%.4s-%.4s-%.4s", b, b + 4, b + 8, b + 12);
		free(b);
		for (char *p = code; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		recovery_hash(user, code, hash);
		if (!db_exec(r->db, r->arena, e, code_insert_sql, 3, tenant, user, hash))
			return NULL;
		json_array_append_new(codes, json_string(code));
	}
	return codes;
}

static const char *totp_aad(struct req *r, const char *tenant, const char *user)
{
	return arena_printf(r->arena, "mfa.totp:%s:%s", tenant, user);
}

/* A fresh pending enrolment (replacing an unconfirmed one): {secret, otpauth_uri, ...}. */
static json_t *start_enrolment(
        struct req *r, const char *tenant, const char *user, const char *email, struct err *e)
{
	unsigned char key[TOTP_SECRET_LEN];
	util_random(key, sizeof key);
	char *sealed =
	        secretbox_seal(cfg.secret_key_hex, totp_aad(r, tenant, user), key, sizeof key, e);
	char *b32 = totp_base32_encode(key, sizeof key);
	OPENSSL_cleanse(key, sizeof key);
	json_t *out = NULL;
	if (!sealed)
		goto out;
	PGresult *res = db_exec(r->db, r->arena, e, totp_start_sql, 3, tenant, user, sealed);
	if (!res)
		goto out;
	if (PQntuples(res) == 0) {
		err_set(e, ERR_CONFLICT, NULL,
		        "multi-factor authentication is already enrolled; remove it first");
		goto out;
	}
	json_t *info = json_pack("{s:s}", "method", "totp");
	int rc = audit_record(r, "mfa.enrol_start", "user", user, NULL, info, e);
	json_decref(info);
	if (rc)
		goto out;
	char *uri = totp_uri(TOTP_ISSUER, email, b32);
	out = json_pack("{s:s, s:s, s:s, s:i, s:i}", "secret", b32, "otpauth_uri", uri, "algorithm",
	        "SHA1", "digits", TOTP_DIGITS, "period", TOTP_PERIOD);
	free(uri);
out:
	if (b32)
		OPENSSL_cleanse(b32, strlen(b32));
	free(b32);
	free(sealed);
	return out;
}

/* Check a TOTP code for user. Returns 1 accepted (and recorded), 0 wrong, -2 replayed,
 * -1 error. confirm: this acceptance also confirms a pending enrolment. want_confirmed:
 * the enrolment must (true) or must not (false) be confirmed already. */
static int check_totp(struct req *r, const char *tenant, const char *user, const char *code,
        bool want_confirmed, struct err *e)
{
	PGresult *t = db_exec(r->db, r->arena, e, totp_get_sql, 2, tenant, user);
	if (!t)
		return -1;
	if (PQntuples(t) == 0 || (strcmp(PQgetvalue(t, 0, 1), "t") == 0) != want_confirmed)
		return err_set(e, ERR_CONFLICT, NULL,
		        want_confirmed ? "multi-factor authentication is not enrolled"
		                       : "there is no pending enrolment: start one first");
	size_t klen;
	unsigned char *key = secretbox_open(
	        cfg.secret_key_hex, totp_aad(r, tenant, user), PQgetvalue(t, 0, 0), &klen, e);
	if (!key)
		return -1;
	long long last = strtoll(PQgetvalue(t, 0, 2), NULL, 10);
	int64_t step = totp_verify(key, klen, clean_code(r, code), time(NULL), TOTP_WINDOW, last);
	OPENSSL_cleanse(key, klen);
	free(key);
	if (step == 0)
		return 0;
	if (step < 0)
		return -2;
	char sbuf[24];
	snprintf(sbuf, sizeof sbuf, "%lld", (long long)step);
	if (!db_exec(r->db, r->arena, e, totp_accept_sql, 4, tenant, user, sbuf,
	            want_confirmed ? "false" : "true"))
		return -1;
	return 1;
}

/* ------------------------------------------------------------ sign-in step */

int mfa_login_step(
        struct req *r, const char *tenant, const char *user, json_t **challenge, struct err *e)
{
	*challenge = NULL;
	if (req_set_tenant(r, tenant, e))
		return -1;
	PGresult *en = db_exec(r->db, r->arena, e, enrolled_sql, 2, tenant, user);
	PGresult *rq = en ? db_exec(r->db, r->arena, e, required_sql, 1, tenant) : NULL;
	if (!rq)
		return -1;
	bool enrolled = PQntuples(en) == 1, required = strcmp(PQgetvalue(rq, 0, 0), "t") == 0;
	if (!enrolled && !required)
		return 0;
	char *secret = util_new_secret("");
	char *token = arena_printf(r->arena, CHALLENGE_PREFIX "%s.%s", tenant, secret);
	free(secret);
	char hash[65], ttl[16];
	util_sha256_hex(token, strlen(token), hash);
	snprintf(ttl, sizeof ttl, "%d", CHALLENGE_TTL);
	const char *purpose = enrolled ? "verify" : "enrol";
	if (!db_exec(r->db, r->arena, e, challenge_gc_sql, 1, tenant) ||
	        !db_exec(r->db, r->arena, e, challenge_insert_sql, 5, tenant, user, hash, purpose,
	                ttl) ||
	        !db_exec(r->db, r->arena, e, "SELECT set_config('app.user_id', $1, true)", 1, user))
		return -1;
	json_t *d = json_pack("{s:s, s:s}", "client_ip", r->client_ip, "second_step", purpose);
	int rc = audit_record(r, "auth.mfa_challenge", "user", user, NULL, d, e);
	json_decref(d);
	if (rc)
		return -1;
	*challenge = json_pack("{s:b, s:b, s:s, s:i, s:[ss]}", "mfa_required", 1,
	        "mfa_enrolment_required", !enrolled, "mfa_token", token, "expires_in",
	        CHALLENGE_TTL, "methods", "totp", "recovery_code");
	return 0;
}

/* A loaded second-step challenge. */
struct challenge {
	char tenant[37];
	const char *id, *user, *purpose;
};

/* Find the live challenge behind an mfa_token and switch to its tenant. */
static int load_challenge(struct req *r, const char *token, struct challenge *c, struct err *e)
{
	size_t pl = strlen(CHALLENGE_PREFIX);
	if (strncmp(token, CHALLENGE_PREFIX, pl) != 0 || strlen(token) < pl + 38 ||
	        token[pl + 36] != '.')
		return err_set(e, ERR_UNAUTHENTICATED, "mfa_token", "invalid sign-in step token");
	memcpy(c->tenant, token + pl, 36);
	c->tenant[36] = '\0';
	if (!util_is_uuid(c->tenant))
		return err_set(e, ERR_UNAUTHENTICATED, "mfa_token", "invalid sign-in step token");
	char hash[65];
	util_sha256_hex(token, strlen(token), hash);
	if (req_set_tenant(r, c->tenant, e))
		return -1;
	PGresult *res = db_exec(r->db, r->arena, e, challenge_get_sql, 2, c->tenant, hash);
	if (!res)
		return -1;
	if (PQntuples(res) != 1)
		return err_set(e, ERR_UNAUTHENTICATED, "mfa_token", "invalid sign-in step token");
	if (strcmp(PQgetvalue(res, 0, 4), "t") == 0 || strcmp(PQgetvalue(res, 0, 5), "t") == 0 ||
	        atoi(PQgetvalue(res, 0, 3)) >= CHALLENGE_ATTEMPTS)
		return err_set(e, ERR_UNAUTHENTICATED, "mfa_token",
		        "this sign-in step is over (used, expired or too many wrong codes): sign "
		        "in "
		        "again");
	if (strcmp(PQgetvalue(res, 0, 6), "t") != 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "account or tenant not active");
	c->id = PQgetvalue(res, 0, 0);
	c->user = PQgetvalue(res, 0, 1);
	c->purpose = PQgetvalue(res, 0, 2);
	return db_exec(r->db, r->arena, e, "SELECT set_config('app.user_id', $1, true)", 1, c->user)
	               ? 0
	               : -1;
}

/* Count and audit a wrong second factor; the transaction commits anyway. Returns -1. */
static int second_factor_failed(struct req *r, const struct challenge *c, const char *method,
        const char *reason, struct err *e)
{
	r->commit_on_error = true;
	struct err ae = {0};
	json_t *d = json_pack(
	        "{s:s, s:s, s:s}", "client_ip", r->client_ip, "method", method, "reason", reason);
	if (!db_exec(r->db, r->arena, &ae, challenge_fail_sql, 2, c->tenant, c->id) ||
	        audit_record(r, "auth.login_failed", "user", c->user, NULL, d, &ae))
		log_warn("could not record a failed second factor: %s", ae.detail_log);
	json_decref(d);
	return err_set(e, ERR_UNAUTHENTICATED,
	        strstr(method, "recovery") ? "recovery_code" : "code", "%s", reason);
}

static int mfa_verify(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	struct challenge c;
	if (req_body_object(r, &b, e) || jv_check(b, verify_fields, e))
		return -1;
	const char *code = jv_str(b, "code"), *rcode = jv_str(b, "recovery_code");
	if (!code == !rcode)
		return err_set(e, ERR_INVALID, "code", "send either code or recovery_code");
	if (load_challenge(r, jv_str(b, "mfa_token"), &c, e))
		return -1;
	bool enrol = strcmp(c.purpose, "enrol") == 0;
	if (enrol && rcode)
		return err_set(e, ERR_INVALID, "recovery_code",
		        "finish enrolment with a code from the authenticator app");
	char maxf[16], window[16];
	snprintf(maxf, sizeof maxf, "%d", cfg.login_max_failures);
	snprintf(window, sizeof window, "%d", cfg.login_window);
	PGresult *lim =
	        db_exec(r->db, r->arena, e, recent_failures_sql, 4, c.tenant, c.user, maxf, window);
	if (!lim)
		return -1;
	if (strcmp(PQgetvalue(lim, 0, 0), "t") == 0)
		return err_set(e, ERR_TOO_MANY, NULL, "too many wrong codes; try again later");
	const char *method = rcode ? "password+recovery_code" : "password+totp";
	if (code) {
		int ok = check_totp(r, c.tenant, c.user, code, !enrol, e);
		if (ok == -1)
			return -1;
		if (ok == 0)
			return second_factor_failed(r, &c, method, "wrong one-time code", e);
		if (ok == -2)
			return second_factor_failed(r, &c, method,
			        "this one-time code was already used: wait for the next one", e);
	} else {
		char hash[65];
		recovery_hash(c.user, rcode, hash);
		PGresult *u = db_exec(r->db, r->arena, e, code_use_sql, 3, c.tenant, c.user, hash);
		if (!u)
			return -1;
		if (PQntuples(u) == 0)
			return second_factor_failed(
			        r, &c, method, "wrong or already used recovery code", e);
		json_t *d = json_pack("{s:s}", "client_ip", r->client_ip);
		int rc = audit_record(r, "mfa.recovery_code_used", "user", c.user, NULL, d, e);
		json_decref(d);
		if (rc)
			return -1;
	}
	if (!db_exec(r->db, r->arena, e, challenge_used_sql, 2, c.tenant, c.id))
		return -1;
	json_t *codes = NULL;
	if (enrol) {
		json_t *d =
		        json_pack("{s:s, s:s}", "method", "totp", "reason", "required by policy");
		codes = new_recovery_codes(r, c.tenant, c.user, e);
		int rc = codes ? audit_record(r, "mfa.enrol", "user", c.user, NULL, d, e) : -1;
		json_decref(d);
		if (rc)
			return -1;
	}
	json_t *out;
	if (auth_start_session(r, c.tenant, c.user, method, &out, e))
		return -1;
	if (codes)
		json_object_set(out, "recovery_codes", codes);
	resp->body = out;
	return 0;
}

static int mfa_enrol_step(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	struct challenge c;
	if (req_body_object(r, &b, e) || jv_check(b, enrol_fields, e) ||
	        load_challenge(r, jv_str(b, "mfa_token"), &c, e))
		return -1;
	if (strcmp(c.purpose, "enrol") != 0)
		return err_set(e, ERR_CONFLICT, "mfa_token",
		        "this account is already enrolled: send a code to /v1/auth/mfa/verify");
	PGresult *u = db_exec(r->db, r->arena, e, user_sql, 2, c.user, c.tenant);
	if (!u)
		return -1;
	json_t *out = start_enrolment(r, c.tenant, c.user, PQgetvalue(u, 0, 1), e);
	if (!out)
		return -1;
	resp->body = out;
	return 0;
}

/* ------------------------------------------------------------ the caller's own */

/* The caller's local account in its home tenant (the transaction switches there);
 * *acting keeps the tenant the request acts in. */
static int me_context(struct req *r, const char **acting, const char **email, struct err *e)
{
	if (r->who.kind != PRINCIPAL_USER || !r->who.session_id[0])
		return err_set(e, ERR_FORBIDDEN, "Authorization",
		        "multi-factor authentication is managed from a signed-in session, not with "
		        "a "
		        "token");
	*acting = r->tenant_id;
	if (req_set_tenant(r, r->who.home_tenant, e))
		return -1;
	PGresult *u = db_exec(r->db, r->arena, e, user_sql, 2, r->who.user_id, r->who.home_tenant);
	if (!u)
		return -1;
	if (PQntuples(u) != 1)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "account no longer exists");
	if (strcmp(PQgetvalue(u, 0, 0), "local") != 0)
		return err_set(e, ERR_UNPROCESSABLE, NULL,
		        "your organisation's identity provider handles multi-factor "
		        "authentication");
	if (email)
		*email = PQgetvalue(u, 0, 1);
	return 0;
}

static json_t *load_status(
        struct req *r, const char *tenant, const char *user, struct resp *resp, struct err *e)
{
	const char *p[] = {tenant, user};
	json_t *s = db_json_row(r, e, "enrolment", status_sql, 2, p);
	json_t *v = s ? json_object_get(s, "version") : NULL;
	if (resp && json_is_integer(v))
		resp->etag = arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
	return s;
}

static int me_mfa_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *acting;
	if (me_context(r, &acting, NULL, e))
		return -1;
	json_t *s = load_status(r, r->who.home_tenant, r->who.user_id, resp, e);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return req_set_tenant(r, acting, e);
}

static int me_totp_start(struct req *r, struct resp *resp, struct err *e)
{
	const char *acting, *email;
	if (me_context(r, &acting, &email, e))
		return -1;
	json_t *out = start_enrolment(r, r->who.home_tenant, r->who.user_id, email, e);
	if (!out)
		return -1;
	resp->status = 201;
	resp->body = out;
	return req_set_tenant(r, acting, e);
}

/* The body's code for the caller's confirmed (or pending) enrolment; 400 when wrong. */
static int me_code(struct req *r, bool confirmed, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, code_fields, e))
		return -1;
	int ok = check_totp(r, r->who.home_tenant, r->who.user_id, jv_str(b, "code"), confirmed, e);
	if (ok == 0)
		return err_set(e, ERR_INVALID, "code", "wrong one-time code");
	if (ok == -2)
		return err_set(e, ERR_INVALID, "code",
		        "this one-time code was already used: wait for the next one");
	return ok == 1 ? 0 : -1;
}

static int me_totp_confirm(struct req *r, struct resp *resp, struct err *e)
{
	const char *acting;
	if (me_context(r, &acting, NULL, e) || me_code(r, false, e))
		return -1;
	json_t *codes = new_recovery_codes(r, r->who.home_tenant, r->who.user_id, e);
	json_t *d = json_pack("{s:s}", "method", "totp");
	int rc = codes ? audit_record(r, "mfa.enrol", "user", r->who.user_id, NULL, d, e) : -1;
	json_decref(d);
	if (rc)
		return -1;
	resp->body = json_pack("{s:b, s:O}", "enrolled", 1, "recovery_codes", codes);
	return req_set_tenant(r, acting, e);
}

static int me_totp_disable(struct req *r, struct resp *resp, struct err *e)
{
	const char *acting;
	if (me_context(r, &acting, NULL, e))
		return -1;
	PGresult *rq = db_exec(r->db, r->arena, e, required_sql, 1, r->who.home_tenant);
	if (!rq)
		return -1;
	if (strcmp(PQgetvalue(rq, 0, 0), "t") == 0)
		return err_set(e, ERR_UNPROCESSABLE, NULL,
		        "your organisation requires multi-factor authentication");
	if (me_code(r, true, e))
		return -1;
	if (!db_exec(r->db, r->arena, e, codes_delete_sql, 2, r->who.home_tenant, r->who.user_id) ||
	        !db_exec(
	                r->db, r->arena, e, totp_delete_sql, 2, r->who.home_tenant, r->who.user_id))
		return -1;
	json_t *before = json_pack("{s:s}", "method", "totp");
	int rc = audit_record(r, "mfa.disable", "user", r->who.user_id, before, NULL, e);
	json_decref(before);
	resp->status = 204;
	return rc ? -1 : req_set_tenant(r, acting, e);
}

static int me_recovery_codes(struct req *r, struct resp *resp, struct err *e)
{
	const char *acting;
	if (me_context(r, &acting, NULL, e) || me_code(r, true, e))
		return -1;
	json_t *codes = new_recovery_codes(r, r->who.home_tenant, r->who.user_id, e);
	if (!codes || audit_record(r, "mfa.recovery_codes_regenerated", "user", r->who.user_id,
	                      NULL, NULL, e))
		return -1;
	resp->body = json_pack("{s:O}", "recovery_codes", codes);
	return req_set_tenant(r, acting, e);
}

/* ------------------------------------------------------------ administrators */

static int member_of_tenant(struct req *r, const char **user, struct err *e)
{
	if (req_param_uuid(r, "id", user, e))
		return -1;
	PGresult *u = db_exec(r->db, r->arena, e, member_home_sql, 1, *user);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL,
		        "no such local user in this tenant (MFA is managed in the account's home "
		        "tenant)");
	return 0;
}

static int user_mfa_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *user;
	if (member_of_tenant(r, &user, e))
		return -1;
	json_t *s = load_status(r, r->tenant_id, user, resp, e);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return 0;
}

static int user_mfa_reset(struct req *r, struct resp *resp, struct err *e)
{
	const char *user;
	long version;
	if (req_if_match(r, &version, e) || member_of_tenant(r, &user, e))
		return -1;
	if (strcmp(user, r->who.user_id) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "id",
		        "remove your own enrolment with /v1/me/mfa/totp/disable");
	json_t *before = load_status(r, r->tenant_id, user, NULL, e);
	if (!before)
		return -1;
	json_t *v = json_object_get(before, "version");
	if (!json_is_integer(v))
		return err_set(e, ERR_NOT_FOUND, NULL, "this user has no MFA enrolment");
	if (json_integer_value(v) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the enrolment was changed (current version %lld)",
		        (long long)json_integer_value(v));
	if (!db_exec(r->db, r->arena, e, codes_delete_sql, 2, r->tenant_id, user) ||
	        !db_exec(r->db, r->arena, e, totp_delete_sql, 2, r->tenant_id, user) ||
	        audit_record(r, "mfa.reset", "user", user, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

static int policy_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *p[] = {r->tenant_id};
	json_t *pol = db_json_row(r, e, "policy", policy_get_sql, 1, p);
	if (!pol)
		return -1;
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(pol, "version")));
	resp->body = json_incref(pol);
	return 0;
}

static int policy_update(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	long version;
	if (req_body_object(r, &b, e) || jv_check(b, policy_fields, e) ||
	        req_if_match(r, &version, e))
		return -1;
	const char *p[] = {r->tenant_id};
	json_t *before = db_json_row(r, e, "policy", policy_get_sql, 1, p);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the policy was changed by someone else");
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *q[] = {r->tenant_id, jv_bool_text(b, "require_local"), vbuf};
	PGresult *res = db_execv(r->db, r->arena, e, policy_put_sql, 3, q);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the policy was changed by someone else");
	json_t *after = db_json(r->arena, res, 0, 0);
	if (audit_record(r, "mfa.policy_update", "mfa_policy", r->tenant_id, before, after, e))
		return -1;
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(after, "version")));
	resp->body = json_incref(after);
	return 0;
}

const struct route mfa_routes[] = {
        {"POST", "/v1/auth/mfa/verify", mfa_verify, NULL, ROUTE_PUBLIC,
                "Second sign-in step: a one-time or recovery code; returns access and refresh "
                "tokens"},
        {"POST", "/v1/auth/mfa/enrol", mfa_enrol_step, NULL, ROUTE_PUBLIC,
                "Second sign-in step when the policy requires MFA: a new authenticator secret"},
        {"GET", "/v1/me/mfa", me_mfa_get, NULL, 0,
                "The caller's multi-factor authentication status"},
        {"POST", "/v1/me/mfa/totp", me_totp_start, NULL, 0,
                "Start TOTP enrolment: a new secret and otpauth URI to confirm with a code"},
        {"POST", "/v1/me/mfa/totp/confirm", me_totp_confirm, NULL, 0,
                "Confirm TOTP enrolment with a code; returns recovery codes (shown once)"},
        {"POST", "/v1/me/mfa/totp/disable", me_totp_disable, NULL, 0,
                "Remove the caller's TOTP enrolment (needs a current code)"},
        {"POST", "/v1/me/mfa/recovery-codes", me_recovery_codes, NULL, 0,
                "Replace the caller's recovery codes (needs a current code)"},
        {"GET", "/v1/users/{id}/mfa", user_mfa_get, "members:read", 0,
                "A local user's multi-factor authentication status"},
        {"DELETE", "/v1/users/{id}/mfa", user_mfa_reset, "members:admin", 0,
                "Reset a local user's MFA enrolment, e.g. after a lost device (If-Match required)"},
        {"GET", "/v1/mfa/policy", policy_get, "tenants:read", ROUTE_OPERATOR,
                "The consultancy's MFA policy for local accounts"},
        {"PATCH", "/v1/mfa/policy", policy_update, "tenants:admin", ROUTE_OPERATOR,
                "Require (or stop requiring) MFA for every local account (If-Match required)"},
        {NULL},
};
