/*
 * test_phase1.c - Phase 1 of the engagement end to end: the report jobs run by the
 * workers produce the deliverables from the tenant's real data. risk.export writes the
 * register and the treatment plan as XLSX workbooks (current or a frozen version);
 * phase1.pack writes one self-contained HTML document with the charter, RACI, scopes,
 * context, policies deliverable, methodology, both risk registers with heat maps, the
 * treatment plan and both SoAs' status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

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

static json_t *ok(
        const char *method, const char *path, const char *body, const char *if_match, long want)
{
	char im[64];
	const char *h[3] = {tenant_hdr, NULL, NULL};
	if (if_match) {
		snprintf(im, sizeof im, "If-Match: \"%s\"", if_match);
		h[1] = im;
	}
	struct th_resp r;
	th_req(method, path, op.token, body, h, &r);
	ck_assert_msg(r.status == want, "%s %s: want %ld got %ld: %s", method, path, want, r.status,
	        r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sqlf(const char *fmt, ...)
{
	char q[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

static const char methodology[] =
        "{\"likelihood\": [{\"level\": 1, \"name\": \"Rare\", \"criteria\": \"under once in 10"
        " years\"},"
        " {\"level\": 2, \"name\": \"Possible\", \"criteria\": \"about once a year\"},"
        " {\"level\": 3, \"name\": \"Likely\", \"criteria\": \"several times a year\"}],"
        " \"impact\": [{\"level\": 1, \"name\": \"Minor\", \"criteria\": \"no lasting effect\"},"
        " {\"level\": 2, \"name\": \"Major\", \"criteria\": \"serious, recoverable\"},"
        " {\"level\": 3, \"name\": \"Severe\", \"criteria\": \"lasting or irreversible\"}],"
        " \"levels\": [{\"key\": \"low\", \"name\": \"Low\", \"color\": \"#2e7d32\","
        " \"review_months\": 12},"
        " {\"key\": \"medium\", \"name\": \"Medium\", \"color\": \"#f9a825\", \"review_months\":"
        " 6},"
        " {\"key\": \"high\", \"name\": \"High\", \"color\": \"#c62828\", \"review_months\": 3}],"
        " \"matrix\": [[\"low\", \"low\", \"medium\"], [\"low\", \"medium\", \"high\"],"
        " [\"medium\", \"high\", \"high\"]], \"appetite\": \"medium\","
        " \"acceptance\": [{\"level\": \"low\", \"roles\": [\"isms_lead\"]},"
        " {\"level\": \"medium\", \"roles\": [\"isms_lead\", \"aims_lead\"]},"
        " {\"level\": \"high\", \"roles\": [\"sponsor\"]}]}";

/* Methodology, one IS risk with a treatment action, one AI risk. Returns the IS risk id. */
static char *register_with_two_risks(void)
{
	json_decref(ok("PUT", "/v1/risk-methodology", methodology, NULL, 201));
	char body[1024];
	snprintf(body, sizeof body,
	        "{\"type\": \"is\", \"title\": \"Credential stuffing on the portal <script>\","
	        " \"owner_id\": \"%s\", \"treatment_option\": \"modify\","
	        " \"inherent\": {\"likelihood\": 3, \"impact\": 2}, \"residual\": {\"likelihood\":"
	        " 1,"
	        " \"impact\": 2}}",
	        op.user_id);
	json_t *is = ok("POST", "/v1/risks", body, NULL, 201);
	char *id = strdup(str(is, "id"));
	json_decref(is);
	char path[128];
	snprintf(path, sizeof path, "/v1/risks/%s/actions", id);
	snprintf(body, sizeof body,
	        "{\"title\": \"Roll out MFA on the portal\", \"owner_id\": \"%s\", \"due_date\":"
	        " \"2030-03-31\"}",
	        op.user_id);
	json_decref(ok("POST", path, body, NULL, 201));
	snprintf(body, sizeof body,
	        "{\"type\": \"ai\", \"title\": \"Hallucinated answers in the support assistant\","
	        " \"owner_id\": \"%s\", \"annex_c_sources\": [\"C.3.2\"], \"inherent\":"
	        " {\"likelihood\": 2,"
	        " \"impact\": 1, \"ai_impacts\": {\"individuals\": 2, \"groups\": 1, \"society\":"
	        " 1}}}",
	        op.user_id);
	json_decref(ok("POST", "/v1/risks", body, NULL, 201));
	return id;
}

/* Wait for a job to succeed; return its result (new reference). */
static json_t *wait_job(const json_t *job)
{
	char path[96];
	snprintf(path, sizeof path, "/v1/jobs/%s", str(job, "id"));
	const char *h[] = {tenant_hdr, NULL};
	if (!th_wait_json(path, op.token, h, "state", "succeeded", 90)) {
		json_t *j = ok("GET", path, NULL, NULL, 200);
		char *t = json_dumps(j, 0);
		ck_abort_msg("job did not succeed: %s", t);
	}
	json_t *j = ok("GET", path, NULL, NULL, 200);
	json_t *res = json_incref(json_object_get(j, "result"));
	json_decref(j);
	return res;
}

/* Download an artifact; the body and its content type are returned in r. */
static void download(const char *artifact, struct th_resp *r)
{
	char path[96];
	snprintf(path, sizeof path, "/v1/artifacts/%s", artifact);
	const char *h[] = {tenant_hdr, NULL};
	th_req("GET", path, op.token, NULL, h, r);
	ck_assert_msg(r->status == 200, "download: %ld", r->status);
}

/* The artifact called name in a job result's "artifacts" list. */
static const char *artifact_named(const json_t *result, const char *name)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(result, "artifacts"), i,
	        a) if (strcmp(str(a, "name"), name) == 0) return str(a, "artifact_id");
	ck_abort_msg("no artifact %s", name);
	return NULL;
}

/* The text of one file of an XLSX (zip) held in memory (malloc'd). */
static char *xlsx_part(const char *data, size_t len, const char *part)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	ck_assert_ptr_nonnull(src);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	ck_assert_msg(z != NULL, "not a zip archive");
	zip_stat_t st;
	ck_assert_int_eq(zip_stat(z, part, 0, &st), 0);
	zip_file_t *f = zip_fopen(z, part, 0);
	ck_assert_ptr_nonnull(f);
	char *text = calloc(1, st.size + 1);
	ck_assert_int_eq(zip_fread(f, text, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	zip_close(z);
	zip_error_fini(&ze);
	return text;
}

START_TEST(risk_export_writes_the_register_and_the_treatment_plan_as_workbooks)
{
	char *id = register_with_two_risks();
	json_decref(ok("POST", "/v1/risks/approve", NULL, NULL, 201));
	char path[96];
	snprintf(path, sizeof path, "/v1/risks/%s", id);
	json_decref(ok("PATCH", path, "{\"title\": \"Credential stuffing (renamed)\"}", "1", 200));
	json_t *job = ok("POST", "/v1/risks/export", NULL, NULL, 202);
	json_t *res = wait_job(job);
	json_decref(job);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "risks")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(res, "artifacts")), 2);
	struct th_resp r;
	download(artifact_named(res, "risk-register.xlsx"), &r);
	char *ct = th_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	free(ct);
	ck_assert_int_eq(memcmp(r.body, "PK", 2), 0);
	char *wb = xlsx_part(r.body, r.len, "xl/workbook.xml");
	ck_assert_ptr_nonnull(strstr(wb, "name=\"Risk register\""));
	free(wb);
	char *strings = xlsx_part(r.body, r.len, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(
	        strstr(strings, "Unified IS and AI risk register (current, not approved)"));
	ck_assert_ptr_nonnull(strstr(strings, "Credential stuffing (renamed)"));
	ck_assert_ptr_nonnull(strstr(strings, "Hallucinated answers in the support assistant"));
	ck_assert_ptr_nonnull(strstr(strings, "C.3.2"));
	free(strings);
	th_free(&r);
	download(artifact_named(res, "risk-treatment-plan.xlsx"), &r);
	strings = xlsx_part(r.body, r.len, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(strstr(strings, "Roll out MFA on the portal"));
	ck_assert_ptr_nonnull(strstr(strings, "Risk treatment plan"));
	free(strings);
	th_free(&r);
	json_decref(res);
	/* a frozen version is exported as it was frozen */
	job = ok("POST", "/v1/risks/export", "{\"baseline\": 1}", NULL, 202);
	res = wait_job(job);
	json_decref(job);
	ck_assert_ptr_nonnull(strstr(str(res, "exported"), "version 1"));
	download(artifact_named(res, "risk-register.xlsx"), &r);
	strings = xlsx_part(r.body, r.len, "xl/sharedStrings.xml");
	ck_assert_ptr_null(strstr(strings, "(renamed)"));
	ck_assert_ptr_nonnull(strstr(strings, "Credential stuffing on the portal &lt;script&gt;"));
	free(strings);
	th_free(&r);
	json_decref(res);
	/* a version that does not exist is refused before any job is queued */
	char *before = sqlf("SELECT count(*) FROM jobs WHERE tenant_id = '%s'", client);
	json_t *bad = ok("POST", "/v1/risks/export", "{\"baseline\": 9}", NULL, 400);
	ck_assert_str_eq(str(bad, "field"), "baseline");
	json_decref(bad);
	char *after = sqlf("SELECT count(*) FROM jobs WHERE tenant_id = '%s'", client);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	char *audits = sqlf("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	                    " AND action = 'risk.export'",
	        client);
	ck_assert_str_eq(audits, "2");
	free(audits);
	free(id);
}
END_TEST

START_TEST(phase1_pack_is_one_self_contained_html_document)
{
	char body[2048];
	/* charter, approved with a dated milestone */
	snprintf(body, sizeof body,
	        "{\"title\": \"Acme integrated ISMS and AIMS\", \"sponsor_id\": \"%s\","
	        " \"objectives\": [\"ISO/IEC 27001 certification by Q4\"], \"scope_summary\":"
	        " \"Acme SaaS\"}",
	        op.user_id);
	json_decref(ok("PUT", "/v1/engagement/charter", body, NULL, 201));
	json_decref(ok(
	        "PATCH", "/v1/engagement/items/P1.M2", "{\"due_date\": \"2026-03-31\"}", "1", 200));
	json_decref(ok("POST", "/v1/engagement/charter/approve", NULL, NULL, 201));
	/* governance */
	json_decref(ok("POST", "/v1/committees",
	        "{\"name\": \"Security and AI committee\", \"remit\": \"risk decisions\","
	        " \"cadence\":"
	        " \"monthly\", \"members\": [{\"name\": \"Jane Roe\", \"function\": \"CISO\","
	        " \"chair\": true}]}",
	        NULL, 201));
	json_decref(ok("PUT", "/v1/raci",
	        "{\"roles\": [{\"key\": \"isms\", \"name\": \"ISMS Owner\"}, {\"key\": \"aims\","
	        " \"name\":"
	        " \"AIMS Owner\"}], \"activities\": [{\"key\": \"risk\", \"name\": \"Risk"
	        " assessment\","
	        " \"assignments\": {\"isms\": \"A\", \"aims\": \"R\"}}]}",
	        NULL, 201));
	json_decref(ok("POST", "/v1/raci/approve", NULL, NULL, 201));
	/* context and scopes */
	json_decref(ok("POST", "/v1/context/issues",
	        "{\"kind\": \"external\", \"title\": \"Customers demand AI transparency\"}", NULL,
	        201));
	json_decref(ok("PUT", "/v1/scopes/isms",
	        "{\"entities\": [\"Acme SAS\"], \"exclusions\": [{\"item\": \"Legacy billing\","
	        " \"justification\": \"decommissioned in May\"}]}",
	        NULL, 201));
	json_decref(ok("PUT", "/v1/scopes/aims",
	        "{\"entities\": [\"Acme SAS\"], \"ai_roles\": [\"deployer\"]}", NULL, 201));
	json_decref(ok("POST", "/v1/scopes/isms/approve", NULL, NULL, 201));
	/* risks */
	free(register_with_two_risks());
	json_decref(ok("POST", "/v1/risk-methodology/approve", NULL, NULL, 201));
	json_decref(ok("POST", "/v1/risks/approve", NULL, NULL, 201));

	/* policies: one approved, one still a draft */
	json_t *pol = ok("POST", "/v1/documents",
	        "{\"ref\": \"POL-IS\", \"kind\": \"policy\", \"title\": \"Information"
	        " security policy\", \"doc_version\": \"1.0\", \"location\":"
	        " \"dms:/policies/pol-is-1.0.pdf\", \"requirements\": [\"iso27001-2022:5.2\"]}",
	        NULL, 201);
	char path[128];
	snprintf(path, sizeof path, "/v1/documents/%s/approve", str(pol, "id"));
	json_decref(ok("POST", path, NULL, "1", 200));
	json_decref(pol);
	json_decref(ok("POST", "/v1/documents",
	        "{\"ref\": \"POL-AI\", \"kind\": \"policy\", \"title\": \"AI policy\","
	        " \"requirements\": [\"iso42001-2023:5.2\"]}",
	        NULL, 201));

	json_t *job = ok("POST", "/v1/engagement/phase1-pack", NULL, NULL, 202);
	json_t *res = wait_job(job);
	json_decref(job);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "risks")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "policies")), 2);
	struct th_resp r;
	download(str(res, "artifact_id"), &r);
	char *ct = th_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "text/html; charset=utf-8");
	free(ct);
	const char *html = r.body;
	ck_assert_int_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
	static const char *const expected[] = {
	        "Acme integrated ISMS and AIMS",                         /* charter */
	        "ISO/IEC 27001 certification by Q4",                     /* its objectives */
	        "Security and AI committee",                             /* committees */
	        "AIMS Owner",                                            /* RACI */
	        "Customers demand AI transparency",                      /* context */
	        "Legacy billing - justification: decommissioned in May", /* ISMS scope */
	        "deployer",                              /* the organisation's AI roles */
	        "Security policy (v1) + AI policy (v1)", /* policies deliverable */
	        "<td>POL-IS</td><td>Information security policy</td><td>1.0</td>"
	        "<td>approved</td>", /* the register's policies */
	        "dms:/policies/pol-is-1.0.pdf",
	        "<td>POL-AI</td><td>AI policy</td><td>0.1</td><td>draft</td>",
	        "iso42001-2023:5.2",
	        "Risk appetite: risks up to level <strong>medium</strong>",
	        "IS-001",
	        "AI-001",
	        "C.3.2",                                     /* both registers */
	        "Roll out MFA on the portal",                /* treatment plan */
	        "<svg xmlns=\"http://www.w3.org/2000/svg\"", /* heat maps */
	        "IS risks: residual",
	        "AI risks: inherent",
	        "Statements of Applicability",
	        "<tr class=\"done\"><td>P1.D1</td>", /* charter + committee + RACI approved */
	        "<tr class=\"done\"><td>P1.D4</td>", /* methodology + AI register v1 */
	        "Credential stuffing on the portal &lt;script&gt;",
	};
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
		ck_assert_msg(strstr(html, expected[i]), "the pack lacks: %s", expected[i]);
	/* the AIMS scope was never approved: the pack says so */
	ck_assert_ptr_nonnull(strstr(html, "draft, never approved"));
	/* self-contained: no script, no external resource; the only URL is the SVG namespace */
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_null(strstr(html, " src="));
	ck_assert_ptr_null(strstr(html, "<link"));
	ck_assert_ptr_null(strstr(html, "url("));
	for (const char *p = strstr(html, "http"); p; p = strstr(p + 1, "http"))
		ck_assert_msg(strncmp(p, "http://www.w3.org/2000/svg", 26) == 0,
		        "external reference: %.60s", p);
	th_free(&r);
	json_decref(res);
	char *audits = sqlf("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	                    " AND action IN ('report.requested', 'phase1.pack')",
	        client);
	ck_assert_str_eq(audits, "2");
	free(audits);
}
END_TEST

static Suite *phase1_suite(void)
{
	Suite *s = suite_create("phase1");
	TCase *tc = tcase_create("reports");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, risk_export_writes_the_register_and_the_treatment_plan_as_workbooks);
	tcase_add_test(tc, phase1_pack_is_one_self_contained_html_document);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(phase1_suite)
