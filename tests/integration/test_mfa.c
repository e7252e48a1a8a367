/*
 * test_mfa.c - TOTP multi-factor authentication for local accounts, over HTTP:
 * enrolment confirmed by a code, sign-in in two steps, wrong and replayed codes
 * refused, single-use recovery codes, the per-step attempt limit, the operator's
 * "require MFA" policy (enrolment during sign-in), an administrator's reset, and
 * accounts without MFA signing in exactly as before.
 *
 * Codes are computed here with lib/totp.c from the secret the API hands out, as an
 * authenticator app would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "th.h"
#include "totp.h"

static struct th_operator op;

static void setup(void)
{
	th_new_operator(&op);
}

static void teardown(void)
{
	th_operator_free(&op);
}

/* The code an authenticator shows `offset` steps from now. */
static void code_at(const char *b32, int offset, char out[TOTP_DIGITS + 1])
{
	size_t n;
	unsigned char *k = totp_base32_decode(b32, &n);
	ck_assert_ptr_nonnull(k);
	totp_code(k, n, totp_step(time(NULL)) + offset, TOTP_DIGITS, out);
	free(k);
}

/* A code that no step near now produces. */
static void wrong_code(const char *b32, char out[TOTP_DIGITS + 1])
{
	char near[5][TOTP_DIGITS + 1];
	for (int i = 0; i < 5; i++)
		code_at(b32, i - 2, near[i]);
	for (int d = 0; d < 10; d++) {
		snprintf(out, TOTP_DIGITS + 1, "%d%d%d%d%d%d", d, d, d, d, d, d);
		bool clash = false;
		for (int i = 0; i < 5; i++)
			clash |= strcmp(near[i], out) == 0;
		if (!clash)
			return;
	}
	ck_abort_msg("no wrong code found");
}

static void assert_status(struct th_resp *r, long want)
{
	ck_assert_msg(r->status == want, "want %ld, got %ld: %s", want, r->status, r->body);
}

static long post(const char *path, const char *token, const char *body, struct th_resp *r)
{
	th_req("POST", path, token, body, NULL, r);
	return r->status;
}

/* Enrol the token's account; returns the secret (malloc'd), recovery codes in *codes. */
static char *enrol(const char *token, json_t **codes)
{
	struct th_resp r;
	ck_assert_int_eq(post("/v1/me/mfa/totp", token, NULL, &r), 201);
	char *secret = strdup(th_str(&r, "secret"));
	th_free(&r);
	/* the previous step's code (still inside the drift window), so that the current
	 * code stays unused for the sign-in that follows: codes are single-use */
	char body[64], code[8];
	code_at(secret, -1, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	ck_assert_int_eq(post("/v1/me/mfa/totp/confirm", token, body, &r), 200);
	if (codes)
		*codes = json_incref(json_object_get(r.json, "recovery_codes"));
	th_free(&r);
	return secret;
}

/* Password step; returns the mfa_token (malloc'd) or NULL when tokens came back. */
static char *password_step(
        const char *email, const char *password, const char *slug, struct th_resp *r)
{
	char body[400];
	snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\",\"tenant\":\"%s\"}",
	        email, password, slug);
	th_req("POST", "/v1/auth/login", NULL, body, NULL, r);
	assert_status(r, 200);
	const char *t = th_str(r, "mfa_token");
	return t ? strdup(t) : NULL;
}

static long verify(const char *mfa_token, const char *key, const char *value, struct th_resp *r)
{
	char body[400];
	snprintf(body, sizeof body, "{\"mfa_token\":\"%s\",\"%s\":\"%s\"}", mfa_token, key, value);
	return post("/v1/auth/mfa/verify", NULL, body, r);
}

static long count_sql(const char *sql)
{
	char *v = th_sql(sql);
	long n = v ? atol(v) : -1;
	free(v);
	return n;
}

START_TEST(enrolment_needs_a_right_code_and_returns_recovery_codes)
{
	struct th_resp r;
	ck_assert_int_eq(post("/v1/me/mfa/totp", op.token, NULL, &r), 201);
	char *secret = strdup(th_str(&r, "secret"));
	ck_assert_int_eq(strlen(secret), 32); /* 160 bits in base32 */
	ck_assert_ptr_nonnull(strstr(th_str(&r, "otpauth_uri"), "otpauth://totp/Concord:"));
	ck_assert_ptr_nonnull(strstr(th_str(&r, "otpauth_uri"), secret));
	th_free(&r);
	th_req("GET", "/v1/me/mfa", op.token, NULL, NULL, &r);
	ck_assert(json_is_true(json_object_get(r.json, "pending")));
	ck_assert(json_is_false(json_object_get(r.json, "enrolled")));
	th_free(&r);
	char body[64], code[8];
	wrong_code(secret, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	ck_assert_int_eq(post("/v1/me/mfa/totp/confirm", op.token, body, &r), 400);
	ck_assert_str_eq(th_str(&r, "field"), "code");
	th_free(&r);
	code_at(secret, 0, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	ck_assert_int_eq(post("/v1/me/mfa/totp/confirm", op.token, body, &r), 200);
	json_t *codes = json_object_get(r.json, "recovery_codes");
	ck_assert_int_eq(json_array_size(codes), 10);
	for (size_t i = 0; i < 10; i++)
		for (size_t j = i + 1; j < 10; j++)
			ck_assert_str_ne(json_string_value(json_array_get(codes, i)),
			        json_string_value(json_array_get(codes, j)));
	/* stored as hashes: no stored value equals a code */
	char sql[512];
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM mfa_recovery_codes WHERE user_id = '%s' AND code_hash = '%s'",
	        op.user_id, json_string_value(json_array_get(codes, 0)));
	ck_assert_int_eq(count_sql(sql), 0);
	th_free(&r);
	/* the seed is sealed, not stored as given */
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM mfa_totp WHERE user_id = '%s' AND secret_sealed LIKE 'v1.%%'"
	        " AND position('%s' IN secret_sealed) = 0 AND confirmed_at IS NOT NULL",
	        op.user_id, secret);
	ck_assert_int_eq(count_sql(sql), 1);
	th_req("GET", "/v1/me/mfa", op.token, NULL, NULL, &r);
	ck_assert(json_is_true(json_object_get(r.json, "enrolled")));
	ck_assert_int_eq(
	        json_integer_value(json_object_get(r.json, "recovery_codes_remaining")), 10);
	th_free(&r);
	/* enrolling again while enrolled is refused */
	ck_assert_int_eq(post("/v1/me/mfa/totp", op.token, NULL, &r), 409);
	th_free(&r);
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action = 'mfa.enrol'"
	        " AND entity_id = '%s'",
	        op.tenant_id, op.user_id);
	ck_assert_int_eq(count_sql(sql), 1);
	free(secret);
}
END_TEST

START_TEST(sign_in_needs_the_code_and_refuses_wrong_and_replayed_codes)
{
	char *secret = enrol(op.token, NULL);
	struct th_resp r;
	char *step = password_step(op.email, op.password, op.slug, &r);
	ck_assert_ptr_nonnull(step);
	ck_assert(json_is_true(json_object_get(r.json, "mfa_required")));
	ck_assert(json_is_false(json_object_get(r.json, "mfa_enrolment_required")));
	ck_assert_ptr_null(th_str(&r, "access_token"));
	th_free(&r);
	char code[8];
	wrong_code(secret, code);
	ck_assert_int_eq(verify(step, "code", code, &r), 401);
	ck_assert_str_eq(th_str(&r, "field"), "code");
	ck_assert_ptr_null(th_str(&r, "access_token"));
	th_free(&r);
	code_at(secret, 0, code);
	ck_assert_int_eq(verify(step, "code", code, &r), 200);
	char *access = strdup(th_str(&r, "access_token"));
	th_free(&r);
	th_req("GET", "/v1/auth/me", access, NULL, NULL, &r);
	assert_status(&r, 200);
	th_free(&r);
	/* the step is spent */
	ck_assert_int_eq(verify(step, "code", code, &r), 401);
	th_free(&r);
	free(step);
	/* the same code at the next sign-in is a replay */
	step = password_step(op.email, op.password, op.slug, &r);
	th_free(&r);
	ck_assert_int_eq(verify(step, "code", code, &r), 401);
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "already used"));
	th_free(&r);
	/* while the next code of the authenticator is fine */
	code_at(secret, 1, code);
	ck_assert_int_eq(verify(step, "code", code, &r), 200);
	th_free(&r);
	char sql[400];
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND entity_id = '%s' AND"
	        " action = 'auth.login_failed' AND after->>'reason' IN ('wrong one-time code',"
	        " 'this one-time code was already used: wait for the next one')",
	        op.tenant_id, op.user_id);
	ck_assert_int_eq(count_sql(sql), 2);
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND entity_id = '%s' AND"
	        " action = 'auth.login' AND after->>'method' = 'password+totp'",
	        op.tenant_id, op.user_id);
	ck_assert_int_eq(count_sql(sql), 2);
	free(step);
	free(access);
	free(secret);
}
END_TEST

START_TEST(recovery_code_signs_in_once)
{
	json_t *codes;
	char *secret = enrol(op.token, &codes);
	const char *rc = json_string_value(json_array_get(codes, 3));
	struct th_resp r;
	char *step = password_step(op.email, op.password, op.slug, &r);
	th_free(&r);
	ck_assert_int_eq(verify(step, "recovery_code", rc, &r), 200);
	ck_assert_ptr_nonnull(th_str(&r, "access_token"));
	th_free(&r);
	free(step);
	th_req("GET", "/v1/me/mfa", op.token, NULL, NULL, &r);
	ck_assert_int_eq(
	        json_integer_value(json_object_get(r.json, "recovery_codes_remaining")), 9);
	th_free(&r);
	step = password_step(op.email, op.password, op.slug, &r);
	th_free(&r);
	ck_assert_int_eq(verify(step, "recovery_code", rc, &r), 401);
	ck_assert_str_eq(th_str(&r, "field"), "recovery_code");
	th_free(&r);
	free(step);
	json_decref(codes);
	free(secret);
}
END_TEST

START_TEST(wrong_codes_end_the_step_and_then_throttle_the_account)
{
	char *secret = enrol(op.token, NULL);
	struct th_resp r;
	char *step = password_step(op.email, op.password, op.slug, &r);
	th_free(&r);
	char bad[8], good[8];
	wrong_code(secret, bad);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(verify(step, "code", bad, &r), 401);
		th_free(&r);
	}
	code_at(secret, 0, good);
	ck_assert_int_eq(verify(step, "code", good, &r), 401);
	ck_assert_str_eq(th_str(&r, "field"), "mfa_token");
	th_free(&r);
	free(step);
	/* five wrong codes within the window: a new step does not help either */
	step = password_step(op.email, op.password, op.slug, &r);
	th_free(&r);
	ck_assert_int_eq(verify(step, "code", good, &r), 429);
	th_free(&r);
	free(step);
	free(secret);
}
END_TEST

START_TEST(operator_policy_makes_local_accounts_enrol_at_sign_in)
{
	char client[37], email[160];
	th_new_client(&op, client);
	char *tok = th_new_user(&op, client, "isms_lead", email, sizeof email);
	struct th_resp r;
	/* only the consultancy may set it */
	th_req("GET", "/v1/mfa/policy", tok, NULL, NULL, &r);
	assert_status(&r, 403);
	th_free(&r);
	th_req("GET", "/v1/mfa/policy", op.token, NULL, NULL, &r);
	assert_status(&r, 200);
	ck_assert(json_is_false(json_object_get(r.json, "require_local")));
	th_free(&r);
	const char *im[] = {"If-Match: \"1\"", NULL};
	th_req("PATCH", "/v1/mfa/policy", op.token, "{\"require_local\":true}", NULL, &r);
	assert_status(&r, 428);
	th_free(&r);
	th_req("PATCH", "/v1/mfa/policy", op.token, "{\"require_local\":true}", im, &r);
	assert_status(&r, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	th_free(&r);
	/* the client's local user must now enrol before getting a session */
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT slug FROM tenants WHERE id = '%s'", client);
	char *slug = th_sql(sql);
	char *step = password_step(email, "correct-horse-battery", slug, &r);
	ck_assert_ptr_nonnull(step);
	ck_assert(json_is_true(json_object_get(r.json, "mfa_enrolment_required")));
	th_free(&r);
	ck_assert_int_eq(verify(step, "code", "123456", &r), 409);
	th_free(&r);
	char body[300];
	snprintf(body, sizeof body, "{\"mfa_token\":\"%s\"}", step);
	ck_assert_int_eq(post("/v1/auth/mfa/enrol", NULL, body, &r), 200);
	char *secret = strdup(th_str(&r, "secret"));
	th_free(&r);
	char code[8];
	code_at(secret, 0, code);
	ck_assert_int_eq(verify(step, "code", code, &r), 200);
	ck_assert_ptr_nonnull(th_str(&r, "access_token"));
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "recovery_codes")), 10);
	char *session = strdup(th_str(&r, "access_token"));
	th_free(&r);
	free(step);
	/* enrolled under the policy: it cannot be switched off */
	code_at(secret, 1, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	ck_assert_int_eq(post("/v1/me/mfa/totp/disable", session, body, &r), 422);
	th_free(&r);
	/* the operator's own account is a local account too */
	step = password_step(op.email, op.password, op.slug, &r);
	ck_assert_ptr_nonnull(step);
	th_free(&r);
	free(step);
	/* policy off: accounts without MFA sign in directly again */
	const char *im2[] = {"If-Match: \"2\"", NULL};
	th_req("PATCH", "/v1/mfa/policy", op.token, "{\"require_local\":false}", im2, &r);
	assert_status(&r, 200);
	th_free(&r);
	step = password_step(op.email, op.password, op.slug, &r);
	ck_assert_ptr_null(step);
	ck_assert_ptr_nonnull(th_str(&r, "access_token"));
	th_free(&r);
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action = "
	        "'mfa.policy_update'",
	        op.tenant_id);
	ck_assert_int_eq(count_sql(sql), 2);
	free(session);
	free(secret);
	free(slug);
	free(tok);
}
END_TEST

START_TEST(accounts_without_mfa_sign_in_as_before)
{
	struct th_resp r;
	char *step = password_step(op.email, op.password, op.slug, &r);
	ck_assert_ptr_null(step);
	ck_assert_ptr_null(json_object_get(r.json, "mfa_required"));
	ck_assert_ptr_nonnull(th_str(&r, "access_token"));
	ck_assert_ptr_nonnull(th_str(&r, "refresh_token"));
	th_free(&r);
}
END_TEST

START_TEST(administrator_resets_a_lost_device)
{
	char client[37], email[160];
	th_new_client(&op, client);
	char *tok = th_new_user(&op, client, "contributor", email, sizeof email);
	char *secret = enrol(tok, NULL);
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT id FROM users WHERE lower(email) = lower('%s')", email);
	char *user = th_sql(sql);
	char path[128], hdr[80];
	snprintf(path, sizeof path, "/v1/users/%s/mfa", user);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", client);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("GET", path, op.token, NULL, h, &r);
	assert_status(&r, 200);
	ck_assert(json_is_true(json_object_get(r.json, "enrolled")));
	char *etag = th_header(&r, "ETag");
	th_free(&r);
	th_req("DELETE", path, op.token, NULL, h, &r);
	assert_status(&r, 428);
	th_free(&r);
	char im[64];
	snprintf(im, sizeof im, "If-Match: %s", etag);
	const char *h2[] = {hdr, im, NULL};
	th_req("DELETE", path, op.token, NULL, h2, &r);
	assert_status(&r, 204);
	th_free(&r);
	snprintf(sql, sizeof sql, "SELECT slug FROM tenants WHERE id = '%s'", client);
	char *slug = th_sql(sql);
	char *step = password_step(email, "correct-horse-battery", slug, &r);
	ck_assert_ptr_null(step);
	th_free(&r);
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action = 'mfa.reset'"
	        " AND entity_id = '%s'",
	        client, user);
	ck_assert_int_eq(count_sql(sql), 1);
	free(slug);
	free(etag);
	free(user);
	free(secret);
	free(tok);
}
END_TEST

START_TEST(removing_mfa_needs_a_current_code)
{
	char *secret = enrol(op.token, NULL);
	struct th_resp r;
	char body[64], code[8];
	wrong_code(secret, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	ck_assert_int_eq(post("/v1/me/mfa/totp/disable", op.token, body, &r), 400);
	th_free(&r);
	code_at(secret, 1, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	ck_assert_int_eq(post("/v1/me/mfa/totp/disable", op.token, body, &r), 204);
	th_free(&r);
	th_req("GET", "/v1/me/mfa", op.token, NULL, NULL, &r);
	ck_assert(json_is_false(json_object_get(r.json, "enrolled")));
	ck_assert_int_eq(
	        json_integer_value(json_object_get(r.json, "recovery_codes_remaining")), 0);
	th_free(&r);
	free(secret);
}
END_TEST

START_TEST(accounts_of_an_identity_provider_have_no_concord_mfa)
{
	char client[37];
	th_new_client(&op, client);
	char *tok = th_new_user(&op, client, "viewer", NULL, 0);
	struct th_resp r;
	th_req("GET", "/v1/auth/me", tok, NULL, NULL, &r);
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE users SET source = 'sso' WHERE id = '%s'",
	        json_string_value(json_object_get(json_object_get(r.json, "user"), "id")));
	th_free(&r);
	free(th_sql(sql));
	ck_assert_int_eq(post("/v1/me/mfa/totp", tok, NULL, &r), 422);
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "identity provider"));
	th_free(&r);
	free(tok);
}
END_TEST

static Suite *mfa_suite(void)
{
	Suite *s = suite_create("mfa");
	TCase *tc = tcase_create("totp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, enrolment_needs_a_right_code_and_returns_recovery_codes);
	tcase_add_test(tc, sign_in_needs_the_code_and_refuses_wrong_and_replayed_codes);
	tcase_add_test(tc, recovery_code_signs_in_once);
	tcase_add_test(tc, wrong_codes_end_the_step_and_then_throttle_the_account);
	tcase_add_test(tc, operator_policy_makes_local_accounts_enrol_at_sign_in);
	tcase_add_test(tc, accounts_without_mfa_sign_in_as_before);
	tcase_add_test(tc, administrator_resets_a_lost_device);
	tcase_add_test(tc, removing_mfa_needs_a_current_code);
	tcase_add_test(tc, accounts_of_an_identity_provider_have_no_concord_mfa);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(mfa_suite)
