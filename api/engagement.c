/*
 * engagement.c - the engagement plan and the project charter (Phase 1 "Leadership &
 * approval" of the offer), and the Phase 1 pack report.
 *
 *   GET   /v1/engagement                      the four phases with their activities,
 *                                             deliverables and milestones
 *   PATCH /v1/engagement/items/{ref}          status, owner, due date, note of one item
 *   GET   /v1/engagement/charter              the project charter (+ approval state)
 *   PUT   /v1/engagement/charter              create or replace it
 *   POST  /v1/engagement/charter/approve      freeze it as baseline "charter"
 *   POST  /v1/engagement/phase1-pack          enqueue the job phase1.pack (202)
 *
 * The phases, activities, deliverables and milestones come from engagement_template
 * (migration 0020, the offer's PECB IMS2 plan); the tenant stores only its state of
 * each item. A deliverable with derivation conditions is "done" when the tenant's data
 * meets them (engagement_plan(), 0023) and cannot be marked done by hand; the others
 * are set by hand. Every mutation is audited in the request transaction.
 *
 * Handlers run on the server's pool threads inside the request transaction; memory
 * is the request arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "baseline.h"
#include "db.h"
#include "jsonv.h"
#include "queue.h"
#include "util.h"

static const char plan_sql[] = "SELECT engagement_plan()";
static const char template_sql[] =
        "SELECT kind, derive IS NOT NULL FROM engagement_template WHERE ref = $1";
static const char item_state_sql[] =
        "SELECT jsonb_build_object('ref', t.ref, 'status', coalesce(s.status, 'not_started'),"
        " 'owner_id', s.owner_id, 'due_date', s.due_date, 'completed_on', s.completed_on,"
        " 'note', coalesce(s.note, ''), 'version', coalesce(s.version, 1))"
        " FROM engagement_template t LEFT JOIN engagement_items s ON s.ref = t.ref"
        " WHERE t.ref = $1";
/* $7 = the version the client saw (1 = no row yet) */
static const char item_upsert_sql[] =
        "INSERT INTO engagement_items AS s (tenant_id, ref, status, owner_id, due_date,"
        " completed_on, note, version)"
        " SELECT app_tenant(), $1::text, $2::text, $3::uuid, $4::date,"
        "  CASE WHEN $2::text = 'done' THEN coalesce($5::date, current_date) END, $6::text, 2"
        " WHERE $7::int = 1"
        " ON CONFLICT (tenant_id, ref) DO UPDATE SET status = EXCLUDED.status,"
        " owner_id = EXCLUDED.owner_id, due_date = EXCLUDED.due_date,"
        " completed_on = EXCLUDED.completed_on, note = EXCLUDED.note, version = s.version + 1,"
        " updated_at = now() WHERE s.version = $7::int RETURNING s.version";
static const char item_update_sql[] =
        "UPDATE engagement_items AS s SET status = $2::text, owner_id = $3::uuid, due_date ="
        " $4::date,"
        " completed_on = CASE WHEN $2::text = 'done' THEN coalesce($5::date, current_date) END,"
        " note = $6, version = s.version + 1, updated_at = now()"
        " WHERE s.ref = $1 AND s.version = $7::int RETURNING s.version";

static const char charter_doc_sql[] = "SELECT charter_doc()";
static const char charter_content_sql[] = "SELECT charter_content()";
static const char charter_version_sql[] = "SELECT version FROM project_charters";
static const char charter_insert_sql[] =
        "INSERT INTO project_charters (tenant_id, title, sponsor_id, objectives, scope_summary,"
        " start_date, target_date) VALUES (app_tenant(), $1, $2, $3::jsonb, $4, $5::date,"
        " $6::date)";
static const char charter_update_sql[] =
        "UPDATE project_charters SET title = $1, sponsor_id = $2, objectives = $3::jsonb,"
        " scope_summary = $4, start_date = $5::date, target_date = $6::date,"
        " version = version + 1, updated_at = now() WHERE version = $7::int";

static const char *const statuses[] = {
        "not_started", "in_progress", "done", "not_applicable", NULL};

static const struct jv_field item_fields[] = {
        {"status", JV_ENUM, 0, .values = statuses},
        {"owner_id", JV_UUID, JV_NULLABLE},
        {"due_date", JV_DATE, JV_NULLABLE},
        {"completed_on", JV_DATE, JV_NULLABLE},
        {"note", JV_TEXT, 0, .max = 4000},
        {NULL},
};
static const struct jv_field charter_fields[] = {
        {"title", JV_STRING, JV_REQUIRED, .max = 200},
        {"sponsor_id", JV_UUID, JV_REQUIRED},
        {"objectives", JV_ARRAY, JV_REQUIRED, .max = 20},
        {"scope_summary", JV_STRING, JV_REQUIRED, .max = 4000},
        {"start_date", JV_DATE, JV_NULLABLE},
        {"target_date", JV_DATE, JV_NULLABLE},
        {NULL},
};
static const struct jv_field approve_fields[] = {
        {"note", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field no_fields[] = {{NULL}};

static const char *version_text(struct req *r, const json_t *doc)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version")));
}

/* An optional JSON body (approve routes accept none or {"note": ...}). */
static int optional_body(struct req *r, const struct jv_field *spec, json_t **out, struct err *e)
{
	*out = r->body;
	if (!r->body)
		return 0;
	return req_body_object(r, out, e) || jv_check(*out, spec, e) ? -1 : 0;
}

/* ------------------------------------------------------------------ the plan */

static int engagement_get(struct req *r, struct resp *resp, struct err *e)
{
	json_t *plan = db_json_row(r, e, "engagement plan", plan_sql, 0, NULL);
	if (!plan)
		return -1;
	resp->body = json_incref(plan);
	return 0;
}

/* The item `ref` of the plan document, or NULL. */
static json_t *plan_item(const json_t *plan, const char *ref)
{
	static const char *const lists[] = {"activities", "deliverables", "milestones"};
	size_t i, k;
	json_t *phase, *it;
	json_array_foreach(json_object_get(plan, "phases"), i, phase)
	{
		for (int l = 0; l < 3; l++)
			json_array_foreach(json_object_get(phase, lists[l]), k, it)
			{
				const char *x = json_string_value(json_object_get(it, "ref"));
				if (x && strcmp(x, ref) == 0)
					return it;
			}
	}
	return NULL;
}

static int engagement_item_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *ref = req_param(r, "ref");
	json_t *b;
	long version;
	if (strlen(ref) > 16)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such engagement item");
	PGresult *t = db_exec(r->db, r->arena, e, template_sql, 1, ref);
	if (!t)
		return -1;
	if (PQntuples(t) == 0 || strcmp(PQgetvalue(t, 0, 0), "phase") == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such engagement item");
	bool derived = strcmp(PQgetvalue(t, 0, 1), "t") == 0;
	if (req_body_object(r, &b, e) || jv_check(b, item_fields, e) ||
	        req_if_match(r, &version, e))
		return -1;
	const char *p1[] = {ref};
	json_t *before = db_json_row(r, e, "engagement item", item_state_sql, 1, p1);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the item was changed by someone else (current version %s)",
		        version_text(r, before));
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	const char *status = jv_str(m, "status");
	if (derived && strcmp(status, "done") == 0)
		return err_set(e, ERR_UNPROCESSABLE, "status",
		        "this deliverable is done when the data shows it (see its conditions); "
		        "it cannot be marked done by hand");
	if (strcmp(status, "done") != 0 && jv_str(b, "completed_on"))
		return err_set(
		        e, ERR_INVALID, "completed_on", "only a done item has a completion date");
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {ref, status, jv_str(m, "owner_id"), jv_str(m, "due_date"),
	        jv_str(m, "completed_on"), jv_str(m, "note"), vbuf};
	PGresult *u = db_execv(
	        r->db, r->arena, e, version == 1 ? item_upsert_sql : item_update_sql, 7, p);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the item was changed by someone else");
	json_t *after = db_json_row(r, e, "engagement item", item_state_sql, 1, p1);
	json_t *plan = after ? db_json_row(r, e, "engagement plan", plan_sql, 0, NULL) : NULL;
	if (!plan ||
	        audit_record(r, "engagement.item_update", "engagement_item", ref, before, after, e))
		return -1;
	resp->etag = version_text(r, after);
	resp->body = json_incref(plan_item(plan, ref));
	return 0;
}

/* ------------------------------------------------------------------ charter */

static int charter_get(struct req *r, struct resp *resp, struct err *e)
{
	json_t *c = db_json_row(r, e, "project charter", charter_doc_sql, 0, NULL);
	if (!c)
		return -1;
	resp->etag = version_text(r, c);
	resp->body = json_incref(c);
	return 0;
}

static int charter_put(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, charter_fields, e))
		return -1;
	const json_t *objs = json_object_get(b, "objectives");
	static const struct jv_field objective = {"objectives", JV_STRING, 0, .max = 500};
	size_t i;
	json_t *o;
	json_array_foreach(objs, i, o)
	{
		char path[48];
		snprintf(path, sizeof path, "objectives[%zu]", i);
		if (jv_check_value(o, &objective, path, e))
			return -1;
	}
	if (json_array_size(objs) == 0)
		return err_set(e, ERR_INVALID, "objectives", "state at least one objective");
	PGresult *cur = db_exec(r->db, r->arena, e, charter_version_sql, 0);
	if (!cur)
		return -1;
	bool exists = PQntuples(cur) == 1;
	long version = 0;
	json_t *before = NULL;
	if (exists) {
		if (req_if_match(r, &version, e))
			return -1;
		if (version != atol(PQgetvalue(cur, 0, 0)))
			return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
			        "the charter was changed by someone else (current version %s)",
			        PQgetvalue(cur, 0, 0));
		if (!(before = db_json_row(r, e, "project charter", charter_doc_sql, 0, NULL)))
			return -1;
	}
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *objectives = jv_dump(b, "objectives");
	const char *p[] = {jv_str(b, "title"), jv_str(b, "sponsor_id"), objectives,
	        jv_str(b, "scope_summary"), jv_str(b, "start_date"), jv_str(b, "target_date"),
	        vbuf};
	PGresult *w = db_execv(r->db, r->arena, e, exists ? charter_update_sql : charter_insert_sql,
	        exists ? 7 : 6, p);
	free(objectives);
	if (!w)
		return -1;
	if (exists && strcmp(PQcmdTuples(w), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the charter was changed by someone else");
	json_t *after = db_json_row(r, e, "project charter", charter_doc_sql, 0, NULL);
	if (!after || audit_record(r, exists ? "charter.update" : "charter.create", "charter",
	                      r->tenant_id, before, after, e))
		return -1;
	resp->status = exists ? 200 : 201;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

/* Approval freezes the charter with its milestones; it needs a sponsor and a date for
 * at least one milestone, which an auditor reads as "approved plan". */
static int charter_approve(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b, *meta;
	if (optional_body(r, approve_fields, &b, e))
		return -1;
	json_t *content = db_json_row(r, e, "project charter", charter_content_sql, 0, NULL);
	if (!content)
		return -1;
	bool sponsor = false, dated = false;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(content, "items"), i, it)
	{
		const char *key = json_string_value(json_object_get(it, "key"));
		if (strcmp(key, "sponsor") == 0)
			sponsor = json_is_string(json_object_get(it, "id"));
		if (strncmp(key, "milestone:", 10) == 0 &&
		        json_is_string(json_object_get(it, "due_date")))
			dated = true;
	}
	if (!sponsor)
		return err_set(e, ERR_UNPROCESSABLE, "sponsor_id",
		        "the charter has no sponsor (the sponsor's membership ended): name one");
	if (!dated)
		return err_set(e, ERR_UNPROCESSABLE, "milestones",
		        "give at least one milestone a due date before approving the charter");
	if (baseline_freeze(r->db, r->arena, "charter", content, r->who.user_id, jv_str(b, "note"),
	            &meta, e) ||
	        audit_record(r, "charter.approve", "baseline",
	                arena_printf(r->arena, "charter:%lld",
	                        (long long)json_integer_value(json_object_get(meta, "number"))),
	                NULL, meta, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/baselines/charter/%lld",
	        (long long)json_integer_value(json_object_get(meta, "number")));
	resp->body = json_incref(meta);
	return 0;
}

/* ------------------------------------------------------------------ reports */

static int phase1_pack_start(struct req *r, struct resp *resp, struct err *e)
{
	json_t *job;
	json_t *payload = arena_json(r->arena, json_object());
	if (r->body && (req_body_object(r, &payload, e) || jv_check(payload, no_fields, e)))
		return -1;
	if (q_enqueue(r, "phase1.pack", payload, NULL, &job, e))
		return -1;
	const char *id = json_string_value(json_object_get(job, "id"));
	if (audit_record(r, "report.requested", "job", id, NULL, job, e))
		return -1;
	resp->status = 202;
	resp->location = arena_printf(r->arena, "/v1/jobs/%s", id);
	resp->body = json_incref(job);
	return 0;
}

const struct route engagement_routes[] = {
        {"GET", "/v1/engagement", engagement_get, "governance:read", 0,
                "The engagement plan: phases with activities, deliverables (status derived from "
                "data where possible) and milestones"},
        {"PATCH", "/v1/engagement/items/{ref}", engagement_item_update, "governance:write", 0,
                "Set the status, owner, due date or note of a plan item (If-Match required)"},
        {"GET", "/v1/engagement/charter", charter_get, "governance:read", 0,
                "The project charter with its milestones and approval state"},
        {"PUT", "/v1/engagement/charter", charter_put, "governance:write", 0,
                "Create or replace the project charter (If-Match required once it exists)"},
        {"POST", "/v1/engagement/charter/approve", charter_approve, "governance:approve", 0,
                "Approve the project charter: freeze it as the next version of baseline charter"},
        {"POST", "/v1/engagement/phase1-pack", phase1_pack_start, "jobs:write", 0,
                "Produce the Phase 1 pack (one self-contained HTML document): enqueues phase1.pack "
                "(202)"},
        {NULL},
};
