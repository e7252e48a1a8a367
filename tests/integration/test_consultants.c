/*
 * test_consultants.c - consultants work across client tenants from one account: they
 * list the tenants assigned to them (with names and their role in each), switch with
 * X-Concord-Tenant without signing in again, and lose access at their next request
 * when an assignment ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

static struct th_operator op;
static char client_a[37], client_b[37], consultant[37];
static char *token; /* the consultant's access token, from one password sign-in */

static void assign(const char *client, const char *role)
{
	char path[160], body[64];
	snprintf(path, sizeof path, "/v1/tenants/%s/assignments/%s", client, consultant);
	snprintf(body, sizeof body, "{\"role\":\"%s\"}", role);
	struct th_resp r;
	th_req("PUT", path, op.token, body, NULL, &r);
	ck_assert_msg(r.status == 200, "assign: %ld %s", r.status, r.body);
	th_free(&r);
}

static void setup(void)
{
	th_new_operator(&op);
	th_new_client(&op, client_a);
	th_new_client(&op, client_b);
	char body[300], email[160];
	snprintf(email, sizeof email, "consultant-%s@%s.example", th_unique(), op.slug);
	snprintf(body, sizeof body,
	        "{\"email\":\"%s\",\"display_name\":\"A Consultant\",\"password\":"
	        "\"consultant-password-1\",\"role\":\"consultant\"}",
	        email);
	struct th_resp r;
	th_req("POST", "/v1/users", op.token, body, NULL, &r);
	ck_assert_msg(r.status == 201, "create consultant: %ld %s", r.status, r.body);
	snprintf(consultant, sizeof consultant, "%s", th_str(&r, "id"));
	th_free(&r);
	assign(client_a, "consultant");
	assign(client_b, "auditor");
	token = th_login(email, "consultant-password-1", op.slug);
	ck_assert_ptr_nonnull(token);
}

static void teardown(void)
{
	free(token);
	th_operator_free(&op);
}

static long get_in(const char *path, const char *tenant, struct th_resp *r)
{
	char hdr[80];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", tenant);
	const char *h[] = {hdr, NULL};
	th_req("GET", path, token, NULL, tenant ? h : NULL, r);
	return r->status;
}

/* The item of /v1/me/tenants for tenant, or NULL. */
static json_t *find_tenant(json_t *items, const char *tenant)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "tenant_id")), tenant) == 0)
			return it;
	}
	return NULL;
}

START_TEST(lists_assigned_tenants_with_names_and_roles)
{
	struct th_resp r;
	ck_assert_int_eq(get_in("/v1/me/tenants", NULL, &r), 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 3);
	json_t *home = find_tenant(items, op.tenant_id), *a = find_tenant(items, client_a),
	       *b = find_tenant(items, client_b);
	ck_assert_ptr_nonnull(home);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(json_string_value(json_object_get(home, "slug")), op.slug);
	ck_assert(json_is_true(json_object_get(home, "home")));
	ck_assert(json_is_true(json_object_get(home, "current")));
	ck_assert_str_eq(json_string_value(json_object_get(home, "role")), "consultant");
	/* client names are shown even though a client tenant is invisible from the
	 * operator's users otherwise */
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(a, "name")), "Client"));
	ck_assert_str_eq(json_string_value(json_object_get(a, "kind")), "client");
	ck_assert_str_eq(json_string_value(json_object_get(a, "role")), "consultant");
	ck_assert_str_eq(json_string_value(json_object_get(b, "role")), "auditor");
	ck_assert(json_is_false(json_object_get(b, "home")));
	th_free(&r);
	/* the list pages like every other list: each tenant once */
	char path[300] = "/v1/me/tenants?limit=1";
	int seen = 0, pages = 0;
	for (;;) {
		ck_assert_int_eq(get_in(path, NULL, &r), 200);
		seen += (int)json_array_size(json_object_get(r.json, "items"));
		pages++;
		const char *next = th_str(&r, "next");
		if (!next) {
			th_free(&r);
			break;
		}
		snprintf(path, sizeof path, "/v1/me/tenants?limit=1&cursor=%s", next);
		th_free(&r);
		ck_assert_int_lt(pages, 10);
	}
	ck_assert_int_eq(seen, 3);
	ck_assert_int_eq(get_in("/v1/me/tenants?sort=name", NULL, &r), 400);
	ck_assert_str_eq(th_str(&r, "field"), "sort");
	th_free(&r);
}
END_TEST

START_TEST(switches_between_tenants_without_signing_in_again)
{
	struct th_resp r;
	ck_assert_int_eq(get_in("/v1/auth/me", client_a, &r), 200);
	ck_assert_str_eq(th_str(&r, "tenant_id"), client_a);
	ck_assert_str_eq(th_str(&r, "role"), "consultant");
	th_free(&r);
	ck_assert_int_eq(get_in("/v1/auth/me", client_b, &r), 200);
	ck_assert_str_eq(th_str(&r, "tenant_id"), client_b);
	ck_assert_str_eq(th_str(&r, "role"), "auditor");
	th_free(&r);
	/* the list marks where the request acts */
	ck_assert_int_eq(get_in("/v1/me/tenants", client_b, &r), 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert(json_is_true(json_object_get(find_tenant(items, client_b), "current")));
	ck_assert(json_is_false(json_object_get(find_tenant(items, op.tenant_id), "current")));
	th_free(&r);
	/* each tenant applies the role held there: a consultant may read the SSO
	 * configuration (none yet: 404), an auditor may not (403) */
	char path[128];
	snprintf(path, sizeof path, "/v1/tenants/%s/sso", client_a);
	ck_assert_int_eq(get_in(path, client_a, &r), 404);
	th_free(&r);
	snprintf(path, sizeof path, "/v1/tenants/%s/sso", client_b);
	ck_assert_int_eq(get_in(path, client_b, &r), 403);
	th_free(&r);
}
END_TEST

START_TEST(removing_an_assignment_ends_access_at_the_next_request)
{
	struct th_resp r;
	ck_assert_int_eq(get_in("/v1/auth/me", client_a, &r), 200);
	th_free(&r);
	char path[160];
	snprintf(path, sizeof path, "/v1/tenants/%s/assignments/%s", client_a, consultant);
	th_req("DELETE", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	/* same token, very next request */
	ck_assert_int_eq(get_in("/v1/auth/me", client_a, &r), 403);
	ck_assert_str_eq(th_str(&r, "field"), "X-Concord-Tenant");
	th_free(&r);
	ck_assert_int_eq(get_in("/v1/me/tenants", NULL, &r), 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_ptr_null(find_tenant(items, client_a));
	th_free(&r);
	/* the other assignment is untouched */
	ck_assert_int_eq(get_in("/v1/auth/me", client_b, &r), 200);
	th_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'membership.unassign' AND entity_id = '%s'",
	        client_a, consultant);
	char *n = th_sql(sql);
	ck_assert_str_eq(n, "1");
	free(n);
}
END_TEST

START_TEST(unassigned_and_foreign_tenants_stay_closed)
{
	char client_c[37];
	th_new_client(&op, client_c); /* the operator's, but not assigned to the consultant */
	struct th_resp r;
	ck_assert_int_eq(get_in("/v1/auth/me", client_c, &r), 403);
	th_free(&r);
	struct th_operator other;
	th_new_operator(&other);
	ck_assert_int_eq(get_in("/v1/auth/me", other.tenant_id, &r), 403);
	th_free(&r);
	/* a client's own user sees only its home tenant in the list */
	char *tok = th_new_user(&op, client_a, "viewer", NULL, 0);
	th_req("GET", "/v1/me/tenants", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_ptr_nonnull(find_tenant(items, client_a));
	th_free(&r);
	free(tok);
	th_operator_free(&other);
}
END_TEST

static Suite *consultants_suite(void)
{
	Suite *s = suite_create("consultants");
	TCase *tc = tcase_create("access");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lists_assigned_tenants_with_names_and_roles);
	tcase_add_test(tc, switches_between_tenants_without_signing_in_again);
	tcase_add_test(tc, removing_an_assignment_ends_access_at_the_next_request);
	tcase_add_test(tc, unassigned_and_foreign_tenants_stay_closed);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(consultants_suite)
