/*
 * test_controls.c - the catalog and the control library over HTTP against the real
 * database: catalog reads (frameworks, requirement tree, a requirement with its
 * relations read from either side), private overlays, controls with requirement and
 * risk links (ETags, audit, replace-set semantics), bad links that write nothing, the
 * starter set (shared logging control, idempotent re-run, growth when a framework is
 * added) and coverage computed in SQL.
 *
 * Each test works in a fresh consultancy's own tenant; risks are inserted with SQL (the
 * risk register's API belongs to another module).
 */
#include <libpq-fe.h>
#include <stdarg.h>
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

static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* th_sql with a formatted statement (values are ids this test made, never input). */
static char *sqlf(const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

static void sql_is(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sql_is(const char *want, const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	char *v = th_sql(q);
	ck_assert_msg(v && strcmp(v, want) == 0, "%s: want %s, got %s", q, want, v ? v : "NULL");
	free(v);
}

static void assert_problem(struct th_resp *r, long status, const char *field)
{
	ck_assert_msg(r->status == status, "want %ld got %ld: %s", status, r->status, r->body);
	if (field) {
		ck_assert_msg(th_str(r, "field") && strcmp(th_str(r, "field"), field) == 0,
		        "want field %s: %s", field, r->body);
	}
}

/* A risk of op's tenant, inserted behind the API (returns its id, malloc'd). */
static char *new_risk(const struct th_operator *o, const char *ref)
{
	return sqlf("INSERT INTO risks (tenant_id, ref, type, title) VALUES ('%s', '%s', 'is',"
	            " 'Risk %s') RETURNING id",
	        o->tenant_id, ref, ref);
}

/* POST /v1/controls; returns the new id (malloc'd). */
static char *create_control(const char *body)
{
	struct th_resp r;
	th_req("POST", "/v1/controls", op.token, body, NULL, &r);
	ck_assert_msg(r.status == 201, "create control: %ld %s", r.status, r.body);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	return id;
}

static bool array_has(const json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
	{
		const char *v =
		        key ? json_string_value(json_object_get(x, key)) : json_string_value(x);
		if (v && strcmp(v, value) == 0)
			return true;
	}
	return false;
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

/* ------------------------------------------------------------------ catalog */

START_TEST(catalog_lists_frameworks_with_version_and_counts)
{
	struct th_resp r;
	th_req("GET", "/v1/catalog/frameworks", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 3);
	json_t *iso = find_by(items, "id", "iso27001-2022");
	ck_assert_ptr_nonnull(iso);
	ck_assert_str_eq(json_string_value(json_object_get(iso, "catalog_version")), "2026.1");
	ck_assert_int_eq(json_integer_value(json_object_get(
	                         json_object_get(iso, "counts"), "annex_a_control")),
	        93);
	json_t *ai = find_by(items, "id", "iso42001-2023");
	ck_assert_int_eq(json_integer_value(json_object_get(
	                         json_object_get(ai, "counts"), "annex_c_risk_source")),
	        7);
	th_free(&r);
	th_req("GET", "/v1/catalog/frameworks/nope", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
}
END_TEST

START_TEST(requirement_tree_nests_controls_under_themes)
{
	struct th_resp r;
	th_req("GET", "/v1/catalog/frameworks/iso27001-2022/requirements", op.token, NULL, NULL,
	        &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "count")), 138);
	json_t *roots = json_object_get(r.json, "items");
	/* clauses 4..10 and the four themes */
	ck_assert_int_eq(json_array_size(roots), 11);
	json_t *a8 = find_by(roots, "ref", "A.8");
	ck_assert_ptr_nonnull(a8);
	ck_assert_int_eq(json_array_size(json_object_get(a8, "children")), 34);
	json_t *c9 = find_by(roots, "ref", "9");
	json_t *c92 = find_by(json_object_get(c9, "children"), "ref", "9.2");
	ck_assert(array_has(json_object_get(c92, "children"), "ref", "9.2.1"));
	th_free(&r);
	th_req("GET", "/v1/catalog/frameworks/iso27001-2022/requirements?version=1999.1", op.token,
	        NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	th_req("GET", "/v1/catalog/frameworks/iso27001-2022/requirements?version=abc", op.token,
	        NULL, NULL, &r);
	assert_problem(&r, 400, "version");
	th_free(&r);
}
END_TEST

START_TEST(requirement_shows_relations_from_either_side)
{
	struct th_resp r;
	th_req("GET", "/v1/catalog/requirements/iso27001-2022:A.8.15", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "title"), "Logging");
	ck_assert_ptr_nonnull(th_str(&r, "guidance"));
	ck_assert_int_gt(json_array_size(json_object_get(r.json, "typical_evidence")), 0);
	/* stored as "42001 A.6.2.8 intersects 27001 A.8.15": visible from A.8.15 too */
	json_t *rel = find_by(json_object_get(r.json, "relations"), "id", "iso42001-2023:A.6.2.8");
	ck_assert_ptr_nonnull(rel);
	ck_assert_str_eq(json_string_value(json_object_get(rel, "relation")), "intersects");
	ck_assert_int_gt(strlen(json_string_value(json_object_get(rel, "rationale"))), 20);
	th_free(&r);
	/* "27001 4.1 superset 42001 4.1"? read backwards it swaps subset and superset */
	char *rel_sql =
	        th_sql("SELECT relation || ' ' || to_ref FROM catalog_relations WHERE"
	               " from_framework = 'iso27001-2022' AND to_framework = 'iso42001-2023'"
	               " AND relation = 'subset' ORDER BY seq LIMIT 1");
	char *from =
	        th_sql("SELECT from_ref FROM catalog_relations WHERE from_framework ="
	               " 'iso27001-2022' AND to_framework = 'iso42001-2023' AND relation = 'subset'"
	               " ORDER BY seq LIMIT 1");
	char path[160];
	snprintf(path, sizeof path, "/v1/catalog/requirements/iso42001-2023:%s", rel_sql + 7);
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char id[80];
	snprintf(id, sizeof id, "iso27001-2022:%s", from);
	rel = find_by(json_object_get(r.json, "relations"), "id", id);
	ck_assert_ptr_nonnull(rel);
	ck_assert_str_eq(json_string_value(json_object_get(rel, "relation")), "superset");
	th_free(&r);
	free(rel_sql);
	free(from);
	/* ids with spaces are URL-encoded; unknown and malformed ids are 404 */
	th_req("GET", "/v1/catalog/requirements/eu-ai-act:Art.%2012", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(th_str(&r, "title"), "Record-keeping");
	th_free(&r);
	th_req("GET", "/v1/catalog/requirements/iso27001-2022:A.8.99", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	th_req("GET", "/v1/catalog/requirements/A.8.15", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
}
END_TEST

START_TEST(overlay_is_private_and_shown_next_to_concord_guidance)
{
	const char *path = "/v1/catalog/overlays/iso27001-2022:A.5.1";
	struct th_resp r;
	th_req("PUT", path, op.token,
	        "{\"text\":\"Licensed text of A.5.1\",\"licence\":\"ISO"
	        " licence 42\"}",
	        NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "text_length")), 22);
	ck_assert_ptr_null(json_object_get(r.json, "text"));
	th_free(&r);
	th_req("GET", "/v1/catalog/requirements/iso27001-2022:A.5.1", op.token, NULL, NULL, &r);
	json_t *ov = json_object_get(r.json, "overlay");
	ck_assert_str_eq(json_string_value(json_object_get(ov, "text")), "Licensed text of A.5.1");
	ck_assert_int_gt(strlen(th_str(&r, "guidance")), 40);
	th_free(&r);
	/* another consultancy sees Concord's guidance only */
	struct th_operator other;
	th_new_operator(&other);
	th_req("GET", "/v1/catalog/requirements/iso27001-2022:A.5.1", other.token, NULL, NULL, &r);
	ck_assert(json_is_null(json_object_get(r.json, "overlay")));
	th_free(&r);
	th_operator_free(&other);
	/* replacing needs the ETag */
	th_req("PUT", path, op.token, "{\"text\":\"v2\"}", NULL, &r);
	assert_problem(&r, 428, "If-Match");
	th_free(&r);
	const char *stale[] = {"If-Match: \"5\"", NULL}, *good[] = {"If-Match: \"1\"", NULL};
	th_req("PUT", path, op.token, "{\"text\":\"v2\"}", stale, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	th_req("PUT", path, op.token, "{\"text\":\"v2\"}", good, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	th_free(&r);
	/* the audit trail carries the hash and length, never the licensed text */
	sql_is("0",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND (after::text LIKE"
	        " '%%Licensed text%%' OR before::text LIKE '%%Licensed text%%')",
	        op.tenant_id);
	sql_is("2",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action LIKE"
	        " 'catalog.overlay.%%'",
	        op.tenant_id);
	const char *v2[] = {"If-Match: \"2\"", NULL};
	th_req("DELETE", path, op.token, NULL, v2, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	th_req("PUT", "/v1/catalog/overlays/iso27001-2022:A.9.9", op.token, "{\"text\":\"x\"}",
	        NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
}
END_TEST

START_TEST(overlay_import_rejects_unknown_refs_and_writes_nothing)
{
	struct th_resp r;
	th_req("POST", "/v1/catalog/overlays", op.token,
	        "{\"framework\":\"iso42001-2023\",\"items\":[{\"ref\":\"A.2.2\",\"text\":\"a\"},"
	        "{\"ref\":\"A.99\",\"text\":\"b\"}]}",
	        NULL, &r);
	assert_problem(&r, 400, "items[1].ref");
	th_free(&r);
	th_req("POST", "/v1/catalog/overlays", op.token,
	        "{\"framework\":\"iso42001-2023\",\"items\":[{\"ref\":\"A.2.2\",\"txt\":\"a\"}]}",
	        NULL, &r);
	assert_problem(&r, 400, "items[0].txt");
	th_free(&r);
	sql_is("0", "SELECT count(*) FROM catalog_overlays WHERE tenant_id = '%s'", op.tenant_id);
	th_req("POST", "/v1/catalog/overlays", op.token,
	        "{\"framework\":\"iso42001-2023\",\"licence\":\"L\",\"items\":[{\"ref\":\"A.2.2\","
	        "\"text\":\"a\"},{\"ref\":\"C.2.5\",\"text\":\"b\"}]}",
	        NULL, &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "created")), 2);
	th_free(&r);
	th_req("GET", "/v1/catalog/overlays?framework=iso42001-2023", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 2);
	th_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ controls */

START_TEST(control_links_requirements_and_risks_with_etags_and_audit)
{
	char *risk = new_risk(&op, "R-1");
	char body[1024];
	snprintf(body, sizeof body,
	        "{\"ref\":\"LOG-1\",\"title\":\"Central logging\",\"description\":\"SIEM\","
	        "\"status\":\"in_progress\",\"owner_id\":\"%s\",\"review_date\":\"2027-01-31\","
	        "\"requirements\":[\"iso27001-2022:A.8.15\",\"iso42001-2023:A.6.2.8\","
	        "\"eu-ai-act:Art. 12\"],\"risks\":[{\"risk_id\":\"%s\",\"relation\":\"planned\"}]}",
	        op.user_id, risk);
	char *id = create_control(body);
	char path[128];
	snprintf(path, sizeof path, "/v1/controls/%s", id);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char *etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	json_t *reqs = json_object_get(r.json, "requirements");
	ck_assert_int_eq(json_array_size(reqs), 3);
	json_t *art = find_by(reqs, "id", "eu-ai-act:Art. 12");
	ck_assert_str_eq(json_string_value(json_object_get(art, "title")), "Record-keeping");
	ck_assert_str_eq(json_string_value(json_object_get(art, "catalog_version")), "2026.1");
	ck_assert(array_has(json_object_get(r.json, "risks"), "risk_id", risk));
	th_free(&r);
	/* the tenant is now pinned to the catalog version it linked against */
	sql_is("2026.1",
	        "SELECT catalog_version FROM tenant_frameworks WHERE tenant_id = '%s' AND"
	        " framework_id = 'eu-ai-act'",
	        op.tenant_id);
	/* replace the requirement set; keep the risk link */
	th_req("PATCH", path, op.token, "{\"requirements\":[\"iso27001-2022:A.8.15\"]}", NULL, &r);
	assert_problem(&r, 428, "If-Match");
	th_free(&r);
	const char *m1[] = {"If-Match: \"1\"", NULL};
	th_req("PATCH", path, op.token,
	        "{\"status\":\"implemented\",\"requirements\":[\"iso27001-2022:A.8.15\"]}", m1, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "requirements")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "risks")), 1);
	th_free(&r);
	th_req("PATCH", path, op.token, "{\"title\":\"x\"}", m1, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action ="
	        " 'control.update' AND entity_id = '%s' AND jsonb_array_length(before->"
	        "'requirements') = 3 AND jsonb_array_length(after->'requirements') = 1",
	        op.tenant_id, id);
	/* list filters */
	th_req("GET", "/v1/controls?requirement=iso27001-2022:A.8.15&status=implemented", op.token,
	        NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
	th_free(&r);
	th_req("GET", "/v1/controls?framework=eu-ai-act", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
	th_free(&r);
	th_req("GET", "/v1/controls?colour=red", op.token, NULL, NULL, &r);
	assert_problem(&r, 400, "colour");
	th_free(&r);
	const char *m2[] = {"If-Match: \"2\"", NULL};
	th_req("DELETE", path, op.token, NULL, m2, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	sql_is("0", "SELECT count(*) FROM risk_controls WHERE tenant_id = '%s'", op.tenant_id);
	free(id);
	free(risk);
}
END_TEST

START_TEST(bad_links_are_4xx_naming_the_field_and_write_nothing)
{
	struct th_operator other;
	th_new_operator(&other);
	char *foreign_risk = new_risk(&other, "R-X");
	struct th_resp r;
	struct {
		const char *body;
		const char *field;
	} cases[] = {
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"requirements\":[\"iso27001-2022:A.5.1\","
	         "\"iso27001-2022:A.8.99\"]}",
	                "requirements[1]"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"requirements\":[\"A.8.15\"]}",
	                "requirements[0]"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"requirements\":[\"nist-csf:ID.AM-1\"]}",
	                "requirements[0]"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"requirements\":[\"iso27001-2022:A.5.1\","
	         "\"iso27001-2022:A.5.1\"]}",
	                "requirements[1]"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"requirements\":[7]}", "requirements[0]"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"risks\":[{\"risk_id\":\"00000000-0000-4000-"
	         "8000-"
	         "000000000000\",\"relation\":\"planned\"}]}",
	                "risks[0].risk_id"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"risks\":[{\"risk_id\":\"00000000-0000-4000-"
	         "8000-"
	         "000000000000\",\"relation\":\"maybe\"}]}",
	                "risks[0].relation"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"owner_id\":\"00000000-0000-4000-8000-"
	         "000000000000\"}",
	                "owner_id"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"status\":\"done\"}", "status"},
	        {"{\"ref\":\"C1\",\"title\":\"t\",\"colour\":\"red\"}", "colour"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		th_req("POST", "/v1/controls", op.token, cases[i].body, NULL, &r);
		assert_problem(&r, 400, cases[i].field);
		th_free(&r);
	}
	/* another tenant's risk and another consultancy's user */
	char body[512];
	snprintf(body, sizeof body,
	        "{\"ref\":\"C1\",\"title\":\"t\",\"risks\":[{\"risk_id\":\"%s\",\"relation\":"
	        "\"existing\"}]}",
	        foreign_risk);
	th_req("POST", "/v1/controls", op.token, body, NULL, &r);
	assert_problem(&r, 400, "risks[0].risk_id");
	th_free(&r);
	snprintf(body, sizeof body, "{\"ref\":\"C1\",\"title\":\"t\",\"owner_id\":\"%s\"}",
	        other.user_id);
	th_req("POST", "/v1/controls", op.token, body, NULL, &r);
	assert_problem(&r, 400, "owner_id");
	th_free(&r);
	sql_is("0", "SELECT count(*) FROM controls WHERE tenant_id = '%s'", op.tenant_id);
	/* an update with a bad link changes nothing either */
	char *id = create_control("{\"ref\":\"C2\",\"title\":\"t\",\"requirements\":"
	                          "[\"iso27001-2022:A.5.1\"]}");
	char path[128];
	snprintf(path, sizeof path, "/v1/controls/%s", id);
	const char *m1[] = {"If-Match: \"1\"", NULL};
	th_req("PATCH", path, op.token,
	        "{\"title\":\"changed\",\"requirements\":[\"iso27001-2022:A.0\"]}", m1, &r);
	assert_problem(&r, 400, "requirements[0]");
	th_free(&r);
	sql_is("true|1|1",
	        "SELECT (title = 't')::text || '|' || version || '|' || (SELECT count(*) FROM"
	        " control_requirements WHERE control_id = c.id) FROM controls c WHERE id = '%s'",
	        id);
	/* a control of another consultancy is invisible */
	th_req("GET", path, other.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	free(id);
	free(foreign_risk);
	th_operator_free(&other);
}
END_TEST

/* ---------------------------------------------------------------- starter */

static json_t *starter(const char *frameworks)
{
	char body[256];
	snprintf(body, sizeof body, "{\"frameworks\":[%s]}", frameworks);
	struct th_resp r;
	th_req("POST", "/v1/controls/starter", op.token, body, NULL, &r);
	ck_assert_msg(r.status == 200, "starter: %ld %s", r.status, r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

/* The controls serving a requirement (GET /v1/controls?requirement=), new reference. */
static json_t *serving(const char *requirement)
{
	char path[200];
	snprintf(path, sizeof path, "/v1/controls?requirement=%s&limit=200", requirement);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_incref(json_object_get(r.json, "items"));
	th_free(&r);
	return items;
}

START_TEST(starter_set_shares_logging_across_frameworks_and_reruns_without_duplicates)
{
	json_t *s1 = starter("\"iso27001-2022\",\"iso42001-2023\",\"eu-ai-act\"");
	json_int_t created = json_integer_value(json_object_get(s1, "groups"));
	ck_assert_int_eq(json_array_size(json_object_get(s1, "created")), created);
	ck_assert_int_gt(created, 100);
	json_t *log = serving("iso27001-2022:A.8.15");
	ck_assert_int_eq(json_array_size(log), 1);
	json_t *c = json_array_get(log, 0);
	json_t *reqs = json_object_get(c, "requirements");
	ck_assert(array_has(reqs, NULL, "iso42001-2023:A.6.2.8"));
	ck_assert(array_has(reqs, NULL, "eu-ai-act:Art. 12"));
	/* the control explains what it serves, and each link says why */
	ck_assert_ptr_nonnull(
	        strstr(json_string_value(json_object_get(c, "description")), "Logging"));
	char path[128];
	snprintf(path, sizeof path, "/v1/controls/%s", json_string_value(json_object_get(c, "id")));
	struct th_resp r;
	th_req("GET", path, op.token, NULL, NULL, &r);
	json_t *l = find_by(json_object_get(r.json, "requirements"), "id", "iso27001-2022:A.8.15");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(l, "basis")), "intersects"));
	th_free(&r);
	json_decref(log);
	char *n1 = sqlf("SELECT count(*) || '/' || (SELECT count(*) FROM control_requirements WHERE"
	                " tenant_id = '%s') FROM controls WHERE tenant_id = '%s'",
	        op.tenant_id, op.tenant_id);
	json_t *s2 = starter("\"eu-ai-act\",\"iso42001-2023\",\"iso27001-2022\"");
	ck_assert_int_eq(json_array_size(json_object_get(s2, "created")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(s2, "links_added")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(s2, "unchanged")), created);
	sql_is(n1,
	        "SELECT count(*) || '/' || (SELECT count(*) FROM control_requirements WHERE"
	        " tenant_id = '%s') FROM controls WHERE tenant_id = '%s'",
	        op.tenant_id, op.tenant_id);
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s' AND action ="
	        " 'control.starter'",
	        op.tenant_id);
	free(n1);
	json_decref(s1);
	json_decref(s2);
	th_req("POST", "/v1/controls/starter", op.token, "{\"frameworks\":[\"nist\"]}", NULL, &r);
	assert_problem(&r, 400, "frameworks[0]");
	th_free(&r);
}
END_TEST

START_TEST(starter_set_grows_the_existing_control_when_a_framework_is_added)
{
	json_t *s1 = starter("\"iso27001-2022\"");
	ck_assert_int_eq(json_array_size(json_object_get(s1, "created")), 123);
	json_t *s2 = starter("\"iso27001-2022\",\"iso42001-2023\"");
	ck_assert_int_gt(json_array_size(json_object_get(s2, "extended")), 0);
	json_t *log = serving("iso42001-2023:A.6.2.8");
	ck_assert_int_eq(json_array_size(log), 1);
	ck_assert(array_has(json_object_get(json_array_get(log, 0), "requirements"), NULL,
	        "iso27001-2022:A.8.15"));
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(log, 0), "version")), 2);
	json_decref(log);
	log = serving("iso27001-2022:A.8.15");
	ck_assert_int_eq(json_array_size(log), 1);
	json_decref(log);
	json_t *s3 = starter("\"iso27001-2022\",\"iso42001-2023\"");
	ck_assert_int_eq(json_array_size(json_object_get(s3, "created")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(s3, "extended")), 0);
	json_decref(s1);
	json_decref(s2);
	json_decref(s3);
}
END_TEST

/* ---------------------------------------------------------------- coverage */

START_TEST(coverage_per_framework_and_requirement_is_computed_from_control_status)
{
	free(create_control("{\"ref\":\"P1\",\"title\":\"Policy\",\"status\":\"implemented\","
	                    "\"requirements\":[\"iso27001-2022:A.5.1\",\"iso42001-2023:A.2.2\"]}"));
	free(create_control("{\"ref\":\"P2\",\"title\":\"Policy review\",\"status\":\"planned\","
	                    "\"requirements\":[\"iso27001-2022:A.5.1\"]}"));
	free(create_control("{\"ref\":\"R1\",\"title\":\"Roles\",\"status\":\"not_applicable\","
	                    "\"requirements\":[\"iso27001-2022:A.5.2\"]}"));
	free(create_control("{\"ref\":\"L1\",\"title\":\"Logging\",\"status\":\"implemented\","
	                    "\"requirements\":[\"iso27001-2022:A.8.15\"]}"));
	struct th_resp r;
	th_req("GET", "/v1/coverage", op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *iso = find_by(json_object_get(r.json, "items"), "framework_id", "iso27001-2022");
	ck_assert_int_eq(json_integer_value(json_object_get(iso, "requirements")), 123);
	ck_assert_int_eq(json_integer_value(json_object_get(iso, "covered")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(iso, "implemented")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(iso, "partially_implemented")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(iso, "not_applicable")), 1);
	/* 1 implemented of 122 applicable requirements */
	ck_assert(json_real_value(json_object_get(iso, "percent_implemented")) == 0.8);
	json_t *ai = find_by(json_object_get(r.json, "items"), "framework_id", "iso42001-2023");
	ck_assert_int_eq(json_integer_value(json_object_get(ai, "implemented")), 1);
	th_free(&r);
	th_req("GET", "/v1/coverage/iso27001-2022?status=partially_implemented", op.token, NULL,
	        NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	json_t *a51 = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(a51, "id")), "iso27001-2022:A.5.1");
	ck_assert(json_real_value(json_object_get(a51, "percent_implemented")) == 50.0);
	ck_assert_int_eq(json_array_size(json_object_get(a51, "controls")), 2);
	th_free(&r);
	/* pagination walks every requirement once */
	int seen = 0, pages = 0;
	char path[600] = "/v1/coverage/iso27001-2022?limit=50";
	for (;;) {
		th_req("GET", path, op.token, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		seen += (int)json_array_size(json_object_get(r.json, "items"));
		pages++;
		const char *next = th_str(&r, "next");
		if (!next) {
			th_free(&r);
			break;
		}
		snprintf(path, sizeof path, "/v1/coverage/iso27001-2022?limit=50&cursor=%s", next);
		th_free(&r);
		ck_assert_int_lt(pages, 10);
	}
	ck_assert_int_eq(seen, 123);
	ck_assert_int_eq(pages, 3);
	th_req("GET", "/v1/coverage/iso27001-2022?status=done", op.token, NULL, NULL, &r);
	assert_problem(&r, 400, "status");
	th_free(&r);
	th_req("GET", "/v1/coverage/nist", op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
}
END_TEST

START_TEST(roles_without_write_permission_cannot_change_the_library)
{
	char client[37];
	th_new_client(&op, client);
	char *viewer = th_new_user(&op, client, "viewer", NULL, 0);
	char *security = th_new_user(&op, client, "security_lead", NULL, 0);
	struct th_resp r;
	th_req("POST", "/v1/controls", viewer, "{\"ref\":\"V1\",\"title\":\"t\"}", NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	th_req("GET", "/v1/controls", viewer, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	th_req("PUT", "/v1/catalog/overlays/iso27001-2022:A.5.1", security, "{\"text\":\"x\"}",
	        NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	th_req("POST", "/v1/controls", security, "{\"ref\":\"S1\",\"title\":\"t\"}", NULL, &r);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	free(viewer);
	free(security);
}
END_TEST

/* ------------------------------------------------------- catalog versions */

/* url with its database name replaced by db (malloc'd). */
static char *with_db(const char *url, const char *db)
{
	const char *slash = strrchr(url, '/');
	char *out = NULL;
	ck_assert_int_ge(asprintf(&out, "%.*s/%s", (int)(slash - url), url, db), 0);
	return out;
}

/* Run `concord-api <args>` against database db with the catalog of root. */
static int api_cmd(const char *root, const char *db, const char *args)
{
	char *owner = with_db(getenv("DATABASE_OWNER_URL"), db);
	char *app = with_db(getenv("DATABASE_URL"), db);
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	        "CONCORD_ROOT='%s' DATABASE_OWNER_URL='%s' DATABASE_URL='%s' '%s/concord-api' %s"
	        " >>'%s/catalog-versions.log' 2>&1",
	        root, owner, app, getenv("CONCORD_TEST_BIN"), args,
	        getenv("CONCORD_TEST_LOGDIR") ? getenv("CONCORD_TEST_LOGDIR") : "/tmp");
	free(owner);
	free(app);
	return th_sh(cmd);
}

/* First cell of sql run as the superuser in database db (malloc'd; NULL on error). */
static char *sql_in(const char *db, const char *sql)
{
	char *url = with_db(getenv("DATABASE_SUPER_URL"), db);
	PGconn *c = PQconnectdb(url);
	free(url);
	ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, sql);
	char *out = NULL;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) && !PQgetisnull(r, 0, 0))
		out = strdup(PQgetvalue(r, 0, 0));
	else if (PQresultStatus(r) == PGRES_COMMAND_OK)
		out = strdup("");
	PQclear(r);
	PQfinish(c);
	return out;
}

static void sql_in_is(const char *db, const char *want, const char *sql)
{
	char *v = sql_in(db, sql);
	ck_assert_msg(v && strcmp(v, want) == 0, "%s: want %s, got %s", sql, want, v ? v : "NULL");
	free(v);
}

START_TEST(a_new_catalog_version_loads_beside_the_old_one_and_pinned_tenants_keep_theirs)
{
	/* a private database and a private copy of the catalog */
	char root[] = "/tmp/concord-catver-XXXXXX", db[64], cmd[2048];
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(db, sizeof db, "concord_catver_%s", th_unique());
	snprintf(cmd, sizeof cmd, "CREATE DATABASE %s OWNER concord_owner", db);
	free(th_sql(cmd));
	snprintf(cmd, sizeof cmd,
	        "ln -s '%s/migrations' '%s/migrations' && cp -r '%s/catalog' '%s/'",
	        getenv("CONCORD_ROOT"), root, getenv("CONCORD_ROOT"), root);
	ck_assert_int_eq(th_sh(cmd), 0);
	ck_assert_int_eq(api_cmd(root, db, "migrate"), 0);
	ck_assert_int_eq(api_cmd(root, db, "catalog load"), 0); /* idempotent */
	sql_in_is(db, "6", "SELECT count(*) FROM catalog_files");
	/* a tenant links a control to A.8.15 and is pinned to 2026.1 */
	char *t = sql_in(db, "INSERT INTO tenants (kind, slug, name) VALUES ('operator', 'pinned',"
	                     " 'Pinned') RETURNING id");
	snprintf(cmd, sizeof cmd,
	        "WITH s AS (SELECT set_config('app.tenant_id', '%s', false)),"
	        " c AS (INSERT INTO controls (tenant_id, ref, title) SELECT '%s', 'LOG', 'Logging'"
	        " FROM s RETURNING id)"
	        " INSERT INTO control_requirements (tenant_id, control_id, framework_id, ref)"
	        " SELECT '%s', id, 'iso27001-2022', 'A.8.15' FROM c",
	        t, t, t);
	free(sql_in(db, cmd));
	snprintf(cmd, sizeof cmd,
	        "SELECT catalog_version FROM tenant_frameworks WHERE tenant_id = '%s'", t);
	sql_in_is(db, "2026.1", cmd);

	/* catalog 2026.2: freeze 2026.1, raise the version everywhere, change one guidance */
	snprintf(cmd, sizeof cmd,
	        "cd '%s/catalog' && for d in iso27001-2022 iso42001-2023 eu-ai-act crosswalk; do"
	        " mkdir \"$d/v2026.1\" && cp \"$d\"/*.tsv \"$d/v2026.1/\"; done &&"
	        " sed -i 's/^# catalog_version: 2026.1$/# catalog_version: 2026.2/' frameworks.tsv "
	        "*/*.tsv &&"
	        " sed -i 's/^\\(A\\.8\\.15\\tannex_a_control\\tA\\.8\\tLogging\\t\\)/\\1Revised. /'"
	        " iso27001-2022/requirements.tsv",
	        root);
	ck_assert_int_eq(th_sh(cmd), 0);
	ck_assert_int_eq(api_cmd(root, db, "catalog load"), 0);
	sql_in_is(db, "2026.2",
	        "SELECT catalog_version FROM catalog_frameworks WHERE id = 'iso27001-2022'");
	sql_in_is(db, "2",
	        "SELECT count(*) FROM catalog_requirements WHERE framework_id ="
	        " 'iso27001-2022' AND ref = 'A.8.15'");
	sql_in_is(db, "t",
	        "SELECT guidance LIKE 'Revised. %' FROM catalog_requirements WHERE"
	        " framework_id = 'iso27001-2022' AND ref = 'A.8.15' AND catalog_version = "
	        "'2026.2'");
	sql_in_is(db, "444", "SELECT count(*) FROM catalog_relations"); /* 222 per version */
	/* the pinned tenant still reads 2026.1; a new tenant starts on 2026.2 */
	snprintf(cmd, sizeof cmd,
	        "SELECT catalog_version_for('iso27001-2022') FROM (SELECT "
	        "set_config('app.tenant_id',"
	        " '%s', false)) s",
	        t);
	sql_in_is(db, "2026.1", cmd);
	sql_in_is(db, "2026.2",
	        "SELECT catalog_version_for('iso27001-2022') FROM (SELECT "
	        "set_config('app.tenant_id',"
	        " gen_random_uuid()::text, false)) s");
	/* a link to the other version is refused for the pinned tenant */
	snprintf(cmd, sizeof cmd,
	        "INSERT INTO control_requirements (tenant_id, control_id, framework_id, ref,"
	        " catalog_version) SELECT tenant_id, id, 'iso27001-2022', 'A.8.16', '2026.2' FROM"
	        " controls WHERE tenant_id = '%s'",
	        t);
	ck_assert_ptr_null(sql_in(db, cmd));
	/* re-running changes nothing; a changed file claiming a loaded version is refused */
	ck_assert_int_eq(api_cmd(root, db, "catalog load"), 0);
	sql_in_is(db, "12", "SELECT count(*) FROM catalog_files");
	snprintf(cmd, sizeof cmd,
	        "sed -i 's/Logging\\t/Logging!\\t/' '%s/catalog/iso27001-2022/v2026.1/"
	        "requirements.tsv'",
	        root);
	ck_assert_int_eq(th_sh(cmd), 0);
	ck_assert_int_ne(api_cmd(root, db, "catalog load"), 0);
	sql_in_is(db, "2",
	        "SELECT count(*) FROM catalog_requirements WHERE framework_id ="
	        " 'iso27001-2022' AND ref = 'A.8.15'");
	free(t);
	snprintf(cmd, sizeof cmd, "DROP DATABASE %s WITH (FORCE)", db);
	free(th_sql(cmd));
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	ck_assert_int_eq(th_sh(cmd), 0);
}
END_TEST

static Suite *controls_suite(void)
{
	Suite *s = suite_create("controls");
	TCase *tc = tcase_create("controls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, catalog_lists_frameworks_with_version_and_counts);
	tcase_add_test(tc, requirement_tree_nests_controls_under_themes);
	tcase_add_test(tc, requirement_shows_relations_from_either_side);
	tcase_add_test(tc, overlay_is_private_and_shown_next_to_concord_guidance);
	tcase_add_test(tc, overlay_import_rejects_unknown_refs_and_writes_nothing);
	tcase_add_test(tc, control_links_requirements_and_risks_with_etags_and_audit);
	tcase_add_test(tc, bad_links_are_4xx_naming_the_field_and_write_nothing);
	tcase_add_test(
	        tc, starter_set_shares_logging_across_frameworks_and_reruns_without_duplicates);
	tcase_add_test(tc, starter_set_grows_the_existing_control_when_a_framework_is_added);
	tcase_add_test(tc, coverage_per_framework_and_requirement_is_computed_from_control_status);
	tcase_add_test(tc, roles_without_write_permission_cannot_change_the_library);
	tcase_add_test(
	        tc, a_new_catalog_version_loads_beside_the_old_one_and_pinned_tenants_keep_theirs);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(controls_suite)
