/*
 * test_tenant_import.c - the rules of POST /v1/tenants/import: a document may not
 * grant memberships to users outside it and outside the importing consultancy, nor
 * name tables Concord does not know; nothing is written when it is refused; frozen
 * baselines come through an export -> import round trip with their integrity intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static long count_clients(void)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM tenants WHERE parent_id = '%s'",
	        op.tenant_id);
	char *n = th_sql(sql);
	long v = atol(n);
	free(n);
	return v;
}

static void import_expect(json_t *doc, long status, const char *field)
{
	json_t *b =
	        json_pack("{s:s, s:s, s:O}", "slug", "imp-x-", "name", "Imported", "document", doc);
	char slug[64];
	snprintf(slug, sizeof slug, "imp-%s", th_unique());
	json_object_set_new(b, "slug", json_string(slug));
	char *s = json_dumps(b, 0);
	json_decref(b);
	struct th_resp r;
	th_req("POST", "/v1/tenants/import", op.token, s, NULL, &r);
	free(s);
	ck_assert_msg(r.status == status, "want %ld got %ld: %s", status, r.status, r.body);
	if (field)
		ck_assert_str_eq(th_str(&r, "field"), field);
	th_free(&r);
}

START_TEST(membership_of_a_foreign_user_is_refused_and_nothing_written)
{
	struct th_operator other;
	th_new_operator(&other);
	json_t *doc = json_pack("{s:s, s:i, s:{s:s, s:s}, s:{s:[{s:s, s:s}]}}", "format",
	        "concord.tenant-export", "format_version", 1, "tenant", "id",
	        "00000000-0000-4000-8000-000000000001", "name", "Source", "tables", "memberships",
	        "user_id", other.user_id, "role", "operator");
	long before = count_clients();
	import_expect(doc, 400, "document.tables.memberships");
	ck_assert_int_eq(count_clients(), before);
	/* the importing consultancy's own user may be named */
	json_object_set_new(
	        json_array_get(json_object_get(json_object_get(doc, "tables"), "memberships"), 0),
	        "user_id", json_string(op.user_id));
	import_expect(doc, 201, NULL);
	ck_assert_int_eq(count_clients(), before + 1);
	json_decref(doc);
	th_operator_free(&other);
}
END_TEST

START_TEST(unknown_table_or_format_is_refused)
{
	json_t *doc = json_pack("{s:s, s:i, s:{}, s:{s:[]}}", "format", "concord.tenant-export",
	        "format_version", 1, "tenant", "tables", "no_such_table");
	long before = count_clients();
	import_expect(doc, 400, "document.tables");
	json_decref(doc);
	doc = json_pack("{s:s, s:i, s:{}, s:{}}", "format", "something-else", "format_version", 1,
	        "tenant", "tables");
	import_expect(doc, 400, "document.format");
	json_decref(doc);
	ck_assert_int_eq(count_clients(), before);
}
END_TEST

START_TEST(frozen_baseline_keeps_its_integrity_through_export_and_import)
{
	char client[37];
	th_new_client(&op, client);
	/* a frozen version whose content names the tenant's own rows by id */
	const char *content = "{\"items\":[{\"key\":\"R-1\",\"owner\":\"11111111-1111-4111-8111-"
	                      "111111111111\"}]}";
	char sha[65], sql[1024];
	util_sha256_hex(content, strlen(content), sha);
	snprintf(sql, sizeof sql,
	        "INSERT INTO baselines (tenant_id, kind, number, content, sha256, item_count, note)"
	        " VALUES ('%s', 'risk_register', 1, '%s', '%s', 1, 'v1')",
	        client, content, sha);
	free(th_sql(sql));

	char hdr[80], path[128];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", client);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("GET", "/v1/baselines/risk_register/1", op.token, NULL, h, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_true(json_object_get(r.json, "integrity")));
	th_free(&r);

	snprintf(path, sizeof path, "/v1/tenants/%s/export", client);
	th_req("POST", path, op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 202, "export: %ld %s", r.status, r.body);
	char job[128];
	snprintf(job, sizeof job, "/v1/jobs/%s", th_str(&r, "id"));
	th_free(&r);
	ck_assert(th_wait_json(job, op.token, h, "state", "succeeded", 60));
	th_req("GET", job, op.token, NULL, h, &r);
	snprintf(path, sizeof path, "/v1/artifacts/%s",
	        json_string_value(
	                json_object_get(json_object_get(r.json, "result"), "artifact_id")));
	th_free(&r);
	th_req("GET", path, op.token, NULL, h, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *doc = json_incref(r.json);
	th_free(&r);

	json_t *b = json_pack("{s:s, s:s, s:o}", "slug", "x", "name", "Copy", "document", doc);
	char slug[64];
	snprintf(slug, sizeof slug, "copy-%s", th_unique());
	json_object_set_new(b, "slug", json_string(slug));
	char *s = json_dumps(b, 0);
	json_decref(b);
	th_req("POST", "/v1/tenants/import", op.token, s, NULL, &r);
	free(s);
	ck_assert_msg(r.status == 201, "import: %ld %s", r.status, r.body);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", th_str(&r, "id"));
	th_free(&r);
	th_req("GET", "/v1/baselines/risk_register/1", op.token, NULL, h, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_true(json_object_get(r.json, "integrity")));
	ck_assert_str_eq(th_str(&r, "sha256"), sha);
	th_free(&r);
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("tenant_import");
	TCase *tc = tcase_create("import");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, membership_of_a_foreign_user_is_refused_and_nothing_written);
	tcase_add_test(tc, unknown_table_or_format_is_refused);
	tcase_add_test(tc, frozen_baseline_keeps_its_integrity_through_export_and_import);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(import_suite)
