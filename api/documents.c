/*
 * documents.c - the register of documented information (27001/42001 clause 7.5):
 * policies, procedures, plans, standards, registers, records and reports, each with a
 * reference, the author's version label, where its content lives (and its SHA-256),
 * owner, classification, review interval, the catalog requirements it is the
 * documented information for and the controls it governs.
 *
 *   GET/POST           /v1/documents                  list (filters) / register
 *   GET/PATCH/DELETE   /v1/documents/{id}             one document (If-Match to change)
 *   POST               /v1/documents/{id}/approve     approve what the row says now
 *   GET                /v1/documents/{id}/approvals   the approval history
 *   GET                /v1/documented-information     the ISO 27001/42001 checklist of
 *                                                     documented information, item by item:
 *                                                     covered, draft only, missing or not
 *                                                     applicable (domain/docinfo.c)
 *
 * Status: draft -> in_review -> approved -> retired (and back to draft). Only the
 * approve route makes a document approved (document_approve(), 0040: the caller is
 * the approver, the approval is recorded immutably with the version label, location
 * and hash, and the next review date is set). Changing what was approved (title, kind,
 * summary, version label, location, hash, requirements) returns an approved document
 * to draft, so "approved" always means "this content was approved". A document that
 * was ever approved, or that anything links to, cannot be deleted (409 naming where
 * it is linked): retire it instead, so every link an auditor follows still resolves.
 *
 * Handlers run on the server's pool threads inside the request transaction; memory is
 * the request arena. Every mutation is audited in that transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "docinfo.h"
#include "jsonv.h"
#include "soa.h"
#include "util.h"

#define DOC_JSON                                                                                   \
	"jsonb_build_object('id', d.id, 'ref', d.ref, 'kind', d.kind, 'title', d.title, "          \
	"'summary',"                                                                               \
	" d.summary, 'doc_version', d.doc_version, 'location', d.location, 'content_sha256',"      \
	" d.content_sha256, 'classification', d.classification, 'owner_id', d.owner_id,"           \
	" 'owner_name', user_label(d.owner_id), 'status', d.status, 'review_months',"              \
	" d.review_months, 'approved_by', d.approved_by, 'approved_by_name',"                      \
	" user_label(d.approved_by), 'approved_at', d.approved_at, 'next_review_on',"              \
	" d.next_review_on, 'review_due', d.status = 'approved' AND d.next_review_on <="           \
	" current_date, 'requirements', (SELECT coalesce(jsonb_agg(x.framework_id || ':' ||"       \
	" x.ref ORDER BY x.framework_id, x.ref), '[]') FROM document_requirements x WHERE"         \
	" x.document_id = d.id), 'control_ids', (SELECT coalesce(jsonb_agg(x.control_id ORDER BY"  \
	" x.control_id), '[]') FROM document_controls x WHERE x.document_id = d.id), 'version',"   \
	" d.version, 'created_at', d.created_at, 'updated_at', d.updated_at)"

static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'ref'), '[]') FROM ("
        " SELECT " DOC_JSON " AS j FROM documents d"
        " WHERE ($1::text IS NULL OR d.kind = $1) AND ($2::text IS NULL OR d.status = $2)"
        "   AND ($3::uuid IS NULL OR d.owner_id = $3::uuid)"
        "   AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM document_controls x"
        "     WHERE x.document_id = d.id AND x.control_id = $4::uuid))"
        "   AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM document_requirements x"
        "     WHERE x.document_id = d.id AND x.framework_id = split_part($5, ':', 1)"
        "     AND x.ref = substr($5, strpos($5, ':') + 1)))"
        "   AND ($6::boolean IS NULL OR (d.status = 'approved' AND d.next_review_on <="
        "     current_date) = $6::boolean)"
        "   AND ($7::text IS NULL OR d.ref > $7)"
        " ORDER BY d.ref LIMIT $8) s";
/* one document with what it links to and what links to it */
static const char get_sql[] =
        "SELECT " DOC_JSON " || jsonb_build_object("
        " 'controls', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'ref', c.ref,"
        "   'title', c.title, 'status', c.status) ORDER BY c.ref), '[]') FROM document_controls x"
        "   JOIN controls c ON c.tenant_id = x.tenant_id AND c.id = x.control_id"
        "   WHERE x.document_id = d.id),"
        " 'evidence', (SELECT coalesce(jsonb_agg(evidence_brief(v.id) ORDER BY v.collected_on"
        "   DESC, v.id), '[]') FROM evidence v WHERE v.document_id = d.id),"
        " 'linked_from', document_links(d.id),"
        " 'approvals', (SELECT count(*) FROM document_approvals a WHERE a.document_id = d.id))"
        " FROM documents d WHERE d.id = $1";
static const char insert_sql[] =
        "INSERT INTO documents (tenant_id, ref, kind, title, summary, doc_version, location,"
        " content_sha256, classification, owner_id, status, review_months) VALUES (app_tenant(),"
        " $1, $2, $3, coalesce($4, ''), coalesce($5, '0.1'), coalesce($6, ''), $7,"
        " coalesce($8, 'internal'), $9::uuid, coalesce($10, 'draft'), coalesce($11::int, 12))"
        " RETURNING id";
/* $12: the content changed, so an approved document returns to draft */
static const char update_sql[] =
        "UPDATE documents SET ref = $3, kind = $4, title = $5, summary = $6, doc_version = $7,"
        " location = $8, content_sha256 = $9, classification = $10, owner_id = $11::uuid,"
        " review_months = $13::int,"
        " status = CASE WHEN $14::text IS NOT NULL THEN $14"
        "   WHEN status = 'approved' AND $12::boolean THEN 'draft' ELSE status END,"
        " approved_by = CASE WHEN ($14::text IS NOT NULL OR $12::boolean) THEN NULL"
        "   ELSE approved_by END,"
        " approved_at = CASE WHEN ($14::text IS NOT NULL OR $12::boolean) THEN NULL"
        "   ELSE approved_at END,"
        " next_review_on = CASE WHEN ($14::text IS NOT NULL OR $12::boolean) THEN NULL"
        "   WHEN status = 'approved' THEN (approved_at::date + make_interval(months =>"
        "   $13::int))::date ELSE next_review_on END,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int"
        " RETURNING id";
static const char delete_sql[] = "DELETE FROM documents WHERE id = $1 AND version = $2::int";
static const char links_sql[] = "SELECT document_links($1)";
static const char approve_sql[] = "SELECT document_approve($1, $2::int, $3)";
static const char approvals_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('seq', a.seq, 'doc_version', a.doc_version,"
        " 'title', a.title, 'location', a.location, 'content_sha256', a.content_sha256, 'note',"
        " a.note, 'approved_by', a.approved_by, 'approved_by_name', user_label(a.approved_by),"
        " 'approved_at', a.approved_at) ORDER BY a.seq DESC), '[]')"
        " FROM document_approvals a WHERE a.document_id = $1";

static const char holdings_sql[] = "SELECT documented_information_holdings()";
static const char today_sql[] = "SELECT current_date::text";

static const char del_requirements_sql[] =
        "DELETE FROM document_requirements WHERE document_id = $1";
static const char add_requirements_sql[] =
        "INSERT INTO document_requirements (tenant_id, document_id, framework_id, ref)"
        " SELECT DISTINCT app_tenant(), $1::uuid, split_part(x.id, ':', 1),"
        " substr(x.id, strpos(x.id, ':') + 1) FROM jsonb_array_elements_text($2::jsonb) x(id)";
static const char del_controls_sql[] = "DELETE FROM document_controls WHERE document_id = $1";
static const char add_controls_sql[] =
        "INSERT INTO document_controls (tenant_id, document_id, control_id)"
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

static const char *const kinds[] = {
        "policy", "procedure", "plan", "standard", "register", "record", "report", "other", NULL};
static const char *const statuses[] = {"draft", "in_review", "approved", "retired", NULL};
static const char *const classes[] = {"public", "internal", "confidential", "restricted", NULL};
static const char *const list_query[] = {
        "limit", "kind", "status", "owner_id", "control_id", "requirement", "review_due", NULL};
static const char *const checklist_query[] = {"framework", NULL};
static const char *const checklist_frameworks[] = {"iso27001-2022", "iso42001-2023", NULL};

#define DOC_FIELDS(req)                                                                            \
	{"ref", JV_STRING, req, .max = 40}, {"kind", JV_ENUM, req, .values = kinds},               \
	        {"title", JV_STRING, req, .max = 300}, {"summary", JV_TEXT, 0, .max = 5000},       \
	        {"doc_version", JV_STRING, 0, .max = 20}, {"location", JV_TEXT, 0, .max = 2000},   \
	        {"content_sha256", JV_STRING, JV_NULLABLE, .max = 64},                             \
	        {"classification", JV_ENUM, 0, .values = classes},                                 \
	        {"owner_id", JV_UUID, JV_NULLABLE}, {"status", JV_ENUM, 0, .values = statuses},    \
	        {"review_months", JV_INT, 0, .min = 1, .max = 60},                                 \
	        {"requirements", JV_ARRAY, 0, .max = 200},                                         \
	{                                                                                          \
		"control_ids", JV_ARRAY, 0, .max = 200                                             \
	}
static const struct jv_field create_fields[] = {DOC_FIELDS(JV_REQUIRED), {NULL}};
static const struct jv_field update_fields[] = {DOC_FIELDS(0), {NULL}};
static const struct jv_field approve_fields[] = {{"note", JV_TEXT, 0, .max = 2000}, {NULL}};

/* what an approval vouches for: changing any of these voids it */
static const char *const content_keys[] = {
        "title", "kind", "summary", "doc_version", "location", "content_sha256", NULL};

static const char *version_text(struct req *r, const json_t *doc)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version")));
}

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, v) == 0)
			return true;
	return false;
}

static json_t *load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *d = db_json_row(r, e, "document", get_sql, 1, p);
	if (d && resp)
		resp->etag = version_text(r, d);
	return d;
}

/* Rules beyond types and the table's constraints (0040: the hash's form, the owner is a
 * member), and the links, checked before anything is written. */
static int check_body(struct req *r, const json_t *b, struct err *e)
{
	const char *status = jv_str(b, "status");
	if (status && strcmp(status, "approved") == 0)
		return err_set(e, ERR_UNPROCESSABLE, "status",
		        "a document is approved through POST /v1/documents/{id}/approve, which "
		        "records who approved which version");
	return links_check_all(r, b, link_sets, e);
}

static int doc_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *kind = req_query(r, "kind"), *status = req_query(r, "status"),
	           *owner = req_query(r, "owner_id"), *control = req_query(r, "control_id"),
	           *reqm = req_query(r, "requirement"), *due = req_query(r, "review_due");
	if (page_begin(r, &pg, e))
		return -1;
	if (kind && !in_list(kind, kinds))
		return err_set(e, ERR_INVALID, "kind", "unknown document kind");
	if (status && !in_list(status, statuses))
		return err_set(e, ERR_INVALID, "status", "unknown status");
	if (owner && !util_is_uuid(owner))
		return err_set(e, ERR_INVALID, "owner_id", "must be a UUID");
	if (control && !util_is_uuid(control))
		return err_set(e, ERR_INVALID, "control_id", "must be a UUID");
	if (reqm && (!strchr(reqm, ':') || strlen(reqm) > 80))
		return err_set(e, ERR_INVALID, "requirement", "must be \"<framework>:<ref>\"");
	if (due && strcmp(due, "true") != 0 && strcmp(due, "false") != 0)
		return err_set(e, ERR_INVALID, "review_due", "must be true or false");
	const char *after = page_after(&pg, 0);
	if (pg.after && !after)
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {kind, status, owner, control, reqm, due, after, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "documents", list_sql, 8, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"ref", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int doc_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *d = load(r, id, resp, e);
	if (!d)
		return -1;
	resp->body = json_incref(d);
	return 0;
}

static int doc_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	char months[16];
	if (req_body_object(r, &b, e) || jv_check(b, create_fields, e) || check_body(r, b, e))
		return -1;
	const char *p[] = {jv_str(b, "ref"), jv_str(b, "kind"), jv_str(b, "title"),
	        jv_str(b, "summary"), jv_str(b, "doc_version"), jv_str(b, "location"),
	        jv_str(b, "content_sha256"), jv_str(b, "classification"), jv_str(b, "owner_id"),
	        jv_str(b, "status"), jv_int_text(b, "review_months", months, sizeof months)};
	PGresult *res = db_execv(r->db, r->arena, e, insert_sql, 11, p);
	if (!res)
		return -1;
	const char *id = arena_printf(r->arena, "%s", PQgetvalue(res, 0, 0));
	if (links_save_all(r, id, b, link_sets, e))
		return -1;
	json_t *d = load(r, id, resp, e);
	if (!d || audit_record(r, "document.create", "document", id, NULL, d, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/documents/%s", id);
	resp->body = json_incref(d);
	return 0;
}

static int doc_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before || check_body(r, b, e))
		return -1;
	bool changed = false;
	for (const char *const *k = content_keys; *k; k++) {
		const json_t *v = json_object_get(b, *k);
		changed |= v && !json_equal(v, json_object_get(before, *k));
	}
	const json_t *reqs = json_object_get(b, "requirements");
	changed |= reqs && !links_same_set(reqs, json_object_get(before, "requirements"));
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	char vbuf[24], months[16];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "ref"), jv_str(m, "kind"), jv_str(m, "title"),
	        jv_str(m, "summary"), jv_str(m, "doc_version"), jv_str(m, "location"),
	        jv_str(m, "content_sha256"), jv_str(m, "classification"), jv_str(m, "owner_id"),
	        changed ? "true" : "false", jv_int_text(m, "review_months", months, sizeof months),
	        jv_str(b, "status")};
	PGresult *u = db_execv(r->db, r->arena, e, update_sql, 14, p);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the document was changed by someone else (current version %s)",
		        version_text(r, before));
	if (links_save_all(r, id, b, link_sets, e))
		return -1;
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "document.update", "document", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int doc_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	if (links_refuse_linked(r, links_sql, id,
	            "an approved or linked document is retired (status retired), not deleted", e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, delete_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the document was changed by someone else (current version %s)",
		        version_text(r, before));
	if (audit_record(r, "document.delete", "document", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

static int doc_approve(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	/* the body is optional: none, or {"note": ...} */
	if (req_param_uuid(r, "id", &id, e) ||
	        (r->body ? req_body_object(r, &b, e) || jv_check(b, approve_fields, e)
	                 : !(b = arena_json(r->arena, json_object()))) ||
	        req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(b, "note")};
	json_t *res = db_json_row(r, e, "document", approve_sql, 3, p);
	if (!res)
		return -1;
	if (json_object_get(res, "conflict"))
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the document was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(res, "conflict")));
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "document.approve", "document", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int doc_approvals(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || !load(r, id, NULL, e))
		return -1;
	const char *p[] = {id};
	json_t *items = db_json_row(r, e, "approvals", approvals_sql, 1, p);
	if (!items)
		return -1;
	resp->body = json_pack("{s:O}", "items", items);
	return 0;
}

/* The checklist: what the standards expect against what the tenant holds, with the
 * applicability of Annex A items taken from the tenant's Statements of Applicability. */
static int checklist_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw = req_query(r, "framework");
	if (fw && !in_list(fw, checklist_frameworks))
		return err_set(
		        e, ERR_INVALID, "framework", "must be iso27001-2022 or iso42001-2023");
	json_t *all = db_json_row(r, e, "documented information", holdings_sql, 0, NULL);
	PGresult *t = all ? db_exec(r->db, r->arena, e, today_sql, 0) : NULL;
	if (!t)
		return -1;
	json_t *holdings = arena_json(r->arena, json_array()), *item;
	size_t i;
	json_array_foreach(all, i, item)
	{
		if (!fw ||
		        strcmp(json_string_value(json_object_get(item, "framework_id")), fw) == 0)
			json_array_append(holdings, item);
	}
	json_t *applicable = arena_json(r->arena, json_object());
	for (const char *const *f = checklist_frameworks; *f; f++) {
		const char *name;
		struct err absent = {0};
		json_t *soa, *line;
		if (soa_framework(r->db, r->arena, *f, &name, &absent))
			continue; /* not in the tenant's catalog: its Annex A items count as applicable */
		if (soa_build(r->db, r->arena, *f, &soa, e))
			return -1;
		json_array_foreach(json_object_get(soa, "items"), i, line)
		{
			json_object_set(applicable,
			        arena_printf(r->arena, "%s:%s", *f,
			                json_string_value(json_object_get(line, "ref"))),
			        json_object_get(line, "applicable"));
		}
	}
	resp->body = docinfo_assess(holdings, applicable, PQgetvalue(t, 0, 0));
	return 0;
}

const struct route document_routes[] = {
        {"GET", "/v1/documents", doc_list, "documents:read", 0,
                "List the register of documented information (policies, procedures, records)",
                list_query},
        {"POST", "/v1/documents", doc_create, "documents:write", 0,
                "Register a document: kind, version label, location, owner, requirements, "
                "controls"},
        {"GET", "/v1/documents/{id}", doc_get, "documents:read", 0,
                "Get a document with its controls, evidence and links"},
        {"PATCH", "/v1/documents/{id}", doc_update, "documents:write", 0,
                "Update a document (If-Match required); changing approved content returns it "
                "to draft"},
        {"DELETE", "/v1/documents/{id}", doc_delete, "documents:write", 0,
                "Delete a document that was never approved and nothing links to (If-Match "
                "required)"},
        {"POST", "/v1/documents/{id}/approve", doc_approve, "documents:approve", 0,
                "Approve the document's current version (If-Match required)"},
        {"GET", "/v1/documents/{id}/approvals", doc_approvals, "documents:read", 0,
                "The document's approval history"},
        {"GET", "/v1/documented-information", checklist_get, "documents:read", 0,
                "The documented information ISO/IEC 27001 and 42001 expect, item by item: "
                "covered, draft only, missing or not applicable",
                checklist_query},
        {NULL},
};
