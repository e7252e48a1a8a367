/*
 * evidence.c - the evidence catalog: what shows that a control operates or that an
 * obligation is met. Each item says what it is (kind, title, description), where it
 * lives (location, and its SHA-256 when the file is fixed), which system produced it
 * (source), when it was collected and by whom, until when it stays valid, the document
 * it is a record under, the controls it shows operating and the catalog requirements
 * it serves directly.
 *
 *   GET/POST           /v1/evidence          list (filters) / record
 *   GET/PATCH/DELETE   /v1/evidence/{id}     one item (If-Match to change)
 *
 * "current" is computed: no valid_until, or valid_until not yet past. Evidence that
 * anything links to (a control, an AI Act obligation, a dossier section) cannot be
 * deleted (409 naming where): unlink it first, so no link an auditor follows breaks.
 * AI Act obligation items and dossier sections link evidence from their side
 * (api/aiact.c); controls show theirs (api/controls.c). Links are checked before anything
 * is written; the other rules (a member collected it, the document exists, valid_until
 * not before collected_on, the hash's form) are the table's constraints (0040), which
 * answer 400 naming the field.
 *
 * Handlers run on the server's pool threads inside the request transaction; memory is
 * the request arena. Every mutation is audited in that transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

#define EVIDENCE_JSON                                                                              \
	"jsonb_build_object('id', v.id, 'title', v.title, 'description', v.description, 'kind',"   \
	" v.kind, 'source', v.source, 'location', v.location, 'sha256', v.sha256,"                 \
	" 'collected_on', v.collected_on, 'collected_by', v.collected_by, 'collected_by_name',"    \
	" user_label(v.collected_by), 'valid_until', v.valid_until, 'current', v.valid_until IS"   \
	" NULL OR v.valid_until >= current_date, 'document_id', v.document_id, 'document',"        \
	" CASE WHEN v.document_id IS NOT NULL THEN document_brief(v.document_id) END,"             \
	" 'control_ids', (SELECT coalesce(jsonb_agg(x.control_id ORDER BY x.control_id), '[]')"    \
	" FROM evidence_controls x WHERE x.evidence_id = v.id), 'requirements', (SELECT"           \
	" coalesce(jsonb_agg(x.framework_id || ':' || x.ref ORDER BY x.framework_id, x.ref),"      \
	" '[]') FROM evidence_requirements x WHERE x.evidence_id = v.id), 'version', v.version,"   \
	" 'created_at', v.created_at, 'updated_at', v.updated_at)"

static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'collected_on' DESC, j->>'id' DESC), '[]') FROM ("
        " SELECT " EVIDENCE_JSON " AS j FROM evidence v"
        " WHERE ($1::text IS NULL OR v.kind = $1)"
        "   AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM evidence_controls x"
        "     WHERE x.evidence_id = v.id AND x.control_id = $2::uuid))"
        "   AND ($3::uuid IS NULL OR v.document_id = $3::uuid)"
        "   AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM evidence_requirements x"
        "     WHERE x.evidence_id = v.id AND x.framework_id = split_part($4, ':', 1)"
        "     AND x.ref = substr($4, strpos($4, ':') + 1)))"
        "   AND ($5::boolean IS NULL OR (v.valid_until IS NULL OR v.valid_until >= current_date)"
        "     = $5::boolean)"
        "   AND ($6::date IS NULL OR (v.collected_on, v.id::text) < ($6::date, $7))"
        " ORDER BY v.collected_on DESC, v.id::text DESC LIMIT $8) s";
static const char get_sql[] =
        "SELECT " EVIDENCE_JSON " || jsonb_build_object("
        " 'controls', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'ref', c.ref,"
        "   'title', c.title, 'status', c.status) ORDER BY c.ref), '[]') FROM evidence_controls x"
        "   JOIN controls c ON c.tenant_id = x.tenant_id AND c.id = x.control_id"
        "   WHERE x.evidence_id = v.id),"
        " 'linked_from', evidence_links(v.id))"
        " FROM evidence v WHERE v.id = $1";
static const char insert_sql[] =
        "INSERT INTO evidence (tenant_id, title, description, kind, source, location, sha256,"
        " collected_on, collected_by, valid_until, document_id) VALUES (app_tenant(), $1,"
        " coalesce($2, ''), $3, coalesce($4, ''), $5, $6, $7::date, coalesce($8::uuid, (SELECT"
        " m.user_id FROM memberships m WHERE m.tenant_id = app_tenant() AND m.user_id ="
        " app_user())), $9::date, $10::uuid) RETURNING id";
static const char update_sql[] =
        "UPDATE evidence SET title = $3, description = $4, kind = $5, source = $6, location = $7,"
        " sha256 = $8, collected_on = $9::date, collected_by = $10::uuid, valid_until ="
        " $11::date, document_id = $12::uuid, version = version + 1, updated_at = now()"
        " WHERE id = $1 AND version = $2::int RETURNING id";
static const char delete_sql[] = "DELETE FROM evidence WHERE id = $1 AND version = $2::int";
static const char links_sql[] = "SELECT evidence_links($1)";

static const char del_requirements_sql[] =
        "DELETE FROM evidence_requirements WHERE evidence_id = $1";
static const char add_requirements_sql[] =
        "INSERT INTO evidence_requirements (tenant_id, evidence_id, framework_id, ref)"
        " SELECT DISTINCT app_tenant(), $1::uuid, split_part(x.id, ':', 1),"
        " substr(x.id, strpos(x.id, ':') + 1) FROM jsonb_array_elements_text($2::jsonb) x(id)";
static const char del_controls_sql[] = "DELETE FROM evidence_controls WHERE evidence_id = $1";
static const char add_controls_sql[] =
        "INSERT INTO evidence_controls (tenant_id, evidence_id, control_id)"
        " SELECT DISTINCT app_tenant(), $1::uuid, x.id::uuid"
        " FROM jsonb_array_elements_text($2::jsonb) x(id)";
static const struct link_set link_sets[] = {
        {"requirements", LINK_REQUIREMENT, links_missing_requirement_sql,
                "catalog requirement at the tenant's catalog version", del_requirements_sql,
                add_requirements_sql},
        {"control_ids", LINK_UUID, links_missing_control_sql, "control", del_controls_sql,
                add_controls_sql},
        {NULL},
};

static const char *const kinds[] = {"record", "log", "report", "screenshot", "configuration",
        "attestation", "certificate", "minutes", "other", NULL};
static const char *const list_query[] = {
        "limit", "kind", "control_id", "document_id", "requirement", "current", NULL};

#define EVIDENCE_FIELDS(req)                                                                       \
	{"title", JV_STRING, req, .max = 300}, {"description", JV_TEXT, 0, .max = 5000},           \
	        {"kind", JV_ENUM, req, .values = kinds}, {"source", JV_TEXT, 0, .max = 200},       \
	        {"location", JV_STRING, req, .max = 2000},                                         \
	        {"sha256", JV_STRING, JV_NULLABLE, .max = 64}, {"collected_on", JV_DATE, req},     \
	        {"collected_by", JV_UUID, JV_NULLABLE}, {"valid_until", JV_DATE, JV_NULLABLE},     \
	        {"document_id", JV_UUID, JV_NULLABLE}, {"control_ids", JV_ARRAY, 0, .max = 200},   \
	{                                                                                          \
		"requirements", JV_ARRAY, 0, .max = 200                                            \
	}
static const struct jv_field create_fields[] = {EVIDENCE_FIELDS(JV_REQUIRED), {NULL}};
static const struct jv_field update_fields[] = {EVIDENCE_FIELDS(0), {NULL}};

static const char *version_text(struct req *r, const json_t *doc)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version")));
}

static json_t *load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *v = db_json_row(r, e, "evidence", get_sql, 1, p);
	if (v && resp)
		resp->etag = version_text(r, v);
	return v;
}

static int ev_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *kind = req_query(r, "kind"), *control = req_query(r, "control_id"),
	           *doc = req_query(r, "document_id"), *reqm = req_query(r, "requirement"),
	           *cur = req_query(r, "current");
	if (page_begin(r, &pg, e))
		return -1;
	bool known = !kind;
	for (const char *const *k = kinds; kind && *k; k++)
		known |= strcmp(*k, kind) == 0;
	if (!known)
		return err_set(e, ERR_INVALID, "kind", "unknown evidence kind");
	if (control && !util_is_uuid(control))
		return err_set(e, ERR_INVALID, "control_id", "must be a UUID");
	if (doc && !util_is_uuid(doc))
		return err_set(e, ERR_INVALID, "document_id", "must be a UUID");
	if (reqm && (!strchr(reqm, ':') || strlen(reqm) > 80))
		return err_set(e, ERR_INVALID, "requirement", "must be \"<framework>:<ref>\"");
	if (cur && strcmp(cur, "true") != 0 && strcmp(cur, "false") != 0)
		return err_set(e, ERR_INVALID, "current", "must be true or false");
	const char *on = page_after(&pg, 0), *aid = page_after(&pg, 1);
	if (pg.after && (!on || !aid || !util_is_uuid(aid)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {kind, control, doc, reqm, cur, on, aid, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "evidence", list_sql, 8, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"collected_on", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int ev_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *v = load(r, id, resp, e);
	if (!v)
		return -1;
	resp->body = json_incref(v);
	return 0;
}

static int ev_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, create_fields, e) ||
	        links_check_all(r, b, link_sets, e))
		return -1;
	const char *p[] = {jv_str(b, "title"), jv_str(b, "description"), jv_str(b, "kind"),
	        jv_str(b, "source"), jv_str(b, "location"), jv_str(b, "sha256"),
	        jv_str(b, "collected_on"), jv_str(b, "collected_by"), jv_str(b, "valid_until"),
	        jv_str(b, "document_id")};
	PGresult *res = db_execv(r->db, r->arena, e, insert_sql, 10, p);
	if (!res)
		return -1;
	const char *id = arena_printf(r->arena, "%s", PQgetvalue(res, 0, 0));
	if (links_save_all(r, id, b, link_sets, e))
		return -1;
	json_t *v = load(r, id, resp, e);
	if (!v || audit_record(r, "evidence.create", "evidence", id, NULL, v, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/evidence/%s", id);
	resp->body = json_incref(v);
	return 0;
}

static int ev_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	if (links_check_all(r, b, link_sets, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "title"), jv_str(m, "description"),
	        jv_str(m, "kind"), jv_str(m, "source"), jv_str(m, "location"), jv_str(m, "sha256"),
	        jv_str(m, "collected_on"), jv_str(m, "collected_by"), jv_str(m, "valid_until"),
	        jv_str(m, "document_id")};
	PGresult *u = db_execv(r->db, r->arena, e, update_sql, 12, p);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the evidence was changed by someone else (current version %s)",
		        version_text(r, before));
	if (links_save_all(r, id, b, link_sets, e))
		return -1;
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "evidence.update", "evidence", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int ev_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	if (links_refuse_linked(r, links_sql, id, "unlink it first", e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, delete_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the evidence was changed by someone else (current version %s)",
		        version_text(r, before));
	if (audit_record(r, "evidence.delete", "evidence", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

const struct route evidence_routes[] = {
        {"GET", "/v1/evidence", ev_list, "evidence:read", 0,
                "The evidence catalog, newest first (filters: kind, control, document, "
                "requirement, current)",
                list_query},
        {"POST", "/v1/evidence", ev_create, "evidence:write", 0,
                "Record evidence: what, where, source, collected on, valid until, links"},
        {"GET", "/v1/evidence/{id}", ev_get, "evidence:read", 0,
                "Get an evidence item with its controls and links"},
        {"PATCH", "/v1/evidence/{id}", ev_update, "evidence:write", 0,
                "Update an evidence item (If-Match required)"},
        {"DELETE", "/v1/evidence/{id}", ev_delete, "evidence:write", 0,
                "Delete an evidence item nothing links to (If-Match required)"},
        {NULL},
};
