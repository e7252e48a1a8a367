/*
 * test_governance.c - engagement and governance over HTTP: the engagement plan with
 * derived and manual deliverable statuses, the project charter, the context register,
 * the ISMS and AIMS scopes (validation, versions, approval, diff), committees, the
 * integrated RACI (one A, at least one R, export) and objectives - every refusal naming
 * its field and writing nothing, every mutation audited.
 *
 * Each test works in a fresh client tenant of a fresh consultancy, as its operator.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static long call(const char *method, const char *path, const char *body, const char *if_match,
        struct th_resp *r)
{
	char im[64];
	const char *h[3] = {tenant_hdr, NULL, NULL};
	if (if_match) {
		snprintf(im, sizeof im, "If-Match: \"%s\"", if_match);
		h[1] = im;
	}
	th_req(method, path, op.token, body, h, r);
	return r->status;
}

static void assert_problem(struct th_resp *r, long status, const char *field)
{
	ck_assert_msg(r->status == status, "want %ld got %ld: %s", status, r->status, r->body);
	if (field)
		ck_assert_msg(th_str(r, "field") && strcmp(th_str(r, "field"), field) == 0,
		        "want field %s: %s", field, r->body);
}

/* Expect a refusal with status and field for method path body. */
static void refused(const char *method, const char *path, const char *body, const char *if_match,
        long status, const char *field)
{
	struct th_resp r;
	call(method, path, body, if_match, &r);
	assert_problem(&r, status, field);
	th_free(&r);
}

/* Expect status want; return the JSON body (new reference). */
static json_t *ok(
        const char *method, const char *path, const char *body, const char *if_match, long want)
{
	struct th_resp r;
	call(method, path, body, if_match, &r);
	ck_assert_msg(r.status == want, "%s %s: want %ld got %ld: %s", method, path, want, r.status,
	        r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
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

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The plan item `ref` of GET /v1/engagement (borrowed from plan). */
static json_t *plan_item(json_t *plan, const char *ref)
{
	static const char *const lists[] = {"activities", "deliverables", "milestones"};
	size_t i, k;
	json_t *p, *it;
	json_array_foreach(json_object_get(plan, "phases"), i, p)
	{
		for (int l = 0; l < 3; l++)
			json_array_foreach(json_object_get(p, lists[l]), k,
			        it) if (strcmp(str(it, "ref"), ref) == 0) return it;
	}
	ck_abort_msg("no plan item %s", ref);
	return NULL;
}

START_TEST(engagement_plan_has_four_phases_with_activities_deliverables_and_milestones)
{
	json_t *plan = ok("GET", "/v1/engagement", NULL, NULL, 200);
	json_t *phases = json_object_get(plan, "phases");
	ck_assert_int_eq(json_array_size(phases), 4);
	json_t *p1 = json_array_get(phases, 0);
	ck_assert_str_eq(str(p1, "title"), "Define & Establish");
	ck_assert_str_eq(str(p1, "status"), "not_started");
	ck_assert_int_eq(json_array_size(json_object_get(p1, "activities")), 8);
	ck_assert_int_eq(json_array_size(json_object_get(p1, "deliverables")), 8);
	ck_assert_int_eq(json_array_size(json_object_get(p1, "milestones")), 2);
	json_t *scopes = plan_item(plan, "P1.D2");
	ck_assert_str_eq(str(scopes, "status_source"), "derived");
	ck_assert_str_eq(str(scopes, "status"), "not_started");
	json_t *conds = json_object_get(scopes, "conditions");
	ck_assert_int_eq(json_array_size(conds), 2);
	ck_assert(json_is_false(json_object_get(json_array_get(conds, 0), "met")));
	ck_assert_str_eq(str(plan_item(plan, "P1.D8"), "status_source"), "manual");
	json_t *sum = json_object_get(plan, "deliverables");
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "total")), 21);
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "done")), 0);
	json_decref(plan);
}
END_TEST

START_TEST(a_derived_deliverable_follows_the_data_and_cannot_be_set_done_by_hand)
{
	refused("PATCH", "/v1/engagement/items/P1.D2", "{\"status\": \"done\"}", "1", 422,
	        "status");
	refused("PATCH", "/v1/engagement/items/P1.D8", "{\"status\": \"done\"}", NULL, 428,
	        "If-Match");
	refused("PATCH", "/v1/engagement/items/P1.D8", "{\"status\": \"finished\"}", "1", 400,
	        "status");
	refused("PATCH", "/v1/engagement/items/P1.D8",
	        "{\"status\": \"in_progress\", \"completed_on\": \"2026-01-01\"}", "1", 400,
	        "completed_on");
	refused("PATCH", "/v1/engagement/items/P1.D8",
	        "{\"owner_id\": \"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\"}", "1", 400, "owner_id");
	refused("PATCH", "/v1/engagement/items/P9.D1", "{\"status\": \"done\"}", "1", 404, NULL);
	refused("PATCH", "/v1/engagement/items/P1", "{\"status\": \"done\"}", "1", 404, NULL);
	ck_assert_int_eq(count_of("engagement_items", "true"), 0);
	/* a manual deliverable is set by hand, with optimistic concurrency */
	struct th_resp r;
	call("PATCH", "/v1/engagement/items/P1.D8",
	        "{\"status\": \"done\", \"note\": \"both signed\"}", "1", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(th_str(&r, "status"), "done");
	char *today = th_sql("SELECT current_date::text");
	ck_assert_str_eq(th_str(&r, "completed_on"), today);
	free(today);
	char *etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	th_free(&r);
	refused("PATCH", "/v1/engagement/items/P1.D8", "{\"note\": \"x\"}", "1", 412, "If-Match");
	ck_assert_int_eq(count_of("audit_events", "action = 'engagement.item_update'"), 1);
	/* approving both scopes makes P1.D2 done, from the data */
	json_decref(ok("PUT", "/v1/scopes/isms", "{\"entities\": [\"Acme SAS\"]}", NULL, 201));
	json_decref(ok("PUT", "/v1/scopes/aims",
	        "{\"entities\": [\"Acme SAS\"], \"ai_roles\": [\"deployer\"]}", NULL, 201));
	json_decref(ok("POST", "/v1/scopes/isms/approve", NULL, NULL, 201));
	json_t *plan = ok("GET", "/v1/engagement", NULL, NULL, 200);
	ck_assert_str_eq(str(plan_item(plan, "P1.D2"), "status"), "not_started");
	json_decref(plan);
	json_decref(ok("POST", "/v1/scopes/aims/approve", NULL, NULL, 201));
	plan = ok("GET", "/v1/engagement", NULL, NULL, 200);
	json_t *d2 = plan_item(plan, "P1.D2");
	ck_assert_str_eq(str(d2, "status"), "done");
	ck_assert(json_is_true(
	        json_object_get(json_array_get(json_object_get(d2, "conditions"), 1), "met")));
	ck_assert_str_eq(
	        str(json_array_get(json_object_get(plan, "phases"), 0), "status"), "in_progress");
	ck_assert_int_eq(json_integer_value(json_object_get(
	                         json_object_get(plan, "deliverables"), "derived_done")),
	        1);
	json_decref(plan);
}
END_TEST

START_TEST(charter_needs_a_sponsor_objectives_and_a_dated_milestone)
{
	char body[1024];
	refused("PUT", "/v1/engagement/charter",
	        "{\"title\": \"IMS\", \"objectives\": [\"certify\"], \"scope_summary\": \"all\"}",
	        NULL, 400, "sponsor_id");
	snprintf(body, sizeof body,
	        "{\"title\": \"IMS\", \"sponsor_id\": \"%s\", \"objectives\": [],"
	        " \"scope_summary\": \"s\"}",
	        op.user_id);
	refused("PUT", "/v1/engagement/charter", body, NULL, 400, "objectives");
	snprintf(body, sizeof body,
	        "{\"title\": \"IMS\", \"sponsor_id\": \"%s\", \"objectives\": [\"a\", \"\"],"
	        " \"scope_summary\": \"s\"}",
	        op.user_id);
	refused("PUT", "/v1/engagement/charter", body, NULL, 400, "objectives[1]");
	refused("PUT", "/v1/engagement/charter",
	        "{\"title\": \"IMS\", \"sponsor_id\": \"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\","
	        " \"objectives\": [\"a\"], \"scope_summary\": \"s\"}",
	        NULL, 400, "sponsor_id");
	snprintf(body, sizeof body,
	        "{\"title\": \"IMS\", \"sponsor_id\": \"%s\", \"objectives\": [\"a\"],"
	        " \"scope_summary\": \"s\", \"start_date\": \"2026-05-01\", \"target_date\":"
	        " \"2026-04-01\"}",
	        op.user_id);
	refused("PUT", "/v1/engagement/charter", body, NULL, 400, "target_date");
	refused("GET", "/v1/engagement/charter", NULL, NULL, 404, NULL);
	ck_assert_int_eq(count_of("project_charters", "true"), 0);
	snprintf(body, sizeof body,
	        "{\"title\": \"Integrated ISMS + AIMS\", \"sponsor_id\": \"%s\","
	        " \"objectives\": [\"ISO/IEC 27001 certification\", \"ISO/IEC 42001"
	        " certification\"],"
	        " \"scope_summary\": \"SaaS platform and its AI features\","
	        " \"start_date\": \"2026-01-05\", \"target_date\": \"2026-04-30\"}",
	        op.user_id);
	json_t *c = ok("PUT", "/v1/engagement/charter", body, NULL, 201);
	ck_assert_str_eq(str(c, "sponsor_name"), "Administrator");
	ck_assert_str_eq(str(json_object_get(c, "approval"), "status"), "draft");
	json_decref(c);
	refused("POST", "/v1/engagement/charter/approve", NULL, NULL, 422, "milestones");
	json_decref(ok(
	        "PATCH", "/v1/engagement/items/P1.M2", "{\"due_date\": \"2026-02-27\"}", "1", 200));
	json_t *b = ok("POST", "/v1/engagement/charter/approve",
	        "{\"note\": \"steering committee\"}", NULL, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(b, "number")), 1);
	json_decref(b);
	c = ok("GET", "/v1/engagement/charter", NULL, NULL, 200);
	ck_assert_str_eq(str(json_object_get(c, "approval"), "status"), "approved");
	json_decref(c);
	/* a change after approval is visible, and needs the ETag */
	refused("PUT", "/v1/engagement/charter", body, NULL, 428, "If-Match");
	json_t *v1 = json_loads(body, 0, NULL);
	json_object_set_new(
	        v1, "scope_summary", json_string("SaaS platform, AI features, support"));
	char *changed = json_dumps(v1, 0);
	json_decref(v1);
	json_decref(ok("PUT", "/v1/engagement/charter", changed, "1", 200));
	free(changed);
	c = ok("GET", "/v1/engagement/charter", NULL, NULL, 200);
	ck_assert_str_eq(str(json_object_get(c, "approval"), "status"), "changed_since_approval");
	json_decref(c);
	ck_assert_int_eq(count_of("audit_events", "entity_type = 'charter'"), 2);
	ck_assert_int_eq(count_of("audit_events", "action = 'charter.approve'"), 1);
}
END_TEST

START_TEST(context_register_names_fields_and_approves_issues_and_parties)
{
	refused("POST", "/v1/context/issues", "{\"title\": \"Market pressure\"}", NULL, 400,
	        "kind");
	refused("POST", "/v1/context/issues", "{\"kind\": \"internl\", \"title\": \"x\"}", NULL,
	        400, "kind");
	refused("POST", "/v1/context/parties",
	        "{\"name\": \"Customers\", \"category\": \"customer\", \"requirements\":"
	        " [{\"source\":"
	        " \"contract\"}]}",
	        NULL, 400, "requirements[0].requirement");
	refused("POST", "/v1/context/parties", "{\"name\": \"Gov\", \"category\": \"government\"}",
	        NULL, 400, "category");
	refused("POST", "/v1/context/approve", NULL, NULL, 422, "issues");
	ck_assert_int_eq(
	        count_of("context_issues", "true") + count_of("interested_parties", "true"), 0);
	json_t *i = ok("POST", "/v1/context/issues",
	        "{\"kind\": \"internal\", \"title\": \"Small security team\", \"applies_to\":"
	        " \"isms\"}",
	        NULL, 201);
	char id[37], path[96];
	snprintf(id, sizeof id, "%s", str(i, "id"));
	json_decref(i);
	refused("POST", "/v1/context/approve", NULL, NULL, 422, "issues");
	json_decref(ok("POST", "/v1/context/issues",
	        "{\"kind\": \"external\", \"title\": \"EU AI Act obligations\", \"applies_to\":"
	        " \"aims\"}",
	        NULL, 201));
	refused("POST", "/v1/context/approve", NULL, NULL, 422, "parties");
	json_t *party = ok("POST", "/v1/context/parties",
	        "{\"name\": \"Enterprise customers\", \"category\": \"customer\", \"requirements\":"
	        " [{\"requirement\": \"ISO/IEC 27001 certificate\", \"source\": \"tenders\","
	        " \"addressed_by\": \"ISMS scope\"}]}",
	        NULL, 201);
	char ppath[96];
	snprintf(ppath, sizeof ppath, "/v1/context/parties/%s", str(party, "id"));
	json_decref(party);
	refused("PATCH", ppath, "{\"requirements\": [{\"requirement\": \"\"}]}", "1", 400,
	        "requirements[0].requirement");
	json_t *b = ok("POST", "/v1/context/approve", NULL, NULL, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(b, "item_count")), 3);
	json_decref(b);
	json_t *c = ok("GET", "/v1/context", NULL, NULL, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "requirements")), 1);
	ck_assert_str_eq(str(json_object_get(c, "approval"), "status"), "approved");
	json_decref(c);
	snprintf(path, sizeof path, "/v1/context/issues/%s", id);
	refused("PATCH", path, "{\"title\": \"x\"}", "7", 412, "If-Match");
	json_decref(ok("PATCH", path, "{\"title\": \"Security team of two\"}", "1", 200));
	c = ok("GET", "/v1/context", NULL, NULL, 200);
	ck_assert_str_eq(str(json_object_get(c, "approval"), "status"), "changed_since_approval");
	json_decref(c);
	c = ok("GET", "/v1/context/issues?kind=external", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(c, "items")), 1);
	json_decref(c);
	json_decref(ok("DELETE", path, NULL, "2", 204));
	party = ok("PATCH", ppath,
	        "{\"requirements\": [{\"requirement\": \"ISO/IEC 27001 certificate\"},"
	        " {\"requirement\": \"EU data residency\", \"source\": \"DPA\"}]}",
	        "1", 200);
	ck_assert_int_eq(json_array_size(json_object_get(party, "requirements")), 2);
	json_decref(party);
	ck_assert_int_eq(
	        count_of("audit_events", "entity_type IN ('context_issue', 'interested_party')"),
	        6);
}
END_TEST

START_TEST(scopes_validate_exclusions_and_ai_roles_and_are_versioned)
{
	refused("PUT", "/v1/scopes/isms",
	        "{\"entities\": [\"Acme\"], \"exclusions\": [{\"item\": \"Payroll\"}]}", NULL, 400,
	        "exclusions[0].justification");
	refused("PUT", "/v1/scopes/isms",
	        "{\"entities\": [\"Acme\"], \"ai_roles\": [\"provider\"]}", NULL, 400, "ai_roles");
	refused("PUT", "/v1/scopes/aims", "{\"ai_roles\": [\"provider\", \"overlord\"]}", NULL, 400,
	        "ai_roles[1]");
	refused("PUT", "/v1/scopes/isms", "{\"entities\": [\"Acme\", \"Acme\"]}", NULL, 400,
	        "entities[1]");
	refused("PUT", "/v1/scopes/other", "{}", NULL, 404, NULL);
	ck_assert_int_eq(count_of("scopes", "true"), 0);
	json_decref(ok("PUT", "/v1/scopes/aims",
	        "{\"description\": \"AI features of the platform\", \"entities\": [\"Acme SAS\"],"
	        " \"products\": [\"Acme Assist\"], \"exclusions\": [{\"item\": \"Internal R&D"
	        " models\","
	        " \"justification\": \"not deployed, no users\"}]}",
	        NULL, 201));
	refused("POST", "/v1/scopes/aims/approve", NULL, NULL, 422, "ai_roles");
	json_decref(ok("PUT", "/v1/scopes/aims",
	        "{\"entities\": [\"Acme SAS\"], \"products\": [\"Acme Assist\"],"
	        " \"ai_roles\": [\"deployer\"]}",
	        "1", 200));
	json_t *b = ok("POST", "/v1/scopes/aims/approve", NULL, NULL, 201);
	ck_assert_int_eq(json_integer_value(json_object_get(b, "number")), 1);
	json_decref(b);
	json_t *s = ok("GET", "/v1/scopes/aims", NULL, NULL, 200);
	ck_assert_str_eq(str(json_object_get(s, "approval"), "status"), "approved");
	json_decref(s);
	json_decref(ok("PUT", "/v1/scopes/aims",
	        "{\"entities\": [\"Acme SAS\"], \"products\": [\"Acme Assist\"],"
	        " \"ai_roles\": [\"deployer\", \"provider\"]}",
	        "2", 200));
	s = ok("GET", "/v1/scopes/aims", NULL, NULL, 200);
	ck_assert_str_eq(str(json_object_get(s, "approval"), "status"), "changed_since_approval");
	json_decref(s);
	json_decref(ok("POST", "/v1/scopes/aims/approve", NULL, NULL, 201));
	json_t *d = ok("GET", "/v1/baselines/scope:aims/1/diff/2", NULL, NULL, 200);
	json_t *changed = json_object_get(d, "changed");
	ck_assert_int_eq(json_array_size(changed), 1);
	ck_assert_str_eq(str(json_array_get(changed, 0), "key"), "ai_roles");
	json_decref(d);
	ck_assert_int_eq(count_of("audit_events", "action = 'scope.approve'"), 2);
}
END_TEST

START_TEST(committees_have_one_chair_and_members_of_the_tenant)
{
	refused("POST", "/v1/committees",
	        "{\"name\": \"Steering\", \"remit\": \"decide\", \"cadence\": \"sometimes\"}", NULL,
	        400, "cadence");
	refused("POST", "/v1/committees",
	        "{\"name\": \"Steering\", \"remit\": \"decide\", \"cadence\": \"monthly\","
	        " \"members\":"
	        " [{\"name\": \"A\", \"chair\": true}, {\"name\": \"B\", \"chair\": true}]}",
	        NULL, 422, "members");
	refused("POST", "/v1/committees",
	        "{\"name\": \"Steering\", \"remit\": \"decide\", \"cadence\": \"monthly\","
	        " \"members\":"
	        " [{\"user_id\": \"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\"}]}",
	        NULL, 400, "members[0].user_id");
	refused("POST", "/v1/committees",
	        "{\"name\": \"Steering\", \"remit\": \"decide\", \"cadence\": \"monthly\","
	        " \"members\":"
	        " [{\"function\": \"secretary\"}]}",
	        NULL, 400, "members[0].name");
	ck_assert_int_eq(count_of("committees", "true"), 0);
	char body[1024];
	snprintf(body, sizeof body,
	        "{\"name\": \"Security & AI steering committee\", \"remit\": \"arbitrates risks and"
	        " resources\", \"cadence\": \"monthly\", \"members\": [{\"user_id\": \"%s\","
	        " \"function\":"
	        " \"ISMS owner\", \"chair\": true}, {\"name\": \"External DPO\", \"function\":"
	        " \"DPO\"}]}",
	        op.user_id);
	json_t *c = ok("POST", "/v1/committees", body, NULL, 201);
	json_t *m = json_object_get(c, "members");
	ck_assert_int_eq(json_array_size(m), 2);
	ck_assert_str_eq(str(json_array_get(m, 0), "name"), "Administrator");
	ck_assert(json_is_true(json_object_get(json_array_get(m, 0), "chair")));
	char path[96];
	snprintf(path, sizeof path, "/v1/committees/%s", str(c, "id"));
	json_decref(c);
	c = ok("PATCH", path, "{\"members\": [{\"name\": \"External DPO\", \"chair\": true}]}", "1",
	        200);
	ck_assert_int_eq(json_array_size(json_object_get(c, "members")), 1);
	json_decref(c);
	ck_assert_int_eq(count_of("committee_members", "true"), 1);
	ck_assert_int_eq(count_of("audit_events", "entity_type = 'committee'"), 2);
}
END_TEST

#define RACI_ROLES                                                                                 \
	"\"roles\": [{\"key\": \"sponsor\", \"name\": \"Sponsor\", \"platform_role\": "            \
	"\"sponsor\"},"                                                                            \
	" {\"key\": \"isms\", \"name\": \"ISMS Owner\"}, {\"key\": \"aims\", \"name\": \"AIMS "    \
	"Owner\"},"                                                                                \
	" {\"key\": \"dpo\", \"name\": \"DPO\"}]"

START_TEST(raci_needs_exactly_one_accountable_and_a_responsible_per_activity)
{
	refused("PUT", "/v1/raci",
	        "{" RACI_ROLES ", \"activities\": [{\"key\": \"scope\", \"name\": \"Define the"
	        " scopes\","
	        " \"assignments\": {\"sponsor\": \"A\", \"isms\": \"A\", \"aims\": \"R\"}}]}",
	        NULL, 422, "activities[0].assignments");
	refused("PUT", "/v1/raci",
	        "{" RACI_ROLES ", \"activities\": [{\"key\": \"scope\", \"name\": \"Define the"
	        " scopes\","
	        " \"assignments\": {\"sponsor\": \"A\", \"isms\": \"R\"}}, {\"key\": \"dpia\","
	        " \"name\":"
	        " \"Impact assessments\", \"assignments\": {\"aims\": \"A\", \"dpo\": \"C\"}}]}",
	        NULL, 422, "activities[1].assignments");
	refused("PUT", "/v1/raci",
	        "{" RACI_ROLES ", \"activities\": [{\"key\": \"scope\", \"name\": \"Define the"
	        " scopes\","
	        " \"assignments\": {\"ciso\": \"A\"}}]}",
	        NULL, 400, "activities[0].assignments.ciso");
	refused("GET", "/v1/raci", NULL, NULL, 404, NULL);
	ck_assert_int_eq(count_of("raci_matrices", "true"), 0);
	json_t *v = ok("POST", "/v1/raci/validate",
	        "{" RACI_ROLES ", \"activities\": [{\"key\": \"a\", \"name\": \"A\","
	        " \"assignments\":"
	        " {\"dpo\": \"C\"}}]}",
	        NULL, 200);
	ck_assert(json_is_false(json_object_get(v, "valid")));
	ck_assert_int_eq(json_array_size(json_object_get(v, "problems")), 2);
	json_decref(v);
	static const char good[] =
	        "{" RACI_ROLES ", \"activities\": [{\"key\": \"scope\", \"name\": \"Define the"
	        " scopes\","
	        " \"phase\": 1, \"assignments\": {\"sponsor\": \"A\", \"isms\": \"R\", \"aims\":"
	        " \"R\","
	        " \"dpo\": \"C\"}}, {\"key\": \"ai-policy\", \"name\": \"Write the AI policy\","
	        " \"phase\": 1,"
	        " \"assignments\": {\"aims\": \"AR\", \"dpo\": \"I\"}}]}";
	json_t *m = ok("PUT", "/v1/raci", good, NULL, 201);
	ck_assert_str_eq(str(json_object_get(m, "approval"), "status"), "draft");
	json_decref(m);
	refused("PUT", "/v1/raci", good, NULL, 428, "If-Match");
	refused("PUT", "/v1/raci", good, "2", 412, "If-Match");
	json_decref(ok("PUT", "/v1/raci", good, "1", 200));
	json_decref(ok("POST", "/v1/raci/approve", NULL, NULL, 201));
	m = ok("GET", "/v1/raci", NULL, NULL, 200);
	ck_assert_str_eq(str(json_object_get(m, "approval"), "status"), "approved");
	json_decref(m);
	struct th_resp r;
	call("GET", "/v1/raci/export", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char *ct = th_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "text/csv; charset=utf-8");
	free(ct);
	ck_assert_str_eq(r.body, "Activity,Phase,Sponsor,ISMS Owner,AIMS Owner,DPO\r\n"
	                         "Define the scopes,1,A,R,R,C\r\n"
	                         "Write the AI policy,1,,,AR,I\r\n");
	th_free(&r);
	ck_assert_int_eq(count_of("audit_events",
	                         "action IN ('raci.create', 'raci.update', 'raci.approve')"),
	        3);
}
END_TEST

START_TEST(objectives_are_measurable_owned_dated_and_linked_to_kpis)
{
	char body[1024];
	refused("POST", "/v1/objectives",
	        "{\"title\": \"Certify\", \"measure\": \"certificate\", \"due_date\":"
	        " \"2026-12-31\"}",
	        NULL, 400, "owner_id");
	snprintf(body, sizeof body,
	        "{\"title\": \"Certify\", \"measure\": \"certificate\", \"owner_id\": \"%s\"}",
	        op.user_id);
	refused("POST", "/v1/objectives", body, NULL, 400, "due_date");
	snprintf(body, sizeof body,
	        "{\"title\": \"Certify\", \"owner_id\": \"%s\", \"due_date\": \"2026-12-31\"}",
	        op.user_id);
	refused("POST", "/v1/objectives", body, NULL, 400, "measure");
	snprintf(body, sizeof body,
	        "{\"title\": \"Certify\", \"measure\": \"m\", \"owner_id\": \"%s\", \"due_date\":"
	        " \"2026-12-31\", \"kpi_ids\": [\"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\"]}",
	        op.user_id);
	refused("POST", "/v1/objectives", body, NULL, 400, "kpi_ids[0]");
	ck_assert_int_eq(count_of("objectives", "true"), 0);
	snprintf(body, sizeof body,
	        "{\"name\": \"Critical patches applied within 14 days\", \"definition\": \"share of"
	        " critical patches applied within 14 days of release\", \"unit\": \"%%\","
	        " \"direction\":"
	        " \"higher_better\", \"target\": 95, \"warning_threshold\": 90,"
	        " \"critical_threshold\": 80,"
	        " \"frequency\": \"monthly\", \"owner_id\": \"%s\", \"source\": \"patch management"
	        " tool\"}",
	        op.user_id);
	json_t *k = ok("POST", "/v1/kpis", body, NULL, 201);
	snprintf(body, sizeof body,
	        "{\"title\": \"Keep systems patched\", \"measure\": \"KPI-001 at or above 95%%\","
	        " \"owner_id\": \"%s\", \"due_date\": \"2026-12-31\", \"applies_to\": \"isms\","
	        " \"kpi_ids\": [\"%s\"]}",
	        op.user_id, str(k, "id"));
	json_t *o = ok("POST", "/v1/objectives", body, NULL, 201);
	ck_assert_str_eq(str(o, "ref"), "OBJ-001");
	ck_assert_str_eq(str(json_array_get(json_object_get(o, "kpis"), 0), "id"), str(k, "id"));
	char path[96];
	snprintf(path, sizeof path, "/v1/objectives/%s", str(o, "id"));
	json_decref(o);
	o = ok("PATCH", path, "{\"status\": \"at_risk\"}", "1", 200);
	ck_assert_str_eq(str(o, "status"), "at_risk");
	json_decref(o);
	o = ok("GET", "/v1/objectives?status=at_risk", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);
	json_decref(k);
	ck_assert_int_eq(count_of("audit_events", "entity_type = 'objective'"), 2);
}
END_TEST

static Suite *governance_suite(void)
{
	Suite *s = suite_create("governance");
	TCase *tc = tcase_create("governance");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(
	        tc, engagement_plan_has_four_phases_with_activities_deliverables_and_milestones);
	tcase_add_test(tc, a_derived_deliverable_follows_the_data_and_cannot_be_set_done_by_hand);
	tcase_add_test(tc, charter_needs_a_sponsor_objectives_and_a_dated_milestone);
	tcase_add_test(tc, context_register_names_fields_and_approves_issues_and_parties);
	tcase_add_test(tc, scopes_validate_exclusions_and_ai_roles_and_are_versioned);
	tcase_add_test(tc, committees_have_one_chair_and_members_of_the_tenant);
	tcase_add_test(tc, raci_needs_exactly_one_accountable_and_a_responsible_per_activity);
	tcase_add_test(tc, objectives_are_measurable_owned_dated_and_linked_to_kpis);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(governance_suite)
