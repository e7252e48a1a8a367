/*
 * catalog.c - the standards catalog over HTTP, read-only, plus the tenant's private
 * overlays of licensed standard text.
 *
 *   GET  /v1/catalog/frameworks                    frameworks, loaded versions, the pin
 *   GET  /v1/catalog/frameworks/{id}               one framework
 *   GET  /v1/catalog/frameworks/{id}/requirements  the requirement tree
 *   GET  /v1/catalog/requirements/{id}             one requirement ("<fw>:<ref>") with its
 *                                                  relations, overlay and the tenant's controls
 *   GET  /v1/catalog/overlays                      the tenant's overlays (without text)
 *   POST /v1/catalog/overlays                      import licensed text for many requirements
 *   PUT/DELETE /v1/catalog/overlays/{id}           one overlay (If-Match when it exists)
 *
 * The catalog tables are global and read-only to the API role; a requirement is read at
 * the tenant's pinned catalog version unless ?version= asks for another. Overlays are
 * tenant rows (RLS) and never change Concord's own guidance: the requirement shows both.
 * Overlay JSON (and so the audit trail) carries the text's SHA-256 and length, never
 * the licensed text itself, which only the requirement's GET returns.
 * Handlers run on the request's thread inside its transaction; memory is the arena's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "catalog.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

static const char frameworks_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'id'), '[]') FROM ("
        " SELECT jsonb_build_object('id', f.id, 'name', f.name, 'edition', f.version, 'kind', "
        "f.kind,"
        "  'catalog_version', f.catalog_version, 'source', f.source,"
        "  'versions', (SELECT jsonb_agg(v.catalog_version ORDER BY"
        "     string_to_array(v.catalog_version, '.')::int[]) FROM catalog_versions v"
        "     WHERE v.framework_id = f.id),"
        "  'tenant', (SELECT jsonb_build_object('catalog_version', tf.catalog_version, 'selected',"
        "     tf.selected) FROM tenant_frameworks tf WHERE tf.framework_id = f.id),"
        "  'counts', (SELECT jsonb_object_agg(k.kind, k.n) FROM (SELECT r.kind, count(*) AS n"
        "     FROM catalog_requirements r WHERE r.framework_id = f.id"
        "       AND r.catalog_version = catalog_version_for(f.id) GROUP BY r.kind) k)) AS j"
        " FROM catalog_frameworks f"
        " WHERE ($1::text IS NULL OR f.id = $1) AND ($2::text IS NULL OR f.id > $2)"
        " ORDER BY f.id LIMIT $3) s";

static const char tree_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.framework_id || ':' || r.ref,"
        " 'ref', r.ref, 'kind', r.kind, 'parent_ref', r.parent_ref, 'title', r.title, 'guidance',"
        " r.guidance, 'typical_evidence', r.typical_evidence, 'attributes', r.attributes,"
        " 'actionable', r.actionable, 'overlay', o.ref IS NOT NULL) ORDER BY r.seq), '[]')"
        " FROM catalog_requirements r LEFT JOIN catalog_overlays o ON o.framework_id = "
        "r.framework_id"
        "  AND o.catalog_version = r.catalog_version AND o.ref = r.ref"
        " WHERE r.framework_id = $1 AND r.catalog_version = $2";

static const char version_sql[] =
        "SELECT coalesce($2, catalog_version_for($1)),"
        " EXISTS (SELECT 1 FROM catalog_versions v WHERE v.framework_id = $1"
        "   AND v.catalog_version = coalesce($2, catalog_version_for($1)))";

#define REL_JSON(fw, ref, rel)                                                                     \
	"jsonb_build_object('id', " fw " || ':' || " ref ", 'framework_id', " fw ", 'ref', " ref   \
	", 'title', t.title, 'relation', " rel ", 'rationale', x.rationale)"

static const char requirement_sql[] =
        "SELECT jsonb_build_object('id', r.framework_id || ':' || r.ref, 'framework_id',"
        " r.framework_id, 'catalog_version', r.catalog_version, 'ref', r.ref, 'kind', r.kind,"
        " 'title', r.title, 'guidance', r.guidance, 'typical_evidence', r.typical_evidence,"
        " 'attributes', r.attributes, 'actionable', r.actionable,"
        " 'parent', (SELECT jsonb_build_object('id', p.framework_id || ':' || p.ref, 'ref', p.ref,"
        "   'title', p.title) FROM catalog_requirements p WHERE p.framework_id = r.framework_id"
        "   AND p.catalog_version = r.catalog_version AND p.ref = r.parent_ref),"
        " 'children', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.framework_id || ':' ||"
        "   c.ref, 'ref', c.ref, 'kind', c.kind, 'title', c.title) ORDER BY c.seq), '[]')"
        "   FROM catalog_requirements c WHERE c.framework_id = r.framework_id"
        "   AND c.catalog_version = r.catalog_version AND c.parent_ref = r.ref),"
        " 'relations', (SELECT coalesce(jsonb_agg(j ORDER BY array_position(ARRAY['equal',"
        "   'superset', 'subset', 'intersects', 'related', 'no_counterpart'], j->>'relation'),"
        "   j->>'framework_id', j->>'ref'), '[]') FROM ("
        "   SELECT " REL_JSON("x.to_framework", "coalesce(x.to_ref, '-')",
                "x.relation") " AS j"
                              "   FROM catalog_relations x LEFT JOIN catalog_requirements t ON "
                              "t.framework_id ="
                              "     x.to_framework AND t.catalog_version = x.catalog_version AND "
                              "t.ref = x.to_ref"
                              "   WHERE x.catalog_version = r.catalog_version AND x.from_framework "
                              "= r.framework_id"
                              "     AND x.from_ref = r.ref"
                              "   UNION ALL"
                              "   SELECT " REL_JSON("x.from_framework", "x.from_ref",
                                      "CASE x.relation WHEN 'subset' THEN 'superset' WHEN "
                                      "'superset' THEN 'subset'"
                                      " ELSE x.relation END") " FROM catalog_relations x"
                                                              "   JOIN catalog_requirements t ON "
                                                              "t.framework_id = x.from_framework"
                                                              "     AND t.catalog_version = "
                                                              "x.catalog_version AND t.ref = "
                                                              "x.from_ref"
                                                              "   WHERE x.catalog_version = "
                                                              "r.catalog_version AND "
                                                              "x.to_framework = r.framework_id"
                                                              "     AND x.to_ref = r.ref) s),"
                                                              " 'overlay', (SELECT "
                                                              "jsonb_build_object('text', o.text, "
                                                              "'licence', o.licence, 'version',"
                                                              "   o.version, 'updated_at', "
                                                              "o.updated_at) FROM catalog_overlays "
                                                              "o"
                                                              "   WHERE o.framework_id = "
                                                              "r.framework_id AND o.ref = r.ref"
                                                              "   AND o.catalog_version = "
                                                              "r.catalog_version),"
                                                              " 'controls', (SELECT "
                                                              "coalesce(jsonb_agg(jsonb_build_"
                                                              "object('id', c.id, 'ref', c.ref,"
                                                              "   'title', c.title, 'status', "
                                                              "c.status, 'basis', cr.basis) ORDER "
                                                              "BY c.ref), '[]')"
                                                              "   FROM control_requirements cr "
                                                              "JOIN controls c ON c.tenant_id = "
                                                              "cr.tenant_id"
                                                              "   AND c.id = cr.control_id WHERE "
                                                              "cr.framework_id = r.framework_id "
                                                              "AND cr.ref = r.ref"
                                                              "   AND cr.catalog_version = "
                                                              "r.catalog_version))"
                                                              " FROM catalog_requirements r WHERE "
                                                              "r.framework_id = $1 AND r.ref = $2"
                                                              " AND r.catalog_version = "
                                                              "coalesce($3, "
                                                              "catalog_version_for($1))";

/* The requirement exists at the tenant's catalog version. */
static const char exists_sql[] =
        "SELECT catalog_version FROM catalog_requirements WHERE framework_id = $1 AND ref = $2"
        " AND catalog_version = catalog_version_for($1)";

#define OVERLAY_JSON                                                                               \
	"jsonb_build_object('id', o.framework_id || ':' || o.ref, 'framework_id', o.framework_id, \
	'ref', o.ref, 'catalog_version', o.catalog_version, 'licence', o.licence, 'text_length', \
	length(o.text), 'text_sha256', encode(sha256(convert_to(o.text, 'UTF8')), 'hex'),        \
	'version', o.version, 'updated_at', o.updated_at)"

static const char overlay_get_sql[] =
        "SELECT " OVERLAY_JSON " FROM catalog_overlays o WHERE o.framework_id = $1 AND o.ref = $2";
static const char overlay_insert_sql[] =
        "INSERT INTO catalog_overlays AS o (tenant_id, framework_id, ref, text, licence, "
        "updated_by)"
        " VALUES (app_tenant(), $1, $2, $3, coalesce($4, ''), app_user()) RETURNING " OVERLAY_JSON;
static const char overlay_update_sql[] =
        "UPDATE catalog_overlays AS o SET text = $3, licence = coalesce($4, licence),"
        " version = version + 1, updated_by = app_user(), updated_at = now()"
        " WHERE framework_id = $1 AND ref = $2 AND version = $5::int RETURNING " OVERLAY_JSON;
static const char overlay_delete_sql[] =
        "DELETE FROM catalog_overlays WHERE framework_id = $1 AND ref = $2 AND version = $3::int";
static const char overlay_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'framework_id', j->>'ref'), '[]') FROM ("
        " SELECT " OVERLAY_JSON " AS j FROM catalog_overlays o"
        " WHERE ($1::text IS NULL OR o.framework_id = $1)"
        "   AND ($2::text IS NULL OR (o.framework_id, o.ref) > ($2, $3))"
        " ORDER BY o.framework_id, o.ref LIMIT $4) s";
/* First item (1-based ordinality) whose ref is not in the framework at the pinned version. */
static const char import_missing_sql[] =
        "SELECT x.i FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(item, i)"
        " WHERE NOT EXISTS (SELECT 1 FROM catalog_requirements r WHERE r.framework_id = $1"
        "   AND r.ref = x.item->>'ref' AND r.catalog_version = catalog_version_for($1))"
        " ORDER BY x.i LIMIT 1";
static const char import_sql[] =
        "INSERT INTO catalog_overlays AS o (tenant_id, framework_id, ref, text, licence, "
        "updated_by)"
        " SELECT app_tenant(), $1, x.ref, x.text, coalesce($3, ''), app_user()"
        " FROM jsonb_to_recordset($2::jsonb) AS x(ref text, text text)"
        " ON CONFLICT (tenant_id, framework_id, ref) DO UPDATE SET text = EXCLUDED.text,"
        " licence = EXCLUDED.licence, version = o.version + 1, updated_by = app_user(),"
        " updated_at = now()"
        " RETURNING (xmax = 0) AS created";

static const char *const list_query[] = {"limit", NULL};
static const char *const tree_query[] = {"version", NULL};
static const char *const overlay_query[] = {"limit", "framework", NULL};

static const struct jv_field overlay_fields[] = {
        {"text", JV_STRING, JV_REQUIRED, .max = 100000},
        {"licence", JV_TEXT, 0, .max = 500},
        {NULL},
};
static const struct jv_field import_fields[] = {
        {"framework", JV_STRING, JV_REQUIRED, .max = 40},
        {"licence", JV_TEXT, 0, .max = 500},
        {"items", JV_ARRAY, JV_REQUIRED, .max = 500},
        {NULL},
};
static const struct jv_field import_item_fields[] = {
        {"ref", JV_STRING, JV_REQUIRED, .max = 40},
        {"text", JV_STRING, JV_REQUIRED, .max = 100000},
        {NULL},
};

/* ?version= when given must look like a catalog version. */
static int version_query(struct req *r, const char **v, struct err *e)
{
	*v = req_query(r, "version");
	if (!*v)
		return 0;
	size_t n = strlen(*v);
	bool ok = n >= 6 && n <= 8 && (*v)[4] == '.';
	for (size_t i = 0; ok && i < n; i++)
		ok = i == 4 || ((*v)[i] >= '0' && (*v)[i] <= '9');
	if (!ok)
		return err_set(
		        e, ERR_INVALID, "version", "must be a catalog version such as 2026.1");
	return 0;
}

/* The {id} path parameter as "<framework>:<ref>"; malformed ids are unknown (404). */
static int path_requirement(struct req *r, const char **fw, const char **ref, struct err *e)
{
	const char *id = req_param(r, "id");
	struct err ignore = {0};
	if (catalog_split_id(r->arena, id, "id", fw, ref, &ignore))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such requirement");
	return 0;
}

static int framework_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	if (page_begin(r, &pg, e))
		return -1;
	const char *p[] = {NULL, page_after(&pg, 0), pg.limit_plus_one};
	if (pg.after && !p[1])
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "frameworks", frameworks_sql, 3, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int framework_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *p[] = {req_param(r, "id"), NULL, "1"};
	json_t *items = db_json_row(r, e, "framework", frameworks_sql, 3, p);
	if (!items)
		return -1;
	if (json_array_size(items) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such framework");
	resp->body = json_incref(json_array_get(items, 0));
	return 0;
}

/* Nest flat rows (document order) by parent_ref. Returns the roots (new reference). */
static json_t *build_tree(const json_t *rows)
{
	json_t *by_ref = json_object(), *roots = json_array();
	size_t i;
	json_t *n;
	json_array_foreach(rows, i, n)
	{
		json_object_set_new(n, "children", json_array());
		json_object_set(by_ref, json_string_value(json_object_get(n, "ref")), n);
	}
	json_array_foreach(rows, i, n)
	{
		const char *p = json_string_value(json_object_get(n, "parent_ref"));
		json_t *parent = p ? json_object_get(by_ref, p) : NULL;
		json_array_append(parent ? json_object_get(parent, "children") : roots, n);
	}
	json_decref(by_ref);
	return roots;
}

static int framework_tree(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw = req_param(r, "id"), *version;
	if (version_query(r, &version, e))
		return -1;
	PGresult *v = db_exec(r->db, r->arena, e, version_sql, 2, fw, version);
	if (!v)
		return -1;
	if (PQgetisnull(v, 0, 0) || strcmp(PQgetvalue(v, 0, 1), "t") != 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such framework or catalog version");
	const char *ver = PQgetvalue(v, 0, 0);
	const char *p[] = {fw, ver};
	json_t *rows = db_json_row(r, e, "requirements", tree_sql, 2, p);
	if (!rows)
		return -1;
	resp->body = json_pack("{s:s, s:s, s:i, s:o}", "framework_id", fw, "catalog_version", ver,
	        "count", (int)json_array_size(rows), "items", build_tree(rows));
	return 0;
}

static int requirement_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *ref, *version;
	if (path_requirement(r, &fw, &ref, e) || version_query(r, &version, e))
		return -1;
	const char *p[] = {fw, ref, version};
	json_t *j = db_json_row(r, e, "requirement", requirement_sql, 3, p);
	if (!j)
		return -1;
	resp->body = json_incref(j);
	return 0;
}

/* --------------------------------------------------------------- overlays */

static int overlay_put(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *ref;
	json_t *b;
	if (path_requirement(r, &fw, &ref, e) || req_body_object(r, &b, e) ||
	        jv_check(b, overlay_fields, e))
		return -1;
	PGresult *x = db_exec(r->db, r->arena, e, exists_sql, 2, fw, ref);
	if (!x)
		return -1;
	if (PQntuples(x) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such requirement");
	const char *p[] = {fw, ref};
	PGresult *cur = db_execv(r->db, r->arena, e, overlay_get_sql, 2, p);
	if (!cur)
		return -1;
	const char *licence = jv_str(b, "licence");
	json_t *after;
	if (PQntuples(cur) == 0) {
		if (req_header(r, "If-Match"))
			return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
			        "there is no overlay for this requirement yet");
		const char *ip[] = {fw, ref, jv_str(b, "text"), licence};
		after = db_json_row(r, e, "overlay", overlay_insert_sql, 4, ip);
		if (!after || audit_record(r, "catalog.overlay.create", "catalog_overlay",
		                      req_param(r, "id"), NULL, after, e))
			return -1;
		resp->status = 201;
	} else {
		long version;
		if (req_if_match(r, &version, e))
			return -1;
		json_t *before = db_json(r->arena, cur, 0, 0);
		char vbuf[24];
		snprintf(vbuf, sizeof vbuf, "%ld", version);
		const char *up[] = {fw, ref, jv_str(b, "text"), licence, vbuf};
		PGresult *u = db_execv(r->db, r->arena, e, overlay_update_sql, 5, up);
		if (!u)
			return -1;
		if (PQntuples(u) == 0)
			return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
			        "the overlay was changed by someone else (current version %lld)",
			        (long long)json_integer_value(json_object_get(before, "version")));
		after = db_json(r->arena, u, 0, 0);
		if (audit_record(r, "catalog.overlay.update", "catalog_overlay", req_param(r, "id"),
		            before, after, e))
			return -1;
	}
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(after, "version")));
	resp->body = json_incref(after);
	return 0;
}

static int overlay_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *ref;
	long version;
	if (path_requirement(r, &fw, &ref, e) || req_if_match(r, &version, e))
		return -1;
	const char *p[] = {fw, ref};
	json_t *before = db_json_row(r, e, "overlay", overlay_get_sql, 2, p);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, overlay_delete_sql, 3, fw, ref, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the overlay was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	if (audit_record(r, "catalog.overlay.delete", "catalog_overlay", req_param(r, "id"), before,
	            NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

static int overlay_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	if (page_begin(r, &pg, e))
		return -1;
	const char *p[] = {req_query(r, "framework"), page_after(&pg, 0), page_after(&pg, 1),
	        pg.limit_plus_one};
	if (pg.after && (!p[1] || !p[2]))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "overlays", overlay_list_sql, 4, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"framework_id", "ref", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int overlay_import(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, import_fields, e))
		return -1;
	const char *fw = jv_str(b, "framework");
	json_t *items = json_object_get(b, "items");
	if (json_array_size(items) == 0)
		return err_set(e, ERR_INVALID, "items", "must list at least one requirement");
	json_t *seen = arena_json(r->arena, json_object());
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		char path[48];
		snprintf(path, sizeof path, "items[%zu]", i);
		if (!json_is_object(it))
			return err_set(e, ERR_INVALID, path, "must be an object {ref, text}");
		if (jv_check(it, import_item_fields, e)) {
			char f[sizeof e->field];
			snprintf(f, sizeof f, "%s.%.60s", path, e->field);
			snprintf(e->field, sizeof e->field, "%s", f);
			return -1;
		}
		if (json_object_get(seen, jv_str(it, "ref")))
			return err_set(e, ERR_INVALID, arena_printf(r->arena, "%s.ref", path),
			        "listed twice");
		json_object_set_new(seen, jv_str(it, "ref"), json_true());
	}
	PGresult *fx = db_exec(r->db, r->arena, e, "SELECT catalog_version_for($1)", 1, fw);
	if (!fx)
		return -1;
	if (PQgetisnull(fx, 0, 0))
		return err_set(e, ERR_INVALID, "framework", "no such framework in the catalog");
	char *text = json_dumps(items, JSON_COMPACT);
	PGresult *miss = db_exec(r->db, r->arena, e, import_missing_sql, 2, fw, text);
	PGresult *ins = NULL;
	if (miss && PQntuples(miss))
		err_set(e, ERR_INVALID,
		        arena_printf(r->arena, "items[%d].ref", atoi(PQgetvalue(miss, 0, 0)) - 1),
		        "no such requirement in %s", fw);
	else if (miss)
		ins = db_exec(r->db, r->arena, e, import_sql, 3, fw, text, jv_str(b, "licence"));
	free(text);
	if (!ins)
		return -1;
	int created = 0;
	for (int k = 0; k < PQntuples(ins); k++)
		created += strcmp(PQgetvalue(ins, k, 0), "t") == 0;
	json_t *refs = json_array();
	json_array_foreach(items, i, it) json_array_append(refs, json_object_get(it, "ref"));
	json_t *info = json_pack("{s:s, s:o, s:i, s:i}", "framework_id", fw, "refs", refs,
	        "created", created, "updated", PQntuples(ins) - created);
	int rc = audit_record(r, "catalog.overlay.import", "catalog_overlay", fw, NULL, info, e);
	if (rc) {
		json_decref(info);
		return -1;
	}
	json_object_del(info, "refs");
	json_object_set_new(info, "imported", json_integer(PQntuples(ins)));
	resp->body = info;
	return 0;
}

const struct route catalog_routes[] = {
        {"GET", "/v1/catalog/frameworks", framework_list, "catalog:read", 0,
                "List the catalog's frameworks with their loaded versions and the tenant's pin",
                list_query},
        {"GET", "/v1/catalog/frameworks/{id}", framework_get, "catalog:read", 0,
                "Get a framework of the catalog"},
        {"GET", "/v1/catalog/frameworks/{id}/requirements", framework_tree, "catalog:read", 0,
                "The framework's requirements as a tree (clauses, Annex A, articles, annexes)",
                tree_query},
        {"GET", "/v1/catalog/requirements/{id}", requirement_get, "catalog:read", 0,
                "Get a requirement (<framework>:<ref>) with its crosswalk relations, the tenant's"
                " overlay and controls",
                tree_query},
        {"GET", "/v1/catalog/overlays", overlay_list, "catalog:read", 0,
                "List the tenant's overlays of licensed standard text", overlay_query},
        {"POST", "/v1/catalog/overlays", overlay_import, "catalog:write", 0,
                "Import licensed standard text for many requirements of one framework"},
        {"PUT", "/v1/catalog/overlays/{id}", overlay_put, "catalog:write", 0,
                "Create or replace the tenant's overlay for a requirement (If-Match to replace)"},
        {"DELETE", "/v1/catalog/overlays/{id}", overlay_delete, "catalog:write", 0,
                "Delete the tenant's overlay for a requirement (If-Match required)"},
        {NULL},
};
