/*
 * test_documents.c - the register of documented information and the evidence catalog,
 * over HTTP against real PostgreSQL: validation naming the field with nothing written,
 * the approval lifecycle (who approved which version, the next review, changed content
 * voiding an approval, the immutable history), deletion refused for approved or linked
 * items, evidence links to controls and documents with the control showing both, list
 * filters and pagination, the policies deliverable (P1.D6) derived from approved
 * policies, the documented-information checklist (documents, evidence, records Concord
 * keeps, the SoA's exclusions), the permission to approve, and audit events for every
 * mutation.
 *
 * Bodies use single quotes, turned into double quotes by J().
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

#define J th_j
#define P th_p

static json_t *call_as(
        const char *tok, const char *method, char *path, char *body, const char *etag, long want)
{
	return th_call(tok, method, path, body, etag, want);
}

static json_t *call(const char *method, char *path, char *body, const char *etag, long want)
{
	return th_call(op.token, method, path, body, etag, want);
}

static void problem(const char *method, char *path, char *body, const char *etag, long status,
        const char *field)
{
	th_problem(op.token, method, path, body, etag, status, field);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long long num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

#define count_sql th_count

static void new_object(const char *path, char *body, char id[37])
{
	json_t *o = call("POST", strdup(path), body, NULL, 201);
	snprintf(id, 37, "%s", str(o, "id"));
	json_decref(o);
}

static long long docs(void)
{
	return count_sql("SELECT count(*) FROM documents WHERE tenant_id = $1", op.tenant_id, NULL);
}

static long long audits(const char *action)
{
	return count_sql("SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = $2",
	        op.tenant_id, action, NULL);
}

/* ---------------------------------------------------------------------- tests */

START_TEST(bad_documents_are_refused_naming_the_field_and_nothing_is_written)
{
	problem("POST", P("/v1/documents"), J("{'kind': 'policy', 'title': 'IS policy'}"), NULL,
	        400, "ref");
	problem("POST", P("/v1/documents"), J("{'ref': 'POL-1', 'kind': 'memo', 'title': 't'}"),
	        NULL, 400, "kind");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'colour': 'red'}"), NULL, 400,
	        "colour");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'content_sha256': 'abc'}"),
	        NULL, 400, "content_sha256");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'review_months': 0}"), NULL,
	        400, "review_months");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'requirements':"
	          " ['iso27001-2022:5.2', '5.2']}"),
	        NULL, 400, "requirements[1]");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'requirements':"
	          " ['iso27001-2022:5.2', 'iso27001-2022:99.9']}"),
	        NULL, 400, "requirements[1]");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'control_ids':"
	          " ['00000000-0000-4000-8000-000000000000']}"),
	        NULL, 400, "control_ids[0]");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'control_ids': ['x']}"), NULL,
	        400, "control_ids[0]");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'owner_id':"
	          " '00000000-0000-4000-8000-000000000000'}"),
	        NULL, 400, "owner_id");
	problem("POST", P("/v1/documents"),
	        J("{'ref': 'POL-1', 'kind': 'policy', 'title': 't', 'status': 'approved'}"), NULL,
	        422, "status");
	problem("GET", P("/v1/documents?kind=memo"), NULL, NULL, 400, "kind");
	problem("GET", P("/v1/documents?review_due=soon"), NULL, NULL, 400, "review_due");
	problem("GET", P("/v1/documents?sort=ref"), NULL, NULL, 400, "sort");
	ck_assert_int_eq(docs(), 0);
	ck_assert_int_eq(audits("document.create"), 0);
	/* the same ref twice: the second is refused and names it */
	char id[37];
	new_object(
	        "/v1/documents", J("{'ref': 'POL-1', 'kind': 'policy', 'title': 'IS policy'}"), id);
	problem("POST", P("/v1/documents"), J("{'ref': 'POL-1', 'kind': 'policy', 'title': 'x'}"),
	        NULL, 409, "ref");
	ck_assert_int_eq(docs(), 1);
	ck_assert_int_eq(audits("document.create"), 1);
}
END_TEST

START_TEST(approval_records_who_approved_which_version_and_changed_content_voids_it)
{
	char id[37];
	new_object("/v1/documents",
	        J("{'ref': 'POL-IS', 'kind': 'policy', 'title': 'Information security policy',"
	          " 'doc_version': '1.0', 'owner_id': '%s', 'requirements': ['iso27001-2022:5.2']}",
	                op.user_id),
	        id);
	/* nothing to approve until the content is somewhere an auditor can read it */
	problem("POST", P("/v1/documents/%s/approve", id), NULL, NULL, 428, "If-Match");
	problem("POST", P("/v1/documents/%s/approve", id), NULL, "1", 422, "location");
	json_t *d = call("PATCH", P("/v1/documents/%s", id),
	        J("{'location': 'https://docs.example/pol-is-1.0.pdf', 'content_sha256': '%064d',"
	          " 'status': 'in_review'}",
	                7),
	        "1", 200);
	ck_assert_str_eq(str(d, "status"), "in_review");
	json_decref(d);
	problem("POST", P("/v1/documents/%s/approve", id), J("{'note': 'x'}"), "1", 412,
	        "If-Match");
	d = call("POST", P("/v1/documents/%s/approve", id), J("{'note': 'board minute 12'}"), "2",
	        200);
	ck_assert_str_eq(str(d, "status"), "approved");
	ck_assert_str_eq(str(d, "approved_by"), op.user_id);
	char *next = th_sql("SELECT (current_date + interval '12 months')::date::text");
	ck_assert_str_eq(str(d, "next_review_on"), next);
	free(next);
	ck_assert(json_is_false(json_object_get(d, "review_due")));
	ck_assert_int_eq(num(d, "approvals"), 1);
	json_decref(d);
	problem("POST", P("/v1/documents/%s/approve", id), NULL, "3", 422, "status");
	/* a change that is not content keeps the approval */
	d = call("PATCH", P("/v1/documents/%s", id), J("{'classification': 'public'}"), "3", 200);
	ck_assert_str_eq(str(d, "status"), "approved");
	json_decref(d);
	/* the same requirements in another order are not a change either */
	d = call("PATCH", P("/v1/documents/%s", id),
	        J("{'requirements': ['iso27001-2022:5.2', 'iso27001-2022:5.2']}"), "4", 200);
	ck_assert_str_eq(str(d, "status"), "approved");
	json_decref(d);
	/* a new version of the content returns it to draft */
	d = call("PATCH", P("/v1/documents/%s", id),
	        J("{'doc_version': '1.1', 'location': 'https://docs.example/pol-is-1.1.pdf'}"), "5",
	        200);
	ck_assert_str_eq(str(d, "status"), "draft");
	ck_assert(json_is_null(json_object_get(d, "approved_at")));
	ck_assert(json_is_null(json_object_get(d, "next_review_on")));
	json_decref(d);
	problem("PATCH", P("/v1/documents/%s", id), J("{'status': 'approved'}"), "6", 422,
	        "status");
	json_decref(call("POST", P("/v1/documents/%s/approve", id), NULL, "6", 200));
	/* the history keeps both approvals, newest first, with what each one covered */
	json_t *h = call("GET", P("/v1/documents/%s/approvals", id), NULL, NULL, 200);
	json_t *items = json_object_get(h, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_str_eq(str(json_array_get(items, 0), "doc_version"), "1.1");
	ck_assert_str_eq(str(json_array_get(items, 1), "doc_version"), "1.0");
	ck_assert_str_eq(str(json_array_get(items, 1), "note"), "board minute 12");
	ck_assert_int_eq(strlen(str(json_array_get(items, 1), "content_sha256")), 64);
	json_decref(h);
	/* the history cannot be rewritten by the application role */
	ck_assert_int_eq(
	        count_sql("SELECT count(*) FROM information_schema.role_table_grants"
	                  " WHERE grantee = 'concord_app' AND table_name ="
	                  " 'document_approvals' AND privilege_type IN ('UPDATE', 'DELETE')",
	                NULL),
	        0);
	/* a review that fell due shows in the list filter */
	free(th_sqlp(
	        "UPDATE documents SET next_review_on = current_date - 1 WHERE id = $1", id, NULL));
	json_t *l = call("GET", P("/v1/documents?review_due=true"), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 1);
	ck_assert(json_is_true(
	        json_object_get(json_array_get(json_object_get(l, "items"), 0), "review_due")));
	json_decref(l);
	ck_assert_int_eq(audits("document.approve"), 2);
	ck_assert_int_eq(audits("document.update"), 4);
}
END_TEST

START_TEST(only_approvers_approve_and_contributors_maintain)
{
	char id[37], email[128];
	new_object("/v1/documents",
	        J("{'ref': 'PRC-1', 'kind': 'procedure', 'title': 'Access review procedure',"
	          " 'location': 'https://docs.example/prc-1'}"),
	        id);
	char *contrib = th_new_user(&op, op.tenant_id, "contributor", email, sizeof email);
	json_t *d = call_as(contrib, "PATCH", P("/v1/documents/%s", id),
	        J("{'summary': 'quarterly review of privileged accounts'}"), "1", 200);
	json_decref(d);
	json_decref(call_as(contrib, "POST", P("/v1/documents/%s/approve", id), NULL, "2", 403));
	char *auditor = th_new_user(&op, op.tenant_id, "auditor", email, sizeof email);
	json_decref(call_as(auditor, "GET", P("/v1/documents/%s", id), NULL, NULL, 200));
	json_decref(call_as(
	        auditor, "PATCH", P("/v1/documents/%s", id), J("{'summary': 'x'}"), "2", 403));
	char *sponsor = th_new_user(&op, op.tenant_id, "sponsor", email, sizeof email);
	d = call_as(sponsor, "POST", P("/v1/documents/%s/approve", id), NULL, "2", 200);
	ck_assert_str_eq(str(d, "status"), "approved");
	json_decref(d);
	free(contrib);
	free(auditor);
	free(sponsor);
}
END_TEST

START_TEST(evidence_links_controls_and_documents_and_the_control_shows_them)
{
	char ctl[37], doc[37], e1[37], e2[37], e3[37];
	new_object("/v1/controls",
	        J("{'ref': 'CTL-LOG', 'title': 'Logging', 'requirements': "
	          "['iso27001-2022:A.8.15']}"),
	        ctl);
	new_object("/v1/documents",
	        J("{'ref': 'PRC-LOG', 'kind': 'procedure', 'title': 'Logging procedure',"
	          " 'control_ids': ['%s']}",
	                ctl),
	        doc);
	/* bad evidence: the field is named, nothing is written */
	problem("POST", P("/v1/evidence"),
	        J("{'title': 'SIEM export', 'kind': 'log', 'collected_on': '2026-11-01'}"), NULL,
	        400, "location");
	problem("POST", P("/v1/evidence"),
	        J("{'title': 'SIEM export', 'kind': 'log', 'location': 's3://ev/1',"
	          " 'collected_on': '2026-11-01', 'valid_until': '2026-10-01'}"),
	        NULL, 400, "valid_until");
	problem("POST", P("/v1/evidence"),
	        J("{'title': 'SIEM export', 'kind': 'log', 'location': 's3://ev/1',"
	          " 'collected_on': '2026-11-01', 'document_id': '00000000-0000-4000-8000-"
	          "000000000000'}"),
	        NULL, 400, "document_id");
	problem("POST", P("/v1/evidence"),
	        J("{'title': 'SIEM export', 'kind': 'log', 'location': 's3://ev/1',"
	          " 'collected_on': '2026-13-01'}"),
	        NULL, 400, "collected_on");
	problem("POST", P("/v1/evidence"),
	        J("{'title': 'SIEM export', 'kind': 'log', 'location': 's3://ev/1',"
	          " 'collected_on': '2026-11-01', 'control_ids': ['%s',"
	          " '00000000-0000-4000-8000-000000000000']}",
	                ctl),
	        NULL, 400, "control_ids[1]");
	ck_assert_int_eq(
	        count_sql("SELECT count(*) FROM evidence WHERE tenant_id = $1", op.tenant_id, NULL),
	        0);
	new_object("/v1/evidence",
	        J("{'title': 'SIEM retention settings', 'kind': 'configuration', 'location':"
	          " 's3://ev/siem.json', 'sha256': '%064d', 'source': 'SIEM', 'collected_on':"
	          " '2026-11-01', 'control_ids': ['%s'], 'document_id': '%s', 'requirements':"
	          " ['iso27001-2022:A.8.15']}",
	                1, ctl, doc),
	        e1);
	new_object("/v1/evidence",
	        J("{'title': 'Log review record October', 'kind': 'record', 'location':"
	          " 's3://ev/review-10.pdf', 'collected_on': '2026-10-31', 'control_ids': ['%s']}",
	                ctl),
	        e2);
	new_object("/v1/evidence",
	        J("{'title': 'Pen test 2024', 'kind': 'report', 'location': 's3://ev/pt-2024.pdf',"
	          " 'collected_on': '2024-03-01', 'valid_until': '2025-03-01'}"),
	        e3);
	json_t *v = call("GET", P("/v1/evidence/%s", e1), NULL, NULL, 200);
	ck_assert_str_eq(str(json_object_get(v, "document"), "ref"), "PRC-LOG");
	ck_assert_str_eq(str(json_array_get(json_object_get(v, "controls"), 0), "ref"), "CTL-LOG");
	ck_assert_str_eq(str(v, "collected_by"), op.user_id);
	ck_assert(json_is_true(json_object_get(v, "current")));
	json_decref(v);
	/* the control shows the document that governs it and the evidence that it operates */
	json_t *c = call("GET", P("/v1/controls/%s", ctl), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(c, "documents")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(c, "documents"), 0), "ref"), "PRC-LOG");
	ck_assert_int_eq(json_array_size(json_object_get(c, "evidence")), 2);
	ck_assert_str_eq(str(json_array_get(json_object_get(c, "evidence"), 0), "id"), e1);
	json_decref(c);
	/* the document lists its records */
	json_t *d = call("GET", P("/v1/documents/%s", doc), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(d, "evidence")), 1);
	ck_assert_int_eq(num(json_object_get(d, "linked_from"), "evidence"), 1);
	json_decref(d);
	/* filters */
	json_t *l = call("GET", P("/v1/evidence?control_id=%s", ctl), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 2);
	json_decref(l);
	l = call("GET", P("/v1/evidence?current=false"), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(l, "items"), 0), "id"), e3);
	json_decref(l);
	l = call("GET", P("/v1/evidence?requirement=iso27001-2022:A.8.15"), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 1);
	json_decref(l);
	problem("GET", P("/v1/evidence?current=maybe"), NULL, NULL, 400, "current");
	/* pages: newest first, two then one, no repeats */
	l = call("GET", P("/v1/evidence?limit=2"), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 2);
	ck_assert_str_eq(str(json_array_get(json_object_get(l, "items"), 0), "id"), e1);
	ck_assert_str_eq(str(json_array_get(json_object_get(l, "items"), 1), "id"), e2);
	const char *cur = str(l, "next");
	ck_assert_ptr_nonnull(cur);
	json_t *l2 = call("GET", P("/v1/evidence?limit=2&cursor=%s", cur), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l2, "items")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(l2, "items"), 0), "id"), e3);
	ck_assert(json_is_null(json_object_get(l2, "next")));
	json_decref(l2);
	json_decref(l);
	/* linked items are not deleted; unlinked ones are */
	problem("DELETE", P("/v1/evidence/%s", e2), NULL, "1", 409, "id");
	problem("DELETE", P("/v1/documents/%s", doc), NULL, "1", 409, "id");
	json_decref(call("PATCH", P("/v1/evidence/%s", e2), J("{'control_ids': []}"), "1", 200));
	json_decref(call("DELETE", P("/v1/evidence/%s", e2), NULL, "2", 204));
	json_decref(call("DELETE", P("/v1/evidence/%s", e3), NULL, "1", 204));
	ck_assert_int_eq(audits("evidence.create"), 3);
	ck_assert_int_eq(audits("evidence.delete"), 2);
}
END_TEST

START_TEST(a_never_approved_unlinked_document_is_deleted_an_approved_one_is_retired)
{
	char draft[37], pol[37];
	new_object(
	        "/v1/documents", J("{'ref': 'TMP', 'kind': 'other', 'title': 'Scratch'}"), draft);
	json_decref(call("DELETE", P("/v1/documents/%s", draft), NULL, "1", 204));
	new_object("/v1/documents",
	        J("{'ref': 'POL-AC', 'kind': 'policy', 'title': 'Access control policy',"
	          " 'location': 'https://docs.example/ac'}"),
	        pol);
	json_decref(call("POST", P("/v1/documents/%s/approve", pol), NULL, "1", 200));
	problem("DELETE", P("/v1/documents/%s", pol), NULL, "2", 409, "id");
	json_t *d = call("PATCH", P("/v1/documents/%s", pol), J("{'status': 'retired'}"), "2", 200);
	ck_assert_str_eq(str(d, "status"), "retired");
	json_decref(d);
	problem("POST", P("/v1/documents/%s/approve", pol), NULL, "3", 422, "status");
	ck_assert_int_eq(docs(), 1);
	ck_assert_int_eq(audits("document.delete"), 1);
}
END_TEST

START_TEST(an_ai_system_links_registered_documents)
{
	char doc[37], sys[37];
	new_object("/v1/documents",
	        J("{'ref': 'SPEC-CHAT', 'kind': 'record', 'title': 'Chatbot specification'}"), doc);
	problem("POST", P("/v1/ai-systems"),
	        J("{'ref': 'AI-1', 'name': 'Chatbot', 'intended_purpose': 'support', 'sourcing':"
	          " 'in_house', 'document_ids': ['%s', '00000000-0000-4000-8000-000000000000']}",
	                doc),
	        NULL, 400, "document_ids[1]");
	new_object("/v1/ai-systems",
	        J("{'ref': 'AI-1', 'name': 'Chatbot', 'intended_purpose': 'support', 'sourcing':"
	          " 'in_house', 'document_ids': ['%s']}",
	                doc),
	        sys);
	json_t *d = call("GET", P("/v1/documents/%s", doc), NULL, NULL, 200);
	ck_assert_int_eq(num(json_object_get(d, "linked_from"), "ai_systems"), 1);
	json_decref(d);
	problem("DELETE", P("/v1/documents/%s", doc), NULL, "1", 409, "id");
}
END_TEST

static const json_t *plan_item(const json_t *plan, const char *ref)
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

START_TEST(the_policies_deliverable_is_done_when_both_policies_are_approved)
{
	char is[37], ai[37];
	json_t *plan = call("GET", P("/v1/engagement"), NULL, NULL, 200);
	const json_t *d6 = plan_item(plan, "P1.D6");
	ck_assert_str_eq(str(d6, "status_source"), "derived");
	ck_assert_str_eq(str(d6, "status"), "not_started");
	json_decref(plan);
	new_object("/v1/documents",
	        J("{'ref': 'POL-IS', 'kind': 'policy', 'title': 'Information security policy',"
	          " 'location': 'https://docs.example/is', 'requirements': ['iso27001-2022:5.2']}"),
	        is);
	new_object("/v1/documents",
	        J("{'ref': 'POL-AI', 'kind': 'policy', 'title': 'AI policy', 'location':"
	          " 'https://docs.example/ai', 'requirements': ['iso42001-2023:5.2',"
	          " 'iso42001-2023:A.2.2']}"),
	        ai);
	json_decref(call("POST", P("/v1/documents/%s/approve", is), NULL, "1", 200));
	plan = call("GET", P("/v1/engagement"), NULL, NULL, 200);
	d6 = plan_item(plan, "P1.D6");
	ck_assert_str_eq(str(d6, "status"), "not_started");
	const json_t *conds = json_object_get(d6, "conditions");
	ck_assert(json_is_true(json_object_get(json_array_get(conds, 0), "met")));
	ck_assert_ptr_nonnull(strstr(str(json_array_get(conds, 0), "detail"), "POL-IS v0.1"));
	ck_assert(json_is_false(json_object_get(json_array_get(conds, 1), "met")));
	json_decref(plan);
	json_decref(call("POST", P("/v1/documents/%s/approve", ai), NULL, "1", 200));
	plan = call("GET", P("/v1/engagement"), NULL, NULL, 200);
	ck_assert_str_eq(str(plan_item(plan, "P1.D6"), "status"), "done");
	json_decref(plan);
	/* a new draft of the AI policy: the deliverable is no longer done */
	json_decref(
	        call("PATCH", P("/v1/documents/%s", ai), J("{'doc_version': '0.2'}"), "2", 200));
	plan = call("GET", P("/v1/engagement"), NULL, NULL, 200);
	ck_assert_str_eq(str(plan_item(plan, "P1.D6"), "status"), "not_started");
	json_decref(plan);
	/* the list filters by requirement */
	json_t *l =
	        call("GET", P("/v1/documents?requirement=iso42001-2023:A.2.2"), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(l, "items")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(l, "items"), 0), "ref"), "POL-AI");
	json_decref(l);
}
END_TEST

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

START_TEST(the_documented_information_checklist_follows_documents_evidence_and_the_soa)
{
	/* every item names a requirement of the loaded catalog */
	ck_assert_int_eq(count_sql("SELECT count(*) FROM documented_information t WHERE NOT EXISTS"
	                           " (SELECT 1 FROM catalog_requirements q WHERE q.framework_id ="
	                           " t.framework_id AND q.ref = t.ref)",
	                         NULL),
	        0);
	long long n27 = count_sql("SELECT count(*) FROM documented_information"
	                          " WHERE framework_id = 'iso27001-2022'",
	        NULL);
	json_t *c = call(
	        "GET", P("/v1/documented-information?framework=iso27001-2022"), NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(c, "items")), n27);
	json_t *sum = json_object_get(c, "summary");
	ck_assert_int_eq(num(sum, "total"), n27);
	ck_assert_int_eq(num(sum, "covered"), 0);
	ck_assert_int_eq(num(sum, "missing"), n27);
	/* the catalog's clause title, beside Concord's description of the item */
	ck_assert_str_eq(str(checklist_item(c, "iso27001-2022", "5.2"), "title"), "Policy");
	ck_assert_str_eq(str(checklist_item(c, "iso27001-2022", "5.2"), "item"),
	        "Information security policy");
	json_decref(c);
	problem("GET", P("/v1/documented-information?framework=iso9001"), NULL, NULL, 400,
	        "framework");
	/* a draft policy, then approved; an audit report as evidence; A.6.6 excluded */
	char pol[37];
	new_object("/v1/documents",
	        J("{'ref': 'POL-IS', 'kind': 'policy', 'title': 'IS policy', 'location':"
	          " 'dms:/pol-is', 'requirements': ['iso27001-2022:5.2', 'iso27001-2022:A.5.1']}"),
	        pol);
	c = call("GET", P("/v1/documented-information"), NULL, NULL, 200);
	ck_assert_str_eq(str(checklist_item(c, "iso27001-2022", "5.2"), "status"), "draft_only");
	ck_assert_str_eq(str(checklist_item(c, "iso42001-2023", "5.2"), "status"), "missing");
	json_decref(c);
	json_decref(call("POST", P("/v1/documents/%s/approve", pol), NULL, "1", 200));
	json_decref(call("POST", P("/v1/evidence"),
	        J("{'title': 'Internal audit report 2026', 'kind': 'report', 'location':"
	          " 'dms:/audit-2026.pdf', 'collected_on': '2026-11-20', 'requirements':"
	          " ['iso27001-2022:9.2.2']}"),
	        NULL, 201));
	json_decref(call("PATCH", P("/v1/soa/iso27001-2022/items/A.6.6"),
	        J("{'applicable': false, 'exclusion_justification': 'no external parties get"
	          " confidential information'}"),
	        "1", 200));
	c = call("GET", P("/v1/documented-information?framework=iso27001-2022"), NULL, NULL, 200);
	const json_t *p52 = checklist_item(c, "iso27001-2022", "5.2");
	ck_assert_str_eq(str(p52, "status"), "covered");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(p52, "reasons"), 0)),
	        "document POL-IS v0.1 approved");
	ck_assert_str_eq(str(checklist_item(c, "iso27001-2022", "A.5.1"), "status"), "covered");
	ck_assert_str_eq(str(checklist_item(c, "iso27001-2022", "9.2.2"), "status"), "covered");
	ck_assert_str_eq(
	        str(checklist_item(c, "iso27001-2022", "A.6.6"), "status"), "not_applicable");
	sum = json_object_get(c, "summary");
	ck_assert_int_eq(num(sum, "covered"), 3);
	ck_assert_int_eq(num(sum, "not_applicable"), 1);
	ck_assert_int_eq(num(sum, "missing"), n27 - 4);
	json_decref(c);
	/* the records Concord keeps count: an approved ISMS scope covers 4.3 */
	json_decref(call("PUT", P("/v1/scopes/isms"), J("{'entities': ['Acme SAS']}"), NULL, 201));
	json_decref(call("POST", P("/v1/scopes/isms/approve"), NULL, NULL, 201));
	c = call("GET", P("/v1/documented-information?framework=iso27001-2022"), NULL, NULL, 200);
	const json_t *s43 = checklist_item(c, "iso27001-2022", "4.3");
	ck_assert_str_eq(str(s43, "status"), "covered");
	ck_assert_ptr_nonnull(
	        strstr(json_string_value(json_array_get(json_object_get(s43, "reasons"), 0)),
	                "scope:isms v1 frozen on"));
	json_decref(c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("documents");
	TCase *tc = tcase_create("documents");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bad_documents_are_refused_naming_the_field_and_nothing_is_written);
	tcase_add_test(
	        tc, approval_records_who_approved_which_version_and_changed_content_voids_it);
	tcase_add_test(tc, only_approvers_approve_and_contributors_maintain);
	tcase_add_test(tc, evidence_links_controls_and_documents_and_the_control_shows_them);
	tcase_add_test(
	        tc, a_never_approved_unlinked_document_is_deleted_an_approved_one_is_retired);
	tcase_add_test(tc, the_policies_deliverable_is_done_when_both_policies_are_approved);
	tcase_add_test(tc, an_ai_system_links_registered_documents);
	tcase_add_test(
	        tc, the_documented_information_checklist_follows_documents_evidence_and_the_soa);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(suite)
