/*
 * test_soa.c - the Statements of Applicability over HTTP against the real database and
 * workers: every Annex A control listed and pre-filled from the control library and
 * the risk treatment, recorded decisions with ETags and validation, each check rule
 * firing on a crafted case and clearing when fixed, approval freezing hashed versions
 * (roles, diff, immutability) and the export job whose XLSX is downloaded, unzipped and
 * read back sheet by sheet.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <unistd.h>
#include <zip.h>

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

static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *sqlf(const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

static void assert_problem(struct th_resp *r, long status, const char *field)
{
	ck_assert_msg(r->status == status, "want %ld got %ld: %s", status, r->status, r->body);
	if (field)
		ck_assert_msg(th_str(r, "field") && strcmp(th_str(r, "field"), field) == 0,
		        "want field %s: %s", field, r->body);
}

static json_t *find_by(const json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
	{
		const char *v = json_string_value(json_object_get(x, key));
		if (v && strcmp(v, value) == 0)
			return x;
	}
	return NULL;
}

static char *new_risk(const char *ref, const char *status)
{
	return sqlf("INSERT INTO risks (tenant_id, ref, type, title, status) VALUES ('%s', '%s',"
	            " 'is', 'Risk %s', '%s') RETURNING id",
	        op.tenant_id, ref, ref, status);
}

static char *create_control(const char *body)
{
	struct th_resp r;
	th_req("POST", "/v1/controls", op.token, body, NULL, &r);
	ck_assert_msg(r.status == 201, "create control: %ld %s", r.status, r.body);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	return id;
}

/* GET a line; returns its JSON (new reference) and its ETag number. */
static json_t *line(const char *fw, const char *ref, long *etag)
{
	char path[160];
	snprintf(path, sizeof path, "/v1/soa/%s/items/%s", fw, ref);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
	char *tag = th_header(&r, "ETag");
	if (etag)
		*etag = strtol(tag + 1, NULL, 10);
	free(tag);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

/* PATCH a line with its current ETag; returns the status. */
static long patch_line(const char *fw, const char *ref, const char *body)
{
	long v;
	json_decref(line(fw, ref, &v));
	char path[160], hdr[40];
	snprintf(path, sizeof path, "/v1/soa/%s/items/%s", fw, ref);
	snprintf(hdr, sizeof hdr, "If-Match: \"%ld\"", v);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("PATCH", path, op.token, body, h, &r);
	long st = r.status;
	ck_assert_msg(st == 200, "patch %s: %ld %s", path, st, r.body);
	th_free(&r);
	return st;
}

/* Number of findings of rule for ref in GET /v1/soa/{fw}/check. */
static int findings(const char *fw, const char *rule, const char *ref)
{
	char path[128];
	snprintf(path, sizeof path, "/v1/soa/%s/check", fw);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	int n = 0;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(r.json, "findings"), i, f)
	{
		n += strcmp(json_string_value(json_object_get(f, "rule")), rule) == 0 &&
		     strcmp(json_string_value(json_object_get(f, "ref")), ref) == 0;
	}
	th_free(&r);
	return n;
}

/* --------------------------------------------------------------- assembly */

START_TEST(soa_lists_every_annex_a_control_prefilled_from_the_library)
{
	char *risk = new_risk("R-1", "open");
	char body[600];
	snprintf(body, sizeof body,
	        "{\"ref\":\"LOG\",\"title\":\"Logging\",\"status\":\"implemented\",\"owner_id\":\"%"
	        "s\","
	        "\"requirements\":[\"iso27001-2022:A.8.15\",\"iso42001-2023:A.6.2.8\","
	        "\"eu-ai-act:Art. 12\"],\"risks\":[{\"risk_id\":\"%s\",\"relation\":\"planned\"}]}",
	        op.user_id, risk);
	free(create_control(body));
	struct th_resp r;
	th_req("GET", "/v1/soa/iso27001-2022", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 93);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(items, 0), "ref")), "A.5.1");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(items, 92), "ref")), "A.8.34");
	json_t *l = find_by(items, "ref", "A.8.15");
	ck_assert(json_is_true(json_object_get(l, "applicable")));
	ck_assert_str_eq(
	        json_string_value(json_object_get(l, "implementation_status")), "implemented");
	json_t *reasons = json_object_get(l, "reasons");
	ck_assert_int_eq(json_array_size(reasons), 2);
	ck_assert_str_eq(json_string_value(json_array_get(reasons, 0)), "risk_treatment");
	ck_assert_str_eq(json_string_value(json_array_get(reasons, 1)), "legal_regulatory");
	ck_assert_ptr_nonnull(find_by(json_object_get(l, "controls"), "ref", "LOG"));
	ck_assert_ptr_nonnull(find_by(json_object_get(l, "risks"), "ref", "R-1"));
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(l, "owner"), "id")), op.user_id);
	ck_assert(json_is_null(json_object_get(r.json, "approved")));
	th_free(&r);
	th_req("GET", "/v1/soa/iso42001-2023", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 38);
	l = find_by(json_object_get(r.json, "items"), "ref", "A.6.2.8");
	ck_assert_str_eq(
	        json_string_value(json_object_get(l, "implementation_status")), "implemented");
	ck_assert_str_eq(json_string_value(json_object_get(l, "group")), "A.6.2");
	th_free(&r);
	/* the AI Act has no Annex A: no SoA */
	th_req("GET", "/v1/soa/eu-ai-act", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	free(risk);
}
END_TEST

START_TEST(recording_a_decision_needs_the_etag_and_valid_values)
{
	struct th_resp r;
	const char *p = "/v1/soa/iso27001-2022/items/A.7.1";
	th_req("PATCH", p, op.token, "{\"applicable\":false}", NULL, &r);
	assert_problem(&r, 428, "If-Match");
	th_free(&r);
	const char *v1[] = {"If-Match: \"1\"", NULL}, *v9[] = {"If-Match: \"9\"", NULL};
	th_req("PATCH", p, op.token, "{\"applicable\":false}", v9, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	th_req("PATCH", p, op.token, "{\"reasons\":[\"contractual\",\"whim\"]}", v1, &r);
	assert_problem(&r, 400, "reasons[1]");
	th_free(&r);
	th_req("PATCH", p, op.token, "{\"reasons\":[\"contractual\",\"contractual\"]}", v1, &r);
	assert_problem(&r, 400, "reasons[1]");
	th_free(&r);
	th_req("PATCH", p, op.token, "{\"implementation_status\":\"done\"}", v1, &r);
	assert_problem(&r, 400, "implementation_status");
	th_free(&r);
	th_req("PATCH", p, op.token, "{\"owner_id\":\"00000000-0000-4000-8000-000000000000\"}", v1,
	        &r);
	assert_problem(&r, 400, "owner_id");
	th_free(&r);
	th_req("PATCH", p, op.token, "{\"colour\":1}", v1, &r);
	assert_problem(&r, 400, "colour");
	th_free(&r);
	char *n = sqlf("SELECT count(*) FROM soa_entries WHERE tenant_id = '%s'", op.tenant_id);
	ck_assert_str_eq(n, "0");
	free(n);
	th_req("PATCH", p, op.token,
	        "{\"applicable\":false,\"exclusion_justification\":\"No premises in scope\"}", v1,
	        &r);
	ck_assert_int_eq(r.status, 200);
	char *tag = th_header(&r, "ETag");
	ck_assert_str_eq(tag, "\"2\"");
	free(tag);
	ck_assert(json_is_false(json_object_get(r.json, "applicable")));
	ck_assert_str_eq(th_str(&r, "implementation_status"), "not_applicable");
	th_free(&r);
	/* the same ETag is now stale; null returns a field to the derived value */
	th_req("PATCH", p, op.token, "{\"applicable\":null}", v1, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	patch_line("iso27001-2022", "A.7.1", "{\"applicable\":null}");
	json_t *l = line("iso27001-2022", "A.7.1", NULL);
	ck_assert(json_is_true(json_object_get(l, "applicable")));
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(l, "sources"), "applicable")),
	        "derived");
	json_decref(l);
	n = sqlf(
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action = 'soa.update'"
	        " AND entity_id = 'iso27001-2022:A.7.1'",
	        op.tenant_id);
	ck_assert_str_eq(n, "2");
	free(n);
	th_req("GET", "/v1/soa/iso27001-2022/items/A.99", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
}
END_TEST

/* ------------------------------------------------------------ check rules */

START_TEST(each_check_rule_fires_on_a_crafted_case_and_clears_when_fixed)
{
	const char *fw = "iso27001-2022";
	/* applicable without a reason / without a control: the untouched line */
	ck_assert_int_eq(findings(fw, "applicable_without_reason", "A.5.10"), 1);
	ck_assert_int_eq(findings(fw, "applicable_without_control", "A.5.10"), 1);
	patch_line(
	        fw, "A.5.10", "{\"reasons\":[\"business_practice\"],\"reason_text\":\"Policy\"}");
	ck_assert_int_eq(findings(fw, "applicable_without_reason", "A.5.10"), 0);
	ck_assert_int_eq(findings(fw, "applicable_without_control", "A.5.10"), 1);
	free(create_control("{\"ref\":\"AU\",\"title\":\"Acceptable use\",\"requirements\":"
	                    "[\"iso27001-2022:A.5.10\"]}"));
	ck_assert_int_eq(findings(fw, "applicable_without_control", "A.5.10"), 0);

	/* excluded without justification */
	patch_line(fw, "A.7.4", "{\"applicable\":false}");
	ck_assert_int_eq(findings(fw, "excluded_without_justification", "A.7.4"), 1);
	patch_line(fw, "A.7.4", "{\"exclusion_justification\":\"No physical premises\"}");
	ck_assert_int_eq(findings(fw, "excluded_without_justification", "A.7.4"), 0);

	/* excluded while a risk treatment relies on it */
	char *risk = new_risk("R-9", "open");
	char body[400];
	snprintf(body, sizeof body,
	        "{\"ref\":\"MON\",\"title\":\"Monitoring\",\"requirements\":[\"iso27001-2022:A.8."
	        "16\"],"
	        "\"risks\":[{\"risk_id\":\"%s\",\"relation\":\"planned\"}]}",
	        risk);
	char *ctl = create_control(body);
	patch_line(
	        fw, "A.8.16", "{\"applicable\":false,\"exclusion_justification\":\"Outsourced\"}");
	ck_assert_int_eq(findings(fw, "excluded_but_relied_on_by_risk_treatment", "A.8.16"), 1);
	char path[128];
	snprintf(path, sizeof path, "/v1/controls/%s", ctl);
	snprintf(body, sizeof body, "{\"risks\":[{\"risk_id\":\"%s\",\"relation\":\"existing\"}]}",
	        risk);
	const char *m1[] = {"If-Match: \"1\"", NULL};
	struct th_resp r;
	th_req("PATCH", path, op.token, body, m1, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	ck_assert_int_eq(findings(fw, "excluded_but_relied_on_by_risk_treatment", "A.8.16"), 0);
	/* the summary of /check counts by rule */
	th_req("GET", "/v1/soa/iso42001-2023/check", op.token, NULL, NULL, &r);
	ck_assert(json_is_false(json_object_get(r.json, "clean")));
	ck_assert_int_eq(json_integer_value(json_object_get(
	                         json_object_get(r.json, "by_rule"), "applicable_without_reason")),
	        38);
	th_free(&r);
	free(ctl);
	free(risk);
}
END_TEST

/* --------------------------------------------------------------- versions */

START_TEST(approval_freezes_hashed_versions_and_diff_lists_the_changes)
{
	struct th_resp r;
	th_req("POST", "/v1/soa/iso42001-2023/approve", op.token, "{\"note\":\"Board 2026-11\"}",
	        NULL, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "number")), 1);
	ck_assert_int_eq(strlen(th_str(&r, "sha256")), 64);
	char *loc = th_header(&r, "Location");
	ck_assert_str_eq(loc, "/v1/soa/iso42001-2023/versions/1");
	free(loc);
	th_free(&r);
	patch_line("iso42001-2023", "A.10.4",
	        "{\"applicable\":false,\"exclusion_justification\":"
	        "\"We serve no AI customers\"}");
	th_req("POST", "/v1/soa/iso42001-2023/approve", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "number")), 2);
	th_free(&r);
	th_req("GET", "/v1/soa/iso42001-2023/versions/1", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_true(json_object_get(r.json, "integrity")));
	json_t *content = json_object_get(r.json, "content");
	ck_assert_int_eq(json_array_size(json_object_get(content, "items")), 38);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(content, "approver"), "id")),
	        op.user_id);
	ck_assert_str_eq(th_str(&r, "note"), "Board 2026-11");
	th_free(&r);
	th_req("GET", "/v1/soa/iso42001-2023/versions/1/diff/2", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *changed = json_object_get(r.json, "changed");
	ck_assert_int_eq(json_array_size(changed), 1);
	json_t *c = json_array_get(changed, 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "key")), "A.10.4");
	json_t *app = json_object_get(json_object_get(c, "changes"), "applicable");
	ck_assert(json_is_true(json_object_get(app, "from")) &&
	          json_is_false(json_object_get(app, "to")));
	ck_assert_ptr_nonnull(
	        json_object_get(json_object_get(c, "changes"), "exclusion_justification"));
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "added")), 0);
	th_free(&r);
	th_req("GET", "/v1/soa/iso42001-2023/versions", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 2);
	th_free(&r);
	th_req("GET", "/v1/soa/iso42001-2023", op.token, NULL, NULL, &r);
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(r.json, "approved"), "number")),
	        2);
	th_free(&r);
	th_req("GET", "/v1/soa/iso42001-2023/versions/3", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	char *n = sqlf("SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action ="
	               " 'soa.approve'",
	        op.tenant_id);
	ck_assert_str_eq(n, "2");
	free(n);
}
END_TEST

START_TEST(a_frozen_version_cannot_be_changed)
{
	struct th_resp r;
	th_req("POST", "/v1/soa/iso27001-2022/approve", op.token, "{}", NULL, &r);
	ck_assert_int_eq(r.status, 201);
	const char *sha = th_str(&r, "sha256");
	char *want = strdup(sha);
	th_free(&r);
	/* no route changes a version */
	th_req("PATCH", "/v1/soa/iso27001-2022/versions/1", op.token, "{\"note\":\"x\"}", NULL, &r);
	assert_problem(&r, 405, NULL);
	th_free(&r);
	th_req("DELETE", "/v1/soa/iso27001-2022/versions/1", op.token, NULL, NULL, &r);
	assert_problem(&r, 405, NULL);
	th_free(&r);
	/* and the database refuses it even to its superuser */
	PGconn *c = PQconnectdb(getenv("DATABASE_SUPER_URL"));
	ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
	char q[512];
	snprintf(q, sizeof q,
	        "UPDATE baselines SET content = jsonb_set(content, '{summary,total}', '0')"
	        " WHERE tenant_id = '%s' AND kind = 'soa:iso27001-2022'",
	        op.tenant_id);
	PGresult *res = PQexec(c, q);
	ck_assert_int_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	ck_assert_ptr_nonnull(strstr(PQresultErrorMessage(res), "frozen"));
	PQclear(res);
	snprintf(q, sizeof q, "DELETE FROM baselines WHERE tenant_id = '%s'", op.tenant_id);
	res = PQexec(c, q);
	ck_assert_int_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	PQfinish(c);
	th_req("GET", "/v1/soa/iso27001-2022/versions/1", op.token, NULL, NULL, &r);
	ck_assert(json_is_true(json_object_get(r.json, "integrity")));
	ck_assert_str_eq(th_str(&r, "sha256"), want);
	th_free(&r);
	free(want);
}
END_TEST

START_TEST(only_approving_roles_may_approve)
{
	char client[37], hdr[80];
	th_new_client(&op, client);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", client);
	char *contributor = th_new_user(&op, client, "contributor", NULL, 0);
	char *risk = th_new_user(&op, client, "risk_compliance", NULL, 0);
	char *sponsor = th_new_user(&op, client, "sponsor", NULL, 0);
	struct th_resp r;
	th_req("POST", "/v1/soa/iso27001-2022/approve", contributor, NULL, NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	th_req("POST", "/v1/soa/iso27001-2022/approve", risk, NULL, NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	/* risk & compliance may record decisions, the sponsor approves */
	const char *v1[] = {"If-Match: \"1\"", NULL};
	th_req("PATCH", "/v1/soa/iso27001-2022/items/A.5.1", risk,
	        "{\"reasons\":[\"contractual\"]}", v1, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	th_req("PATCH", "/v1/soa/iso27001-2022/items/A.5.2", contributor,
	        "{\"reasons\":[\"contractual\"]}", v1, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	th_req("POST", "/v1/soa/iso27001-2022/approve", sponsor, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	free(contributor);
	free(risk);
	free(sponsor);
}
END_TEST

/* ----------------------------------------------------------------- export */

static char *zip_text(zip_t *z, const char *name)
{
	zip_stat_t st;
	if (zip_stat(z, name, 0, &st) != 0)
		return NULL;
	zip_file_t *f = zip_fopen(z, name, 0);
	char *buf = malloc(st.size + 1);
	ck_assert_int_eq(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	buf[st.size] = '\0';
	return buf;
}

/* The shared string of each <si> (plain <t> runs; the refs have no entities). */
static json_t *shared_strings(const char *xml)
{
	json_t *out = json_array();
	for (const char *p = strstr(xml, "<si>"); p; p = strstr(p + 1, "<si>")) {
		const char *t = strstr(p, "<t");
		const char *open = strchr(t, '>'), *close = strstr(open, "</t>");
		json_array_append_new(out, json_stringn(open + 1, (size_t)(close - open - 1)));
	}
	return out;
}

/* The texts of column A below the header of a sheet. */
static json_t *column_a(const char *xml, const json_t *strings)
{
	json_t *out = json_array();
	for (const char *c = strstr(xml, "<c r=\"A"); c; c = strstr(c + 1, "<c r=\"A")) {
		if (strncmp(c, "<c r=\"A1\"", 9) == 0)
			continue;
		const char *v = strstr(c, "<v>");
		json_array_append(out, json_array_get(strings, (size_t)atoi(v + 3)));
	}
	return out;
}

START_TEST(export_job_renders_an_xlsx_with_every_control_of_both_standards)
{
	free(create_control(
	        "{\"ref\":\"LOG\",\"title\":\"Logging\",\"status\":\"implemented\","
	        "\"requirements\":[\"iso27001-2022:A.8.15\",\"iso42001-2023:A.6.2.8\"]}"));
	struct th_resp r;
	th_req("POST", "/v1/soa/export", op.token, "{\"formats\":[\"pdf\"]}", NULL, &r);
	assert_problem(&r, 400, "formats[0]");
	th_free(&r);
	th_req("POST", "/v1/soa/export", op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 202, "%ld %s", r.status, r.body);
	char path[128];
	snprintf(path, sizeof path, "/v1/jobs/%s", th_str(&r, "id"));
	th_free(&r);
	ck_assert_msg(th_wait_json(path, op.token, NULL, "state", "succeeded", 60),
	        "export job did not succeed");
	th_req("GET", path, op.token, NULL, NULL, &r);
	json_t *arts = json_object_get(json_object_get(r.json, "result"), "artifacts");
	ck_assert_int_eq(json_array_size(arts), 3);
	char xlsx[128] = "", csv[128] = "";
	size_t i;
	json_t *a;
	json_array_foreach(arts, i, a)
	{
		const char *name = json_string_value(json_object_get(a, "name"));
		const char *id = json_string_value(json_object_get(a, "id"));
		if (strstr(name, ".xlsx"))
			snprintf(xlsx, sizeof xlsx, "/v1/artifacts/%s", id);
		if (strstr(name, ".csv"))
			snprintf(csv, sizeof csv, "/v1/artifacts/%s", id);
	}
	th_free(&r);
	ck_assert(xlsx[0] && csv[0]);

	th_req("GET", xlsx, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	zip_error_t ze;
	zip_source_t *src = zip_source_buffer_create(r.body, r.len, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	ck_assert_ptr_nonnull(z);
	char *wb = zip_text(z, "xl/workbook.xml"), *ss = zip_text(z, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(strstr(wb, "<sheet name=\"ISO-IEC 27001-2022 SoA\" sheetId=\"2\""));
	ck_assert_ptr_nonnull(strstr(wb, "<sheet name=\"ISO-IEC 42001-2023 SoA\" sheetId=\"3\""));
	ck_assert_ptr_nonnull(strstr(wb, "<sheet name=\"Crosswalk\""));
	json_t *strings = shared_strings(ss);
	/* every Annex A control of each standard, in catalog order */
	for (int k = 0; k < 2; k++) {
		char name[40], sql[300];
		snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", k + 2);
		char *sheet = zip_text(z, name);
		json_t *col = column_a(sheet, strings);
		snprintf(sql, sizeof sql,
		        "SELECT string_agg(ref, ',' ORDER BY seq) FROM catalog_requirements WHERE"
		        " framework_id = '%s' AND kind = 'annex_a_control' AND catalog_version = "
		        "'2026.1'",
		        k ? "iso42001-2023" : "iso27001-2022");
		char *want = th_sql(sql);
		char got[4096] = "";
		json_t *x;
		json_array_foreach(col, i, x)
		{
			strcat(got, i ? "," : "");
			strcat(got, json_string_value(x));
		}
		ck_assert_str_eq(got, want);
		ck_assert_int_eq(json_array_size(col), k ? 38 : 93);
		free(want);
		json_decref(col);
		free(sheet);
	}
	/* the shared logging control is on the shared-controls sheet */
	char *shared = zip_text(z, "xl/worksheets/sheet5.xml");
	json_t *col = column_a(shared, strings);
	ck_assert_int_eq(json_array_size(col), 1);
	ck_assert_str_eq(json_string_value(json_array_get(col, 0)), "LOG");
	json_decref(col);
	free(shared);
	json_decref(strings);
	free(wb);
	free(ss);
	zip_close(z);
	th_free(&r);

	th_req("GET", csv, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	int lines = 0;
	for (size_t k = 0; k + 1 < r.len; k++)
		lines += r.body[k] == '\r' && r.body[k + 1] == '\n';
	ck_assert_int_eq(lines, 1 + 93 + 38);
	ck_assert_ptr_nonnull(strstr(r.body, "\"iso27001-2022\",\"A.8.15\",\"Logging\""));
	th_free(&r);
}
END_TEST

START_TEST(tenant_export_and_import_carry_the_library_the_soa_and_overlays)
{
	char client[37], hdr[80], path[160];
	th_new_client(&op, client);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", client);
	const char *in[] = {hdr, NULL};
	const char *in_v1[] = {hdr, "If-Match: \"1\"", NULL};
	struct th_resp r;
	th_req("POST", "/v1/controls/starter", op.token,
	        "{\"frameworks\":[\"iso27001-2022\","
	        "\"iso42001-2023\"]}",
	        in, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	th_req("PATCH", "/v1/soa/iso27001-2022/items/A.7.1", op.token,
	        "{\"applicable\":false,\"reasons\":[\"contractual\"],\"exclusion_justification\":"
	        "\"Remote\"}",
	        in_v1, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	th_req("PUT", "/v1/catalog/overlays/iso27001-2022:A.5.1", op.token, "{\"text\":\"lic\"}",
	        in, &r);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	th_req("POST", "/v1/soa/iso27001-2022/approve", op.token, NULL, in, &r);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	snprintf(path, sizeof path, "/v1/tenants/%s/export", client);
	th_req("POST", path, op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 202, "%ld %s", r.status, r.body);
	snprintf(path, sizeof path, "/v1/jobs/%s", th_str(&r, "id"));
	th_free(&r);
	/* the job and its artifact belong to the exported (client) tenant */
	ck_assert(th_wait_json(path, op.token, in, "state", "succeeded", 60));
	th_req("GET", path, op.token, NULL, in, &r);
	json_t *res = json_object_get(r.json, "result");
	const char *art = json_string_value(json_object_get(res, "artifact_id"));
	ck_assert_ptr_nonnull(art);
	char apath[128];
	snprintf(apath, sizeof apath, "/v1/artifacts/%s", art);
	th_free(&r);
	th_req("GET", apath, op.token, NULL, in, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *body = json_pack("{s:s, s:s, s:O}", "slug", "imported-soa-tenant", "name",
	        "Imported", "document", r.json);
	th_free(&r);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	th_req("POST", "/v1/tenants/import", op.token, text, NULL, &r);
	free(text);
	ck_assert_msg(r.status == 201, "import: %ld %s", r.status, r.body);
	char *copy = strdup(th_str(&r, "id"));
	th_free(&r);
	/* the same library, links, SoA decisions, overlays and frozen version in both */
#define COUNTS_SQL                                                                                 \
	"SELECT (SELECT count(*) FROM controls WHERE tenant_id = t.id) || '/' ||"                  \
	" (SELECT count(*) FROM control_requirements WHERE tenant_id = t.id) || '/' ||"            \
	" (SELECT string_agg(ref || ':' || applicable || ':' || array_to_string(reasons, ','),"    \
	"  ';') FROM soa_entries WHERE tenant_id = t.id) || '/' ||"                                \
	" (SELECT count(*) FROM catalog_overlays WHERE tenant_id = t.id) || '/' ||"                \
	" (SELECT string_agg(kind || ':' || number || ':' || sha256, ';') FROM baselines"          \
	"  WHERE tenant_id = t.id) FROM tenants t WHERE t.id = '%s'"
	char *a = sqlf(COUNTS_SQL, client), *b = sqlf(COUNTS_SQL, copy);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "A.7.1:false:contractual"));
	free(a);
	free(b);
	/* and the copy's SoA reads back */
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", copy);
	th_req("GET", "/v1/soa/iso27001-2022/items/A.7.1", op.token, NULL, in, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_false(json_object_get(r.json, "applicable")));
	th_free(&r);
	free(copy);
}
END_TEST

static Suite *soa_suite(void)
{
	Suite *s = suite_create("soa");
	TCase *tc = tcase_create("soa");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, soa_lists_every_annex_a_control_prefilled_from_the_library);
	tcase_add_test(tc, recording_a_decision_needs_the_etag_and_valid_values);
	tcase_add_test(tc, each_check_rule_fires_on_a_crafted_case_and_clears_when_fixed);
	tcase_add_test(tc, approval_freezes_hashed_versions_and_diff_lists_the_changes);
	tcase_add_test(tc, a_frozen_version_cannot_be_changed);
	tcase_add_test(tc, only_approving_roles_may_approve);
	tcase_add_test(tc, export_job_renders_an_xlsx_with_every_control_of_both_standards);
	tcase_add_test(tc, tenant_export_and_import_carry_the_library_the_soa_and_overlays);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(soa_suite)
