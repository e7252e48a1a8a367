/*
 * test_demo.c - the demo engagement `make run` loads (tenants/demo/engagement.json via
 * `concord-api demo-load`), run against the API under test into a fresh client tenant:
 * every step passes the API's validation, and the result is a Phase 1 in progress that
 * the engagement plan, the documented-information checklist, the risk register and the
 * AI Act dossier all report from the data. A second run loads nothing; a broken steps
 * file stops at the failing step and names it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th.h"

static struct th_operator op;
static char client[37], tenant_hdr[80];

static void setup(void)
{
	th_new_operator(&op);
	th_new_client(&op, client);
	snprintf(tenant_hdr, sizeof tenant_hdr, "X-Concord-Tenant: %s", client);
}

static void teardown(void)
{
	th_operator_free(&op);
}

/* Run demo-load with file into the client; returns the exit status, output in out. */
static int demo_load(const char *file, char *out, size_t n)
{
	const char *url = getenv("CONCORD_TEST_URL");
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	        "CONCORD_DEMO_EMAIL='%s' CONCORD_DEMO_PASSWORD='%s' %s/concord-api demo-load '%s'"
	        " %s %s 2>&1",
	        op.email, op.password, getenv("CONCORD_TEST_BIN"), file, client,
	        url ? url : "http://127.0.0.1:18080");
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t len = fread(out, 1, n - 1, p);
	out[len] = '\0';
	return pclose(p);
}

static json_t *get(const char *path)
{
	const char *h[] = {tenant_hdr, NULL};
	struct th_resp r;
	th_req("GET", path, op.token, NULL, h, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const json_t *deliverable(const json_t *plan, const char *ref)
{
	size_t i, j;
	const json_t *p, *d;
	json_array_foreach(json_object_get(plan, "phases"), i, p)
	{
		json_array_foreach(json_object_get(p, "deliverables"), j, d)
		{
			if (strcmp(str(d, "ref"), ref) == 0)
				return d;
		}
	}
	return NULL;
}

static const json_t *checklist_item(const json_t *c, const char *fw, const char *ref)
{
	size_t i;
	const json_t *it;
	json_array_foreach(json_object_get(c, "items"), i, it)
	{
		if (strcmp(str(it, "framework_id"), fw) == 0 && strcmp(str(it, "ref"), ref) == 0)
			return it;
	}
	return NULL;
}

START_TEST(the_demo_engagement_loads_through_the_api_and_reports_from_the_data)
{
	char path[1024], out[4096];
	snprintf(path, sizeof path, "%s/tenants/demo/engagement.json", getenv("CONCORD_ROOT"));
	int rc = demo_load(path, out, sizeof out);
	ck_assert_msg(rc == 0, "demo-load failed: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "step(s) loaded"));
	/* Phase 1 from the data: charter + committee + RACI, scopes, IS and AI registers
	 * frozen; the AI policy is still a draft, so the policies deliverable is not done */
	json_t *plan = get("/v1/engagement");
	ck_assert_str_eq(str(deliverable(plan, "P1.D1"), "status"), "done");
	ck_assert_str_eq(str(deliverable(plan, "P1.D2"), "status"), "done");
	ck_assert_str_eq(str(deliverable(plan, "P1.D3"), "status"), "done");
	ck_assert_str_eq(str(deliverable(plan, "P1.D4"), "status"), "done");
	const json_t *d6 = deliverable(plan, "P1.D6");
	ck_assert_str_eq(str(d6, "status"), "not_started");
	ck_assert(json_is_true(
	        json_object_get(json_array_get(json_object_get(d6, "conditions"), 0), "met")));
	json_decref(plan);
	/* the checklist: IS policy covered, AI policy a draft, scope kept in Concord */
	json_t *c = get("/v1/documented-information");
	ck_assert_str_eq(str(checklist_item(c, "iso27001-2022", "5.2"), "status"), "covered");
	ck_assert_str_eq(str(checklist_item(c, "iso42001-2023", "5.2"), "status"), "draft_only");
	ck_assert_str_eq(str(checklist_item(c, "iso27001-2022", "4.3"), "status"), "covered");
	json_decref(c);
	/* the register and the AI system */
	json_t *risks = get("/v1/risks?limit=50");
	ck_assert_int_eq(json_array_size(json_object_get(risks, "items")), 3);
	json_decref(risks);
	json_t *systems = get("/v1/ai-systems");
	json_t *cv = json_array_get(json_object_get(systems, "items"), 0);
	ck_assert_str_eq(str(cv, "ref"), "AI-CV");
	char p2[128];
	snprintf(p2, sizeof p2, "/v1/ai-systems/%s/aiact", str(cv, "id"));
	json_t *a = get(p2);
	ck_assert_str_eq(str(json_object_get(a, "result"), "risk_category"), "high_risk");
	json_decref(a);
	snprintf(p2, sizeof p2, "/v1/ai-systems/%s/aiact/dossier", str(cv, "id"));
	json_t *d = get(p2);
	json_t *comp = json_object_get(d, "completeness");
	ck_assert_int_eq(json_integer_value(json_object_get(comp, "complete")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(comp, "in_progress")), 1);
	json_decref(d);
	json_decref(systems);
	/* a second run keeps what is there */
	rc = demo_load(path, out, sizeof out);
	ck_assert_msg(rc == 0, "second demo-load failed: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "0 step(s) loaded"));
}
END_TEST

START_TEST(a_failing_step_stops_the_load_and_is_named)
{
	char out[4096];
	/* a {{name}} no earlier step saved is named before anything is sent (first: the load
	 * is skipped once the tenant has documents) */
	char file2[] = "/tmp/concord-demo-XXXXXX";
	int fd = mkstemp(file2);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("{\"steps\": [{\"method\": \"POST\", \"path\": \"/v1/documents/{{nope}}/approve\","
	      " \"status\": 200}]}",
	        f);
	fclose(f);
	int rc = demo_load(file2, out, sizeof out);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(out, "uses {{nope}}"), "%s", out);
	unlink(file2);
	char file[] = "/tmp/concord-demo-XXXXXX";
	fd = mkstemp(file);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("{\"steps\": [{\"method\": \"POST\", \"path\": \"/v1/documents\", \"status\": 201,"
	      " \"save\": \"doc\", \"body\": {\"ref\": \"D-1\", \"kind\": \"policy\", \"title\":"
	      " \"ok\"}},"
	      " {\"method\": \"POST\", \"path\": \"/v1/documents\", \"status\": 201,"
	      " \"body\": {\"ref\": \"D-2\", \"kind\": \"memo\", \"title\": \"bad kind\"}},"
	      " {\"method\": \"POST\", \"path\": \"/v1/documents\", \"status\": 201,"
	      " \"body\": {\"ref\": \"D-3\", \"kind\": \"policy\", \"title\": \"never\"}}]}",
	        f);
	fclose(f);
	rc = demo_load(file, out, sizeof out);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(out, "step 1 POST /v1/documents answered 400"), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\"field\":\"kind\""));
	/* the steps before it stay (each is its own request); none after it ran */
	json_t *l = get("/v1/documents");
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 1);
	json_decref(l);
	unlink(file);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("demo");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, the_demo_engagement_loads_through_the_api_and_reports_from_the_data);
	tcase_add_test(tc, a_failing_step_stops_the_load_and_is_named);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(suite)
