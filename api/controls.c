/*
 * controls.c - the tenant's control library: one control, implemented once, linked to
 * every requirement it serves in any framework, to the risks that rely on it, and
 * coverage of each framework computed from those links.
 *
 *   GET/POST          /v1/controls                 list (filters) / create
 *   GET/PATCH/DELETE  /v1/controls/{id}            one control (If-Match to change)
 *   POST              /v1/controls/starter         "start from the catalog"
 *   GET               /v1/coverage                 per framework: covered, implemented, %
 *   GET               /v1/coverage/{framework}     per requirement: controls, status, %
 *
 * Requirement links name catalog requirements by public id "<framework>:<ref>" and are
 * stored at the tenant's pinned catalog version (control_requirements, 0011); risk links
 * are rows of risk_controls ('existing' or 'planned', the contract shared with the risk
 * register). GET shows the documents that govern a control and the evidence that it
 * operates; those links are made from the document's and the evidence's side
 * (api/documents.c, api/evidence.c). A control's requirements and risks are part of the control: changing them
 * bumps its version and is audited with before/after. Every link is checked before
 * anything is written, so an unknown requirement, another tenant's risk or a non-member
 * owner yields 400 naming the field and no change.
 *
 * The starter set (domain/catalog.c) groups requirements the crosswalk calls equal or
 * overlapping into one control per group and is idempotent. Handlers run on the
 * request's thread in its transaction; memory is the request arena's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "catalog.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

#define CONTROL_JSON                                                                               \
	"jsonb_build_object('id', c.id, 'ref', c.ref, 'title', c.title, 'description',       \
	c.description, 'owner_id', c.owner_id, 'status', c.status, 'review_date', c.review_date, \
	'starter_key', c.starter_key, 'version', c.version, 'created_at', c.created_at,       \
	'updated_at', c.updated_at)"

/* the control with its links, as GET returns it */
static const char get_sql[] =
        "SELECT " CONTROL_JSON " || jsonb_build_object("
        " 'requirements', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', cr.framework_id ||"
        "   ':' || cr.ref, 'framework_id', cr.framework_id, 'ref', cr.ref, 'catalog_version',"
        "   cr.catalog_version, 'kind', q.kind, 'title', q.title, 'basis', cr.basis)"
        "   ORDER BY cr.framework_id, q.seq), '[]')"
        "   FROM control_requirements cr JOIN catalog_requirements q ON q.framework_id ="
        "   cr.framework_id AND q.catalog_version = cr.catalog_version AND q.ref = cr.ref"
        "   WHERE cr.control_id = c.id),"
        " 'risks', (SELECT coalesce(jsonb_agg(jsonb_build_object('risk_id', r.id, 'ref', r.ref,"
        "   'title', r.title, 'relation', rc.relation) ORDER BY r.ref, rc.relation), '[]')"
        "   FROM risk_controls rc JOIN risks r ON r.tenant_id = rc.tenant_id AND r.id = rc.risk_id"
        "   WHERE rc.control_id = c.id),"
        " 'documents', (SELECT coalesce(jsonb_agg(document_brief(d.id) ORDER BY d.ref), '[]')"
        "   FROM document_controls x JOIN documents d ON d.tenant_id = x.tenant_id AND d.id ="
        "   x.document_id WHERE x.control_id = c.id),"
        " 'evidence', (SELECT coalesce(jsonb_agg(evidence_brief(v.id) ORDER BY v.collected_on"
        "   DESC, v.id), '[]') FROM evidence_controls x JOIN evidence v ON v.tenant_id ="
        "   x.tenant_id AND v.id = x.evidence_id WHERE x.control_id = c.id))"
        " FROM controls c WHERE c.id = $1";

static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'ref'), '[]') FROM ("
        " SELECT " CONTROL_JSON " || jsonb_build_object('requirements', (SELECT"
        "   coalesce(jsonb_agg(cr.framework_id || ':' || cr.ref ORDER BY cr.framework_id, cr.ref),"
        "   '[]') FROM control_requirements cr WHERE cr.control_id = c.id)) AS j"
        " FROM controls c"
        " WHERE ($1::text IS NULL OR c.status = $1)"
        "   AND ($2::uuid IS NULL OR c.owner_id = $2::uuid)"
        "   AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM control_requirements cr"
        "     WHERE cr.control_id = c.id AND cr.framework_id = $3))"
        "   AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM control_requirements cr"
        "     WHERE cr.control_id = c.id AND cr.framework_id = split_part($4, ':', 1)"
        "     AND cr.ref = substr($4, strpos($4, ':') + 1)))"
        "   AND ($5::text IS NULL OR c.ref > $5)"
        " ORDER BY c.ref LIMIT $6) s";

static const char insert_sql[] =
        "INSERT INTO controls (tenant_id, ref, title, description, owner_id, status, review_date)"
        " VALUES (app_tenant(), $1, $2, coalesce($3, ''), $4::uuid, coalesce($5, 'planned'),"
        " $6::date) RETURNING id";
static const char update_sql[] =
        "UPDATE controls SET ref = coalesce($3, ref), title = coalesce($4, title),"
        " description = coalesce($5, description),"
        " owner_id = CASE WHEN $6::boolean THEN $7::uuid ELSE owner_id END,"
        " status = coalesce($8, status),"
        " review_date = CASE WHEN $9::boolean THEN $10::date ELSE review_date END,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int"
        " RETURNING id";
static const char delete_sql[] = "DELETE FROM controls WHERE id = $1 AND version = $2::int";

/* Link checks: the first (1-based) offending element, or no row. */
static const char missing_requirement_sql[] =
        "SELECT x.i FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(id, i)"
        " WHERE NOT EXISTS (SELECT 1 FROM catalog_requirements r"
        "   WHERE r.framework_id = split_part(x.id, ':', 1)"
        "   AND r.ref = substr(x.id, strpos(x.id, ':') + 1)"
        "   AND r.catalog_version = catalog_version_for(r.framework_id))"
        " ORDER BY x.i LIMIT 1";
static const char missing_risk_sql[] =
        "SELECT x.i FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(item, i)"
        " WHERE NOT EXISTS (SELECT 1 FROM risks r WHERE r.id = (x.item->>'risk_id')::uuid)"
        " ORDER BY x.i LIMIT 1";
static const char member_sql[] =
        "SELECT 1 FROM memberships WHERE tenant_id = app_tenant() AND user_id = $1::uuid";

/* Replace a control's links with the given sets (kept links keep their basis). */
static const char unlink_requirements_sql[] =
        "DELETE FROM control_requirements cr WHERE cr.control_id = $1 AND NOT EXISTS ("
        " SELECT 1 FROM jsonb_array_elements_text($2::jsonb) AS x(id)"
        " WHERE cr.framework_id = split_part(x.id, ':', 1)"
        "   AND cr.ref = substr(x.id, strpos(x.id, ':') + 1))";
static const char link_requirements_sql[] =
        "INSERT INTO control_requirements (tenant_id, control_id, framework_id, ref, basis)"
        " SELECT app_tenant(), $1, split_part(x.id, ':', 1), substr(x.id, strpos(x.id, ':') + 1), "
        "''"
        " FROM jsonb_array_elements_text($2::jsonb) AS x(id) ON CONFLICT DO NOTHING";
static const char unlink_risks_sql[] =
        "DELETE FROM risk_controls rc WHERE rc.control_id = $1 AND NOT EXISTS ("
        " SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS x(risk_id uuid, relation text)"
        " WHERE x.risk_id = rc.risk_id AND x.relation = rc.relation)";
static const char link_risks_sql[] =
        "INSERT INTO risk_controls (tenant_id, risk_id, control_id, relation)"
        " SELECT app_tenant(), x.risk_id, $1, x.relation"
        " FROM jsonb_to_recordset($2::jsonb) AS x(risk_id uuid, relation text)"
        " ON CONFLICT DO NOTHING";

static const char *const statuses[] = {
        "planned", "in_progress", "implemented", "not_applicable", NULL};
static const char *const list_query[] = {
        "limit", "status", "owner_id", "framework", "requirement", NULL};

static const struct jv_field create_fields[] = {
        {"ref", JV_STRING, JV_REQUIRED, .max = 40},
        {"title", JV_STRING, JV_REQUIRED, .max = 300},
        {"description", JV_TEXT, 0, .max = 20000},
        {"owner_id", JV_UUID, JV_NULLABLE},
        {"status", JV_ENUM, 0, .values = statuses},
        {"review_date", JV_DATE, JV_NULLABLE},
        {"requirements", JV_ARRAY, 0, .max = 200},
        {"risks", JV_ARRAY, 0, .max = 200},
        {NULL},
};
static const struct jv_field update_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"title", JV_STRING, 0, .max = 300},
        {"description", JV_TEXT, 0, .max = 20000},
        {"owner_id", JV_UUID, JV_NULLABLE},
        {"status", JV_ENUM, 0, .values = statuses},
        {"review_date", JV_DATE, JV_NULLABLE},
        {"requirements", JV_ARRAY, 0, .max = 200},
        {"risks", JV_ARRAY, 0, .max = 200},
        {NULL},
};
static const struct jv_field requirement_item = {"requirements", JV_STRING, 0, .max = 82};
static const struct jv_field risk_fields[] = {
        {"risk_id", JV_UUID, JV_REQUIRED},
        {"relation", JV_ENUM, JV_REQUIRED,
                .values = (const char *const[]){"existing", "planned", NULL}},
        {NULL},
};
static const struct jv_field starter_fields[] = {
        {"frameworks", JV_ARRAY, JV_REQUIRED, .max = 10},
        {NULL},
};

/* ------------------------------------------------------------ validation */

/* Prefix e->field with "<array>[i]." (or set it to "<array>[i]"). */
static int at_index(struct err *e, const char *array, size_t i)
{
	char f[sizeof e->field];
	if (e->field[0])
		snprintf(f, sizeof f, "%s[%zu].%.60s", array, i, e->field);
	else
		snprintf(f, sizeof f, "%s[%zu]", array, i);
	snprintf(e->field, sizeof e->field, "%s", f);
	return -1;
}

/* Shape, syntax and existence of the requirement ids; sets *text to the JSON array. */
static int check_requirements(struct req *r, const json_t *ids, char **text, struct err *e)
{
	json_t *seen = arena_json(r->arena, json_object());
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		char path[48];
		const char *fw, *ref;
		snprintf(path, sizeof path, "requirements[%zu]", i);
		if (jv_check_value(v, &requirement_item, path, e) ||
		        catalog_split_id(r->arena, json_string_value(v), path, &fw, &ref, e))
			return -1;
		if (json_object_get(seen, json_string_value(v)))
			return err_set(e, ERR_INVALID, path, "listed twice");
		json_object_set_new(seen, json_string_value(v), json_true());
	}
	char *s = json_dumps(ids, JSON_COMPACT);
	*text = arena_strdup(r->arena, s);
	free(s);
	PGresult *m = db_exec(r->db, r->arena, e, missing_requirement_sql, 1, *text);
	if (!m)
		return -1;
	if (PQntuples(m))
		return err_set(e, ERR_INVALID,
		        arena_printf(r->arena, "requirements[%d]", atoi(PQgetvalue(m, 0, 0)) - 1),
		        "no such requirement in the catalog (at the tenant's catalog version)");
	return 0;
}

static int check_risks(struct req *r, const json_t *items, char **text, struct err *e)
{
	json_t *seen = arena_json(r->arena, json_object());
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
	{
		if (!json_is_object(v)) {
			err_set(e, ERR_INVALID, NULL, "must be an object {risk_id, relation}");
			return at_index(e, "risks", i);
		}
		if (jv_check(v, risk_fields, e))
			return at_index(e, "risks", i);
		char *k = arena_printf(
		        r->arena, "%s/%s", jv_str(v, "risk_id"), jv_str(v, "relation"));
		if (json_object_get(seen, k)) {
			err_set(e, ERR_INVALID, NULL, "listed twice");
			return at_index(e, "risks", i);
		}
		json_object_set_new(seen, k, json_true());
	}
	char *s = json_dumps(items, JSON_COMPACT);
	*text = arena_strdup(r->arena, s);
	free(s);
	PGresult *m = db_exec(r->db, r->arena, e, missing_risk_sql, 1, *text);
	if (!m)
		return -1;
	if (PQntuples(m))
		return err_set(e, ERR_INVALID,
		        arena_printf(r->arena, "risks[%d].risk_id", atoi(PQgetvalue(m, 0, 0)) - 1),
		        "no such risk");
	return 0;
}

static int check_owner(struct req *r, const char *owner, struct err *e)
{
	if (!owner)
		return 0;
	PGresult *m = db_exec(r->db, r->arena, e, member_sql, 1, owner);
	if (!m)
		return -1;
	if (PQntuples(m) == 0)
		return err_set(e, ERR_INVALID, "owner_id", "not a member of this tenant");
	return 0;
}

/* Every link of a body, checked before anything is written. */
static int check_links(struct req *r, const json_t *b, char **reqs, char **risks, struct err *e)
{
	json_t *rq = json_object_get(b, "requirements"), *rk = json_object_get(b, "risks");
	*reqs = *risks = NULL;
	if (check_owner(r, jv_str(b, "owner_id"), e))
		return -1;
	if (rq && check_requirements(r, rq, reqs, e))
		return -1;
	if (rk && check_risks(r, rk, risks, e))
		return -1;
	return 0;
}

static int write_links(
        struct req *r, const char *id, const char *reqs, const char *risks, struct err *e)
{
	if (reqs && (!db_exec(r->db, r->arena, e, unlink_requirements_sql, 2, id, reqs) ||
	                    !db_exec(r->db, r->arena, e, link_requirements_sql, 2, id, reqs)))
		return -1;
	if (risks && (!db_exec(r->db, r->arena, e, unlink_risks_sql, 2, id, risks) ||
	                     !db_exec(r->db, r->arena, e, link_risks_sql, 2, id, risks)))
		return -1;
	return 0;
}

static json_t *load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *c = db_json_row(r, e, "control", get_sql, 1, p);
	if (c && resp)
		resp->etag = arena_printf(r->arena, "%lld",
		        (long long)json_integer_value(json_object_get(c, "version")));
	return c;
}

/* -------------------------------------------------------------- handlers */

static int control_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *status = req_query(r, "status"), *owner = req_query(r, "owner_id");
	const char *fw = req_query(r, "framework"), *requirement = req_query(r, "requirement");
	if (page_begin(r, &pg, e))
		return -1;
	bool ok = !status;
	for (const char *const *s = statuses; status && *s; s++)
		ok |= strcmp(*s, status) == 0;
	if (!ok)
		return err_set(e, ERR_INVALID, "status",
		        "must be planned, in_progress, implemented or not_applicable");
	if (owner && !util_is_uuid(owner))
		return err_set(e, ERR_INVALID, "owner_id", "must be a UUID");
	const char *rf, *rr;
	if (requirement && catalog_split_id(r->arena, requirement, "requirement", &rf, &rr, e))
		return -1;
	const char *p[] = {status, owner, fw, requirement, page_after(&pg, 0), pg.limit_plus_one};
	if (pg.after && !p[4])
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "controls", list_sql, 6, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"ref", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int control_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *c = load(r, id, resp, e);
	if (!c)
		return -1;
	resp->body = json_incref(c);
	return 0;
}

static int control_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	char *reqs, *risks;
	if (req_body_object(r, &b, e) || jv_check(b, create_fields, e) ||
	        check_links(r, b, &reqs, &risks, e))
		return -1;
	const char *p[] = {jv_str(b, "ref"), jv_str(b, "title"), jv_str(b, "description"),
	        jv_str(b, "owner_id"), jv_str(b, "status"), jv_str(b, "review_date")};
	PGresult *ins = db_execv(r->db, r->arena, e, insert_sql, 6, p);
	if (!ins)
		return -1;
	const char *id = PQgetvalue(ins, 0, 0);
	json_t *c;
	if (write_links(r, id, reqs, risks, e) || !(c = load(r, id, resp, e)) ||
	        audit_record(r, "control.create", "control", id, NULL, c, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/controls/%s", id);
	resp->body = json_incref(c);
	return 0;
}

static int control_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	char *reqs, *risks;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before || check_links(r, b, &reqs, &risks, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(b, "ref"), jv_str(b, "title"), jv_str(b, "description"),
	        json_object_get(b, "owner_id") ? "true" : "false", jv_str(b, "owner_id"),
	        jv_str(b, "status"), json_object_get(b, "review_date") ? "true" : "false",
	        jv_str(b, "review_date")};
	PGresult *u = db_execv(r->db, r->arena, e, update_sql, 10, p);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the control was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	json_t *after;
	if (write_links(r, id, reqs, risks, e) || !(after = load(r, id, resp, e)) ||
	        audit_record(r, "control.update", "control", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int control_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, delete_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the control was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	if (audit_record(r, "control.delete", "control", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ------------------------------------------------------------- starter set */

static const char select_frameworks_sql[] =
        "INSERT INTO tenant_frameworks AS tf (tenant_id, framework_id, catalog_version, selected)"
        " SELECT app_tenant(), f.id, f.catalog_version, true FROM catalog_frameworks f"
        " WHERE f.id IN (SELECT jsonb_array_elements_text($1::jsonb))"
        " ON CONFLICT (tenant_id, framework_id) DO UPDATE SET selected = true, updated_at = now()"
        " WHERE NOT tf.selected RETURNING framework_id";
static const char starter_requirements_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('framework_id', r.framework_id, 'ref', r.ref,"
        " 'kind', r.kind, 'title', r.title, 'actionable', r.actionable, 'framework_name', f.name)"
        " ORDER BY r.framework_id, r.seq), '[]')"
        " FROM catalog_requirements r JOIN catalog_frameworks f ON f.id = r.framework_id"
        " WHERE r.framework_id IN (SELECT jsonb_array_elements_text($1::jsonb))"
        "   AND r.catalog_version = catalog_version_for(r.framework_id) AND r.actionable";
/* relations whose two ends are at the tenant's catalog versions */
static const char starter_relations_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('from_framework', x.from_framework,"
        " 'from_ref', x.from_ref, 'relation', x.relation, 'to_framework', x.to_framework,"
        " 'to_ref', x.to_ref, 'rationale', x.rationale) ORDER BY x.catalog_version, x.seq), '[]')"
        " FROM catalog_relations x WHERE x.to_ref IS NOT NULL"
        "   AND x.catalog_version = catalog_version_for(x.from_framework)"
        "   AND x.catalog_version = catalog_version_for(x.to_framework)";
static const char starter_existing_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'ref', c.ref, 'starter_key',"
        " c.starter_key, 'requirements', (SELECT coalesce(jsonb_agg(cr.framework_id || ':' ||"
        " cr.ref), '[]') FROM control_requirements cr WHERE cr.control_id = c.id)) ORDER BY c.ref),"
        " '[]') FROM controls c";
static const char starter_frameworks_sql[] =
        "SELECT coalesce(jsonb_object_agg(f.id, jsonb_build_object('name', f.name,"
        " 'catalog_version', catalog_version_for(f.id))), '{}') FROM catalog_frameworks f";
/* new controls: [{key, ref, title, description}] -> [{id, key}] */
static const char starter_create_sql[] =
        "INSERT INTO controls (tenant_id, ref, title, description, starter_key)"
        " SELECT app_tenant(), x.ref, x.title, x.description, x.key"
        " FROM jsonb_to_recordset($1::jsonb) AS x(key text, ref text, title text, description text)"
        " RETURNING jsonb_build_object('id', id, 'key', starter_key)";
/* links: [{control_id, framework_id, ref, basis}] */
static const char starter_link_sql[] =
        "INSERT INTO control_requirements (tenant_id, control_id, framework_id, ref, basis)"
        " SELECT app_tenant(), x.control_id, x.framework_id, x.ref, x.basis"
        " FROM jsonb_to_recordset($1::jsonb) AS x(control_id uuid, framework_id text, ref text,"
        " basis text) ON CONFLICT DO NOTHING";
static const char starter_bump_sql[] =
        "UPDATE controls SET version = version + 1, updated_at = now()"
        " WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)";
static const char taken_refs_sql[] =
        "SELECT coalesce(jsonb_object_agg(ref, true), '{}') FROM controls";

/* Why a member is in its control, stored with the link and shown in the description. */
static char *basis_text(struct arena *a, const json_t *group, const json_t *m)
{
	const char *rel = json_string_value(json_object_get(m, "relation"));
	if (strcmp(rel, "anchor") == 0)
		return arena_strdup(a, "anchor of this starter control");
	return arena_printf(a, "%s %s: %s", rel, json_string_value(json_object_get(group, "key")),
	        json_string_value(json_object_get(m, "rationale")));
}

static char *describe(struct arena *a, const json_t *group, const json_t *fws)
{
	size_t n = 0, cap = 1024;
	char *buf = xmalloc(cap);
	n = (size_t)snprintf(buf, cap,
	        "Generated from the Concord catalog as one control for requirements that the"
	        " crosswalk says are equal or overlap. It serves:\n");
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(group, "members"), i, m)
	{
		const char *fw = json_string_value(json_object_get(m, "framework_id"));
		const char *name =
		        json_string_value(json_object_get(json_object_get(fws, fw), "name"));
		const char *rel = json_string_value(json_object_get(m, "relation"));
		char *line = arena_printf(a, "- %s %s %s%s%s%s\n", name ? name : fw,
		        json_string_value(json_object_get(m, "ref")),
		        json_string_value(json_object_get(m, "title")),
		        strcmp(rel, "anchor") ? " (" : "", strcmp(rel, "anchor") ? rel : "",
		        strcmp(rel, "anchor") ? ")" : "");
		size_t l = strlen(line);
		if (n + l + 1 > cap)
			buf = xrealloc(buf, cap = (n + l + 1) * 2);
		memcpy(buf + n, line, l + 1);
		n += l;
	}
	const char tail[] = "Record here how the organisation implements it.";
	if (n + sizeof tail > cap)
		buf = xrealloc(buf, n + sizeof tail);
	memcpy(buf + n, tail, sizeof tail);
	char *out = arena_strdup(a, buf);
	free(buf);
	return out;
}

static void add_links(json_t *links, const char *control_id, const json_t *group,
        const json_t *members, struct arena *a)
{
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m) json_array_append_new(
	        links, json_pack("{s:s, s:O, s:O, s:s}", "control_id", control_id, "framework_id",
	                       json_object_get(m, "framework_id"), "ref", json_object_get(m, "ref"),
	                       "basis", basis_text(a, group, m)));
}

static int starter_generate(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, starter_fields, e))
		return -1;
	json_t *sel = json_object_get(b, "frameworks");
	if (json_array_size(sel) == 0)
		return err_set(e, ERR_INVALID, "frameworks", "select at least one framework");
	json_t *fws = db_json_row(r, e, "frameworks", starter_frameworks_sql, 0, NULL);
	if (!fws)
		return -1;
	size_t i;
	json_t *v;
	json_array_foreach(sel, i, v)
	{
		char path[48];
		snprintf(path, sizeof path, "frameworks[%zu]", i);
		if (!json_is_string(v) || !json_object_get(fws, json_string_value(v)))
			return err_set(e, ERR_INVALID, path, "no such framework in the catalog");
	}
	char *st = json_dumps(sel, JSON_COMPACT);
	const char *sp[] = {arena_strdup(r->arena, st)};
	free(st);
	PGresult *newly = db_execv(r->db, r->arena, e, select_frameworks_sql, 1, sp);
	if (!newly)
		return -1;
	json_t *reqs = db_json_row(r, e, "requirements", starter_requirements_sql, 1, sp);
	json_t *rels = reqs ? db_json_row(r, e, "relations", starter_relations_sql, 0, NULL) : NULL;
	json_t *existing =
	        rels ? db_json_row(r, e, "controls", starter_existing_sql, 0, NULL) : NULL;
	json_t *taken = existing ? db_json_row(r, e, "controls", taken_refs_sql, 0, NULL) : NULL;
	if (!taken)
		return -1;
	json_t *groups = arena_json(r->arena, catalog_starter_groups(reqs, rels, sel));
	json_t *plan = arena_json(r->arena, catalog_starter_plan(groups, existing));

	/* new controls: ref = the anchor's public id (suffixed if a manual control took it) */
	json_t *rows = arena_json(r->arena, json_array());
	json_t *g;
	json_array_foreach(json_object_get(plan, "create"), i, g)
	{
		const char *key = json_string_value(json_object_get(g, "key"));
		char *ref = arena_strdup(r->arena, key);
		for (int n = 2; json_object_get(taken, ref); n++)
			ref = arena_printf(r->arena, "%.36s #%d", key, n);
		json_object_set_new(taken, ref, json_true());
		json_array_append_new(rows, json_pack("{s:s, s:s, s:O, s:s}", "key", key, "ref",
		                                    ref, "title", json_object_get(g, "title"),
		                                    "description", describe(r->arena, g, fws)));
	}
	json_t *links = arena_json(r->arena, json_array());
	json_t *created = arena_json(r->arena, json_object()); /* key -> id */
	if (json_array_size(rows)) {
		char *t = json_dumps(rows, JSON_COMPACT);
		PGresult *c = db_exec(r->db, r->arena, e, starter_create_sql, 1, t);
		free(t);
		if (!c)
			return -1;
		for (int k = 0; k < PQntuples(c); k++) {
			json_t *x = db_json(r->arena, c, k, 0);
			json_object_set(created, json_string_value(json_object_get(x, "key")),
			        json_object_get(x, "id"));
		}
	}
	json_array_foreach(json_object_get(plan, "create"), i, g)
	{
		const char *id = json_string_value(
		        json_object_get(created, json_string_value(json_object_get(g, "key"))));
		add_links(links, id, g, json_object_get(g, "members"), r->arena);
	}
	json_t *extended_ids = arena_json(r->arena, json_array());
	json_array_foreach(json_object_get(plan, "extend"), i, g)
	{
		const char *id = json_string_value(json_object_get(g, "control_id"));
		add_links(links, id, g, json_object_get(g, "members"), r->arena);
		json_array_append_new(extended_ids, json_string(id));
	}
	if (json_array_size(links)) {
		char *t = json_dumps(links, JSON_COMPACT);
		PGresult *l = db_exec(r->db, r->arena, e, starter_link_sql, 1, t);
		free(t);
		if (!l)
			return -1;
	}
	if (json_array_size(extended_ids)) {
		char *t = json_dumps(extended_ids, JSON_COMPACT);
		PGresult *u = db_exec(r->db, r->arena, e, starter_bump_sql, 1, t);
		free(t);
		if (!u)
			return -1;
	}
	/* one audit event lists every control created or extended and what it now serves;
	 * a re-run that changes nothing records nothing */
	bool changed = json_array_size(rows) || json_array_size(extended_ids) || PQntuples(newly);
	json_t *made = json_array();
	json_array_foreach(rows, i, g) json_array_append_new(made,
	        json_pack("{s:O, s:O, s:O}", "id",
	                json_object_get(created, json_string_value(json_object_get(g, "key"))),
	                "ref", json_object_get(g, "ref"), "key", json_object_get(g, "key")));
	json_t *info = json_pack("{s:O, s:o, s:O, s:O}", "frameworks", sel, "created", made,
	        "extended", json_object_get(plan, "extend"), "links", links);
	int rc = changed ? audit_record(r, "control.starter", "control", NULL, NULL, info, e) : 0;
	json_decref(info);
	if (rc)
		return -1;
	json_t *out_made = json_array();
	json_array_foreach(rows, i, g) json_array_append_new(out_made,
	        json_pack("{s:O, s:O, s:O, s:O}", "id",
	                json_object_get(created, json_string_value(json_object_get(g, "key"))),
	                "ref", json_object_get(g, "ref"), "title", json_object_get(g, "title"),
	                "starter_key", json_object_get(g, "key")));
	resp->body = json_pack("{s:O, s:i, s:i, s:O, s:O, s:o, s:O}", "frameworks", sel, "groups",
	        (int)json_array_size(groups), "links_added", (int)json_array_size(links),
	        "unchanged", json_object_get(plan, "unchanged"), "already_covered",
	        json_object_get(plan, "already_covered"), "created", out_made, "extended",
	        json_object_get(plan, "extend"));
	return 0;
}

/* ---------------------------------------------------------------- coverage */

/* Per requirement of one framework at the tenant's version: the controls serving it,
 * their status and the share implemented (controls marked not_applicable do not count). */
#define COVERAGE_CTE                                                                               \
	"WITH ver AS (SELECT f.id AS fw, catalog_version_for(f.id) AS v FROM catalog_frameworks f" \
	"   WHERE ($1::text IS NULL OR f.id = $1)),"                                               \
	" req AS (SELECT r.framework_id, r.ref, r.kind, r.title, r.seq FROM ver"                   \
	"   JOIN catalog_requirements r ON r.framework_id = ver.fw AND r.catalog_version = ver.v"  \
	"   WHERE r.actionable),"                                                                  \
	" lk AS (SELECT cr.framework_id, cr.ref, c.id, c.ref AS cref, c.title, c.status FROM ver"  \
	"   JOIN control_requirements cr ON cr.framework_id = ver.fw AND cr.catalog_version = "    \
	"ver.v"                                                                                    \
	"   JOIN controls c ON c.tenant_id = cr.tenant_id AND c.id = cr.control_id),"              \
	" per AS (SELECT req.framework_id, req.ref, req.kind, req.title, req.seq,"                 \
	"   coalesce(jsonb_agg(jsonb_build_object('id', lk.id, 'ref', lk.cref, 'title', lk.title," \
	"     'status', lk.status) ORDER BY lk.cref) FILTER (WHERE lk.id IS NOT NULL), '[]')"      \
	"     AS controls,"                                                                        \
	"   count(lk.id) AS n,"                                                                    \
	"   count(lk.id) FILTER (WHERE lk.status <> 'not_applicable') AS active,"                  \
	"   count(lk.id) FILTER (WHERE lk.status = 'implemented') AS impl,"                        \
	"   count(lk.id) FILTER (WHERE lk.status = 'in_progress') AS prog"                         \
	"   FROM req LEFT JOIN lk ON lk.framework_id = req.framework_id AND lk.ref = req.ref"      \
	"   GROUP BY req.framework_id, req.ref, req.kind, req.title, req.seq),"                    \
	" st AS (SELECT per.*, CASE WHEN n = 0 THEN 'not_covered'"                                 \
	"   WHEN active = 0 THEN 'not_applicable' WHEN impl = active THEN 'implemented'"           \
	"   WHEN impl > 0 OR prog > 0 THEN 'partially_implemented' ELSE 'planned' END AS status,"  \
	"   CASE WHEN active = 0 THEN NULL ELSE round(100.0 * impl / active, 1) END AS pct"        \
	"   FROM per),"                                                                            \
	" sm AS (SELECT framework_id, jsonb_build_object('framework_id', framework_id,"            \
	"   'requirements', count(*), 'covered', count(*) FILTER (WHERE n > 0),"                   \
	"   'not_covered', count(*) FILTER (WHERE status = 'not_covered'),"                        \
	"   'not_applicable', count(*) FILTER (WHERE status = 'not_applicable'),"                  \
	"   'implemented', count(*) FILTER (WHERE status = 'implemented'),"                        \
	"   'partially_implemented', count(*) FILTER (WHERE status = 'partially_implemented'),"    \
	"   'planned', count(*) FILTER (WHERE status = 'planned'),"                                \
	"   'percent_covered', round(100.0 * count(*) FILTER (WHERE n > 0) / nullif(count(*), "    \
	"0), 1),"                                                                                  \
	"   'percent_implemented', coalesce(round(100.0 * count(*) FILTER (WHERE status ="         \
	"     'implemented') / nullif(count(*) FILTER (WHERE status <> 'not_applicable'), 0), "    \
	"1), 0)"                                                                                   \
	"   ) AS j FROM st GROUP BY framework_id)"

static const char coverage_all_sql[] = COVERAGE_CTE
        " SELECT coalesce(jsonb_agg(sm.j || jsonb_build_object('name', f.name,"
        " 'catalog_version', catalog_version_for(f.id)) ORDER BY sm.framework_id), '[]')"
        " FROM sm JOIN catalog_frameworks f ON f.id = sm.framework_id";
static const char coverage_one_sql[] = COVERAGE_CTE
        " SELECT jsonb_build_object('summary', (SELECT j FROM sm),"
        " 'items', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', framework_id || ':' || ref,"
        "   'ref', ref, 'kind', kind, 'title', title, 'seq', seq, 'status', status,"
        "   'percent_implemented', pct, 'controls', controls) ORDER BY seq), '[]')"
        "   FROM (SELECT * FROM st WHERE ($2::text IS NULL OR status = $2)"
        "     AND ($3::int IS NULL OR seq > $3::int) ORDER BY seq LIMIT $4) x))";
static const char framework_exists_sql[] = "SELECT 1 FROM catalog_frameworks WHERE id = $1";

static const char *const coverage_statuses[] = {
        "not_covered", "not_applicable", "implemented", "partially_implemented", "planned", NULL};
static const char *const coverage_query[] = {"limit", "status", NULL};

static int coverage_all(struct req *r, struct resp *resp, struct err *e)
{
	const char *p[] = {NULL};
	json_t *items = db_json_row(r, e, "coverage", coverage_all_sql, 1, p);
	if (!items)
		return -1;
	resp->body = json_pack("{s:O, s:n}", "items", items, "next");
	return 0;
}

static int coverage_framework(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw = req_param(r, "framework"), *status = req_query(r, "status");
	struct page pg;
	if (page_begin(r, &pg, e))
		return -1;
	bool ok = !status;
	for (const char *const *s = coverage_statuses; status && *s; s++)
		ok |= strcmp(*s, status) == 0;
	if (!ok)
		return err_set(e, ERR_INVALID, "status",
		        "must be not_covered, not_applicable, implemented, partially_implemented "
		        "or planned");
	PGresult *x = db_exec(r->db, r->arena, e, framework_exists_sql, 1, fw);
	if (!x)
		return -1;
	if (PQntuples(x) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such framework");
	const char *after = page_after(&pg, 0);
	if (pg.after && (!after || atoi(after) <= 0))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {fw, status, after, pg.limit_plus_one};
	json_t *cov = db_json_row(r, e, "coverage", coverage_one_sql, 4, p);
	if (!cov)
		return -1;
	static const char *const keys[] = {"seq", NULL};
	json_t *page = page_result(r, &pg, json_incref(json_object_get(cov, "items")), keys);
	json_object_set(page, "summary", json_object_get(cov, "summary"));
	resp->body = page;
	return 0;
}

const struct route control_routes[] = {
        {"GET", "/v1/controls", control_list, "controls:read", 0,
                "List the control library (filter by status, owner, framework or requirement)",
                list_query},
        {"POST", "/v1/controls", control_create, "controls:write", 0,
                "Create a control linked to catalog requirements and risks"},
        {"POST", "/v1/controls/starter", starter_generate, "controls:write", 0,
                "Generate the starter control set for the selected frameworks (idempotent)"},
        {"GET", "/v1/controls/{id}", control_get, "controls:read", 0,
                "Get a control with the requirements it serves and the risks relying on it"},
        {"PATCH", "/v1/controls/{id}", control_update, "controls:write", 0,
                "Update a control and replace its requirement or risk links (If-Match required)"},
        {"DELETE", "/v1/controls/{id}", control_delete, "controls:write", 0,
                "Delete a control and its links (If-Match required)"},
        {"GET", "/v1/coverage", coverage_all, "controls:read", 0,
                "Coverage of every framework by the control library, computed in SQL"},
        {"GET", "/v1/coverage/{framework}", coverage_framework, "controls:read", 0,
                "Coverage of each requirement of a framework: controls, status, percent "
                "implemented",
                coverage_query},
        {NULL},
};
