/*
 * test_platform.c - the HTTP pipeline end to end: health, problem+json errors for
 * every bad-input class, authentication, tenants lifecycle, optimistic concurrency,
 * idempotent POST, pagination, and tenant isolation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

static struct th_operator op;

static void setup(void)
{
	th_new_operator(&op);
}

static void teardown(void)
{
	th_operator_free(&op);
}

/* A problem document with the given status and (when given) field. */
static void assert_problem(struct th_resp *r, long status, const char *field)
{
	ck_assert_msg(r->status == status, "want %ld got %ld: %s", status, r->status, r->body);
	char *ct = th_header(r, "Content-Type");
	ck_assert_ptr_nonnull(ct);
	ck_assert_str_eq(ct, "application/problem+json");
	free(ct);
	ck_assert_int_eq(json_integer_value(json_object_get(r->json, "status")), status);
	ck_assert_ptr_nonnull(th_str(r, "type"));
	ck_assert_ptr_nonnull(th_str(r, "detail"));
	if (field) {
		ck_assert_ptr_nonnull(th_str(r, "field"));
		ck_assert_str_eq(th_str(r, "field"), field);
	}
}

START_TEST(health_and_ready_answer)
{
	struct th_resp r;
	th_req("GET", "/healthz", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "status"), "ok");
	th_free(&r);
	th_req("GET", "/readyz", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(r.json, "checks"), "database")),
	        "ok");
	th_free(&r);
}
END_TEST

START_TEST(request_id_is_echoed_or_generated)
{
	struct th_resp r;
	const char *h[] = {"X-Request-Id: test-req-123", NULL};
	th_req("GET", "/healthz", NULL, NULL, h, &r);
	char *id = th_header(&r, "X-Request-Id");
	ck_assert_str_eq(id, "test-req-123");
	free(id);
	th_free(&r);
	th_req("GET", "/healthz", NULL, NULL, NULL, &r);
	id = th_header(&r, "X-Request-Id");
	ck_assert_ptr_nonnull(id);
	ck_assert_int_eq(strlen(id), 24);
	free(id);
	th_free(&r);
}
END_TEST

START_TEST(unknown_route_and_wrong_method)
{
	struct th_resp r;
	th_req("GET", "/v1/nothing-here", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	th_req("PUT", "/v1/tenants", op.token, "{}", NULL, &r);
	assert_problem(&r, 405, NULL);
	char *allow = th_header(&r, "Allow");
	ck_assert_ptr_nonnull(allow);
	ck_assert_ptr_nonnull(strstr(allow, "GET"));
	free(allow);
	th_free(&r);
}
END_TEST

START_TEST(unauthenticated_is_401)
{
	struct th_resp r;
	th_req("GET", "/v1/tenants", NULL, NULL, NULL, &r);
	assert_problem(&r, 401, NULL);
	th_free(&r);
	th_req("GET", "/v1/tenants", "not-a-token", NULL, NULL, &r);
	assert_problem(&r, 401, NULL);
	th_free(&r);
}
END_TEST

START_TEST(bad_input_classes_are_4xx_naming_the_field)
{
	struct th_resp r;
	/* unknown field */
	th_req("POST", "/v1/tenants", op.token,
	        "{\"slug\":\"ok-slug\",\"name\":\"x\",\"colour\":1}", NULL, &r);
	assert_problem(&r, 400, "colour");
	th_free(&r);
	/* wrong type */
	th_req("POST", "/v1/tenants", op.token, "{\"slug\":\"ok-slug\",\"name\":42}", NULL, &r);
	assert_problem(&r, 400, "name");
	th_free(&r);
	/* missing required */
	th_req("POST", "/v1/tenants", op.token, "{\"slug\":\"ok-slug\"}", NULL, &r);
	assert_problem(&r, 400, "name");
	th_free(&r);
	/* malformed JSON */
	th_req("POST", "/v1/tenants", op.token, "{\"slug\":", NULL, &r);
	assert_problem(&r, 400, NULL);
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "malformed JSON"));
	th_free(&r);
	/* duplicate keys */
	th_req("POST", "/v1/tenants", op.token, "{\"name\":\"a\",\"name\":\"b\",\"slug\":\"zz\"}",
	        NULL, &r);
	assert_problem(&r, 400, NULL);
	th_free(&r);
	/* non-UTF-8 */
	const char bad[] = "{\"slug\":\"ok-slug\",\"name\":\"\xff\xfe\"}";
	th_req_raw("POST", "/v1/tenants", op.token, bad, sizeof bad - 1, NULL, &r);
	assert_problem(&r, 400, NULL);
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "UTF-8"));
	th_free(&r);
	/* wrong media type */
	const char *ct[] = {"Content-Type: text/plain", NULL};
	th_req("POST", "/v1/tenants", op.token, "{}", ct, &r);
	assert_problem(&r, 415, "Content-Type");
	th_free(&r);
	/* over the size limit (default 1 MiB) */
	size_t big = (1 << 20) + 10;
	char *huge = malloc(big + 1);
	memset(huge, ' ', big);
	huge[big] = '\0';
	huge[0] = '{';
	huge[big - 1] = '}';
	th_req("POST", "/v1/tenants", op.token, huge, NULL, &r);
	free(huge);
	assert_problem(&r, 413, NULL);
	th_free(&r);
	/* bad value */
	th_req("POST", "/v1/tenants", op.token, "{\"slug\":\"Bad Slug!\",\"name\":\"x\"}", NULL,
	        &r);
	assert_problem(&r, 400, "slug");
	th_free(&r);
	/* unknown query parameter, bad limit */
	th_req("GET", "/v1/tenants?colour=red", op.token, NULL, NULL, &r);
	assert_problem(&r, 400, "colour");
	th_free(&r);
	th_req("GET", "/v1/tenants?limit=500", op.token, NULL, NULL, &r);
	assert_problem(&r, 400, "limit");
	th_free(&r);
	th_req("GET", "/v1/tenants?cursor=%%%", op.token, NULL, NULL, &r);
	assert_problem(&r, 400, "cursor");
	th_free(&r);
	/* nothing was written by any of these */
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM tenants WHERE parent_id = '%s'",
	        op.tenant_id);
	char *n = th_sql(sql);
	ck_assert_str_eq(n, "0");
	free(n);
}
END_TEST

START_TEST(tenant_lifecycle_with_etags)
{
	char id[37], path[128];
	th_new_client(&op, id);
	snprintf(path, sizeof path, "/v1/tenants/%s", id);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char *etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	th_free(&r);
	/* If-Match required */
	th_req("PATCH", path, op.token, "{\"name\":\"Renamed\"}", NULL, &r);
	assert_problem(&r, 428, "If-Match");
	th_free(&r);
	const char *stale[] = {"If-Match: \"7\"", NULL};
	th_req("PATCH", path, op.token, "{\"name\":\"Renamed\"}", stale, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	const char *good[] = {"If-Match: \"1\"", NULL};
	th_req("PATCH", path, op.token, "{\"name\":\"Renamed\"}", good, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "name"), "Renamed");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	th_free(&r);
	/* the same ETag again is now stale */
	th_req("PATCH", path, op.token, "{\"name\":\"Again\"}", good, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	/* suspend, resume */
	char sp[160];
	snprintf(sp, sizeof sp, "%s/suspend", path);
	th_req("POST", sp, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "status"), "suspended");
	th_free(&r);
	th_req("POST", sp, op.token, NULL, NULL, &r);
	assert_problem(&r, 409, "status");
	th_free(&r);
}
END_TEST

START_TEST(suspended_tenant_users_get_403)
{
	char id[37], sp[160];
	th_new_client(&op, id);
	char *tok = th_new_user(&op, id, "isms_lead", NULL, 0);
	struct th_resp r;
	th_req("GET", "/v1/auth/me", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "role"), "isms_lead");
	th_free(&r);
	snprintf(sp, sizeof sp, "/v1/tenants/%s/suspend", id);
	th_req("POST", sp, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	th_req("GET", "/v1/auth/me", tok, NULL, NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	snprintf(sp, sizeof sp, "/v1/tenants/%s/resume", id);
	th_req("POST", sp, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	th_req("GET", "/v1/auth/me", tok, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	free(tok);
}
END_TEST

START_TEST(idempotent_post_replays_first_response)
{
	char body[200], key[80];
	snprintf(body, sizeof body, "{\"slug\":\"idem-%s\",\"name\":\"Idem\"}", th_unique());
	snprintf(key, sizeof key, "Idempotency-Key: key-%s", th_unique());
	const char *h[] = {key, NULL};
	struct th_resp a, b, c;
	th_req("POST", "/v1/tenants", op.token, body, h, &a);
	ck_assert_int_eq(a.status, 201);
	th_req("POST", "/v1/tenants", op.token, body, h, &b);
	ck_assert_int_eq(b.status, 201);
	ck_assert_str_eq(th_str(&a, "id"), th_str(&b, "id"));
	char *replayed = th_header(&b, "Idempotent-Replayed");
	ck_assert_str_eq(replayed, "true");
	free(replayed);
	/* same key, different body */
	th_req("POST", "/v1/tenants", op.token, "{\"slug\":\"other-x\",\"name\":\"Other\"}", h, &c);
	assert_problem(&c, 422, "Idempotency-Key");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM tenants WHERE parent_id = '%s'",
	        op.tenant_id);
	char *n = th_sql(sql);
	ck_assert_str_eq(n, "1");
	free(n);
	th_free(&a);
	th_free(&b);
	th_free(&c);
}
END_TEST

START_TEST(pagination_walks_every_item_once)
{
	for (int i = 0; i < 5; i++) {
		char id[37];
		th_new_client(&op, id);
	}
	int seen = 0, pages = 0;
	char path[512] = "/v1/tenants?limit=2&kind=client";
	for (;;) {
		struct th_resp r;
		th_req("GET", path, op.token, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		seen += (int)json_array_size(json_object_get(r.json, "items"));
		pages++;
		const char *next = th_str(&r, "next");
		if (!next) {
			th_free(&r);
			break;
		}
		snprintf(path, sizeof path, "/v1/tenants?limit=2&kind=client&cursor=%s", next);
		th_free(&r);
		ck_assert_int_lt(pages, 10);
	}
	ck_assert_int_eq(seen, 5);
	ck_assert_int_eq(pages, 3);
}
END_TEST

START_TEST(other_consultancy_sees_nothing)
{
	char id[37], path[128];
	th_new_client(&op, id);
	struct th_operator other;
	th_new_operator(&other);
	snprintf(path, sizeof path, "/v1/tenants/%s", id);
	struct th_resp r;
	th_req("GET", path, other.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	/* naming the tenant explicitly: not a member */
	char hdr[80];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", id);
	const char *h[] = {hdr, NULL};
	th_req("GET", path, other.token, NULL, h, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	th_req("GET", "/v1/tenants?kind=client", other.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
	th_free(&r);
	th_operator_free(&other);
}
END_TEST

static Suite *platform_suite(void)
{
	Suite *s = suite_create("platform");
	TCase *tc = tcase_create("http");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, health_and_ready_answer);
	tcase_add_test(tc, request_id_is_echoed_or_generated);
	tcase_add_test(tc, unknown_route_and_wrong_method);
	tcase_add_test(tc, unauthenticated_is_401);
	tcase_add_test(tc, bad_input_classes_are_4xx_naming_the_field);
	tcase_add_test(tc, tenant_lifecycle_with_etags);
	tcase_add_test(tc, suspended_tenant_users_get_403);
	tcase_add_test(tc, idempotent_post_replays_first_response);
	tcase_add_test(tc, pagination_walks_every_item_once);
	tcase_add_test(tc, other_consultancy_sees_nothing);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(platform_suite)
