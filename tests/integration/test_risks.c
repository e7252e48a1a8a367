/*
 * test_risks.c - unified risk management over HTTP: the methodology and its validation,
 * levels of IS and AI risks, re-evaluation with history when the methodology changes,
 * the required fields and links of a risk, acceptance authority, register baselines
 * (immutable, diffable), heat maps, treatment actions - and that refused input writes
 * nothing while every mutation leaves an audit event.
 *
 * Each test works in a fresh client tenant of a fresh consultancy, as its operator
 * unless it needs a particular role.
 */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

static struct th_operator op;
static char client[37], tenant_hdr[80];

/* 3 likelihood x 4 impact levels; low < medium < high < critical; appetite medium. */
#define SCALES                                                                                     \
	"\"likelihood\": [{\"level\": 1, \"name\": \"Rare\", \"criteria\": \"under once in 10 "    \
	"years\"},"                                                                                \
	" {\"level\": 2, \"name\": \"Possible\", \"criteria\": \"about once a year\"},"            \
	" {\"level\": 3, \"name\": \"Likely\", \"criteria\": \"several times a year\"}],"          \
	" \"levels\": [{\"key\": \"low\", \"name\": \"Low\", \"color\": \"#2e7d32\", "             \
	"\"review_months\": 12},"                                                                  \
	" {\"key\": \"medium\", \"name\": \"Medium\", \"color\": \"#f9a825\", \"review_months\": " \
	"6},"                                                                                      \
	" {\"key\": \"high\", \"name\": \"High\", \"color\": \"#ef6c00\", \"review_months\": 3},"  \
	" {\"key\": \"critical\", \"name\": \"Critical\", \"color\": \"#c62828\", "                \
	"\"review_months\": 1}],"                                                                  \
	" \"appetite\": \"medium\","                                                               \
	" \"acceptance\": [{\"level\": \"low\", \"roles\": [\"risk_compliance\", \"isms_lead\"]}," \
	" {\"level\": \"medium\", \"roles\": [\"isms_lead\", \"aims_lead\"]},"                     \
	" {\"level\": \"high\", \"roles\": [\"sponsor\"]}]"
#define IMPACT4                                                                                    \
	"\"impact\": [{\"level\": 1, \"name\": \"Minor\", \"criteria\": \"no lasting effect\"},"   \
	" {\"level\": 2, \"name\": \"Moderate\", \"criteria\": \"limited, recoverable\"},"         \
	" {\"level\": 3, \"name\": \"Major\", \"criteria\": \"serious, slow to recover\"},"        \
	" {\"level\": 4, \"name\": \"Severe\", \"criteria\": \"lasting or irreversible\"}]"

static const char method_v1[] =
        "{" SCALES ", " IMPACT4 ", \"matrix\": [[\"low\", \"low\", \"medium\", \"high\"],"
        " [\"low\", \"medium\", \"high\", \"critical\"], [\"medium\", \"high\", \"critical\","
        " \"critical\"]]}";
/* stricter: likelihood 2 x impact 2 becomes high */
static const char method_v2[] =
        "{" SCALES ", " IMPACT4 ", \"note\": \"stricter after the kick-off\","
        " \"matrix\": [[\"low\", \"low\", \"medium\", \"high\"],"
        " [\"low\", \"high\", \"high\", \"critical\"], [\"medium\", \"high\", \"critical\","
        " \"critical\"]]}";

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

/* A request in the client tenant; if_match is the bare version or NULL. */
static long call(const char *method, const char *path, const char *token, const char *body,
        const char *if_match, struct th_resp *r)
{
	char im[64];
	const char *h[3] = {tenant_hdr, NULL, NULL};
	if (if_match) {
		snprintf(im, sizeof im, "If-Match: \"%s\"", if_match);
		h[1] = im;
	}
	th_req(method, path, token ? token : op.token, body, h, r);
	return r->status;
}

static void assert_problem(struct th_resp *r, long status, const char *field)
{
	ck_assert_msg(r->status == status, "want %ld got %ld: %s", status, r->status, r->body);
	ck_assert_int_eq(json_integer_value(json_object_get(r->json, "status")), status);
	if (field) {
		ck_assert_msg(th_str(r, "field") && strcmp(th_str(r, "field"), field) == 0,
		        "want field %s: %s", field, r->body);
	}
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

static long count_of(const char *table, const char *where)
{
	char *n =
	        sqlf("SELECT count(*) FROM %s WHERE tenant_id = '%s' AND %s", table, client, where);
	long v = atol(n);
	free(n);
	return v;
}

/* A date n days from the database's today. */
static char *days_from_today(int n)
{
	return sqlf("SELECT (current_date + %d)::text", n);
}

static void put_method(const char *body, const char *if_match, long want)
{
	struct th_resp r;
	call("PUT", "/v1/risk-methodology", NULL, body, if_match, &r);
	ck_assert_msg(r.status == want, "methodology: %ld %s", r.status, r.body);
	th_free(&r);
}

/* tmpl with every "OWNER" replaced by the operator's user id. */
static void with_owner(const char *tmpl, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = tmpl; *p && o + 40 < n;) {
		if (strncmp(p, "OWNER", 5) == 0) {
			o += (size_t)snprintf(out + o, n - o, "%s", op.user_id);
			p += 5;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
}

/* Create a risk from a body naming its owner "OWNER"; returns its id (malloc'd). */
static char *create_risk(const char *tmpl)
{
	char body[2048];
	with_owner(tmpl, body, sizeof body);
	struct th_resp r;
	call("POST", "/v1/risks", NULL, body, NULL, &r);
	ck_assert_msg(r.status == 201, "create risk: %ld %s", r.status, r.body);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	return id;
}

static json_t *get_json(const char *path)
{
	struct th_resp r;
	call("GET", path, NULL, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

static json_t *post_json(const char *path, const char *body)
{
	struct th_resp r;
	call("POST", path, NULL, body, NULL, &r);
	ck_assert_msg(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

static const char *level_of(const json_t *risk, const char *which)
{
	return json_string_value(json_object_get(json_object_get(risk, which), "level"));
}

START_TEST(risks_need_a_methodology_first)
{
	struct th_resp r;
	char body[512];
	with_owner("{\"type\": \"is\", \"title\": \"Ransomware\", \"owner_id\": \"OWNER\","
	           " \"inherent\": {\"likelihood\": 2, \"impact\": 3}}",
	        body, sizeof body);
	call("POST", "/v1/risks", NULL, body, NULL, &r);
	assert_problem(&r, 422, "methodology");
	th_free(&r);
	call("GET", "/v1/risk-methodology", NULL, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	call("GET", "/v1/risks/heatmap", NULL, NULL, NULL, &r);
	assert_problem(&r, 422, "methodology");
	th_free(&r);
	ck_assert_int_eq(count_of("risks", "true"), 0);
}
END_TEST

START_TEST(methodology_rules_name_the_field_and_write_nothing)
{
	struct th_resp r;
	char bad[4096];
	/* a matrix cell that names no level */
	snprintf(bad, sizeof bad, "%s", method_v1);
	char *cell = strstr(bad, "\"medium\", \"high\"]");
	ck_assert_ptr_nonnull(cell);
	memcpy(cell, "\"medxum\"", 8);
	call("PUT", "/v1/risk-methodology", NULL, bad, NULL, &r);
	assert_problem(&r, 400, "matrix[0][2]");
	th_free(&r);
	/* acceptance by a role that does not exist */
	snprintf(bad, sizeof bad, "%s", method_v1);
	char *role = strstr(bad, "\"risk_compliance\"");
	memcpy(role, "\"risk_complianc_\"", 17);
	call("PUT", "/v1/risk-methodology", NULL, bad, NULL, &r);
	assert_problem(&r, 400, "acceptance[0].roles[0]");
	th_free(&r);
	/* a scale of two levels */
	call("PUT", "/v1/risk-methodology", NULL,
	        "{\"likelihood\": [{\"level\": 1, \"name\": \"a\", \"criteria\": \"x\"},"
	        " {\"level\": 2,"
	        " \"name\": \"b\", \"criteria\": \"y\"}], \"impact\": [], \"levels\": [],"
	        " \"matrix\": [],"
	        " \"appetite\": \"x\", \"acceptance\": []}",
	        NULL, &r);
	assert_problem(&r, 400, "likelihood");
	th_free(&r);
	call("GET", "/v1/risk-methodology", NULL, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	ck_assert_int_eq(count_of("risk_methodologies", "true"), 0);
	ck_assert_int_eq(count_of("audit_events", "entity_type = 'risk_methodology'"), 0);
}
END_TEST

START_TEST(risk_required_fields_and_links_are_validated_and_nothing_written)
{
	put_method(method_v1, NULL, 201);
	/* an asset of another client of the same consultancy */
	char other[37], hdr[80];
	th_new_client(&op, other);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", other);
	const char *oh[] = {hdr, NULL};
	char body[1024];
	snprintf(body, sizeof body,
	        "{\"name\": \"CRM database\", \"type\": \"information\", \"owner_id\": \"%s\","
	        " \"classification\": \"confidential\", \"confidentiality\": 4, \"integrity\": 3,"
	        " \"availability\": 2}",
	        op.user_id);
	struct th_resp r;
	th_req("POST", "/v1/assets", op.token, body, oh, &r);
	ck_assert_int_eq(r.status, 201);
	char foreign_asset[37];
	snprintf(foreign_asset, sizeof foreign_asset, "%s", th_str(&r, "id"));
	th_free(&r);

	static const struct {
		const char *body; /* OWNER = the owner's id */
		long status;
		const char *field;
	} cases[] = {
	        {"{\"type\": \"is\", \"title\": \"T\", \"inherent\": {\"likelihood\": 1, "
	         "\"impact\": 1}}",
	                400, "owner_id"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\"}", 400, "inherent"},
	        {"{\"type\": \"is\", \"owner_id\": \"OWNER\", \"inherent\": {\"likelihood\": 1, "
	         "\"impact\": 1}}",
	                400, "title"},
	        {"{\"type\": \"ai\", \"title\": \"T\", \"owner_id\": \"OWNER\","
	         " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	                400, "inherent.ai_impacts"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\","
	         " \"inherent\": {\"likelihood\": 4, \"impact\": 1}}",
	                400, "inherent.likelihood"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\", "
	         "\"annex_c_sources\": [\"C.3.1\"],"
	         " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	                400, "annex_c_sources"},
	        {"{\"type\": \"ai\", \"title\": \"T\", \"owner_id\": \"OWNER\","
	         " \"annex_c_sources\": [\"C.3.1\", \"C.9.9\"], \"inherent\": {\"likelihood\": 1,"
	         " \"impact\": 1, \"ai_impacts\": {\"individuals\": 1, \"groups\": 1, \"society\":"
	         " 1}}}",
	                400, "annex_c_sources[1]"},
	        {"{\"type\": \"ai\", \"title\": \"T\", \"owner_id\": \"OWNER\","
	         " \"annex_c_sources\": [\"C.2.5\"], \"inherent\": {\"likelihood\": 1,"
	         " \"impact\": 1, \"ai_impacts\": {\"individuals\": 1, \"groups\": 1, \"society\":"
	         " 1}}}",
	                400, "annex_c_sources[0]"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\","
	         " \"inherent\": {\"likelihood\": 1, \"impact\": 2}, \"residual\":"
	         " {\"likelihood\": 2,"
	         " \"impact\": 1}}",
	                422, "residual.likelihood"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\", "
	         "\"treatment_option\": \"ignore\","
	         " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	                400, "treatment_option"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\", \"colour\": "
	         "\"red\","
	         " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	                400, "colour"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\","
	         " \"existing_control_ids\": [\"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\"],"
	         " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	                400, "existing_control_ids[0]"},
	        {"{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"OWNER\", \"asset_ids\": "
	         "[\"not-a-uuid\"],"
	         " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	                400, "asset_ids[0]"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		with_owner(cases[i].body, body, sizeof body);
		call("POST", "/v1/risks", NULL, body, NULL, &r);
		ck_assert_msg(r.status == cases[i].status, "case %zu: %ld %s", i, r.status, r.body);
		assert_problem(&r, cases[i].status, cases[i].field);
		th_free(&r);
	}
	/* an owner who is not a member of the tenant */
	char *stranger = sqlf("SELECT gen_random_uuid()::text");
	snprintf(body, sizeof body,
	        "{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"%s\","
	        " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	        stranger);
	free(stranger);
	call("POST", "/v1/risks", NULL, body, NULL, &r);
	assert_problem(&r, 400, "owner_id");
	th_free(&r);
	/* the other client's asset is not an asset here */
	snprintf(body, sizeof body,
	        "{\"type\": \"is\", \"title\": \"T\", \"owner_id\": \"%s\", \"asset_ids\":"
	        " [\"%s\"],"
	        " \"inherent\": {\"likelihood\": 1, \"impact\": 1}}",
	        op.user_id, foreign_asset);
	call("POST", "/v1/risks", NULL, body, NULL, &r);
	assert_problem(&r, 400, "asset_ids[0]");
	th_free(&r);
	ck_assert_int_eq(count_of("risks", "true"), 0);
	ck_assert_int_eq(count_of("risk_level_history", "true"), 0);
	ck_assert_int_eq(count_of("audit_events", "action = 'risk.create'"), 0);
}
END_TEST

START_TEST(levels_follow_the_matrix_for_is_and_ai_risks)
{
	put_method(method_v1, NULL, 201);
	char *is = create_risk("{\"type\": \"is\", \"title\": \"Ransomware on file servers\","
	                       " \"owner_id\": \"OWNER\", \"risk_source\": \"criminal groups\","
	                       " \"vulnerability\": \"unpatched SMB\", \"consequences\":"
	                       " \"outage\","
	                       " \"inherent\": {\"likelihood\": 2, \"impact\": 3},"
	                       " \"residual\": {\"likelihood\": 1, \"impact\": 2}}");
	char path[128];
	snprintf(path, sizeof path, "/v1/risks/%s", is);
	json_t *j = get_json(path);
	ck_assert_str_eq(json_string_value(json_object_get(j, "ref")), "IS-001");
	ck_assert_str_eq(level_of(j, "inherent"), "high");
	ck_assert_str_eq(level_of(j, "residual"), "low");
	ck_assert_str_eq(json_string_value(json_object_get(j, "current_level")), "low");
	ck_assert(json_is_false(json_object_get(j, "above_appetite")));
	ck_assert_int_eq(json_integer_value(json_object_get(j, "methodology_revision")), 1);
	/* next review defaults to the review frequency of the current level (low: 12 months) */
	char *due = sqlf("SELECT (current_date + interval '12 months')::date::text");
	ck_assert_str_eq(json_string_value(json_object_get(j, "next_review_date")), due);
	free(due);
	json_decref(j);
	/* an AI risk is placed by its highest impact, here on groups */
	char *ai = create_risk("{\"type\": \"ai\", \"title\": \"Biased CV screening\","
	                       " \"owner_id\": \"OWNER\", \"annex_c_sources\": [\"C.3.4\"],"
	                       " \"annex_c_objectives\": [\"C.2.5\"],"
	                       " \"inherent\": {\"likelihood\": 1, \"impact\": 1, \"ai_impacts\":"
	                       " {\"individuals\": 2, \"groups\": 4, \"society\": 1}}}");
	snprintf(path, sizeof path, "/v1/risks/%s", ai);
	j = get_json(path);
	ck_assert_str_eq(json_string_value(json_object_get(j, "ref")), "AI-001");
	ck_assert_int_eq(json_integer_value(json_object_get(
	                         json_object_get(j, "inherent"), "effective_impact")),
	        4);
	ck_assert_str_eq(level_of(j, "inherent"), "high");
	ck_assert(json_is_true(json_object_get(j, "above_appetite")));
	ck_assert_str_eq(
	        json_string_value(json_array_get(json_object_get(j, "annex_c_sources"), 0)),
	        "C.3.4");
	json_decref(j);
	/* both are audited with their content, and their first levels are in the history */
	ck_assert_int_eq(count_of("audit_events", "action = 'risk.create'"), 2);
	ck_assert_int_eq(count_of("risk_level_history", "cause = 'created'"), 2);
	/* the list filters by type and level */
	j = get_json("/v1/risks?type=ai&level=high");
	ck_assert_int_eq(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	/* references keep counting past 999 (IS-1000, not a clash with IS-100) */
	free(th_sqlp("UPDATE risks SET ref = 'IS-999' WHERE id = $1", is, NULL));
	char *more = create_risk("{\"type\": \"is\", \"title\": \"Phishing of admins\","
	                         " \"owner_id\": \"OWNER\", \"inherent\": {\"likelihood\": 2,"
	                         " \"impact\": 2}}");
	snprintf(path, sizeof path, "/v1/risks/%s", more);
	j = get_json(path);
	ck_assert_str_eq(json_string_value(json_object_get(j, "ref")), "IS-1000");
	json_decref(j);
	free(more);
	free(is);
	free(ai);
}
END_TEST

START_TEST(the_list_pages_through_the_register_in_reference_order)
{
	put_method(method_v1, NULL, 201);
	char *ids[5];
	for (int i = 0; i < 5; i++) {
		char body[256];
		snprintf(body, sizeof body,
		        "{\"type\": \"%s\", \"title\": \"Risk %d\", \"owner_id\": \"OWNER\","
		        " \"inherent\": {\"likelihood\": %d, \"impact\": 2%s}}",
		        i % 2 ? "ai" : "is", i, 1 + i % 3,
		        i % 2 ? ", \"ai_impacts\": {\"individuals\": 1, \"groups\": 1,"
		                " \"society\": 1}"
		              : "");
		ids[i] = create_risk(body);
	}
	/* AI-001, AI-002, IS-001, IS-002, IS-003 in pages of two */
	static const char *const want[] = {"AI-001", "AI-002", "IS-001", "IS-002", "IS-003"};
	char path[512] = "/v1/risks?limit=2";
	int seen = 0, pages = 0;
	for (;;) {
		json_t *j = get_json(path);
		json_t *items = json_object_get(j, "items"), *it;
		size_t i;
		pages++;
		ck_assert_int_le(json_array_size(items), 2);
		json_array_foreach(items, i, it)
		{
			ck_assert_int_lt(seen, 5);
			ck_assert_str_eq(json_string_value(json_object_get(it, "ref")), want[seen]);
			ck_assert_ptr_nonnull(json_object_get(it, "inherent"));
			seen++;
		}
		const json_t *next = json_object_get(j, "next");
		if (json_is_null(next)) {
			json_decref(j);
			break;
		}
		snprintf(path, sizeof path, "/v1/risks?limit=2&cursor=%s", json_string_value(next));
		json_decref(j);
	}
	ck_assert_int_eq(seen, 5);
	ck_assert_int_eq(pages, 3);
	/* an exact page has no next; filters apply before paging */
	json_t *j = get_json("/v1/risks?limit=5");
	ck_assert_int_eq(json_array_size(json_object_get(j, "items")), 5);
	ck_assert(json_is_null(json_object_get(j, "next")));
	json_decref(j);
	j = get_json("/v1/risks?type=is&limit=2");
	ck_assert_int_eq(json_array_size(json_object_get(j, "items")), 2);
	ck_assert(json_is_string(json_object_get(j, "next")));
	json_decref(j);
	j = get_json("/v1/risks?type=ai&limit=2");
	ck_assert_int_eq(json_array_size(json_object_get(j, "items")), 2);
	ck_assert(json_is_null(json_object_get(j, "next")));
	json_decref(j);
	for (int i = 0; i < 5; i++)
		free(ids[i]);
}
END_TEST

START_TEST(methodology_change_reevaluates_levels_and_keeps_history)
{
	put_method(method_v1, NULL, 201);
	char *id =
	        create_risk("{\"type\": \"is\", \"title\": \"Phishing\", \"owner_id\": \"OWNER\","
	                    " \"inherent\": {\"likelihood\": 2, \"impact\": 2}}");
	char *other =
	        create_risk("{\"type\": \"is\", \"title\": \"Flood\", \"owner_id\": \"OWNER\","
	                    " \"inherent\": {\"likelihood\": 1, \"impact\": 4}}");
	struct th_resp r;
	call("PUT", "/v1/risk-methodology", NULL, method_v2, "1", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	json_t *re = json_object_get(r.json, "reevaluation");
	ck_assert_int_eq(json_integer_value(json_object_get(re, "risks")), 2);
	json_t *changed = json_object_get(re, "changed");
	ck_assert_int_eq(json_array_size(changed), 1);
	json_t *c0 = json_array_get(changed, 0);
	ck_assert_str_eq(json_string_value(json_object_get(c0, "ref")), "IS-001");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(c0, "inherent"), "from")),
	        "medium");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(c0, "inherent"), "to")), "high");
	char *etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	th_free(&r);
	char path[160];
	snprintf(path, sizeof path, "/v1/risks/%s", id);
	json_t *j = get_json(path);
	ck_assert_str_eq(level_of(j, "inherent"), "high");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "methodology_revision")), 2);
	json_decref(j);
	snprintf(path, sizeof path, "/v1/risks/%s/history", id);
	j = get_json(path);
	json_t *items = json_object_get(j, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(items, 0), "cause")), "created");
	ck_assert_str_eq(level_of(json_array_get(items, 0), "inherent"), "medium");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1), "cause")),
	        "methodology");
	ck_assert_str_eq(level_of(json_array_get(items, 1), "inherent"), "high");
	json_decref(j);
	j = get_json("/v1/risk-methodology/revisions");
	ck_assert_int_eq(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	ck_assert_int_eq(count_of("audit_events", "action = 'risk.reevaluate'"), 1);
	/* a stale ETag is refused */
	call("PUT", "/v1/risk-methodology", NULL, method_v1, "1", &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	/* a 3-level impact scale drops the Flood risk's impact 4: refused without a remap */
#define THREE                                                                                      \
	"{" SCALES ", \"impact\": [{\"level\": 1, \"name\": \"Minor\", \"criteria\": \"a\"},"      \
	" {\"level\": 2, \"name\": \"Major\", \"criteria\": \"b\"}, {\"level\": 3, \"name\":"      \
	" \"Severe\", \"criteria\": \"c\"}], \"matrix\": [[\"low\", \"medium\", \"high\"],"        \
	" [\"medium\", \"high\", \"critical\"], [\"high\", \"critical\", \"critical\"]]"
	call("PUT", "/v1/risk-methodology", NULL, THREE "}", "2", &r);
	assert_problem(&r, 422, "remap.impact");
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "IS-002"));
	th_free(&r);
	ck_assert_int_eq(count_of("risk_methodologies", "true"), 2);
	call("PUT", "/v1/risk-methodology", NULL, THREE ", \"remap\": {\"impact\": {\"4\": 3}}}",
	        "2", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	th_free(&r);
	snprintf(path, sizeof path, "/v1/risks/%s", other);
	j = get_json(path);
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(j, "inherent"), "impact")), 3);
	ck_assert_str_eq(level_of(j, "inherent"), "high");
	json_decref(j);
	free(id);
	free(other);
}
END_TEST

START_TEST(acceptance_needs_the_authority_the_methodology_gives)
{
	put_method(method_v1, NULL, 201);
	char *isms = th_new_user(&op, client, "isms_lead", NULL, 0);
	char *sponsor = th_new_user(&op, client, "sponsor", NULL, 0);
	char *id = create_risk(
	        "{\"type\": \"is\", \"title\": \"Supplier breach\", \"owner_id\": \"OWNER\","
	        " \"treatment_option\": \"retain\", \"inherent\": {\"likelihood\":"
	        " 2,"
	        " \"impact\": 3}}");
	char path[160], body[512];
	snprintf(path, sizeof path, "/v1/risks/%s/acceptance", id);
	char *in60 = days_from_today(60), *in365 = days_from_today(365), *ago = days_from_today(-1);
	struct th_resp r;
	/* a high risk: the ISMS lead may accept low and medium risks only */
	snprintf(body, sizeof body,
	        "{\"rationale\": \"cost of treatment exceeds exposure\","
	        " \"expires_on\": \"%s\"}",
	        in60);
	call("POST", path, isms, body, "1", &r);
	assert_problem(&r, 403, "role");
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "sponsor"));
	th_free(&r);
	/* the sponsor may, but not beyond the level's review period (3 months) */
	snprintf(body, sizeof body, "{\"rationale\": \"r\", \"expires_on\": \"%s\"}", in365);
	call("POST", path, sponsor, body, "1", &r);
	assert_problem(&r, 422, "expires_on");
	th_free(&r);
	snprintf(body, sizeof body, "{\"rationale\": \"r\", \"expires_on\": \"%s\"}", ago);
	call("POST", path, sponsor, body, "1", &r);
	assert_problem(&r, 400, "expires_on");
	th_free(&r);
	call("POST", path, sponsor, "{\"expires_on\": \"2030-01-01\"}", "1", &r);
	assert_problem(&r, 400, "rationale");
	th_free(&r);
	call("POST", path, sponsor, "{\"rationale\": \"r\"}", NULL, &r);
	assert_problem(&r, 400, "expires_on");
	th_free(&r);
	ck_assert_int_eq(count_of("risks", "status = 'accepted'"), 0);
	ck_assert_int_eq(count_of("audit_events", "action = 'risk.accept'"), 0);
	snprintf(body, sizeof body,
	        "{\"rationale\": \"cost of treatment exceeds exposure\","
	        " \"expires_on\": \"%s\"}",
	        in60);
	call("POST", path, sponsor, body, "1", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(th_str(&r, "status"), "accepted");
	json_t *acc = json_object_get(r.json, "acceptance");
	ck_assert_str_eq(json_string_value(json_object_get(acc, "role")), "sponsor");
	ck_assert_str_eq(json_string_value(json_object_get(acc, "expires_on")), in60);
	th_free(&r);
	ck_assert_int_eq(count_of("audit_events", "action = 'risk.accept'"), 1);
	/* an acceptance can be withdrawn (and accepted again) */
	call("DELETE", path, sponsor, NULL, "2", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(th_str(&r, "status"), "open");
	th_free(&r);
	call("DELETE", path, sponsor, NULL, "3", &r);
	assert_problem(&r, 409, "status");
	th_free(&r);
	call("POST", path, sponsor, body, "3", &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	/* a critical risk cannot be accepted by anyone */
	char *crit = create_risk("{\"type\": \"is\", \"title\": \"Data centre fire\","
	                         " \"owner_id\": \"OWNER\", \"inherent\": {\"likelihood\": 3,"
	                         " \"impact\": 4}}");
	snprintf(path, sizeof path, "/v1/risks/%s/acceptance", crit);
	call("POST", path, sponsor, body, "1", &r);
	assert_problem(&r, 422, "level");
	th_free(&r);
	/* re-assessing an accepted risk to another level makes its acceptance lapse */
	snprintf(path, sizeof path, "/v1/risks/%s", id);
	call("PATCH", path, NULL, "{\"inherent\": {\"likelihood\": 1, \"impact\": 1}}", "4", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(th_str(&r, "status"), "open");
	ck_assert(json_is_null(json_object_get(r.json, "acceptance")));
	th_free(&r);
	snprintf(path, sizeof path, "/v1/risks/%s/history", id);
	json_t *j = get_json(path);
	json_t *items = json_object_get(j, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert(json_is_true(json_object_get(json_array_get(items, 1), "acceptance_revoked")));
	json_decref(j);
	/* deleting a risk keeps the history of its levels */
	snprintf(path, sizeof path, "/v1/risks/%s", id);
	call("DELETE", path, NULL, NULL, "5", &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	call("GET", path, NULL, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	char where[96];
	snprintf(where, sizeof where, "risk_id = '%s'", id);
	ck_assert_int_eq(count_of("risk_level_history", where), 2);
	ck_assert_int_eq(count_of("audit_events", "action = 'risk.delete'"), 1);
	free(in60);
	free(in365);
	free(ago);
	free(isms);
	free(sponsor);
	free(id);
	free(crit);
}
END_TEST

/* Does sql fail on the database at the URL in environment variable url_env? */
static bool sql_fails(const char *url_env, const char *sql)
{
	PGconn *c = PQconnectdb(getenv(url_env));
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	PGresult *res = PQexec(c, sql);
	bool failed =
	        PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK;
	PQclear(res);
	PQfinish(c);
	return failed;
}

START_TEST(register_baselines_are_immutable_and_diffable)
{
	put_method(method_v1, NULL, 201);
	char *id = create_risk(
	        "{\"type\": \"is\", \"title\": \"Laptop theft\", \"owner_id\": \"OWNER\","
	        " \"inherent\": {\"likelihood\": 2, \"impact\": 3}}");
	char *ai = create_risk(
	        "{\"type\": \"ai\", \"title\": \"Model drift\", \"owner_id\": \"OWNER\","
	        " \"treatment_option\": \"modify\", \"inherent\": {\"likelihood\":"
	        " 1,"
	        " \"impact\": 1, \"ai_impacts\": {\"individuals\": 1, \"groups\": 1,"
	        " \"society\": 1}}}");
	struct th_resp r;
	/* a high risk with neither treatment nor acceptance blocks the freeze */
	call("POST", "/v1/risks/approve", NULL, NULL, NULL, &r);
	assert_problem(&r, 422, "treatment_option");
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "IS-001"));
	th_free(&r);
	ck_assert_int_eq(count_of("baselines", "kind = 'risk_register'"), 0);
	char path[160];
	snprintf(path, sizeof path, "/v1/risks/%s", id);
	call("PATCH", path, NULL, "{\"treatment_option\": \"modify\"}", "1", &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	call("POST", "/v1/risks/approve", NULL, "{\"note\": \"register v1\"}", NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "number")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "item_count")), 2);
	char *loc = th_header(&r, "Location");
	ck_assert_str_eq(loc, "/v1/baselines/risk_register/1");
	free(loc);
	th_free(&r);
	call("PATCH", path, NULL, "{\"title\": \"Theft of unencrypted laptops\"}", "2", &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	call("POST", "/v1/risks/approve", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "number")), 2);
	th_free(&r);
	/* the diff names the changed risk and field */
	json_t *d = get_json("/v1/baselines/risk_register/1/diff/2");
	json_t *changed = json_object_get(d, "changed");
	ck_assert_int_eq(json_array_size(changed), 1);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(changed, 0), "key")), "IS-001");
	json_t *title =
	        json_object_get(json_object_get(json_array_get(changed, 0), "changes"), "title");
	ck_assert_str_eq(json_string_value(json_object_get(title, "from")), "Laptop theft");
	ck_assert_str_eq(
	        json_string_value(json_object_get(title, "to")), "Theft of unencrypted laptops");
	ck_assert_int_eq(json_array_size(json_object_get(d, "added")), 0);
	json_decref(d);
	/* version 1 cannot be changed, by the application or the database owner */
	char sql[256];
	snprintf(sql, sizeof sql,
	        "UPDATE baselines SET content = '{\"items\": []}' WHERE tenant_id = '%s'"
	        " AND kind = 'risk_register' AND number = 1",
	        client);
	ck_assert(sql_fails("DATABASE_SUPER_URL", sql));
	snprintf(sql, sizeof sql,
	        "DELETE FROM baselines WHERE tenant_id = '%s' AND kind = 'risk_register'", client);
	ck_assert(sql_fails("DATABASE_SUPER_URL", sql));
	call("PATCH", "/v1/baselines/risk_register/1", NULL, "{}", "1", &r);
	assert_problem(&r, 405, NULL);
	th_free(&r);
	json_t *v1 = get_json("/v1/baselines/risk_register/1");
	ck_assert(json_is_true(json_object_get(v1, "integrity")));
	/* items are ordered by ref: AI-001, IS-001 */
	json_t *items = json_object_get(json_object_get(v1, "content"), "items");
	ck_assert_int_eq(json_array_size(items), 2);
	json_t *is1 = json_array_get(items, 1);
	ck_assert_str_eq(json_string_value(json_object_get(is1, "key")), "IS-001");
	ck_assert_str_eq(json_string_value(json_object_get(is1, "title")), "Laptop theft");
	json_decref(v1);
	/* the engagement plan sees the IS register v1 and the AI register once the
	 * methodology is approved too */
	d = get_json("/v1/engagement");
	json_t *dl =
	        json_object_get(json_array_get(json_object_get(d, "phases"), 0), "deliverables");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(dl, 2), "ref")), "P1.D3");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(dl, 2), "status")), "done");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(dl, 3), "status")), "not_started");
	json_decref(d);
	call("POST", "/v1/risk-methodology/approve", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	d = get_json("/v1/engagement");
	dl = json_object_get(json_array_get(json_object_get(d, "phases"), 0), "deliverables");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(dl, 3), "status")), "done");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(dl, 3), "status_source")),
	        "derived");
	json_decref(d);
	d = get_json("/v1/risk-methodology");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(d, "approval"), "status")),
	        "approved");
	json_decref(d);
	free(id);
	free(ai);
}
END_TEST

START_TEST(heat_maps_count_inherent_and_residual_per_cell)
{
	/* request-sized statements never pay for JIT compilation (0043) */
	char *jit = th_sql("SHOW jit");
	ck_assert_str_eq(jit, "off");
	free(jit);
	put_method(method_v1, NULL, 201);
	free(create_risk("{\"type\": \"is\", \"title\": \"A\", \"owner_id\": \"OWNER\","
	                 " \"inherent\": {\"likelihood\": 2, \"impact\": 3},"
	                 " \"residual\": {\"likelihood\": 1, \"impact\": 2}}"));
	free(create_risk("{\"type\": \"is\", \"title\": \"B\", \"owner_id\": \"OWNER\","
	                 " \"inherent\": {\"likelihood\": 2, \"impact\": 3}}"));
	free(create_risk("{\"type\": \"is\", \"title\": \"C\", \"owner_id\": \"OWNER\", "
	                 "\"status\": \"closed\","
	                 " \"inherent\": {\"likelihood\": 3, \"impact\": 4}}"));
	free(create_risk("{\"type\": \"ai\", \"title\": \"D\", \"owner_id\": \"OWNER\","
	                 " \"inherent\": {\"likelihood\": 1, \"impact\": 1, \"ai_impacts\":"
	                 " {\"individuals\": 1, \"groups\": 1, \"society\": 3}}}"));
	json_t *h = get_json("/v1/risks/heatmap?type=is");
	json_t *inh = json_object_get(h, "inherent"), *res = json_object_get(h, "residual");
	ck_assert_int_eq(json_array_size(inh), 3);
	ck_assert_int_eq(json_array_size(json_array_get(inh, 0)), 4);
	ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(inh, 1), 2)), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(inh, 2), 3)), 0);
	ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(res, 0), 1)), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(h, "inherent_total")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(h, "residual_total")), 1);
	json_decref(h);
	h = get_json("/v1/risks/heatmap");
	inh = json_object_get(h, "inherent");
	ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(inh, 0), 2)), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(h, "inherent_total")), 3);
	json_decref(h);
	struct th_resp r;
	call("GET", "/v1/risks/heatmap.svg?type=is&view=inherent", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char *ct = th_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "image/svg+xml");
	free(ct);
	ck_assert_ptr_nonnull(strstr(r.body, "likelihood 2, impact 3: 2 risk(s), level high"));
	th_free(&r);
	call("GET", "/v1/risks/heatmap.svg?view=projected", NULL, NULL, NULL, &r);
	assert_problem(&r, 400, "view");
	th_free(&r);
	call("GET", "/v1/risks/heatmap?type=ot", NULL, NULL, NULL, &r);
	assert_problem(&r, 400, "type");
	th_free(&r);
}
END_TEST

START_TEST(risks_link_assets_controls_and_ai_systems_of_the_tenant)
{
	put_method(method_v1, NULL, 201);
	char body[1024];
	snprintf(body, sizeof body,
	        "{\"name\": \"Customer database\", \"type\": \"information\", \"owner_id\": \"%s\","
	        " \"classification\": \"restricted\", \"confidentiality\": 4, \"integrity\": 3,"
	        " \"availability\": 3}",
	        op.user_id);
	json_t *asset = post_json("/v1/assets", body);
	json_t *ctl = post_json("/v1/controls",
	        "{\"ref\": \"CTL-MFA\", \"title\": \"Multi-factor authentication\"}");
	json_t *sys = post_json("/v1/ai-systems",
	        "{\"ref\": \"SYS-1\", \"name\": \"Support assistant\", \"intended_purpose\":"
	        " \"answers customer questions\", \"sourcing\": \"in_house\"}");
	snprintf(body, sizeof body,
	        "{\"type\": \"ai\", \"title\": \"Prompt injection\", \"owner_id\": \"%s\","
	        " \"asset_ids\": [\"%s\"], \"ai_system_ids\": [\"%s\"], \"planned_control_ids\":"
	        " [\"%s\"],"
	        " \"treatment_option\": \"modify\", \"inherent\": {\"likelihood\": 2, \"impact\":"
	        " 2,"
	        " \"ai_impacts\": {\"individuals\": 2, \"groups\": 1, \"society\": 1}}}",
	        op.user_id, json_string_value(json_object_get(asset, "id")),
	        json_string_value(json_object_get(sys, "id")),
	        json_string_value(json_object_get(ctl, "id")));
	json_t *risk = post_json("/v1/risks", body);
	ck_assert_str_eq(json_string_value(json_object_get(
	                         json_array_get(json_object_get(risk, "assets"), 0), "name")),
	        "Customer database");
	ck_assert_str_eq(
	        json_string_value(json_array_get(json_object_get(risk, "ai_system_ids"), 0)),
	        json_string_value(json_object_get(sys, "id")));
	ck_assert_str_eq(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(risk, "planned_controls"), 0), "ref")),
	        "CTL-MFA");
	/* the SoA engineer reads planned controls from risk_controls */
	ck_assert_int_eq(count_of("risk_controls", "relation = 'planned'"), 1);
	/* an AI system that does not exist is named */
	struct th_resp r;
	char path[128];
	snprintf(path, sizeof path, "/v1/risks/%s", json_string_value(json_object_get(risk, "id")));
	call("PATCH", path, NULL, "{\"ai_system_ids\": [\"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\"]}",
	        "1", &r);
	assert_problem(&r, 400, "ai_system_ids[0]");
	th_free(&r);
	/* assets are versioned; a linked asset cannot be deleted; unlinking it first works */
	snprintf(path, sizeof path, "/v1/assets/%s",
	        json_string_value(json_object_get(asset, "id")));
	call("PATCH", path, NULL, "{\"availability\": 5}", "1", &r);
	assert_problem(&r, 400, "availability");
	th_free(&r);
	call("PATCH", path, NULL, "{\"availability\": 4}", "1", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "availability")), 4);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r.json, "risk_refs"), 0)),
	        "AI-001");
	th_free(&r);
	call("DELETE", path, NULL, NULL, "2", &r);
	assert_problem(&r, 409, "id");
	th_free(&r);
	snprintf(path, sizeof path, "/v1/risks/%s", json_string_value(json_object_get(risk, "id")));
	call("PATCH", path, NULL, "{\"asset_ids\": []}", "1", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "assets")), 0);
	th_free(&r);
	snprintf(path, sizeof path, "/v1/assets/%s",
	        json_string_value(json_object_get(asset, "id")));
	call("DELETE", path, NULL, NULL, "2", &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	json_decref(asset);
	json_decref(ctl);
	json_decref(sys);
	json_decref(risk);
}
END_TEST

START_TEST(treatment_actions_feed_the_treatment_plan)
{
	put_method(method_v1, NULL, 201);
	char *id = create_risk(
	        "{\"type\": \"is\", \"title\": \"Weak passwords\", \"owner_id\": \"OWNER\","
	        " \"treatment_option\": \"modify\", \"inherent\": {\"likelihood\":"
	        " 3,"
	        " \"impact\": 2}}");
	char path[200], body[512];
	snprintf(path, sizeof path, "/v1/risks/%s/actions", id);
	struct th_resp r;
	call("POST", path, NULL,
	        "{\"title\": \"Roll out MFA\", \"owner_id\": "
	        "\"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\"}",
	        NULL, &r);
	assert_problem(&r, 400, "owner_id");
	th_free(&r);
	snprintf(body, sizeof body,
	        "{\"title\": \"Roll out MFA\", \"owner_id\": \"%s\", \"due_date\": \"2030-06-30\"}",
	        op.user_id);
	call("POST", path, NULL, body, NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	char action[37];
	snprintf(action, sizeof action, "%s", th_str(&r, "id"));
	th_free(&r);
	snprintf(path, sizeof path, "/v1/risks/%s/actions/%s", id, action);
	call("PATCH", path, NULL, "{\"status\": \"done\"}", NULL, &r);
	assert_problem(&r, 428, "If-Match");
	th_free(&r);
	call("PATCH", path, NULL, "{\"status\": \"done\"}", "1", &r);
	ck_assert_int_eq(r.status, 200);
	char *today = days_from_today(0);
	ck_assert_str_eq(th_str(&r, "completed_on"), today);
	free(today);
	th_free(&r);
	json_t *p = get_json("/v1/risks/treatment-plan");
	json_t *items = json_object_get(p, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	json_t *acts = json_object_get(json_array_get(items, 0), "actions");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(acts, 0), "status")), "done");
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(p, "summary"), "actions")), 1);
	json_decref(p);
	call("DELETE", path, NULL, NULL, "2", &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	p = get_json("/v1/risks/treatment-plan");
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(p, "summary"), "actions")), 0);
	json_decref(p);
	ck_assert_int_eq(count_of("audit_events", "entity_type = 'risk_action'"), 3);
	free(id);
}
END_TEST

static Suite *risks_suite(void)
{
	Suite *s = suite_create("risks");
	TCase *tc = tcase_create("register");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, risks_need_a_methodology_first);
	tcase_add_test(tc, methodology_rules_name_the_field_and_write_nothing);
	tcase_add_test(tc, risk_required_fields_and_links_are_validated_and_nothing_written);
	tcase_add_test(tc, levels_follow_the_matrix_for_is_and_ai_risks);
	tcase_add_test(tc, the_list_pages_through_the_register_in_reference_order);
	tcase_add_test(tc, methodology_change_reevaluates_levels_and_keeps_history);
	tcase_add_test(tc, acceptance_needs_the_authority_the_methodology_gives);
	tcase_add_test(tc, register_baselines_are_immutable_and_diffable);
	tcase_add_test(tc, heat_maps_count_inherent_and_residual_per_cell);
	tcase_add_test(tc, risks_link_assets_controls_and_ai_systems_of_the_tenant);
	tcase_add_test(tc, treatment_actions_feed_the_treatment_plan);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(risks_suite)
