/*
 * test_ai_registry.c - the AI system registry over HTTP against real PostgreSQL, Redis and
 * workers: systems with ETags and audit, validation naming the field, lifecycle gates
 * (release approval, withdrawal), use case sheets, suppliers, components and flows with the
 * dependency and third-country queries, the flow map (DOT and the SVG job), registry
 * versions with diff, tenant isolation of links, deletion rules, and a tenant export and
 * import that carries the registry.
 *
 * Each test works in a fresh consultancy (fixture); bodies are written with single quotes,
 * turned into double quotes by J().
 */
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

/* printf into a new string, then ' -> " (test bodies never contain apostrophes). */
static char *J(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *J(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	va_end(ap);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

/* Send a request as tok (body may be NULL, etag adds If-Match); expect status want and
 * return the JSON body (new reference, NULL when none). body is freed. */
static json_t *call_as(const char *tok, const char *method, const char *path, char *body,
        const char *etag, long want)
{
	char hdr[64];
	snprintf(hdr, sizeof hdr, "If-Match: \"%s\"", etag ? etag : "");
	const char *h[] = {etag ? hdr : NULL, NULL};
	struct th_resp r;
	th_req(method, path, tok, body, h, &r);
	ck_assert_msg(r.status == want, "%s %s: want %ld got %ld: %s", method, path, want, r.status,
	        r.body);
	json_t *j = r.json ? json_incref(r.json) : NULL;
	th_free(&r);
	free(body);
	return j;
}

static json_t *call(const char *method, const char *path, char *body, const char *etag, long want)
{
	return call_as(op.token, method, path, body, etag, want);
}

/* Expect a problem document with status and field. body is freed. */
static void problem(const char *method, const char *path, char *body, const char *etag, long status,
        const char *field)
{
	json_t *p = call(method, path, body, etag, status);
	ck_assert_ptr_nonnull(p);
	const char *f = json_string_value(json_object_get(p, "field"));
	ck_assert_msg(f && strcmp(f, field) == 0, "%s %s: field %s, want %s", method, path,
	        f ? f : "(none)", field);
	json_decref(p);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *path_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *path_of(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&p, fmt, ap), 0);
	va_end(ap);
	return p;
}

/* The count a formatted SQL statement returns (run as the superuser). */
static long long count_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long count_sql(const char *fmt, ...)
{
	va_list ap;
	char q[1024];
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	char *v = th_sql(q);
	long long n = atoll(v);
	free(v);
	return n;
}

/* Create a system; returns its id (static buffer of the caller). */
static void new_system(const char *ref, const char *extra, char id[37])
{
	json_t *s = call("POST", "/v1/ai-systems",
	        J("{'ref': '%s', 'name': 'System %s', 'intended_purpose': 'screen applications',"
	          " 'sourcing': 'in_house'%s%s}",
	                ref, ref, extra ? ", " : "", extra ? extra : ""),
	        NULL, 201);
	snprintf(id, 37, "%s", str(s, "id"));
	json_decref(s);
}

static void new_object(const char *path, char *body, char id[37])
{
	json_t *o = call("POST", path, body, NULL, 201);
	snprintf(id, 37, "%s", str(o, "id"));
	json_decref(o);
}

/* Move a system to `to` with If-Match version; returns the new version. */
static int move(const char *id, int version, const char *to, const char *record)
{
	char *p = path_of("/v1/ai-systems/%s/transitions", id), etag[16];
	snprintf(etag, sizeof etag, "%d", version);
	json_t *t = call("POST", p,
	        record ? J("{'to': '%s', 'record_id': '%s'}", to, record) : J("{'to': '%s'}", to),
	        etag, 201);
	ck_assert_str_eq(str(json_object_get(t, "ai_system"), "lifecycle_stage"), to);
	int v = (int)json_integer_value(json_object_get(t, "version"));
	json_decref(t);
	free(p);
	return v;
}

static void record(const char *id, const char *kind, const char *decision, char rid[37])
{
	char *p = path_of("/v1/ai-systems/%s/records", id);
	new_object(p,
	        J("{'kind': '%s', 'decision': '%s', 'summary': 'tests passed; risks accepted'}",
	                kind, decision),
	        rid);
	free(p);
}

/* ---------------------------------------------------------------------- tests */

START_TEST(system_is_created_read_and_updated_with_etags_and_audit)
{
	char id[37];
	new_system("AI-1", "'aiact_role': 'deployer', 'deployment_context': 'HR, EU only'", id);
	char *p = path_of("/v1/ai-systems/%s", id);
	struct th_resp r;
	th_req("GET", p, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char *etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	ck_assert_str_eq(th_str(&r, "lifecycle_stage"), "design");
	ck_assert_str_eq(th_str(&r, "aiact_role"), "deployer");
	ck_assert(json_is_null(json_object_get(r.json, "aiact")));
	th_free(&r);
	problem("PATCH", p, J("{'name': 'Renamed'}"), NULL, 428, "If-Match");
	problem("PATCH", p, J("{'name': 'Renamed'}"), "7", 412, "If-Match");
	json_t *s = call("PATCH", p, J("{'name': 'Renamed', 'aiact_role': null}"), "1", 200);
	ck_assert_str_eq(str(s, "name"), "Renamed");
	ck_assert(json_is_null(json_object_get(s, "aiact_role")));
	ck_assert_int_eq(json_integer_value(json_object_get(s, "version")), 2);
	json_decref(s);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM audit_events WHERE entity_id = '%s'"
	                           " AND action IN ('ai_system.create', 'ai_system.update')",
	                         id),
	        2);
	/* the update's audit event carries the name before and after */
	char q[256];
	snprintf(q, sizeof q,
	        "SELECT before->>'name' || '>' || (after->>'name') FROM audit_events"
	        " WHERE entity_id = '%s' AND action = 'ai_system.update'",
	        id);
	char *v = th_sql(q);
	ck_assert_str_eq(v, "System AI-1>Renamed");
	free(v);
	free(p);
}
END_TEST

START_TEST(bad_input_is_rejected_naming_the_field_and_nothing_is_written)
{
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'colour': 1}"),
	        NULL, 400, "colour");
	problem("POST", "/v1/ai-systems", J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p'}"),
	        NULL, 400, "sourcing");
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'lifecycle_stage': 'deployed'}"),
	        NULL, 400, "lifecycle_stage");
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'hybrid'}"), NULL,
	        400, "sourcing");
	char sup[37];
	new_object("/v1/suppliers", J("{'name': 'Vendor', 'eu_established': true}"), sup);
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'supplier_id': '%s'}",
	                sup),
	        NULL, 400, "supplier_id");
	char ds[37];
	new_object("/v1/ai-components", J("{'kind': 'dataset', 'name': 'CVs'}"), ds);
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'component_ids': ['%s', '00000000-0000-4000-8000-000000000000']}",
	                ds),
	        NULL, 400, "component_ids[1]");
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'control_ids': ['not-a-uuid']}"),
	        NULL, 400, "control_ids[0]");
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'business_owner_id': '00000000-0000-4000-8000-000000000000'}"),
	        NULL, 400, "business_owner_id");
	problem("POST", "/v1/ai-components", J("{'kind': 'model', 'name': 'M'}"), NULL, 400,
	        "origin");
	problem("POST", "/v1/ai-components", J("{'kind': 'dataset', 'name': 'D', 'gpai': true}"),
	        NULL, 400, "gpai");
	problem("POST", "/v1/suppliers",
	        J("{'name': 'V2', 'eu_established': true, 'country': 'usa'}"), NULL, 400,
	        "country");
	ck_assert_int_eq(
	        count_sql("SELECT count(*) FROM ai_systems WHERE tenant_id = '%s'", op.tenant_id),
	        0);
	/* a duplicate ref is a conflict on ref */
	char id[37];
	new_system("DUP", NULL, id);
	problem("POST", "/v1/ai-systems",
	        J("{'ref': 'DUP', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house'}"),
	        NULL, 409, "ref");
}
END_TEST

START_TEST(deployment_needs_a_release_approval_from_the_current_validation)
{
	char id[37], rej[37], old[37], ok[37];
	new_system("GATE-1", NULL, id);
	char *tp = path_of("/v1/ai-systems/%s/transitions", id);
	char *rp = path_of("/v1/ai-systems/%s/records", id);
	/* design cannot jump to deployed, and approvals are only recorded in validation */
	problem("POST", tp, J("{'to': 'deployed'}"), "1", 422, "to");
	problem("POST", rp,
	        J("{'kind': 'release_approval', 'decision': 'approved', 'summary': 's'}"), NULL,
	        422, "kind");
	int v = move(id, 1, "validation", NULL);
	problem("POST", tp, J("{'to': 'deployed'}"), "2", 422, "record_id");
	record(id, "release_approval", "rejected", rej);
	problem("POST", tp, J("{'to': 'deployed', 'record_id': '%s'}", rej), "2", 422, "record_id");
	record(id, "release_approval", "approved", old);
	/* back to design and into validation again: the earlier approval no longer counts */
	v = move(id, v, "design", NULL);
	v = move(id, v, "validation", NULL);
	char etag[16];
	snprintf(etag, sizeof etag, "%d", v);
	problem("POST", tp, J("{'to': 'deployed', 'record_id': '%s'}", old), etag, 422,
	        "record_id");
	record(id, "release_approval", "approved", ok);
	problem("POST", tp, J("{'to': 'deployed', 'record_id': '%s'}", ok), "1", 412, "If-Match");
	v = move(id, v, "deployed", ok);
	/* the history: four moves, the deployment citing its approval */
	json_t *h = call("GET", tp, NULL, NULL, 200);
	json_t *items = json_object_get(h, "items");
	ck_assert_int_eq(json_array_size(items), 4);
	json_t *last = json_array_get(items, 3);
	ck_assert_str_eq(str(last, "from"), "validation");
	ck_assert_str_eq(str(last, "to"), "deployed");
	ck_assert_str_eq(str(last, "record_id"), ok);
	ck_assert_int_eq(json_integer_value(json_object_get(last, "system_version")), v);
	json_decref(h);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM audit_events WHERE entity_id = '%s'"
	                           " AND action = 'ai_system.transition'",
	                         id),
	        4);
	/* the gate records cannot be changed behind the API's back by the application role */
	ck_assert_int_eq(count_sql("SELECT count(*) FROM information_schema.role_table_grants"
	                           " WHERE grantee = 'concord_app' AND table_name = '%s'"
	                           " AND privilege_type IN ('UPDATE', 'DELETE')",
	                         "ai_system_records"),
	        0);
	free(tp);
	free(rp);
}
END_TEST

START_TEST(decommissioning_needs_a_withdrawal_record_and_is_final)
{
	char id[37], appr[37], wd[37];
	new_system("GATE-2", NULL, id);
	int v = move(id, 1, "validation", NULL);
	record(id, "release_approval", "approved", appr);
	v = move(id, v, "deployed", appr);
	v = move(id, v, "monitoring", NULL);
	char *tp = path_of("/v1/ai-systems/%s/transitions", id), etag[16];
	snprintf(etag, sizeof etag, "%d", v);
	problem("POST", tp, J("{'to': 'decommissioned'}"), etag, 422, "record_id");
	/* a release approval is not a withdrawal */
	problem("POST", tp, J("{'to': 'decommissioned', 'record_id': '%s'}", appr), etag, 422,
	        "record_id");
	record(id, "withdrawal", "approved", wd);
	v = move(id, v, "decommissioned", wd);
	snprintf(etag, sizeof etag, "%d", v);
	problem("POST", tp, J("{'to': 'design'}"), etag, 422, "to");
	char *rp = path_of("/v1/ai-systems/%s/records", id);
	problem("POST", rp, J("{'kind': 'withdrawal', 'decision': 'approved', 'summary': 's'}"),
	        NULL, 409, "lifecycle_stage");
	free(rp);
	free(tp);
}
END_TEST

START_TEST(use_case_sheets_record_context_oversight_and_data)
{
	char id[37], uc[37];
	new_system("UC-1", NULL, id);
	char *p = path_of("/v1/ai-systems/%s/use-cases", id);
	new_object(p,
	        J("{'title': 'Shortlisting', 'context': 'graduate hiring', 'affected_persons':"
	          " ['applicants'], 'decisions_supported': 'who is interviewed', 'human_oversight':"
	          " 'a recruiter reviews every rejection', 'autonomy': 'human_in_the_loop',"
	          " 'data_categories': ['CV', 'test scores'], 'personal_data': true}"),
	        uc);
	problem("POST", p,
	        J("{'title': 'T2', 'autonomy': 'autonomous', 'special_category_data': true}"), NULL,
	        400, "special_category_data");
	problem("POST", p, J("{'title': 'T3', 'autonomy': 'autonomous', 'data_categories': [1]}"),
	        NULL, 400, "data_categories[0]");
	char *up = NULL;
	ck_assert_int_ge(asprintf(&up, "%s/%s", p, uc), 0);
	json_t *u = call("PATCH", up,
	        J("{'special_category_data': true, 'data_categories': ['health']}"), "1", 200);
	ck_assert(json_is_true(json_object_get(u, "special_category_data")));
	ck_assert_str_eq(
	        json_string_value(json_array_get(json_object_get(u, "data_categories"), 0)),
	        "health");
	ck_assert_str_eq(str(u, "human_oversight"), "a recruiter reviews every rejection");
	json_decref(u);
	char *sp = path_of("/v1/ai-systems/%s", id);
	json_t *s = call("GET", sp, NULL, NULL, 200);
	ck_assert_str_eq(
	        str(json_array_get(json_object_get(s, "use_cases"), 0), "title"), "Shortlisting");
	json_decref(s);
	json_decref(call("DELETE", up, NULL, "2", 204));
	json_decref(call("GET", up, NULL, NULL, 404));
	free(sp);
	free(up);
	free(p);
}
END_TEST

START_TEST(supplier_dependency_follows_components_and_flows)
{
	char x[37], y[37], model[37], svc[37], ds[37], s1[37], s2[37], s3[37], s4[37];
	new_object("/v1/suppliers",
	        J("{'name': 'Model Corp', 'country': 'US', 'eu_established': false}"), x);
	new_object("/v1/suppliers",
	        J("{'name': 'Data GmbH', 'country': 'DE', 'eu_established': true}"), y);
	new_object("/v1/ai-components",
	        J("{'kind': 'model', 'name': 'LLM', 'origin': 'third_party', 'gpai': true,"
	          " 'supplier_id': '%s', 'model_version': '4.1'}",
	                x),
	        model);
	new_object("/v1/ai-components",
	        J("{'kind': 'service', 'name': 'OCR API', 'supplier_id': '%s'}", x), svc);
	new_object("/v1/ai-components",
	        J("{'kind': 'dataset', 'name': 'Registry extract', 'supplier_id': '%s'}", y), ds);
	char extra[160];
	snprintf(extra, sizeof extra, "'component_ids': ['%s']", model);
	new_system("DEP-1", extra, s1); /* uses X's model */
	snprintf(extra, sizeof extra, "'sourcing': 'third_party', 'supplier_id': '%s'", x);
	json_t *s = call("POST", "/v1/ai-systems",
	        J("{'ref': 'DEP-2', 'name': 'Bought', 'intended_purpose': 'p', %s}", extra), NULL,
	        201);
	snprintf(s2, sizeof s2, "%s", str(s, "id"));
	json_decref(s);
	new_system("DEP-3", NULL, s3); /* fed by X's service through Y's dataset */
	new_system("DEP-4", NULL, s4); /* unrelated */
	json_decref(call("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'component', 'id': '%s'}, 'to': {'kind': 'component', 'id': "
	          "'%s'},"
	          " 'data_categories': ['scans']}",
	                svc, ds),
	        NULL, 201));
	json_decref(call("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'component', 'id': '%s'}, 'to': {'kind': 'system', 'id': "
	          "'%s'}}",
	                ds, s3),
	        NULL, 201));
	char *p = path_of("/v1/suppliers/%s/dependents", x);
	json_t *d = call("GET", p, NULL, NULL, 200);
	json_t *items = json_object_get(d, "items");
	ck_assert_int_eq(json_array_size(items), 3);
	ck_assert_str_eq(str(json_array_get(items, 0), "ref"), "DEP-1");
	ck_assert(json_is_false(json_object_get(json_array_get(items, 0), "direct")));
	ck_assert_str_eq(str(json_array_get(items, 1), "ref"), "DEP-2");
	ck_assert(json_is_true(json_object_get(json_array_get(items, 1), "direct")));
	ck_assert_str_eq(str(json_array_get(items, 2), "ref"), "DEP-3");
	json_decref(d);
	free(p);
	/* the same question as a filter of the registry */
	p = path_of("/v1/ai-systems?supplier_id=%s", y);
	d = call("GET", p, NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(d, "items")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(d, "items"), 0), "ref"), "DEP-3");
	json_decref(d);
	free(p);
	/* a component that is an end of a flow is not deleted */
	p = path_of("/v1/ai-components/%s", ds);
	problem("DELETE", p, NULL, "1", 409, "id");
	free(p);
	p = path_of("/v1/suppliers/%s", y);
	problem("DELETE", p, NULL, "1", 409, "id");
	free(p);
}
END_TEST

START_TEST(personal_data_flows_to_third_countries_are_listed)
{
	char sys[37], sup[37], ds[37];
	new_system("FLOW-1", NULL, sys);
	new_object("/v1/suppliers",
	        J("{'name': 'Analytics Inc', 'country': 'US', 'eu_established': false}"), sup);
	new_object("/v1/ai-components", J("{'kind': 'dataset', 'name': 'Telemetry'}"), ds);
	char out[37];
	new_object("/v1/ai-flows",
	        J("{'from': {'kind': 'system', 'id': '%s'}, 'to': {'kind': 'supplier', 'id': '%s'},"
	          " 'data_categories': ['usage logs', 'user id'], 'personal_data': true, "
	          "'leaves_eu': true,"
	          " 'destination_country': 'US'}",
	                sys, sup),
	        out);
	json_decref(call("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'component', 'id': '%s'}, 'to': {'kind': 'system', 'id': "
	          "'%s'},"
	          " 'data_categories': ['metrics'], 'leaves_eu': false}",
	                ds, sys),
	        NULL, 201));
	json_decref(call("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'system', 'id': '%s'}, 'to': {'kind': 'component', 'id': "
	          "'%s'},"
	          " 'personal_data': false, 'leaves_eu': true}",
	                sys, ds),
	        NULL, 201));
	json_t *l = call("GET", "/v1/ai-flows?personal_data=true&leaves_eu=true", NULL, NULL, 200);
	json_t *items = json_object_get(l, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	json_t *f = json_array_get(items, 0);
	ck_assert_str_eq(str(f, "id"), out);
	ck_assert_str_eq(str(json_object_get(f, "to"), "name"), "Analytics Inc");
	ck_assert_str_eq(str(f, "destination_country"), "US");
	json_decref(l);
	l = call("GET", "/v1/ai-flows?leaves_eu=true", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 2);
	json_decref(l);
	/* bad flows name the field */
	problem("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'system', 'id': '%s'}, 'to': {'kind': 'system', 'id': '%s'}}",
	                sys, sys),
	        NULL, 400, "to");
	problem("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'system', 'id': '%s'}, 'to': {'kind': 'supplier',"
	          " 'id': '00000000-0000-4000-8000-000000000000'}}",
	                sys),
	        NULL, 400, "to.id");
	problem("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'robot', 'id': '%s'}, 'to': {'kind': 'supplier', 'id': '%s'}}",
	                sys, sup),
	        NULL, 400, "from.kind");
	problem("GET", "/v1/ai-flows?leaves_eu=maybe", NULL, NULL, 400, "leaves_eu");
}
END_TEST

START_TEST(map_of_a_system_shows_its_upstream_and_downstream_as_dot)
{
	char sys[37], other[37], sup[37], model[37], svc[37];
	new_object("/v1/suppliers",
	        J("{'name': 'Model Corp', 'country': 'US', 'eu_established': false}"), sup);
	new_object("/v1/ai-components",
	        J("{'kind': 'model', 'name': 'LLM', 'origin': 'third_party', 'supplier_id': '%s'}",
	                sup),
	        model);
	new_object("/v1/ai-components",
	        J("{'kind': 'service', 'name': 'Translation', 'supplier_id': '%s'}", sup), svc);
	char extra[120];
	snprintf(extra, sizeof extra, "'component_ids': ['%s']", model);
	new_system("MAP-1", extra, sys);
	/* another customer of the same supplier: MAP-1's data reaching the supplier does not
	 * make this system part of MAP-1's map */
	snprintf(extra, sizeof extra, "'component_ids': ['%s']", svc);
	new_system("MAP-2", extra, other);
	json_decref(call("POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'system', 'id': '%s'}, 'to': {'kind': 'supplier', 'id': '%s'},"
	          " 'data_categories': ['prompts'], 'personal_data': true, 'leaves_eu': true,"
	          " 'destination_country': 'US'}",
	                sys, sup),
	        NULL, 201));
	char *p = path_of("/v1/ai-systems/%s/map", sys);
	json_t *m = call("GET", p, NULL, NULL, 200);
	json_t *nodes = json_object_get(json_object_get(m, "graph"), "nodes");
	ck_assert_int_eq(json_array_size(nodes), 3); /* the system, its model, the supplier */
	const char *dot = str(m, "dot");
	char key[64];
	snprintf(key, sizeof key, "\"s:%s\"", other);
	ck_assert_ptr_null(strstr(dot, key));
	snprintf(key, sizeof key, "\"p:%s\"", sup);
	ck_assert_ptr_nonnull(strstr(dot, key));
	ck_assert_ptr_nonnull(strstr(dot, "prompts (personal data) -> outside EU: US"));
	ck_assert_ptr_nonnull(strstr(dot, "color=\"#cc0000\""));
	json_decref(m);
	free(p);
	m = call("GET", "/v1/ai-map", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(m, "graph"), "nodes")), 5);
	json_decref(m);
}
END_TEST

/* Wait for job id to succeed; return it. */
static json_t *wait_job(const char *id)
{
	char *p = path_of("/v1/jobs/%s", id);
	bool ok = th_wait_json(p, op.token, NULL, "state", "succeeded", 60);
	json_t *j = call("GET", p, NULL, NULL, 200);
	ck_assert_msg(ok, "job %s: %s %s", id, str(j, "state"), str(j, "error"));
	free(p);
	return j;
}

static struct th_resp download(const char *artifact)
{
	char *p = path_of("/v1/artifacts/%s", artifact);
	struct th_resp r;
	th_req("GET", p, op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "download %s: %ld", artifact, r.status);
	free(p);
	return r;
}

START_TEST(map_job_renders_svg_and_dot_files)
{
	char sys[37], ds[37];
	new_object("/v1/ai-components", J("{'kind': 'dataset', 'name': 'Claims <2024>'}"), ds);
	char extra[120];
	snprintf(extra, sizeof extra, "'component_ids': ['%s']", ds);
	new_system("SVG-1", extra, sys);
	json_t *job = call("POST", "/v1/ai-maps", J("{'ai_system_id': '%s'}", sys), NULL, 202);
	ck_assert_str_eq(str(job, "type"), "ai.maps");
	json_t *done = wait_job(str(job, "id"));
	json_t *res = json_object_get(done, "result");
	ck_assert_str_eq(str(res, "scope"), "system");
	ck_assert_int_eq(json_integer_value(json_object_get(res, "nodes")), 2);
	json_t *arts = json_object_get(res, "artifacts");
	struct th_resp r = download(str(arts, "svg"));
	char *ct = th_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "image/svg+xml");
	free(ct);
	ck_assert_ptr_nonnull(strstr(r.body, "<svg"));
	ck_assert_ptr_nonnull(strstr(r.body, "Claims &lt;2024&gt;"));
	ck_assert_ptr_nonnull(strstr(r.body, "SVG&#45;1"));
	th_free(&r);
	r = download(str(arts, "dot"));
	ck_assert_ptr_nonnull(strstr(r.body, "digraph \"ai_map\""));
	th_free(&r);
	json_decref(done);
	json_decref(job);
	problem("POST", "/v1/ai-maps",
	        J("{'ai_system_id': '00000000-0000-4000-8000-000000000000'}"), NULL, 400,
	        "ai_system_id");
}
END_TEST

START_TEST(registry_versions_freeze_and_diff)
{
	char a[37], b[37];
	new_system("REG-A", NULL, a);
	json_t *v1 =
	        call("POST", "/v1/ai-registry/approve", J("{'note': 'AI register v1'}"), NULL, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(v1, "number")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(v1, "item_count")), 1);
	json_decref(v1);
	char *p = path_of("/v1/ai-systems/%s", a);
	json_decref(call(
	        "PATCH", p, J("{'intended_purpose': 'rank applicants for interviews'}"), "1", 200));
	free(p);
	new_system("REG-B", NULL, b);
	json_t *v2 =
	        call("POST", "/v1/ai-registry/approve", J("{'note': 'AI register v2'}"), NULL, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(v2, "number")), 2);
	json_decref(v2);
	json_t *d = call("GET", "/v1/ai-registry/versions/1/diff/2", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(d, "added")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(d, "added"), 0), "key"), "REG-B");
	json_t *ch = json_array_get(json_object_get(d, "changed"), 0);
	ck_assert_str_eq(str(ch, "key"), "REG-A");
	json_t *purpose = json_object_get(json_object_get(ch, "changes"), "intended_purpose");
	ck_assert_str_eq(str(purpose, "from"), "screen applications");
	ck_assert_str_eq(str(purpose, "to"), "rank applicants for interviews");
	json_decref(d);
	json_t *g = call("GET", "/v1/ai-registry/versions/1", NULL, NULL, 200);
	ck_assert(json_is_true(json_object_get(g, "integrity")));
	ck_assert_str_eq(
	        str(json_array_get(json_object_get(json_object_get(g, "content"), "items"), 0),
	                "intended_purpose"),
	        "screen applications");
	json_decref(g);
	json_t *l = call("GET", "/v1/ai-registry/versions", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 2);
	json_decref(l);
	/* the same versions through the generic baseline routes */
	l = call("GET", "/v1/baselines/ai_registry", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 2);
	json_decref(l);
}
END_TEST

START_TEST(another_tenants_objects_cannot_be_linked_or_seen)
{
	char sys[37], ds[37], ctl[37];
	new_system("ISO-1", NULL, sys);
	new_object("/v1/ai-components", J("{'kind': 'dataset', 'name': 'Private'}"), ds);
	new_object("/v1/controls", J("{'ref': 'C-1', 'title': 'Logging'}"), ctl);
	struct th_operator other;
	th_new_operator(&other);
	json_t *p = call_as(other.token, "POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'component_ids': ['%s']}",
	                ds),
	        NULL, 400);
	ck_assert_str_eq(str(p, "field"), "component_ids[0]");
	json_decref(p);
	p = call_as(other.token, "POST", "/v1/ai-systems",
	        J("{'ref': 'X', 'name': 'n', 'intended_purpose': 'p', 'sourcing': 'in_house',"
	          " 'control_ids': ['%s']}",
	                ctl),
	        NULL, 400);
	ck_assert_str_eq(str(p, "field"), "control_ids[0]");
	json_decref(p);
	char *path = path_of("/v1/ai-systems/%s", sys);
	json_decref(call_as(other.token, "GET", path, NULL, NULL, 404));
	free(path);
	p = call_as(other.token, "POST", "/v1/ai-flows",
	        J("{'from': {'kind': 'component', 'id': '%s'}, 'to': {'kind': 'system', 'id': "
	          "'%s'}}",
	                ds, sys),
	        NULL, 400);
	ck_assert_str_eq(str(p, "field"), "from.id");
	json_decref(p);
	json_t *l = call_as(other.token, "GET", "/v1/ai-systems", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	th_operator_free(&other);
}
END_TEST

START_TEST(only_untouched_design_systems_can_be_deleted)
{
	char a[37], b[37];
	new_system("DEL-1", NULL, a);
	new_system("DEL-2", NULL, b);
	char *pa = path_of("/v1/ai-systems/%s", a), *pb = path_of("/v1/ai-systems/%s", b);
	problem("DELETE", pa, NULL, NULL, 428, "If-Match");
	json_decref(call("DELETE", pa, NULL, "1", 204));
	json_decref(call("GET", pa, NULL, NULL, 404));
	int v = move(b, 1, "validation", NULL);
	v = move(b, v, "design", NULL);
	char etag[16];
	snprintf(etag, sizeof etag, "%d", v);
	problem("DELETE", pb, NULL, etag, 409, "lifecycle_stage");
	free(pa);
	free(pb);
}
END_TEST

START_TEST(registry_survives_tenant_export_and_import)
{
	char client[37], hdr[80];
	th_new_client(&op, client);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", client);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	/* a system with a supplier, a component, a flow, a use case and a classification */
	char *body = J("{'name': 'Model Corp', 'country': 'US', 'eu_established': false}");
	th_req("POST", "/v1/suppliers", op.token, body, h, &r);
	free(body);
	ck_assert_int_eq(r.status, 201);
	char sup[37];
	snprintf(sup, sizeof sup, "%s", th_str(&r, "id"));
	th_free(&r);
	body = J("{'kind': 'model', 'name': 'LLM', 'origin': 'third_party', 'gpai': true,"
	         " 'supplier_id': '%s'}",
	        sup);
	th_req("POST", "/v1/ai-components", op.token, body, h, &r);
	free(body);
	ck_assert_int_eq(r.status, 201);
	char comp[37];
	snprintf(comp, sizeof comp, "%s", th_str(&r, "id"));
	th_free(&r);
	body = J("{'ref': 'EXP-1', 'name': 'Exported', 'intended_purpose': 'p', 'sourcing': "
	         "'in_house',"
	         " 'component_ids': ['%s']}",
	        comp);
	th_req("POST", "/v1/ai-systems", op.token, body, h, &r);
	free(body);
	ck_assert_int_eq(r.status, 201);
	char sys[37], path[160];
	snprintf(sys, sizeof sys, "%s", th_str(&r, "id"));
	th_free(&r);
	snprintf(path, sizeof path, "/v1/ai-systems/%s/aiact", sys);
	body = J("{'answers': {'object': 'ai_system', 'role': 'deployer', 'annex_iii_point': "
	         "'4(a)'}}");
	th_req("PUT", path, op.token, body, h, &r);
	free(body);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	snprintf(path, sizeof path, "/v1/ai-systems/%s/use-cases", sys);
	body = J(
	        "{'title': 'Hiring', 'autonomy': 'assistive', 'affected_persons': ['applicants']}");
	th_req("POST", path, op.token, body, h, &r);
	free(body);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	body = J("{'from': {'kind': 'system', 'id': '%s'}, 'to': {'kind': 'supplier', 'id': '%s'},"
	         " 'data_categories': ['CVs'], 'personal_data': true, 'leaves_eu': true}",
	        sys, sup);
	th_req("POST", "/v1/ai-flows", op.token, body, h, &r);
	free(body);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);

	snprintf(path, sizeof path, "/v1/tenants/%s/export", client);
	th_req("POST", path, op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 202, "export: %ld %s", r.status, r.body);
	char job[37];
	snprintf(job, sizeof job, "%s", th_str(&r, "id"));
	th_free(&r);
	snprintf(path, sizeof path, "/v1/jobs/%s", job);
	ck_assert(th_wait_json(path, op.token, h, "state", "succeeded", 60));
	th_req("GET", path, op.token, NULL, h, &r);
	snprintf(path, sizeof path, "/v1/artifacts/%s",
	        json_string_value(
	                json_object_get(json_object_get(r.json, "result"), "artifact_id")));
	th_free(&r);
	th_req("GET", path, op.token, NULL, h, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *doc = json_incref(r.json);
	th_free(&r);
	json_t *tables = json_object_get(doc, "tables");
	static const char *const mine[] = {"suppliers", "ai_systems", "ai_components",
	        "ai_system_components", "ai_flows", "ai_use_cases", "aiact_results",
	        "aiact_assessments", "aiact_obligations", NULL};
	for (const char *const *t = mine; *t; t++)
		ck_assert_msg(
		        json_array_size(json_object_get(tables, *t)) > 0, "%s not exported", *t);

	json_t *imp = json_pack(
	        "{s:s, s:s, s:O}", "slug", "placeholder", "name", "Imported", "document", doc);
	char slug[64];
	snprintf(slug, sizeof slug, "imp-%s", th_unique());
	json_object_set_new(imp, "slug", json_string(slug));
	body = json_dumps(imp, JSON_COMPACT);
	json_decref(imp);
	th_req("POST", "/v1/tenants/import", op.token, body, NULL, &r);
	free(body);
	ck_assert_msg(r.status == 201, "import: %ld %s", r.status, r.body);
	char copy[37];
	snprintf(copy, sizeof copy, "%s", th_str(&r, "id"));
	th_free(&r);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", copy);
	th_req("GET", "/v1/ai-systems", op.token, NULL, h, &r);
	json_t *s = json_array_get(json_object_get(r.json, "items"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(s, "ref")), "EXP-1");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(s, "aiact"), "risk_category")),
	        "high_risk");
	snprintf(path, sizeof path, "/v1/ai-systems/%s/map",
	        json_string_value(json_object_get(s, "id")));
	th_free(&r);
	th_req("GET", path, op.token, NULL, h, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(
	        json_array_size(json_object_get(json_object_get(r.json, "graph"), "edges")), 3);
	th_free(&r);
	json_decref(doc);
}
END_TEST

static Suite *registry_suite(void)
{
	Suite *s = suite_create("ai_registry");
	TCase *tc = tcase_create("registry");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, system_is_created_read_and_updated_with_etags_and_audit);
	tcase_add_test(tc, bad_input_is_rejected_naming_the_field_and_nothing_is_written);
	tcase_add_test(tc, deployment_needs_a_release_approval_from_the_current_validation);
	tcase_add_test(tc, decommissioning_needs_a_withdrawal_record_and_is_final);
	tcase_add_test(tc, use_case_sheets_record_context_oversight_and_data);
	tcase_add_test(tc, supplier_dependency_follows_components_and_flows);
	tcase_add_test(tc, personal_data_flows_to_third_countries_are_listed);
	tcase_add_test(tc, map_of_a_system_shows_its_upstream_and_downstream_as_dot);
	tcase_add_test(tc, map_job_renders_svg_and_dot_files);
	tcase_add_test(tc, registry_versions_freeze_and_diff);
	tcase_add_test(tc, another_tenants_objects_cannot_be_linked_or_seen);
	tcase_add_test(tc, only_untouched_design_systems_can_be_deleted);
	tcase_add_test(tc, registry_survives_tenant_export_and_import);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(registry_suite)
