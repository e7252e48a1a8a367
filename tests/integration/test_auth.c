/*
 * test_auth.c - authentication end to end: password sign-in and its throttling,
 * refresh-token rotation and reuse detection, logout, signing-key rotation, forged
 * access tokens, personal API tokens (scopes, expiry, revocation) and service
 * accounts (confined to their tenant).
 *
 * Failed sign-ins are counted per client IP as well as per account, and every test
 * binary talks to the API from 127.0.0.1; so every request that is meant to fail a
 * sign-in here is sent from an address of its own in 127.0.0.0/8 (the API sees the
 * socket's peer address), and the counters of 127.0.0.1 stay untouched for the rest
 * of the suite.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "th.h"
#include "util.h"

static struct th_operator op;

static void setup(void)
{
	th_new_operator(&op);
}

static void teardown(void)
{
	th_operator_free(&op);
}

/* ------------------------------------------------------------------ helpers */

/* A loopback address of this test's own: 127.<a>.<b>.<k>, never 127.0.0.1. */
static void own_ip(char out[20], int k)
{
	static unsigned salt;
	if (!salt)
		salt = (unsigned)getpid() ^ (unsigned)time(NULL);
	snprintf(out, 20, "127.%u.%u.%d", 1 + salt % 250, 1 + (salt / 250) % 250, k);
}

struct sink {
	char *p;
	size_t n;
};

static size_t sink_cb(char *d, size_t s, size_t n, void *ud)
{
	struct sink *k = ud;
	k->p = realloc(k->p, k->n + s * n + 1);
	memcpy(k->p + k->n, d, s * n);
	k->n += s * n;
	k->p[k->n] = '\0';
	return s * n;
}

/* POST /v1/auth/login from source address ip; returns the status, *json (new reference)
 * when wanted. */
static long login_from(
        const char *ip, const char *email, const char *password, const char *tenant, json_t **json)
{
	json_t *b = json_pack("{s:s, s:s}", "email", email, "password", password);
	if (tenant)
		json_object_set_new(b, "tenant", json_string(tenant));
	char *body = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	char url[512], iface[40];
	snprintf(url, sizeof url, "%s/v1/auth/login", getenv("CONCORD_TEST_URL"));
	snprintf(iface, sizeof iface, "host!%s", ip);
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	struct sink s = {calloc(1, 1), 0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode rc = curl_easy_perform(c);
	ck_assert_msg(rc == CURLE_OK, "login from %s: %s", ip, curl_easy_strerror(rc));
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(body);
	if (json)
		*json = json_loads(s.p, 0, NULL);
	free(s.p);
	return status;
}

static int max_failures(void)
{
	const char *v = getenv("CONCORD_LOGIN_MAX_FAILURES");
	return v ? atoi(v) : 5;
}

/* GET /v1/auth/me with a bearer token: the status. */
static long me_status(const char *token)
{
	struct th_resp r;
	th_req("GET", "/v1/auth/me", token, NULL, NULL, &r);
	long s = r.status;
	th_free(&r);
	return s;
}

/* JSON body of a request made with the X-Concord-Tenant header (tenant may be NULL). */
static void req_in(const char *method, const char *path, const char *token, const char *tenant,
        const char *body, struct th_resp *r)
{
	char hdr[80];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", tenant ? tenant : "");
	const char *h[] = {hdr, NULL};
	th_req(method, path, token, body, tenant ? h : NULL, r);
}

static char *sql1(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* th_sql with a formatted statement (values are ids this test made, never input). */
static char *sql1(const char *fmt, ...)
{
	char q[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

/* The kid in a JWT's header (malloc'd). */
static char *jwt_kid(const char *jwt)
{
	const char *dot = strchr(jwt, '.');
	ck_assert_ptr_nonnull(dot);
	char *seg = strndup(jwt, (size_t)(dot - jwt));
	size_t n;
	unsigned char *raw = util_b64url_decode(seg, &n);
	free(seg);
	ck_assert_ptr_nonnull(raw);
	json_t *h = json_loadb((const char *)raw, n, 0, NULL);
	free(raw);
	char *kid = strdup(json_string_value(json_object_get(h, "kid")));
	json_decref(h);
	return kid;
}

/* The newest key in CONCORD_KEYS_DIR (kids sort by time): its kid and private key. */
static EVP_PKEY *signing_key(char kid[64])
{
	const char *dir = getenv("CONCORD_KEYS_DIR");
	ck_assert_ptr_nonnull(dir);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	char best[256] = "";
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n > 4 && strcmp(de->d_name + n - 4, ".pem") == 0 &&
		        strcmp(de->d_name, best) > 0)
			snprintf(best, sizeof best, "%s", de->d_name);
	}
	closedir(d);
	ck_assert_msg(best[0], "no key in %s", dir);
	snprintf(kid, 64, "%.*s", (int)(strlen(best) - 4), best);
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, best);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(k);
	return k;
}

static char *b64(const char *s)
{
	return util_b64url_encode(s, strlen(s));
}

/* header.payload as base64url, for the claims of op's session (exp relative to now). */
static char *signing_input(const char *alg, const char *kid, long exp_in, const char *sub)
{
	long now = (long)time(NULL);
	char header[256], payload[512];
	snprintf(
	        header, sizeof header, "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}", alg, kid);
	snprintf(payload, sizeof payload,
	        "{\"iss\":\"concord\",\"sub\":\"%s\",\"tid\":\"%s\",\"sid\":\"%s\",\"iat\":%ld,"
	        "\"exp\":%ld}",
	        sub, op.tenant_id, "00000000-0000-4000-8000-000000000000", now - 5, now + exp_in);
	char *h = b64(header), *p = b64(payload);
	size_t n = strlen(h) + strlen(p) + 2;
	char *out = malloc(n);
	snprintf(out, n, "%s.%s", h, p);
	free(h);
	free(p);
	return out;
}

static char *with_signature(char *input, const unsigned char *sig, size_t n)
{
	char *s = util_b64url_encode(sig, n);
	size_t len = strlen(input) + strlen(s) + 2;
	char *out = malloc(len);
	snprintf(out, len, "%s.%s", input, s);
	free(s);
	free(input);
	return out;
}

static char *sign_rs256(EVP_PKEY *key, const char *kid, long exp_in)
{
	char *input = signing_input("RS256", kid, exp_in, op.user_id);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = 0;
	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, NULL, &n, (unsigned char *)input, strlen(input)), 1);
	unsigned char *sig = malloc(n);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &n, (unsigned char *)input, strlen(input)), 1);
	EVP_MD_CTX_free(ctx);
	char *jwt = with_signature(input, sig, n);
	free(sig);
	return jwt;
}

/* The problem detail of a response (static copy for messages). */
static const char *detail(const struct th_resp *r)
{
	const char *d = th_str(r, "detail");
	return d ? d : "";
}

/* Create a personal token as `token` (NULL expires_at = default); returns the response. */
static void make_token(
        const char *token, const char *scopes_json, const char *expires, struct th_resp *r)
{
	char body[512];
	if (expires)
		snprintf(body, sizeof body,
		        "{\"name\":\"t-%s\",\"scopes\":%s,\"expires_at\":\"%s\"}", th_unique(),
		        scopes_json, expires);
	else
		snprintf(body, sizeof body, "{\"name\":\"t-%s\",\"scopes\":%s}", th_unique(),
		        scopes_json);
	th_req("POST", "/v1/me/tokens", token, body, NULL, r);
}

/* --------------------------------------------------------------- sign-in */

START_TEST(login_succeeds_with_right_password_and_fails_alike_otherwise)
{
	char ip[20];
	own_ip(ip, 1);
	json_t *j;
	ck_assert_int_eq(login_from(ip, op.email, op.password, NULL, &j), 200);
	ck_assert_str_eq(json_string_value(json_object_get(j, "token_type")), "Bearer");
	ck_assert_str_eq(json_string_value(json_object_get(j, "user_id")), op.user_id);
	ck_assert_str_eq(json_string_value(json_object_get(j, "tenant_id")), op.tenant_id);
	ck_assert_int_gt(json_integer_value(json_object_get(j, "expires_in")), 0);
	const char *rt = json_string_value(json_object_get(j, "refresh_token"));
	ck_assert_ptr_nonnull(rt);
	ck_assert_int_eq(strncmp(rt, "crt.", 4), 0);
	ck_assert_int_eq(me_status(json_string_value(json_object_get(j, "access_token"))), 200);
	json_decref(j);

	/* a wrong password and an unknown account are refused with the same answer */
	json_t *wrong, *unknown;
	ck_assert_int_eq(login_from(ip, op.email, "not-the-password-at-all", NULL, &wrong), 401);
	char nobody[128];
	snprintf(nobody, sizeof nobody, "nobody-%s@nowhere.example", th_unique());
	ck_assert_int_eq(login_from(ip, nobody, "not-the-password-at-all", NULL, &unknown), 401);
	ck_assert_str_eq(json_string_value(json_object_get(wrong, "detail")),
	        json_string_value(json_object_get(unknown, "detail")));
	json_decref(wrong);
	json_decref(unknown);

	/* the failure is in the account's audit trail */
	char *n = sql1("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	               " AND action = 'auth.login_failed' AND entity_id = '%s'",
	        op.tenant_id, op.user_id);
	ck_assert_str_eq(n, "1");
	free(n);
}
END_TEST

START_TEST(account_is_throttled_after_max_failures_from_any_address)
{
	char ip1[20], ip2[20];
	own_ip(ip1, 2);
	own_ip(ip2, 3);
	int max = max_failures();
	for (int i = 0; i < max; i++)
		ck_assert_int_eq(login_from(ip1, op.email, "wrong-password-xx", NULL, NULL), 401);
	/* now even the right password is refused, from this address and from another */
	json_t *j;
	ck_assert_int_eq(login_from(ip1, op.email, op.password, NULL, &j), 429);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "detail")), "too many"));
	json_decref(j);
	ck_assert_int_eq(login_from(ip2, op.email, op.password, NULL, NULL), 429);
	/* other accounts are not affected from a fresh address */
	struct th_operator other;
	th_new_operator(&other);
	ck_assert_int_eq(login_from(ip2, other.email, other.password, NULL, NULL), 200);
	th_operator_free(&other);
}
END_TEST

START_TEST(address_is_throttled_after_max_failures_across_accounts)
{
	char ip[20], clean[20];
	own_ip(ip, 4);
	own_ip(clean, 5);
	int max = max_failures();
	/* one failure each for `max` different accounts: no account counter reaches max */
	for (int i = 0; i < max; i++) {
		char email[128];
		snprintf(email, sizeof email, "guess-%d-%s@nowhere.example", i, th_unique());
		ck_assert_int_eq(login_from(ip, email, "wrong-password-xx", NULL, NULL), 401);
	}
	/* the address is blocked, even for a valid account that never failed */
	ck_assert_int_eq(login_from(ip, op.email, op.password, NULL, NULL), 429);
	/* the same account signs in from another address */
	ck_assert_int_eq(login_from(clean, op.email, op.password, NULL, NULL), 200);
}
END_TEST

/* ---------------------------------------------------------------- sessions */

static long refresh(const char *rt, json_t **out)
{
	json_t *b = json_pack("{s:s}", "refresh_token", rt);
	char *s = json_dumps(b, 0);
	json_decref(b);
	struct th_resp r;
	th_req("POST", "/v1/auth/refresh", NULL, s, NULL, &r);
	free(s);
	long st = r.status;
	if (out)
		*out = json_incref(r.json);
	th_free(&r);
	return st;
}

START_TEST(refresh_rotates_and_reuse_revokes_the_whole_session)
{
	json_t *pair;
	ck_assert_int_eq(refresh(op.refresh, &pair), 200);
	const char *a2 = json_string_value(json_object_get(pair, "access_token"));
	const char *r2 = json_string_value(json_object_get(pair, "refresh_token"));
	ck_assert_str_ne(r2, op.refresh);
	ck_assert_int_eq(me_status(a2), 200);

	/* the first refresh token comes back: someone kept a copy */
	json_t *reuse;
	ck_assert_int_eq(refresh(op.refresh, &reuse), 401);
	ck_assert_ptr_nonnull(
	        strstr(json_string_value(json_object_get(reuse, "detail")), "already used"));
	json_decref(reuse);
	/* every token of the session is dead: the newer refresh token and both access tokens */
	ck_assert_int_eq(refresh(r2, NULL), 401);
	ck_assert_int_eq(me_status(a2), 401);
	ck_assert_int_eq(me_status(op.token), 401);
	json_decref(pair);

	char *n = sql1("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	               " AND action = 'auth.refresh_reuse_detected' AND entity_id = '%s'",
	        op.tenant_id, op.user_id);
	ck_assert_str_eq(n, "1");
	free(n);
	/* a new sign-in starts a new session */
	char *tok = th_login(op.email, op.password, NULL);
	ck_assert_int_eq(me_status(tok), 200);
	free(tok);
}
END_TEST

START_TEST(logout_ends_the_session_at_the_next_request)
{
	ck_assert_int_eq(me_status(op.token), 200);
	struct th_resp r;
	th_req("POST", "/v1/auth/logout", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	th_req("GET", "/v1/auth/me", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(strstr(detail(&r), "session ended"));
	th_free(&r);
	ck_assert_int_eq(refresh(op.refresh, NULL), 401);
}
END_TEST

/* ------------------------------------------------------------- signing keys */

static char *rotate_keys(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/concord-api keys rotate", getenv("CONCORD_TEST_BIN"));
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char line[256] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
	ck_assert_int_eq(pclose(p), 0);
	char kid[64];
	ck_assert_int_eq(sscanf(line, "new signing key %63s", kid), 1);
	return strdup(kid);
}

START_TEST(rotated_key_verifies_without_restart_and_old_tokens_stay_valid)
{
	char *old_kid = jwt_kid(op.token);
	char *new_kid = rotate_keys();
	ck_assert_str_ne(old_kid, new_kid);
	/* a token signed with the new key (by whoever holds it) is accepted by the running
	 * API, which has never seen that key before */
	char kid[64];
	EVP_PKEY *k = signing_key(kid);
	ck_assert_str_eq(kid, new_kid);
	char *jwt = sign_rs256(k, kid, 300);
	long deadline = (long)time(NULL) + 15, st;
	while ((st = me_status(jwt)) != 200 && time(NULL) < deadline)
		usleep(200000);
	ck_assert_int_eq(st, 200);
	/* tokens signed with the previous key keep working */
	ck_assert_int_eq(me_status(op.token), 200);
	EVP_PKEY_free(k);
	free(jwt);
	free(old_kid);
	free(new_kid);
}
END_TEST

START_TEST(rotated_key_signs_new_tokens_without_restart)
{
	char *new_kid = rotate_keys();
	/* new sign-ins must carry the new kid; the keyring may take a few seconds to notice */
	long deadline = (long)time(NULL) + 15;
	char *kid = NULL;
	for (;;) {
		char *tok = th_login(op.email, op.password, NULL);
		ck_assert_ptr_nonnull(tok);
		free(kid);
		kid = jwt_kid(tok);
		free(tok);
		if (strcmp(kid, new_kid) == 0 || time(NULL) >= deadline)
			break;
		usleep(500000);
	}
	ck_assert_msg(strcmp(kid, new_kid) == 0,
	        "after `keys rotate` the API still signs with %s instead of %s", kid, new_kid);
	ck_assert_int_eq(me_status(op.token), 200);
	free(kid);
	free(new_kid);
}
END_TEST

/* ------------------------------------------------------------ forged tokens */

START_TEST(forged_access_tokens_are_rejected)
{
	char kid[64];
	EVP_PKEY *key = signing_key(kid);
	/* control: a token made here with the real key and claims is accepted, so each
	 * rejection below is due to the one thing changed */
	char *good = sign_rs256(key, kid, 300);
	ck_assert_int_eq(me_status(good), 200);

	/* alg none */
	char *none = signing_input("none", kid, 300, op.user_id);
	size_t n = strlen(none);
	none = realloc(none, n + 2);
	strcpy(none + n, ".");
	ck_assert_int_eq(me_status(none), 401);
	free(none);

	/* HS256 with the public key's PEM text as the HMAC secret */
	BIO *bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(bio, key);
	char *pem;
	long pem_len = BIO_get_mem_data(bio, &pem);
	char *hs = signing_input("HS256", kid, 300, op.user_id);
	unsigned char mac[32];
	util_hmac_sha256(pem, (size_t)pem_len, hs, strlen(hs), mac);
	hs = with_signature(hs, mac, sizeof mac);
	ck_assert_int_eq(me_status(hs), 401);
	free(hs);
	BIO_free(bio);

	/* tampered payload: another subject under the original signature */
	char *tampered = strdup(good);
	char *p1 = strchr(tampered, '.'), *p2 = strchr(p1 + 1, '.');
	char *forged_input =
	        signing_input("RS256", kid, 300, "11111111-1111-4111-8111-111111111111");
	char *fp = strchr(forged_input, '.') + 1;
	size_t tlen = (size_t)(p1 + 1 - tampered) + strlen(fp) + strlen(p2) + 1;
	char *t2 = malloc(tlen);
	snprintf(t2, tlen, "%.*s%s%s", (int)(p1 + 1 - tampered), tampered, fp, p2);
	ck_assert_int_eq(me_status(t2), 401);
	free(t2);
	free(tampered);
	free(forged_input);

	/* a well-formed RS256 token from a key the API does not know */
	EVP_PKEY *stranger = EVP_RSA_gen(2048);
	char *unknown = sign_rs256(stranger, "k29991231T235959Z-ffffff", 300);
	struct th_resp r;
	th_req("GET", "/v1/auth/me", unknown, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(strstr(detail(&r), "unknown key"));
	th_free(&r);
	free(unknown);
	/* the stranger's key under a known kid */
	char *wrongkey = sign_rs256(stranger, kid, 300);
	ck_assert_int_eq(me_status(wrongkey), 401);
	free(wrongkey);
	EVP_PKEY_free(stranger);

	/* expired, otherwise genuine */
	char *expired = sign_rs256(key, kid, -60);
	th_req("GET", "/v1/auth/me", expired, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(strstr(detail(&r), "expired"));
	th_free(&r);
	free(expired);
	free(good);
	EVP_PKEY_free(key);
}
END_TEST

/* --------------------------------------------------------------- API tokens */

START_TEST(api_token_is_shown_once_and_stored_as_sha256)
{
	struct th_resp r;
	make_token(op.token, "[\"*:read\"]", NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	const char *secret = th_str(&r, "token");
	regex_t re;
	regcomp(&re, "^cc_[A-Za-z0-9_-]{43}$", REG_EXTENDED | REG_NOSUB);
	ck_assert_int_eq(regexec(&re, secret, 0, NULL, 0), 0);
	regfree(&re);
	char *id = strdup(th_str(&r, "id"));
	char *loc = th_header(&r, "Location");
	ck_assert_ptr_nonnull(strstr(loc, id));
	free(loc);
	unsigned char h[32];
	char hex[65];
	SHA256((const unsigned char *)secret, strlen(secret), h);
	util_hex(h, sizeof h, hex);
	char *stored = sql1("SELECT encode(token_hash, 'hex') FROM api_tokens WHERE id = '%s'", id);
	ck_assert_str_eq(stored, hex);
	free(stored);
	/* default expiry: about 90 days */
	char *days = sql1("SELECT extract(day FROM expires_at - created_at)::int FROM api_tokens"
	                  " WHERE id = '%s'",
	        id);
	ck_assert_str_eq(days, "90");
	free(days);
	th_free(&r);

	/* neither the list nor the single view shows the secret again */
	th_req("GET", "/v1/me/tokens", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_ptr_null(strstr(r.body, "\"token\""));
	ck_assert_ptr_null(strstr(r.body, "cc_"));
	th_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/v1/me/tokens/%s", id);
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "state"), "active");
	ck_assert_ptr_null(json_object_get(r.json, "token"));
	th_free(&r);
	/* creation is audited without the secret */
	char *ev = sql1("SELECT after::text FROM audit_events WHERE tenant_id = '%s'"
	                " AND action = 'token.create' AND entity_id = '%s'",
	        op.tenant_id, id);
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_null(strstr(ev, "cc_"));
	free(ev);
	free(id);
}
END_TEST

START_TEST(api_token_scopes_are_validated)
{
	static const char *const bad[] = {"[]", "[\"risks\"]", "[\"risks:delete\"]",
	        "[\"Risks:read\"]", "[\"*:read\",\"*:read\"]", "[\"risks:read\", 3]", "\"*:read\"",
	        NULL};
	for (const char *const *b = bad; *b; b++) {
		struct th_resp r;
		make_token(op.token, *b, NULL, &r);
		ck_assert_msg(r.status == 400, "%s: %ld %s", *b, r.status, r.body);
		ck_assert_ptr_nonnull(th_str(&r, "field"));
		ck_assert_int_eq(strncmp(th_str(&r, "field"), "scopes", 6), 0);
		th_free(&r);
	}
	char *n = sql1("SELECT count(*) FROM api_tokens WHERE user_id = '%s'", op.user_id);
	ck_assert_str_eq(n, "0");
	free(n);
	/* a token cannot be created through a replayable request: the secret would be kept */
	const char *h[] = {"Idempotency-Key: token-key-1", NULL};
	struct th_resp r;
	th_req("POST", "/v1/me/tokens", op.token, "{\"name\":\"x\",\"scopes\":[\"*:read\"]}", h,
	        &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(th_str(&r, "field"), "Idempotency-Key");
	th_free(&r);
}
END_TEST

START_TEST(api_token_scopes_limit_what_it_can_do)
{
	struct th_resp r;
	make_token(op.token, "[\"*:read\"]", NULL, &r);
	ck_assert_int_eq(r.status, 201);
	char *ro = strdup(th_str(&r, "token"));
	th_free(&r);
	/* reads pass, writes are refused by the scope although the role allows them */
	th_req("GET", "/v1/users", ro, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	th_req("GET", "/v1/auth/me", ro, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "user"), "id")),
	        op.user_id);
	th_free(&r);
	char body[200];
	snprintf(body, sizeof body, "{\"slug\":\"sc-%s\",\"name\":\"Scoped\"}", th_unique());
	th_req("POST", "/v1/tenants", ro, body, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_ptr_nonnull(strstr(detail(&r), "scope"));
	th_free(&r);
	make_token(ro, "[\"*:read\"]", NULL, &r); /* tokens:write is not in *:read */
	ck_assert_int_eq(r.status, 403);
	th_free(&r);

	/* a token may mint tokens only within its own scopes */
	make_token(op.token, "[\"*:read\",\"tokens:write\"]", NULL, &r);
	ck_assert_int_eq(r.status, 201);
	char *minter = strdup(th_str(&r, "token"));
	th_free(&r);
	make_token(minter, "[\"members:read\"]", NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	th_free(&r);
	make_token(minter, "[\"members:read\",\"*:*\"]", NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_str_eq(th_str(&r, "field"), "scopes/1");
	th_free(&r);
	make_token(minter, "[\"tenants:admin\"]", NULL, &r);
	ck_assert_int_eq(r.status, 403);
	th_free(&r);
	free(ro);
	free(minter);
}
END_TEST

START_TEST(api_token_stops_working_when_it_expires)
{
	char *soon = th_sql("SELECT to_char((now() + interval '3 seconds') AT TIME ZONE 'UTC',"
	                    " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
	struct th_resp r;
	make_token(op.token, "[\"*:*\"]", soon, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	char *tok = strdup(th_str(&r, "token"));
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	ck_assert_int_eq(me_status(tok), 200);
	long deadline = (long)time(NULL) + 20, st;
	while ((st = me_status(tok)) == 200 && time(NULL) < deadline)
		usleep(250000);
	th_req("GET", "/v1/auth/me", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(strstr(detail(&r), "expired"));
	th_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/v1/me/tokens/%s", id);
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_str_eq(th_str(&r, "state"), "expired");
	th_free(&r);

	/* expiry must lie in the future and within 366 days */
	make_token(op.token, "[\"*:*\"]", "2020-01-01T00:00:00Z", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(th_str(&r, "field"), "expires_at");
	th_free(&r);
	char *far = th_sql("SELECT to_char((now() + interval '400 days') AT TIME ZONE 'UTC',"
	                   " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
	make_token(op.token, "[\"*:*\"]", far, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(th_str(&r, "field"), "expires_at");
	th_free(&r);
	make_token(op.token, "[\"*:*\"]", "tomorrow", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(th_str(&r, "field"), "expires_at");
	th_free(&r);
	free(far);
	free(soon);
	free(tok);
	free(id);
}
END_TEST

START_TEST(revoked_api_token_is_refused_and_revocation_is_audited)
{
	struct th_resp r;
	make_token(op.token, "[\"*:*\"]", NULL, &r);
	char *tok = strdup(th_str(&r, "token"));
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	ck_assert_int_eq(me_status(tok), 200);
	char path[128];
	snprintf(path, sizeof path, "/v1/me/tokens/%s", id);
	th_req("DELETE", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	th_req("GET", "/v1/auth/me", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(strstr(detail(&r), "revoked"));
	th_free(&r);
	th_req("DELETE", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 409);
	th_free(&r);
	/* the list keeps it, marked revoked; ?state filters */
	th_req("GET", "/v1/me/tokens?state=revoked", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
	th_free(&r);
	th_req("GET", "/v1/me/tokens?state=active", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
	th_free(&r);
	th_req("GET", "/v1/me/tokens?state=sleeping", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 400);
	th_free(&r);
	char *ev = sql1("SELECT before->>'state' || '>' || (after->>'state') FROM audit_events"
	                " WHERE tenant_id = '%s' AND action = 'token.revoke' AND entity_id = '%s'",
	        op.tenant_id, id);
	ck_assert_str_eq(ev, "active>revoked");
	free(ev);
	/* another user cannot see or revoke it */
	char *viewer = th_new_user(&op, op.tenant_id, "isms_lead", NULL, 0);
	th_req("DELETE", path, viewer, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	th_free(&r);
	free(viewer);
	free(tok);
	free(id);
}
END_TEST

START_TEST(personal_token_acts_for_its_user_in_every_tenant_of_the_user)
{
	char client[37];
	th_new_client(&op, client);
	struct th_resp r;
	make_token(op.token, "[\"*:read\"]", NULL, &r);
	char *tok = strdup(th_str(&r, "token"));
	th_free(&r);
	/* the operator is a member of its client: the token works there too */
	req_in("GET", "/v1/auth/me", tok, client, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "tenant_id"), client);
	th_free(&r);
	/* created while acting in the client, a token still belongs to the home tenant */
	req_in("POST", "/v1/me/tokens", op.token, client,
	        "{\"name\":\"from-client\",\"scopes\":[\"*:read\"]}", &r);
	ck_assert_int_eq(r.status, 201);
	char *tenant = sql1("SELECT tenant_id FROM api_tokens WHERE id = '%s'", th_str(&r, "id"));
	ck_assert_str_eq(tenant, op.tenant_id);
	free(tenant);
	th_free(&r);
	free(tok);
}
END_TEST

/* ---------------------------------------------------------- service accounts */

START_TEST(service_account_lifecycle_with_etags)
{
	struct th_resp r;
	th_req("POST", "/v1/service-accounts", op.token, "{\"name\":\"ci\",\"role\":\"operator\"}",
	        NULL, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(th_str(&r, "field"), "role");
	th_free(&r);
	th_req("POST", "/v1/service-accounts", op.token,
	        "{\"name\":\"ci\",\"role\":\"viewer\",\"x\":1}", NULL, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(th_str(&r, "field"), "x");
	th_free(&r);
	th_req("POST", "/v1/service-accounts", op.token, "{\"name\":\"ci\",\"role\":\"viewer\"}",
	        NULL, &r);
	ck_assert_int_eq(r.status, 201);
	char *etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	th_req("POST", "/v1/service-accounts", op.token, "{\"name\":\"ci\",\"role\":\"auditor\"}",
	        NULL, &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_str_eq(th_str(&r, "field"), "name");
	th_free(&r);

	char path[128];
	snprintf(path, sizeof path, "/v1/service-accounts/%s", id);
	th_req("PATCH", path, op.token, "{\"role\":\"auditor\"}", NULL, &r);
	ck_assert_int_eq(r.status, 428);
	th_free(&r);
	const char *stale[] = {"If-Match: \"5\"", NULL}, *v1[] = {"If-Match: \"1\"", NULL},
	           *v2[] = {"If-Match: \"2\"", NULL};
	th_req("PATCH", path, op.token, "{\"role\":\"auditor\"}", stale, &r);
	ck_assert_int_eq(r.status, 412);
	th_free(&r);
	th_req("PATCH", path, op.token, "{\"role\":\"auditor\"}", v1, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "role"), "auditor");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	th_free(&r);
	char *ev = sql1("SELECT (before->>'role') || '>' || (after->>'role') FROM audit_events"
	                " WHERE tenant_id = '%s' AND action = 'service_account.role_change'"
	                " AND entity_id = '%s'",
	        op.tenant_id, id);
	ck_assert_str_eq(ev, "viewer>auditor");
	free(ev);

	/* its token dies with it */
	char tpath[200];
	snprintf(tpath, sizeof tpath, "%s/tokens", path);
	th_req("POST", tpath, op.token, "{\"name\":\"deploy\",\"scopes\":[\"*:read\"]}", NULL, &r);
	ck_assert_int_eq(r.status, 201);
	char *tok = strdup(th_str(&r, "token"));
	ck_assert_str_eq(th_str(&r, "service_account_id"), id);
	th_free(&r);
	ck_assert_int_eq(me_status(tok), 200);
	th_req("DELETE", path, op.token, NULL, v1, &r);
	ck_assert_int_eq(r.status, 412);
	th_free(&r);
	th_req("DELETE", path, op.token, NULL, v2, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	ck_assert_int_eq(me_status(tok), 401);
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	th_free(&r);
	ev = sql1("SELECT before->>'active_tokens' FROM audit_events WHERE tenant_id = '%s'"
	          " AND action = 'service_account.delete' AND entity_id = '%s'",
	        op.tenant_id, id);
	ck_assert_str_eq(ev, "1");
	free(ev);
	free(tok);
	free(id);
}
END_TEST

START_TEST(service_account_tokens_are_listed_and_revoked)
{
	struct th_resp r;
	th_req("POST", "/v1/service-accounts", op.token,
	        "{\"name\":\"etl\",\"role\":\"contributor\"}", NULL, &r);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	char tpath[200];
	snprintf(tpath, sizeof tpath, "/v1/service-accounts/%s/tokens", id);
	char *tids[3];
	for (int i = 0; i < 3; i++) {
		char body[128];
		snprintf(
		        body, sizeof body, "{\"name\":\"t%d\",\"scopes\":[\"evidence:write\"]}", i);
		th_req("POST", tpath, op.token, body, NULL, &r);
		ck_assert_int_eq(r.status, 201);
		tids[i] = strdup(th_str(&r, "id"));
		th_free(&r);
	}
	/* paginated, each once */
	int seen = 0;
	char path[512];
	snprintf(path, sizeof path, "%s?limit=2", tpath);
	for (int pages = 0; pages < 5; pages++) {
		th_req("GET", path, op.token, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		seen += (int)json_array_size(json_object_get(r.json, "items"));
		const char *next = th_str(&r, "next");
		if (!next) {
			th_free(&r);
			break;
		}
		snprintf(path, sizeof path, "%s?limit=2&cursor=%s", tpath, next);
		th_free(&r);
	}
	ck_assert_int_eq(seen, 3);
	/* the personal list does not show service-account tokens */
	th_req("GET", "/v1/me/tokens", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
	th_free(&r);
	char one[300];
	snprintf(one, sizeof one, "%s/%s", tpath, tids[1]);
	th_req("DELETE", one, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	th_req("GET", one, op.token, NULL, NULL, &r);
	ck_assert_str_eq(th_str(&r, "state"), "revoked");
	th_free(&r);
	/* a personal-token path does not reach a service-account token */
	snprintf(one, sizeof one, "/v1/me/tokens/%s", tids[0]);
	th_req("DELETE", one, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	th_free(&r);
	for (int i = 0; i < 3; i++)
		free(tids[i]);
	free(id);
}
END_TEST

START_TEST(service_account_acts_only_in_its_own_tenant)
{
	char c1[37], c2[37];
	th_new_client(&op, c1);
	th_new_client(&op, c2);
	struct th_resp r;
	req_in("POST", "/v1/service-accounts", op.token, c1,
	        "{\"name\":\"bot\",\"role\":\"isms_lead\"}", &r);
	ck_assert_int_eq(r.status, 201);
	char *sa = strdup(th_str(&r, "id"));
	th_free(&r);
	char tpath[200];
	snprintf(tpath, sizeof tpath, "/v1/service-accounts/%s/tokens", sa);
	req_in("POST", tpath, op.token, c1, "{\"name\":\"bot\",\"scopes\":[\"*:*\"]}", &r);
	ck_assert_int_eq(r.status, 201);
	char *tok = strdup(th_str(&r, "token"));
	th_free(&r);
	/* the account's tenant is the client it was created in */
	char *t = sql1("SELECT tenant_id FROM service_accounts WHERE id = '%s'", sa);
	ck_assert_str_eq(t, c1);
	free(t);

	th_req("GET", "/v1/auth/me", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "tenant_id"), c1);
	ck_assert_str_eq(th_str(&r, "role"), "isms_lead");
	th_free(&r);
	/* it works in its tenant: creates a user there */
	char body[200];
	snprintf(body, sizeof body, "{\"email\":\"made-by-bot-%s@c.example\",\"role\":\"viewer\"}",
	        th_unique());
	th_req("POST", "/v1/users", tok, body, NULL, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(th_str(&r, "home_tenant_id"), c1);
	th_free(&r);
	/* and nowhere else: not the sibling client, not the consultancy */
	req_in("GET", "/v1/users", tok, c2, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	th_free(&r);
	req_in("GET", "/v1/tenants", tok, op.tenant_id, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	th_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/v1/tenants/%s", c2);
	th_req("GET", path, tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	th_free(&r);
	th_req("GET", "/v1/tenants", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
	th_free(&r);
	/* it has no personal tokens and cannot sign out a session */
	th_req("GET", "/v1/me/tokens", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	th_free(&r);
	/* the consultancy does not see the client's service account */
	snprintf(path, sizeof path, "/v1/service-accounts/%s", sa);
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	th_free(&r);
	free(tok);
	free(sa);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, login_succeeds_with_right_password_and_fails_alike_otherwise);
	tcase_add_test(tc, account_is_throttled_after_max_failures_from_any_address);
	tcase_add_test(tc, address_is_throttled_after_max_failures_across_accounts);
	tcase_add_test(tc, refresh_rotates_and_reuse_revokes_the_whole_session);
	tcase_add_test(tc, logout_ends_the_session_at_the_next_request);
	tcase_add_test(tc, rotated_key_verifies_without_restart_and_old_tokens_stay_valid);
	tcase_add_test(tc, rotated_key_signs_new_tokens_without_restart);
	tcase_add_test(tc, forged_access_tokens_are_rejected);
	tcase_add_test(tc, api_token_is_shown_once_and_stored_as_sha256);
	tcase_add_test(tc, api_token_scopes_are_validated);
	tcase_add_test(tc, api_token_scopes_limit_what_it_can_do);
	tcase_add_test(tc, api_token_stops_working_when_it_expires);
	tcase_add_test(tc, revoked_api_token_is_refused_and_revocation_is_audited);
	tcase_add_test(tc, personal_token_acts_for_its_user_in_every_tenant_of_the_user);
	tcase_add_test(tc, service_account_lifecycle_with_etags);
	tcase_add_test(tc, service_account_tokens_are_listed_and_revoked);
	tcase_add_test(tc, service_account_acts_only_in_its_own_tenant);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(auth_suite)
