/*
 * assets.c - the minimal asset inventory information-security risks refer to: name,
 * type, owner, classification and confidentiality / integrity / availability values
 * (1 low .. 4 very high).
 *
 *   /v1/assets[/{id}]    list, create, get, update, delete
 *
 * An asset that risks refer to cannot be deleted (409): unlink it first, so no risk
 * silently loses an affected asset. Every mutation is audited in the request
 * transaction.
 *
 * Handlers run on the server's pool threads inside the request transaction; memory
 * is the request arena.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

#define ASSET_JSON                                                                                 \
	"jsonb_build_object('id', a.id, 'name', a.name, 'type', a.type, 'description',      \
	a.description, 'owner_id', a.owner_id, 'owner_name', user_label(a.owner_id),         \
	'classification', a.classification, 'confidentiality', a.confidentiality,            \
	'integrity', a.integrity, 'availability', a.availability, 'risk_refs', (SELECT       \
	coalesce(jsonb_agg(r.ref ORDER BY r.ref), '[]') FROM risk_assets ra JOIN risks r ON  \
	r.tenant_id = ra.tenant_id AND r.id = ra.risk_id WHERE ra.tenant_id = a.tenant_id    \
	AND ra.asset_id = a.id), 'version', a.version, 'created_at', a.created_at,           \
	'updated_at', a.updated_at)"

static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'name', j->>'id'), '[]') FROM ("
        " SELECT " ASSET_JSON " AS j FROM assets a"
        " WHERE ($1::text IS NULL OR a.type = $1) AND ($2::text IS NULL OR a.classification = $2)"
        "   AND ($3::text IS NULL OR (a.name, a.id) > ($3, $4::uuid))"
        " ORDER BY a.name, a.id LIMIT $5) s";
static const char get_sql[] = "SELECT " ASSET_JSON " FROM assets a WHERE a.id = $1";
static const char insert_sql[] =
        "INSERT INTO assets AS a (tenant_id, name, type, description, owner_id, classification,"
        " confidentiality, integrity, availability) VALUES (app_tenant(), $1, $2, coalesce($3, ''),"
        " $4::uuid, $5, $6::int, $7::int, $8::int) RETURNING " ASSET_JSON;
static const char update_sql[] =
        "UPDATE assets AS a SET name = $3, type = $4, description = $5, owner_id = $6::uuid,"
        " classification = $7, confidentiality = $8::int, integrity = $9::int,"
        " availability = $10::int, version = version + 1, updated_at = now()"
        " WHERE a.id = $1 AND a.version = $2::int RETURNING " ASSET_JSON;
static const char linked_sql[] = "SELECT count(*) FROM risk_assets WHERE asset_id = $1";
static const char delete_sql[] = "DELETE FROM assets WHERE id = $1 AND version = $2::int";

static const char *const types[] = {"information", "software", "hardware", "service", "people",
        "site", "supplier", "other", NULL};
static const char *const classes[] = {"public", "internal", "confidential", "restricted", NULL};

static const struct jv_field create_fields[] = {
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"type", JV_ENUM, JV_REQUIRED, .values = types},
        {"description", JV_TEXT, 0, .max = 4000},
        {"owner_id", JV_UUID, JV_REQUIRED},
        {"classification", JV_ENUM, JV_REQUIRED, .values = classes},
        {"confidentiality", JV_INT, JV_REQUIRED, .min = 1, .max = 4},
        {"integrity", JV_INT, JV_REQUIRED, .min = 1, .max = 4},
        {"availability", JV_INT, JV_REQUIRED, .min = 1, .max = 4},
        {NULL},
};
static const struct jv_field update_fields[] = {
        {"name", JV_STRING, 0, .max = 200},
        {"type", JV_ENUM, 0, .values = types},
        {"description", JV_TEXT, 0, .max = 4000},
        {"owner_id", JV_UUID, 0},
        {"classification", JV_ENUM, 0, .values = classes},
        {"confidentiality", JV_INT, 0, .min = 1, .max = 4},
        {"integrity", JV_INT, 0, .min = 1, .max = 4},
        {"availability", JV_INT, 0, .min = 1, .max = 4},
        {NULL},
};

static const char *const list_query[] = {"limit", "type", "classification", NULL};

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
	json_t *a = db_json_row(r, e, "asset", get_sql, 1, p);
	if (a && resp)
		resp->etag = version_text(r, a);
	return a;
}

static int asset_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *type = req_query(r, "type"), *cls = req_query(r, "classification");
	if (page_begin(r, &pg, e))
		return -1;
	if (type && !in_list(type, types))
		return err_set(e, ERR_INVALID, "type", "unknown asset type");
	if (cls && !in_list(cls, classes))
		return err_set(e, ERR_INVALID, "classification", "unknown classification");
	const char *p[] = {type, cls, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	if (pg.after && (!p[2] || !p[3] || !util_is_uuid(p[3])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "assets", list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"name", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int asset_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *a = load(r, id, resp, e);
	if (!a)
		return -1;
	resp->body = json_incref(a);
	return 0;
}

static int asset_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	char c[16], i[16], a[16];
	if (req_body_object(r, &b, e) || jv_check(b, create_fields, e))
		return -1;
	const char *p[] = {jv_str(b, "name"), jv_str(b, "type"), jv_str(b, "description"),
	        jv_str(b, "owner_id"), jv_str(b, "classification"),
	        jv_int_text(b, "confidentiality", c, sizeof c),
	        jv_int_text(b, "integrity", i, sizeof i),
	        jv_int_text(b, "availability", a, sizeof a)};
	json_t *asset = db_json_row(r, e, "asset", insert_sql, 8, p);
	if (!asset)
		return -1;
	const char *id = json_string_value(json_object_get(asset, "id"));
	if (audit_record(r, "asset.create", "asset", id, NULL, asset, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/assets/%s", id);
	resp->etag = "1";
	resp->body = json_incref(asset);
	return 0;
}

static int asset_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	char c[16], i[16], a[16], vbuf[24];
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "name"), jv_str(m, "type"), jv_str(m, "description"),
	        jv_str(m, "owner_id"), jv_str(m, "classification"),
	        jv_int_text(m, "confidentiality", c, sizeof c),
	        jv_int_text(m, "integrity", i, sizeof i),
	        jv_int_text(m, "availability", a, sizeof a)};
	PGresult *u = db_execv(r->db, r->arena, e, update_sql, 10, p);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the asset was changed by someone else (current version %s)",
		        version_text(r, before));
	json_t *after = db_json(r->arena, u, 0, 0);
	if (audit_record(r, "asset.update", "asset", id, before, after, e))
		return -1;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int asset_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	PGresult *l = db_exec(r->db, r->arena, e, linked_sql, 1, id);
	if (!l)
		return -1;
	if (strcmp(PQgetvalue(l, 0, 0), "0") != 0)
		return err_set(e, ERR_CONFLICT, "id",
		        "%s risk(s) refer to this asset; remove it from them first",
		        PQgetvalue(l, 0, 0));
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, delete_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the asset was changed by someone else (current version %s)",
		        version_text(r, before));
	if (audit_record(r, "asset.delete", "asset", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

const struct route asset_routes[] = {
        {"GET", "/v1/assets", asset_list, "assets:read", 0, "List the asset inventory", list_query},
        {"POST", "/v1/assets", asset_create, "assets:write", 0,
                "Add an asset: type, owner, classification, C/I/A values"},
        {"GET", "/v1/assets/{id}", asset_get, "assets:read", 0, "Get an asset"},
        {"PATCH", "/v1/assets/{id}", asset_update, "assets:write", 0,
                "Update an asset (If-Match required)"},
        {"DELETE", "/v1/assets/{id}", asset_delete, "assets:write", 0,
                "Delete an asset no risk refers to (If-Match required)"},
        {NULL},
};
