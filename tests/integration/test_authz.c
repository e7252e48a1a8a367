/*
 * test_authz.c - the permission matrix is what the running API enforces, on every
 * route, for every role.
 *
 * `concord-api authz --json` prints, for each role and route, what api/authz.c
 * decides. For each role the test signs in a user of a consultancy (an operator
 * tenant, so operator-only routes are reachable and the matrix is the only reason
 * for a 403) and calls every authenticated route with random UUIDs for its path
 * parameters and `{}` as the body of POST, PUT and PATCH: the answer must be 403
 * exactly when the matrix denies the role the route's permission, and never a 5xx.
 * Logout is called last, since it ends the session the walk uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "util.h"

static json_t *load_matrix(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/concord-api authz --json", getenv("CONCORD_TEST_BIN"));
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	json_error_t je;
	json_t *m = json_loadf(p, 0, &je);
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(json_is_array(m), "authz --json: %s", je.text);
	return m;
}

static void random_uuid(char out[37])
{
	unsigned char b[16];
	util_random(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	char hex[33];
	util_hex(b, sizeof b, hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* The route's pattern with every {param} replaced by a fresh random UUID. */
static void concrete_path(const char *pattern, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = pattern; *p && o < n - 1;) {
		if (*p == '{') {
			char u[37];
			random_uuid(u);
			o += (size_t)snprintf(out + o, n - o, "%s", u);
			const char *end = strchr(p, '}');
			p = end ? end + 1 : p + strlen(p);
		} else {
			out[o++] = *p++;
		}
	}
	out[o < n ? o : n - 1] = '\0';
}

static bool has_body(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	       strcmp(method, "PATCH") == 0;
}

static bool is_logout(json_t *e)
{
	return strcmp(json_string_value(json_object_get(e, "path")), "/v1/auth/logout") == 0;
}

START_TEST(every_route_answers_403_exactly_when_the_matrix_denies_the_role)
{
	json_t *matrix = load_matrix();
	struct th_operator op;
	th_new_operator(&op);
	json_t *tokens = json_object(); /* role -> access token */
	size_t i;
	json_t *e;
	json_array_foreach(matrix, i, e)
	{
		const char *role = json_string_value(json_object_get(e, "role"));
		if (json_object_get(tokens, role))
			continue;
		char *tok = th_new_user(&op, op.tenant_id, role, NULL, 0);
		json_object_set_new(tokens, role, json_string(tok));
		free(tok);
	}
	ck_assert_int_ge(json_object_size(tokens), 11);

	char failures[2048] = ""; /* Check caps a message at a few KB */
	size_t flen = 0;
	int checked = 0, denied = 0, nfail = 0;
	/* two passes: every route but logout, then logout */
	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(matrix, i, e)
		{
			if (is_logout(e) != (pass == 1))
				continue;
			const char *role = json_string_value(json_object_get(e, "role"));
			const char *method = json_string_value(json_object_get(e, "method"));
			const char *pattern = json_string_value(json_object_get(e, "path"));
			bool allowed = json_is_true(json_object_get(e, "allowed"));
			char path[1024];
			concrete_path(pattern, path, sizeof path);
			struct th_resp r;
			th_req(method, path, json_string_value(json_object_get(tokens, role)),
			        has_body(method) ? "{}" : NULL, NULL, &r);
			checked++;
			denied += !allowed;
			bool ok = r.status < 500 && (r.status == 403) == !allowed;
			if (!ok) {
				nfail++;
				fprintf(stderr, "authz: %s %s as %s: %ld (matrix %s)\n", method,
				        pattern, role, r.status, allowed ? "allows" : "denies");
				if (flen < sizeof failures - 300)
					flen += (size_t)snprintf(failures + flen,
					        sizeof failures - flen,
					        " | %s %s as %s: %ld (matrix %s)", method, pattern,
					        role, r.status, allowed ? "allows" : "denies");
			}
			th_free(&r);
		}
	}
	ck_assert_msg(
	        nfail == 0, "%d of %d calls disagree with the matrix:%s", nfail, checked, failures);
	/* the walk covered real denials, not only open doors */
	ck_assert_int_gt(denied, 0);
	ck_assert_int_gt(checked - denied, 0);
	json_decref(tokens);
	json_decref(matrix);
	th_operator_free(&op);
}
END_TEST

START_TEST(matrix_listing_covers_every_role_and_route)
{
	json_t *matrix = load_matrix();
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/concord-api routes --json", getenv("CONCORD_TEST_BIN"));
	FILE *p = popen(cmd, "r");
	json_t *routes = json_loadf(p, 0, NULL);
	ck_assert_int_eq(pclose(p), 0);
	ck_assert(json_is_array(routes));
	/* spot checks against api/authz.c: a deny wins over a wildcard allow */
	size_t i;
	json_t *e;
	int seen = 0;
	json_t *roles = json_object();
	json_array_foreach(matrix, i, e)
	{
		json_object_set(roles, json_string_value(json_object_get(e, "role")), json_true());
		const char *role = json_string_value(json_object_get(e, "role"));
		const char *perm = json_string_value(json_object_get(e, "perm"));
		bool allowed = json_is_true(json_object_get(e, "allowed"));
		if (perm && strcmp(perm, "audit:read") == 0) {
			seen++;
			if (strcmp(role, "viewer") == 0 || strcmp(role, "contributor") == 0)
				ck_assert(!allowed);
			if (strcmp(role, "auditor") == 0 || strcmp(role, "operator") == 0)
				ck_assert(allowed);
		}
		if (!perm)
			ck_assert(allowed);
	}
	ck_assert_int_gt(seen, 0);
	ck_assert_int_ge(json_object_size(roles), 11);
	ck_assert_int_eq(
	        json_array_size(matrix), json_object_size(roles) * json_array_size(routes));
	json_decref(roles);
	json_decref(routes);
	json_decref(matrix);
}
END_TEST

static Suite *authz_suite(void)
{
	Suite *s = suite_create("authz");
	TCase *tc = tcase_create("matrix");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, matrix_listing_covers_every_role_and_route);
	tcase_add_test(tc, every_route_answers_403_exactly_when_the_matrix_denies_the_role);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(authz_suite)
