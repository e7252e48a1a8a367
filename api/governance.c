/*
 * governance.c - integrated governance: committees, the integrated RACI and the
 * objectives of ISO/IEC 27001 and 42001 clause 6.2.
 *
 *   /v1/committees[/{id}]          committees with members, remit and cadence
 *   GET  /v1/raci                  the RACI matrix (activities x roles, R/A/C/I)
 *   PUT  /v1/raci                  replace it; refused unless every activity has exactly
 *                                  one A and at least one R (domain/raci.c)
 *   POST /v1/raci/validate         the same checks without writing: every problem
 *   POST /v1/raci/approve          freeze it as baseline "raci"
 *   GET  /v1/raci/export           the matrix as CSV
 *   /v1/objectives[/{id}]          measurable objectives: owner, due date, measure, KPIs
 *
 * Links to people are memberships of the tenant and links to KPIs are KPIs of the
 * tenant (composite foreign keys, checked up front so the error names the list entry).
 * Every mutation is audited in the request transaction.
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
#include "raci.h"
#include "util.h"

#define COMMITTEE_JSON                                                                             \
	"jsonb_build_object('id', c.id, 'name', c.name, 'remit', c.remit, 'cadence',        \
	c.cadence, 'applies_to', c.applies_to, 'members', (SELECT coalesce(jsonb_agg(       \
	jsonb_build_object('user_id', m.user_id, 'name', m.name, 'function', m.function,     \
	'chair', m.chair) ORDER BY m.ord), '[]') FROM committee_members m WHERE              \
	m.tenant_id = c.tenant_id AND m.committee_id = c.id), 'version', c.version,          \
	'created_at', c.created_at, 'updated_at', c.updated_at)"
#define OBJECTIVE_JSON                                                                             \
	"jsonb_build_object('id', o.id, 'ref', o.ref, 'title', o.title, 'description',      \
	o.description, 'measure', o.measure, 'applies_to', o.applies_to, 'owner_id',         \
	o.owner_id, 'owner_name', user_label(o.owner_id), 'due_date', o.due_date, 'status',  \
	o.status, 'kpis', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', k.id, 'ref',   \
	k.ref, 'name', k.name, 'status', (SELECT s.status FROM kpi_snapshots s WHERE         \
	s.tenant_id = k.tenant_id AND s.kpi_id = k.id ORDER BY s.as_of DESC LIMIT 1))        \
	ORDER BY k.ref), '[]') FROM objective_kpis ok JOIN kpis k ON k.tenant_id =           \
	ok.tenant_id AND k.id = ok.kpi_id WHERE ok.tenant_id = o.tenant_id AND               \
	ok.objective_id = o.id), 'version', o.version, 'created_at', o.created_at,           \
	'updated_at', o.updated_at)"

static const char committee_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY (j->>'created_at')::timestamptz, j->>'id'), '[]')"
        " FROM (SELECT " COMMITTEE_JSON " AS j FROM committees c"
        " WHERE ($1::timestamptz IS NULL OR (c.created_at, c.id) > ($1::timestamptz, $2::uuid))"
        " ORDER BY c.created_at, c.id LIMIT $3) s";
static const char committee_get_sql[] =
        "SELECT " COMMITTEE_JSON " FROM committees c WHERE c.id = $1";
static const char committee_insert_sql[] =
        "INSERT INTO committees (tenant_id, name, remit, cadence, applies_to)"
        " VALUES (app_tenant(), $1, $2, $3, coalesce($4, 'both')) RETURNING id";
static const char committee_update_sql[] =
        "UPDATE committees SET name = $3, remit = $4, cadence = $5, applies_to = $6,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int";
static const char committee_delete_sql[] =
        "DELETE FROM committees WHERE id = $1 AND version = $2::int";
static const char members_clear_sql[] = "DELETE FROM committee_members WHERE committee_id = $1";
static const char members_insert_sql[] =
        "INSERT INTO committee_members (tenant_id, committee_id, ord, user_id, name, function,"
        " chair)"
        " SELECT app_tenant(), $1::uuid, x.o, (x.m->>'user_id')::uuid,"
        "  coalesce(x.m->>'name', user_label((x.m->>'user_id')::uuid)),"
        "  coalesce(x.m->>'function', ''), coalesce((x.m->>'chair')::boolean, false)"
        " FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY x(m, o)";
/* The position of the first member ($1, the JSON members array) whose user_id is not a
 * member of the tenant. */
static const char non_member_sql[] =
        "SELECT u.o - 1 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY u(x, o)"
        " WHERE u.x->>'user_id' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM memberships m"
        "   WHERE m.tenant_id = app_tenant() AND m.user_id = (u.x->>'user_id')::uuid)"
        " ORDER BY u.o LIMIT 1";

static const char raci_doc_sql[] = "SELECT raci_doc()";
static const char raci_content_sql[] = "SELECT raci_content()";
static const char raci_version_sql[] = "SELECT version FROM raci_matrices";
static const char raci_upsert_sql[] =
        "INSERT INTO raci_matrices AS m (tenant_id, roles, activities)"
        " VALUES (app_tenant(), $1::jsonb, $2::jsonb)"
        " ON CONFLICT (tenant_id) DO UPDATE SET roles = EXCLUDED.roles,"
        " activities = EXCLUDED.activities, version = m.version + 1, updated_at = now()"
        " WHERE m.version = $3::int RETURNING m.version";

static const char objective_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'ref', j->>'id'), '[]')"
        " FROM (SELECT " OBJECTIVE_JSON " AS j FROM objectives o"
        " WHERE ($1::text IS NULL OR o.status = $1) AND ($2::uuid IS NULL OR o.owner_id = $2)"
        "   AND ($3::text IS NULL OR (o.ref, o.id) > ($3, $4::uuid))"
        " ORDER BY o.ref, o.id LIMIT $5) s";
static const char objective_get_sql[] =
        "SELECT " OBJECTIVE_JSON " FROM objectives o WHERE o.id = $1";
static const char objective_next_ref_sql[] =
        "SELECT 'OBJ-' || lpad((coalesce(max(substring(ref FROM '^OBJ-([0-9]+)$')::int), 0) + 1)"
        "::text, 3, '0') FROM objectives";
static const char objective_insert_sql[] =
        "INSERT INTO objectives (tenant_id, ref, title, description, measure, applies_to, owner_id,"
        " due_date, status) VALUES (app_tenant(), $1, $2, coalesce($3, ''), $4,"
        " coalesce($5, 'both'),"
        " $6::uuid, $7::date, coalesce($8, 'planned')) RETURNING id";
static const char objective_update_sql[] =
        "UPDATE objectives SET ref = $3, title = $4, description = $5, measure = $6,"
        " applies_to = $7, owner_id = $8::uuid, due_date = $9::date, status = $10,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int";
static const char objective_delete_sql[] =
        "DELETE FROM objectives WHERE id = $1 AND version = $2::int";
static const char objective_kpis_clear_sql[] = "DELETE FROM objective_kpis WHERE objective_id = $1";
static const char objective_kpis_insert_sql[] =
        "INSERT INTO objective_kpis (tenant_id, objective_id, kpi_id)"
        " SELECT DISTINCT app_tenant(), $1::uuid, x::uuid FROM"
        " jsonb_array_elements_text($2::jsonb) x";
/* The position of the first id of $1 (a JSON array) that is not a KPI of the tenant. */
static const char unknown_kpi_sql[] =
        "SELECT u.o - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, o)"
        " WHERE NOT EXISTS (SELECT 1 FROM kpis k WHERE k.id = u.x::uuid) ORDER BY u.o LIMIT 1";

static const char *const cadences[] = {
        "weekly", "biweekly", "monthly", "quarterly", "semiannual", "annual", "ad_hoc", NULL};
static const char *const applies[] = {"isms", "aims", "both", NULL};
static const char *const objective_statuses[] = {
        "planned", "on_track", "at_risk", "achieved", "missed", "cancelled", NULL};

static const struct jv_field committee_fields[] = {
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"remit", JV_STRING, JV_REQUIRED, .max = 4000},
        {"cadence", JV_ENUM, JV_REQUIRED, .values = cadences},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"members", JV_ARRAY, 0, .max = 50},
        {NULL},
};
static const struct jv_field committee_patch_fields[] = {
        {"name", JV_STRING, 0, .max = 200},
        {"remit", JV_STRING, 0, .max = 4000},
        {"cadence", JV_ENUM, 0, .values = cadences},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"members", JV_ARRAY, 0, .max = 50},
        {NULL},
};
static const struct jv_field member_fields[] = {
        {"user_id", JV_UUID, JV_NULLABLE},
        {"name", JV_STRING, 0, .max = 200},
        {"function", JV_TEXT, 0, .max = 200},
        {"chair", JV_BOOL, 0},
        {NULL},
};
static const struct jv_field objective_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"title", JV_STRING, JV_REQUIRED, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"measure", JV_STRING, JV_REQUIRED, .max = 2000},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"owner_id", JV_UUID, JV_REQUIRED},
        {"due_date", JV_DATE, JV_REQUIRED},
        {"status", JV_ENUM, 0, .values = objective_statuses},
        {"kpi_ids", JV_ARRAY, 0, .max = 20},
        {NULL},
};
static const struct jv_field objective_patch_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"title", JV_STRING, 0, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"measure", JV_STRING, 0, .max = 2000},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"owner_id", JV_UUID, 0},
        {"due_date", JV_DATE, 0},
        {"status", JV_ENUM, 0, .values = objective_statuses},
        {"kpi_ids", JV_ARRAY, 0, .max = 20},
        {NULL},
};
static const struct jv_field approve_fields[] = {
        {"note", JV_TEXT, 0, .max = 2000},
        {NULL},
};

static const char *const page_query[] = {"limit", NULL};
static const char *const objective_query[] = {"limit", "status", "owner_id", NULL};

static const char *version_text(struct req *r, const json_t *doc)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version")));
}

static json_t *load(struct req *r, const char *sql, const char *id, const char *what,
        struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *j = db_json_row(r, e, what, sql, 1, p);
	if (j && resp)
		resp->etag = version_text(r, j);
	return j;
}

/* -1 with e naming "<list>[i]<suffix>" when sql finds a bad entry (its position) in the
 * JSON array a. */
static int first_bad(struct req *r, const char *sql, const json_t *a, const char *list,
        const char *suffix, const char *msg, struct err *e)
{
	char *text = json_dumps(a, JSON_COMPACT);
	PGresult *res = db_exec(r->db, r->arena, e, sql, 1, text);
	free(text);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return 0;
	char field[64];
	snprintf(field, sizeof field, "%s[%s]%s", list, PQgetvalue(res, 0, 0), suffix);
	return err_set(e, ERR_INVALID, field, "%s", msg);
}

/* ------------------------------------------------------------------ committees */

static int check_members(struct req *r, const json_t *members, struct err *e)
{
	size_t i;
	json_t *m;
	int chairs = 0;
	char path[64];
	json_array_foreach(members, i, m)
	{
		snprintf(path, sizeof path, "members[%zu]", i);
		if (!json_is_object(m))
			return err_set(e, ERR_INVALID, path, "must be an object");
		if (jv_check(m, member_fields, e)) {
			char f[sizeof e->field];
			snprintf(f, sizeof f, "%.40s.%.80s", path, e->field);
			snprintf(e->field, sizeof e->field, "%s", f);
			return -1;
		}
		if (!jv_str(m, "user_id") && !jv_str(m, "name")) {
			snprintf(path, sizeof path, "members[%zu].name", i);
			return err_set(e, ERR_INVALID, path,
			        "name the member, or give the user_id of a member of this tenant");
		}
		chairs += json_is_true(json_object_get(m, "chair"));
	}
	if (chairs > 1)
		return err_set(
		        e, ERR_UNPROCESSABLE, "members", "a committee has at most one chair");
	return first_bad(r, non_member_sql, members, "members", ".user_id",
	        "is not a member of this tenant", e);
}

static int write_members(struct req *r, const char *id, const json_t *members, struct err *e)
{
	if (!db_exec(r->db, r->arena, e, members_clear_sql, 1, id))
		return -1;
	char *text = json_dumps(members, JSON_COMPACT);
	PGresult *res = db_exec(r->db, r->arena, e, members_insert_sql, 2, id, text);
	free(text);
	return res ? 0 : -1;
}

static int committee_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	if (page_begin(r, &pg, e))
		return -1;
	const char *p[] = {page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	if (pg.after && (!p[0] || !p[1] || !util_is_uuid(p[1])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "committees", committee_list_sql, 3, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int committee_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *c = load(r, committee_get_sql, id, "committee", resp, e);
	if (!c)
		return -1;
	resp->body = json_incref(c);
	return 0;
}

static int committee_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, committee_fields, e))
		return -1;
	const json_t *members = json_object_get(b, "members");
	if (members && check_members(r, members, e))
		return -1;
	const char *p[] = {jv_str(b, "name"), jv_str(b, "remit"), jv_str(b, "cadence"),
	        jv_str(b, "applies_to")};
	PGresult *ins = db_execv(r->db, r->arena, e, committee_insert_sql, 4, p);
	if (!ins)
		return -1;
	const char *id = PQgetvalue(ins, 0, 0);
	if (members && write_members(r, id, members, e))
		return -1;
	json_t *c = load(r, committee_get_sql, id, "committee", resp, e);
	if (!c || audit_record(r, "committee.create", "committee", id, NULL, c, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/committees/%s", id);
	resp->body = json_incref(c);
	return 0;
}

static int committee_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, committee_patch_fields, e) || req_if_match(r, &version, e))
		return -1;
	const json_t *members = json_object_get(b, "members");
	if (members && check_members(r, members, e))
		return -1;
	json_t *before = load(r, committee_get_sql, id, "committee", NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "name"), jv_str(m, "remit"), jv_str(m, "cadence"),
	        jv_str(m, "applies_to")};
	PGresult *u = db_execv(r->db, r->arena, e, committee_update_sql, 6, p);
	if (!u)
		return -1;
	if (strcmp(PQcmdTuples(u), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the committee was changed by someone else (current version %s)",
		        version_text(r, before));
	if (members && write_members(r, id, members, e))
		return -1;
	json_t *after = load(r, committee_get_sql, id, "committee", resp, e);
	if (!after || audit_record(r, "committee.update", "committee", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

/* Load, check If-Match, delete, audit: DELETE of a versioned record. */
static int remove_row(struct req *r, struct resp *resp, const char *get_sql, const char *del_sql,
        const char *what, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, get_sql, id, what, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, del_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the %s was changed by someone else (current version %s)", what,
		        version_text(r, before));
	if (audit_record(r, arena_printf(r->arena, "%s.delete", what), what, id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

static int committee_delete(struct req *r, struct resp *resp, struct err *e)
{
	return remove_row(r, resp, committee_get_sql, committee_delete_sql, "committee", e);
}

/* ------------------------------------------------------------------ RACI */

static int raci_get(struct req *r, struct resp *resp, struct err *e)
{
	json_t *m = db_json_row(r, e, "RACI matrix", raci_doc_sql, 0, NULL);
	if (!m)
		return -1;
	resp->etag = version_text(r, m);
	resp->body = json_incref(m);
	return 0;
}

static int raci_put(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || raci_validate(b, authz_roles, e))
		return -1;
	PGresult *cur = db_exec(r->db, r->arena, e, raci_version_sql, 0);
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
			        "the RACI was changed by someone else (current version %s)",
			        PQgetvalue(cur, 0, 0));
		if (!(before = db_json_row(r, e, "RACI matrix", raci_doc_sql, 0, NULL)))
			return -1;
	}
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *roles = jv_dump(b, "roles"), *acts = jv_dump(b, "activities");
	PGresult *w = db_exec(r->db, r->arena, e, raci_upsert_sql, 3, roles, acts, vbuf);
	free(roles);
	free(acts);
	if (!w)
		return -1;
	if (PQntuples(w) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the RACI was changed by someone else");
	json_t *after = db_json_row(r, e, "RACI matrix", raci_doc_sql, 0, NULL);
	if (!after || audit_record(r, exists ? "raci.update" : "raci.create", "raci", r->tenant_id,
	                      before, after, e))
		return -1;
	resp->status = exists ? 200 : 201;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int raci_check(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || raci_check_shape(b, authz_roles, e))
		return -1;
	json_t *problems = raci_problems(b);
	resp->body = json_pack(
	        "{s:b, s:o}", "valid", json_array_size(problems) == 0, "problems", problems);
	return 0;
}

static int raci_approve(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b = r->body, *meta;
	if (b && (req_body_object(r, &b, e) || jv_check(b, approve_fields, e)))
		return -1;
	json_t *content = db_json_row(r, e, "RACI matrix", raci_content_sql, 0, NULL);
	if (!content || baseline_freeze(r->db, r->arena, "raci", content, r->who.user_id,
	                        jv_str(b, "note"), &meta, e))
		return -1;
	long long n = (long long)json_integer_value(json_object_get(meta, "number"));
	if (audit_record(r, "raci.approve", "baseline", arena_printf(r->arena, "raci:%lld", n),
	            NULL, meta, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/baselines/raci/%lld", n);
	resp->body = json_incref(meta);
	return 0;
}

static int raci_export(struct req *r, struct resp *resp, struct err *e)
{
	json_t *m = db_json_row(r, e, "RACI matrix", raci_doc_sql, 0, NULL);
	if (!m)
		return -1;
	char *csv = raci_csv(m);
	resp->raw = arena_strdup(r->arena, csv);
	resp->raw_len = strlen(csv);
	free(csv);
	resp->content_type = "text/csv; charset=utf-8";
	resp->etag = version_text(r, m);
	resp->extra_header_name[0] = "Content-Disposition";
	resp->extra_header_value[0] = "attachment; filename=\"raci.csv\"";
	return 0;
}

/* ------------------------------------------------------------------ objectives */

static int check_kpi_ids(struct req *r, const json_t *ids, struct err *e)
{
	size_t i;
	json_t *it;
	static const struct jv_field f = {"kpi_ids", JV_UUID, 0};
	json_array_foreach(ids, i, it)
	{
		char path[48];
		snprintf(path, sizeof path, "kpi_ids[%zu]", i);
		if (jv_check_value(it, &f, path, e))
			return -1;
	}
	return first_bad(
	        r, unknown_kpi_sql, ids, "kpi_ids", "", "refers to a KPI that does not exist", e);
}

static int write_kpi_links(struct req *r, const char *id, const json_t *ids, struct err *e)
{
	if (!db_exec(r->db, r->arena, e, objective_kpis_clear_sql, 1, id))
		return -1;
	char *text = json_dumps(ids, JSON_COMPACT);
	PGresult *res = db_exec(r->db, r->arena, e, objective_kpis_insert_sql, 2, id, text);
	free(text);
	return res ? 0 : -1;
}

static int objective_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *status = req_query(r, "status"), *owner = req_query(r, "owner_id");
	if (page_begin(r, &pg, e))
		return -1;
	bool known = !status;
	for (const char *const *s = objective_statuses; status && *s; s++)
		known |= strcmp(*s, status) == 0;
	if (!known)
		return err_set(e, ERR_INVALID, "status", "unknown value");
	if (owner && !util_is_uuid(owner))
		return err_set(e, ERR_INVALID, "owner_id", "must be a UUID");
	const char *p[] = {
	        status, owner, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	if (pg.after && (!p[2] || !p[3] || !util_is_uuid(p[3])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "objectives", objective_list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"ref", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int objective_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *o = load(r, objective_get_sql, id, "objective", resp, e);
	if (!o)
		return -1;
	resp->body = json_incref(o);
	return 0;
}

static int objective_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, objective_fields, e))
		return -1;
	const json_t *kpis = json_object_get(b, "kpi_ids");
	if (kpis && check_kpi_ids(r, kpis, e))
		return -1;
	const char *ref = jv_str(b, "ref");
	if (!ref) {
		PGresult *n = db_exec(r->db, r->arena, e, objective_next_ref_sql, 0);
		if (!n)
			return -1;
		ref = PQgetvalue(n, 0, 0);
	}
	const char *p[] = {ref, jv_str(b, "title"), jv_str(b, "description"), jv_str(b, "measure"),
	        jv_str(b, "applies_to"), jv_str(b, "owner_id"), jv_str(b, "due_date"),
	        jv_str(b, "status")};
	PGresult *ins = db_execv(r->db, r->arena, e, objective_insert_sql, 8, p);
	if (!ins)
		return -1;
	const char *id = PQgetvalue(ins, 0, 0);
	if (kpis && write_kpi_links(r, id, kpis, e))
		return -1;
	json_t *o = load(r, objective_get_sql, id, "objective", resp, e);
	if (!o || audit_record(r, "objective.create", "objective", id, NULL, o, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/objectives/%s", id);
	resp->body = json_incref(o);
	return 0;
}

static int objective_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, objective_patch_fields, e) || req_if_match(r, &version, e))
		return -1;
	const json_t *kpis = json_object_get(b, "kpi_ids");
	if (kpis && check_kpi_ids(r, kpis, e))
		return -1;
	json_t *before = load(r, objective_get_sql, id, "objective", NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "ref"), jv_str(m, "title"), jv_str(m, "description"),
	        jv_str(m, "measure"), jv_str(m, "applies_to"), jv_str(m, "owner_id"),
	        jv_str(m, "due_date"), jv_str(m, "status")};
	PGresult *u = db_execv(r->db, r->arena, e, objective_update_sql, 10, p);
	if (!u)
		return -1;
	if (strcmp(PQcmdTuples(u), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the objective was changed by someone else (current version %s)",
		        version_text(r, before));
	if (kpis && write_kpi_links(r, id, kpis, e))
		return -1;
	json_t *after = load(r, objective_get_sql, id, "objective", resp, e);
	if (!after || audit_record(r, "objective.update", "objective", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int objective_delete(struct req *r, struct resp *resp, struct err *e)
{
	return remove_row(r, resp, objective_get_sql, objective_delete_sql, "objective", e);
}

const struct route governance_routes[] = {
        {"GET", "/v1/committees", committee_list, "governance:read", 0,
                "List committees with their members, remit and cadence", page_query},
        {"POST", "/v1/committees", committee_create, "governance:write", 0,
                "Constitute a committee"},
        {"GET", "/v1/committees/{id}", committee_get, "governance:read", 0, "Get a committee"},
        {"PATCH", "/v1/committees/{id}", committee_update, "governance:write", 0,
                "Update a committee; members, when given, replace the list (If-Match required)"},
        {"DELETE", "/v1/committees/{id}", committee_delete, "governance:write", 0,
                "Dissolve a committee (If-Match required)"},
        {"GET", "/v1/raci", raci_get, "governance:read", 0,
                "The integrated RACI matrix with its approval state"},
        {"PUT", "/v1/raci", raci_put, "governance:write", 0,
                "Replace the RACI matrix: each activity needs exactly one A and at least one R "
                "(If-Match required once it exists)"},
        {"POST", "/v1/raci/validate", raci_check, "governance:read", 0,
                "Check a RACI matrix without saving it: every rule it breaks"},
        {"POST", "/v1/raci/approve", raci_approve, "governance:approve", 0,
                "Approve the RACI matrix: freeze it as the next version of baseline raci"},
        {"GET", "/v1/raci/export", raci_export, "governance:read", 0, "The RACI matrix as CSV"},
        {"GET", "/v1/objectives", objective_list, "governance:read", 0,
                "List objectives (clause 6.2) with their KPIs", objective_query},
        {"POST", "/v1/objectives", objective_create, "governance:write", 0,
                "Set an objective: measurable, owned, dated, linked to KPIs"},
        {"GET", "/v1/objectives/{id}", objective_get, "governance:read", 0, "Get an objective"},
        {"PATCH", "/v1/objectives/{id}", objective_update, "governance:write", 0,
                "Update an objective; kpi_ids, when given, replace the links (If-Match required)"},
        {"DELETE", "/v1/objectives/{id}", objective_delete, "governance:write", 0,
                "Delete an objective (If-Match required)"},
        {NULL},
};
