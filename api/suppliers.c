/*
 * suppliers.c - the AI supply chain of the registry: suppliers, the components AI systems
 * are built from (datasets, models, services) and the directed flows between systems,
 * components and suppliers, with the data categories they carry and whether they leave
 * the EU.
 *
 *   GET/POST          /v1/suppliers                 list / create
 *   GET/PATCH/DELETE  /v1/suppliers/{id}            one supplier (If-Match to change)
 *   GET               /v1/suppliers/{id}/dependents systems that depend on the supplier
 *   GET/POST          /v1/ai-components             list (kind, supplier) / create
 *   GET/PATCH/DELETE  /v1/ai-components/{id}
 *   GET/POST          /v1/ai-flows                  list (personal_data, leaves_eu, system,
 *                                                   supplier) / create
 *   GET/PATCH/DELETE  /v1/ai-flows/{id}
 *
 * "Depends on" is reachability in the registry graph (view ai_graph_edges): a supplier
 * supplies a system or a component, a component is used by a system, data flows from one
 * node to another. "Flows of personal data to third countries" is
 * GET /v1/ai-flows?personal_data=true&leaves_eu=true.
 *
 * Objects still referenced are not deleted (409 naming what refers to them), so the map
 * never loses a node silently. Handlers run on the request's thread inside its transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

/* ------------------------------------------------------------------ suppliers */

#define SUPPLIER_JSON                                                                              \
	"jsonb_build_object('id', p.id, 'name', p.name, 'country', p.country, 'eu_established',"   \
	" p.eu_established, 'description', p.description, 'contact', p.contact, 'version',"        \
	" p.version, 'created_at', p.created_at, 'updated_at', p.updated_at)"

static const char sup_get_sql[] =
        "SELECT " SUPPLIER_JSON " || jsonb_build_object("
        " 'components', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'kind', c.kind,"
        "   'name', c.name) ORDER BY c.kind, c.name), '[]') FROM ai_components c"
        "   WHERE c.supplier_id = p.id),"
        " 'systems', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'ref', s.ref,"
        "   'name', s.name) ORDER BY s.ref), '[]') FROM ai_systems s WHERE s.supplier_id = p.id))"
        " FROM suppliers p WHERE p.id = $1";
static const char sup_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'name'), '[]') FROM ("
        " SELECT " SUPPLIER_JSON " AS j FROM suppliers p"
        " WHERE ($1::boolean IS NULL OR p.eu_established = $1::boolean)"
        "   AND ($2::text IS NULL OR p.name > $2) ORDER BY p.name LIMIT $3) q";
static const char sup_insert_sql[] =
        "INSERT INTO suppliers AS p (tenant_id, name, country, eu_established, description, "
        "contact)"
        " VALUES (app_tenant(), $1, $2, $3::boolean, coalesce($4, ''), coalesce($5, ''))"
        " RETURNING " SUPPLIER_JSON;
static const char sup_update_sql[] =
        "UPDATE suppliers AS p SET name = coalesce($3, name),"
        " country = CASE WHEN $4::boolean THEN $5 ELSE country END,"
        " eu_established = coalesce($6::boolean, eu_established),"
        " description = coalesce($7, description), contact = coalesce($8, contact),"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int"
        " RETURNING " SUPPLIER_JSON;
static const char sup_refs_sql[] =
        "SELECT (SELECT count(*) FROM ai_systems WHERE supplier_id = $1),"
        " (SELECT count(*) FROM ai_components WHERE supplier_id = $1),"
        " (SELECT count(*) FROM ai_flows WHERE from_supplier_id = $1 OR to_supplier_id = $1)";
static const char sup_delete_sql[] = "DELETE FROM suppliers WHERE id = $1 AND version = $2::int";
static const char dependents_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'ref', s.ref, 'name', s.name,"
        " 'lifecycle_stage', s.lifecycle_stage, 'direct', d.direct, 'risk_category',"
        " (SELECT a.risk_category FROM aiact_current a WHERE a.tenant_id = s.tenant_id"
        "  AND a.ai_system_id = s.id)) ORDER BY s.ref), '[]')"
        " FROM ai_supplier_dependents($1) d JOIN ai_systems s ON s.id = d.ai_system_id";

/* ----------------------------------------------------------------- components */

#define COMPONENT_JSON                                                                             \
	"jsonb_build_object('id', c.id, 'kind', c.kind, 'name', c.name, 'description',"            \
	" c.description, 'supplier_id', c.supplier_id, 'provenance', c.provenance, 'licence',"     \
	" c.licence, 'open_source', c.open_source, 'personal_data', c.personal_data,"              \
	" 'special_category_data', c.special_category_data, 'origin', c.origin, 'gpai', c.gpai,"   \
	" 'systemic_risk', c.systemic_risk, 'model_version', c.model_version, 'version',"          \
	" c.version, 'created_at', c.created_at, 'updated_at', c.updated_at)"

static const char comp_get_sql[] =
        "SELECT " COMPONENT_JSON " || jsonb_build_object('used_by', (SELECT coalesce(jsonb_agg("
        " jsonb_build_object('id', s.id, 'ref', s.ref, 'name', s.name) ORDER BY s.ref), '[]')"
        " FROM ai_system_components x JOIN ai_systems s ON s.tenant_id = x.tenant_id"
        " AND s.id = x.ai_system_id WHERE x.component_id = c.id))"
        " FROM ai_components c WHERE c.id = $1";
static const char comp_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'kind', j->>'name'), '[]') FROM ("
        " SELECT " COMPONENT_JSON " AS j FROM ai_components c"
        " WHERE ($1::text IS NULL OR c.kind = $1) AND ($2::uuid IS NULL OR c.supplier_id = "
        "$2::uuid)"
        "   AND ($3::text IS NULL OR (c.kind, c.name) > ($3, $4))"
        " ORDER BY c.kind, c.name LIMIT $5) q";
static const char comp_insert_sql[] =
        "INSERT INTO ai_components AS c (tenant_id, kind, name, description, supplier_id, "
        "provenance,"
        " licence, open_source, personal_data, special_category_data, origin, gpai, systemic_risk,"
        " model_version) VALUES (app_tenant(), $1, $2, coalesce($3, ''), $4::uuid, coalesce($5, "
        "''),"
        " coalesce($6, ''), coalesce($7::boolean, false), coalesce($8::boolean, false),"
        " coalesce($9::boolean, false), $10, coalesce($11::boolean, false),"
        " coalesce($12::boolean, false), coalesce($13, '')) RETURNING " COMPONENT_JSON;
static const char comp_update_sql[] =
        "UPDATE ai_components AS c SET name = coalesce($3, name),"
        " description = coalesce($4, description),"
        " supplier_id = CASE WHEN $5::boolean THEN $6::uuid ELSE supplier_id END,"
        " provenance = coalesce($7, provenance), licence = coalesce($8, licence),"
        " open_source = coalesce($9::boolean, open_source),"
        " personal_data = coalesce($10::boolean, personal_data),"
        " special_category_data = coalesce($11::boolean, special_category_data),"
        " origin = CASE WHEN $12::boolean THEN $13 ELSE origin END,"
        " gpai = coalesce($14::boolean, gpai), systemic_risk = coalesce($15::boolean, "
        "systemic_risk),"
        " model_version = coalesce($16, model_version), version = version + 1, updated_at = now()"
        " WHERE id = $1 AND version = $2::int RETURNING " COMPONENT_JSON;
static const char comp_flows_sql[] =
        "SELECT count(*) FROM ai_flows WHERE from_component_id = $1 OR to_component_id = $1";
static const char comp_delete_sql[] =
        "DELETE FROM ai_components WHERE id = $1 AND version = $2::int";

/* ---------------------------------------------------------------------- flows */

#define FLOW_END(side)                                                                             \
	"jsonb_build_object('kind', CASE WHEN f." side "_system_id IS NOT NULL THEN 'system'"      \
	" WHEN f." side "_component_id IS NOT NULL THEN 'component' ELSE 'supplier' END,"          \
	" 'id', coalesce(f." side "_system_id, f." side "_component_id, f." side "_supplier_id),"  \
	" 'name', coalesce((SELECT s.ref || ' ' || s.name FROM ai_systems s"                       \
	" WHERE s.id = f." side "_system_id), (SELECT c.name FROM ai_components c"                 \
	" WHERE c.id = f." side "_component_id), (SELECT p.name FROM suppliers p"                  \
	" WHERE p.id = f." side "_supplier_id)))"

#define FLOW_FROM FLOW_END("from")
#define FLOW_TO   FLOW_END("to")
#define FLOW_JSON                                                                                  \
	"jsonb_build_object('id', f.id, 'description', f.description, 'from', " FLOW_FROM          \
	", 'to', " FLOW_TO ", 'data_categories', to_jsonb(f.data_categories),"                     \
	" 'personal_data', f.personal_data, 'special_category_data', f.special_category_data,"     \
	" 'leaves_eu', f.leaves_eu, 'destination_country', f.destination_country,"                 \
	" 'version', f.version, 'created_at', f.created_at, 'updated_at', f.updated_at)"

static const char flow_get_sql[] = "SELECT " FLOW_JSON " FROM ai_flows f WHERE f.id = $1";
/* $3: a system (flows touching it or a component it uses); $4: a supplier (flows touching
 * it or a component it supplies) */
static const char flow_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY (j->>'created_at')::timestamptz, j->>'id'), '[]') "
        "FROM ("
        " SELECT " FLOW_JSON " AS j FROM ai_flows f"
        " WHERE ($1::boolean IS NULL OR f.personal_data = $1::boolean)"
        "   AND ($2::boolean IS NULL OR f.leaves_eu = $2::boolean)"
        "   AND ($3::uuid IS NULL OR $3::uuid IN (f.from_system_id, f.to_system_id)"
        "     OR EXISTS (SELECT 1 FROM ai_system_components x WHERE x.ai_system_id = $3::uuid"
        "       AND x.component_id IN (f.from_component_id, f.to_component_id)))"
        "   AND ($4::uuid IS NULL OR $4::uuid IN (f.from_supplier_id, f.to_supplier_id)"
        "     OR EXISTS (SELECT 1 FROM ai_components c WHERE c.supplier_id = $4::uuid"
        "       AND c.id IN (f.from_component_id, f.to_component_id)))"
        "   AND ($5::timestamptz IS NULL OR (f.created_at, f.id) > ($5::timestamptz, $6::uuid))"
        " ORDER BY f.created_at, f.id LIMIT $7) q";
static const char flow_insert_sql[] =
        "INSERT INTO ai_flows AS f (tenant_id, description, from_system_id, from_component_id,"
        " from_supplier_id, to_system_id, to_component_id, to_supplier_id, data_categories,"
        " personal_data, special_category_data, leaves_eu, destination_country)"
        " VALUES (app_tenant(), coalesce($1, ''), $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::uuid,"
        " $7::uuid, ARRAY(SELECT jsonb_array_elements_text(coalesce($8::jsonb, '[]'))),"
        " coalesce($9::boolean, false), coalesce($10::boolean, false), coalesce($11::boolean, "
        "false),"
        " $12) RETURNING id";
static const char flow_update_sql[] =
        "UPDATE ai_flows AS f SET description = coalesce($3, description),"
        " from_system_id = CASE WHEN $4::boolean THEN $5::uuid ELSE from_system_id END,"
        " from_component_id = CASE WHEN $4::boolean THEN $6::uuid ELSE from_component_id END,"
        " from_supplier_id = CASE WHEN $4::boolean THEN $7::uuid ELSE from_supplier_id END,"
        " to_system_id = CASE WHEN $8::boolean THEN $9::uuid ELSE to_system_id END,"
        " to_component_id = CASE WHEN $8::boolean THEN $10::uuid ELSE to_component_id END,"
        " to_supplier_id = CASE WHEN $8::boolean THEN $11::uuid ELSE to_supplier_id END,"
        " data_categories = CASE WHEN $12::jsonb IS NULL THEN data_categories"
        "   ELSE ARRAY(SELECT jsonb_array_elements_text($12::jsonb)) END,"
        " personal_data = coalesce($13::boolean, personal_data),"
        " special_category_data = coalesce($14::boolean, special_category_data),"
        " leaves_eu = coalesce($15::boolean, leaves_eu),"
        " destination_country = CASE WHEN $16::boolean THEN $17 ELSE destination_country END,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int";
static const char flow_delete_sql[] = "DELETE FROM ai_flows WHERE id = $1 AND version = $2::int";

static const char node_system_sql[] = "SELECT 1 FROM ai_systems WHERE id = $1::uuid";
static const char node_component_sql[] = "SELECT 1 FROM ai_components WHERE id = $1::uuid";
static const char node_supplier_sql[] = "SELECT 1 FROM suppliers WHERE id = $1::uuid";

/* ----------------------------------------------------------------- field specs */

static const char *const component_kinds[] = {"dataset", "model", "service", NULL};
static const char *const origins[] = {"in_house", "third_party", NULL};
static const char *const node_kinds[] = {"system", "component", "supplier", NULL};

static const struct jv_field sup_create_fields[] = {
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"country", JV_STRING, JV_NULLABLE, .max = 2},
        {"eu_established", JV_BOOL, JV_REQUIRED},
        {"description", JV_TEXT, 0, .max = 5000},
        {"contact", JV_TEXT, 0, .max = 500},
        {NULL},
};
static const struct jv_field sup_update_fields[] = {
        {"name", JV_STRING, 0, .max = 200},
        {"country", JV_STRING, JV_NULLABLE, .max = 2},
        {"eu_established", JV_BOOL, 0},
        {"description", JV_TEXT, 0, .max = 5000},
        {"contact", JV_TEXT, 0, .max = 500},
        {NULL},
};
static const struct jv_field comp_create_fields[] = {
        {"kind", JV_ENUM, JV_REQUIRED, .values = component_kinds},
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"description", JV_TEXT, 0, .max = 5000},
        {"supplier_id", JV_UUID, JV_NULLABLE},
        {"provenance", JV_TEXT, 0, .max = 2000},
        {"licence", JV_TEXT, 0, .max = 200},
        {"open_source", JV_BOOL, 0},
        {"personal_data", JV_BOOL, 0},
        {"special_category_data", JV_BOOL, 0},
        {"origin", JV_ENUM, JV_NULLABLE, .values = origins},
        {"gpai", JV_BOOL, 0},
        {"systemic_risk", JV_BOOL, 0},
        {"model_version", JV_TEXT, 0, .max = 100},
        {NULL},
};
/* the kind of a component is what it is: not changeable */
static const struct jv_field comp_update_fields[] = {
        {"name", JV_STRING, 0, .max = 200},
        {"description", JV_TEXT, 0, .max = 5000},
        {"supplier_id", JV_UUID, JV_NULLABLE},
        {"provenance", JV_TEXT, 0, .max = 2000},
        {"licence", JV_TEXT, 0, .max = 200},
        {"open_source", JV_BOOL, 0},
        {"personal_data", JV_BOOL, 0},
        {"special_category_data", JV_BOOL, 0},
        {"origin", JV_ENUM, JV_NULLABLE, .values = origins},
        {"gpai", JV_BOOL, 0},
        {"systemic_risk", JV_BOOL, 0},
        {"model_version", JV_TEXT, 0, .max = 100},
        {NULL},
};
static const struct jv_field flow_create_fields[] = {
        {"from", JV_OBJECT, JV_REQUIRED, .max = 2},
        {"to", JV_OBJECT, JV_REQUIRED, .max = 2},
        {"data_categories", JV_ARRAY, 0, .max = 50},
        {"personal_data", JV_BOOL, 0},
        {"special_category_data", JV_BOOL, 0},
        {"leaves_eu", JV_BOOL, 0},
        {"destination_country", JV_STRING, JV_NULLABLE, .max = 2},
        {"description", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field flow_update_fields[] = {
        {"from", JV_OBJECT, 0, .max = 2},
        {"to", JV_OBJECT, 0, .max = 2},
        {"data_categories", JV_ARRAY, 0, .max = 50},
        {"personal_data", JV_BOOL, 0},
        {"special_category_data", JV_BOOL, 0},
        {"leaves_eu", JV_BOOL, 0},
        {"destination_country", JV_STRING, JV_NULLABLE, .max = 2},
        {"description", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field end_fields[] = {
        {"kind", JV_ENUM, JV_REQUIRED, .values = node_kinds},
        {"id", JV_UUID, JV_REQUIRED},
        {NULL},
};
static const struct jv_field category_item = {"", JV_STRING, 0, .max = 100};

/* -------------------------------------------------------------------- helpers */

static const char *version_text(struct req *r, const json_t *o)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(o, "version")));
}

static const char *present(const json_t *b, const char *key)
{
	return json_object_get(b, key) ? "true" : "false";
}

/* The tail of every DELETE here: remove row id at the expected version (sql takes $1 id,
 * $2 version), 412 when someone changed it meanwhile, audit action with the row before,
 * 204. */
static int delete_versioned(struct req *r, struct resp *resp, const char *sql, const char *id,
        long version, const char *what, const char *action, const json_t *before, struct err *e)
{
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the %s was changed by someone else", what);
	/* the audited entity type is the action's prefix: "ai_flow.delete" -> "ai_flow" */
	const char *entity = arena_strndup(r->arena, action, strcspn(action, "."));
	if (audit_record(r, action, entity, id, (json_t *)before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

static int check_country(const json_t *b, const char *key, struct err *e)
{
	const char *c = jv_str(b, key);
	if (c && !(strlen(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'))
		return err_set(
		        e, ERR_INVALID, key, "must be an ISO 3166-1 alpha-2 code such as DE or US");
	return 0;
}

static int row_exists(struct req *r, const char *sql, const char *id, bool *found, struct err *e)
{
	PGresult *res = db_exec(r->db, r->arena, e, sql, 1, id);
	if (!res)
		return -1;
	*found = PQntuples(res) > 0;
	return 0;
}

static int check_supplier_ref(struct req *r, const json_t *b, struct err *e)
{
	bool found;
	const char *id = jv_str(b, "supplier_id");
	if (!id)
		return 0;
	if (row_exists(r, node_supplier_sql, id, &found, e))
		return -1;
	return found ? 0
	             : err_set(e, ERR_INVALID, "supplier_id", "no such supplier in this tenant");
}

static bool parse_bool_query(const char *v, const char **out)
{
	if (!v) {
		*out = NULL;
		return true;
	}
	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
		*out = v;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ suppliers */

static json_t *load_supplier(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *s = db_json_row(r, e, "supplier", sup_get_sql, 1, p);
	if (s && resp)
		resp->etag = version_text(r, s);
	return s;
}

static int supplier_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *eu;
	if (page_begin(r, &pg, e))
		return -1;
	if (!parse_bool_query(req_query(r, "eu_established"), &eu))
		return err_set(e, ERR_INVALID, "eu_established", "must be true or false");
	const char *after = page_after(&pg, 0);
	if (pg.after && !after)
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {eu, after, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "suppliers", sup_list_sql, 3, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"name", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int supplier_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *s = load_supplier(r, id, resp, e);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return 0;
}

static int supplier_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, sup_create_fields, e) ||
	        check_country(b, "country", e))
		return -1;
	const char *p[] = {jv_str(b, "name"), jv_str(b, "country"),
	        jv_bool_text(b, "eu_established"), jv_str(b, "description"), jv_str(b, "contact")};
	json_t *s = db_json_row(r, e, "supplier", sup_insert_sql, 5, p);
	if (!s)
		return -1;
	const char *id = json_string_value(json_object_get(s, "id"));
	if (audit_record(r, "supplier.create", "supplier", id, NULL, s, e))
		return -1;
	resp->status = 201;
	resp->etag = "1";
	resp->location = arena_printf(r->arena, "/v1/suppliers/%s", id);
	resp->body = json_incref(s);
	return 0;
}

static int supplier_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, sup_update_fields, e) || check_country(b, "country", e) ||
	        req_if_match(r, &version, e))
		return -1;
	json_t *before = load_supplier(r, id, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(b, "name"), present(b, "country"), jv_str(b, "country"),
	        jv_bool_text(b, "eu_established"), jv_str(b, "description"), jv_str(b, "contact")};
	PGresult *res = db_execv(r->db, r->arena, e, sup_update_sql, 8, p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the supplier was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	json_t *after = load_supplier(r, id, resp, e);
	if (!after || audit_record(r, "supplier.update", "supplier", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int supplier_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_supplier(r, id, NULL, e);
	if (!before)
		return -1;
	PGresult *refs = db_exec(r->db, r->arena, e, sup_refs_sql, 1, id);
	if (!refs)
		return -1;
	if (strcmp(PQgetvalue(refs, 0, 0), "0") || strcmp(PQgetvalue(refs, 0, 1), "0") ||
	        strcmp(PQgetvalue(refs, 0, 2), "0"))
		return err_set(e, ERR_CONFLICT, "id",
		        "the supplier is still linked to %s systems, %s components and %s flows",
		        PQgetvalue(refs, 0, 0), PQgetvalue(refs, 0, 1), PQgetvalue(refs, 0, 2));
	return delete_versioned(
	        r, resp, sup_delete_sql, id, version, "supplier", "supplier.delete", before, e);
}

static int supplier_dependents(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || !load_supplier(r, id, NULL, e))
		return -1;
	const char *p[] = {id};
	json_t *items = db_json_row(r, e, "dependents", dependents_sql, 1, p);
	if (!items)
		return -1;
	resp->body = json_pack("{s:s, s:O, s:n}", "supplier_id", id, "items", items, "next");
	return 0;
}

/* ----------------------------------------------------------------- components */

static json_t *load_component(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *c = db_json_row(r, e, "component", comp_get_sql, 1, p);
	if (c && resp)
		resp->etag = version_text(r, c);
	return c;
}

/* The merged value of a boolean (body over stored). */
static bool merged_bool(const json_t *b, const json_t *before, const char *key)
{
	const json_t *v = json_object_get(b, key);
	if (!v && before)
		v = json_object_get(before, key);
	return json_is_true(v);
}

/* Kind-specific rules on the merged component, each naming its field. */
static int check_component(struct req *r, const json_t *b, const json_t *before, struct err *e)
{
	const char *kind = before ? jv_str(before, "kind") : jv_str(b, "kind");
	const char *origin = json_object_get(b, "origin") ? jv_str(b, "origin")
	                     : before                     ? jv_str(before, "origin")
	                                                  : NULL;
	const char *supplier = json_object_get(b, "supplier_id") ? jv_str(b, "supplier_id")
	                       : before                          ? jv_str(before, "supplier_id")
	                                                         : NULL;
	bool model = strcmp(kind, "model") == 0;
	if (model && !origin)
		return err_set(e, ERR_INVALID, "origin", "a model is in_house or third_party");
	if (!model && origin)
		return err_set(e, ERR_INVALID, "origin", "only models have an origin");
	if (merged_bool(b, before, "gpai") && !model)
		return err_set(
		        e, ERR_INVALID, "gpai", "only a model can be a general-purpose AI model");
	if (merged_bool(b, before, "systemic_risk") && !merged_bool(b, before, "gpai"))
		return err_set(e, ERR_INVALID, "systemic_risk",
		        "only a general-purpose AI model can have systemic risk");
	if (merged_bool(b, before, "special_category_data") &&
	        !merged_bool(b, before, "personal_data"))
		return err_set(e, ERR_INVALID, "special_category_data",
		        "special-category data is personal data: set personal_data too");
	if (origin && strcmp(origin, "in_house") == 0 && supplier)
		return err_set(e, ERR_INVALID, "supplier_id", "an in-house model has no supplier");
	return check_supplier_ref(r, b, e);
}

static int component_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *kind = req_query(r, "kind"), *supplier = req_query(r, "supplier_id");
	if (page_begin(r, &pg, e))
		return -1;
	if (kind && strcmp(kind, "dataset") && strcmp(kind, "model") && strcmp(kind, "service"))
		return err_set(e, ERR_INVALID, "kind", "must be dataset, model or service");
	if (supplier && !util_is_uuid(supplier))
		return err_set(e, ERR_INVALID, "supplier_id", "must be a UUID");
	const char *ak = page_after(&pg, 0), *an = page_after(&pg, 1);
	if (pg.after && (!ak || !an))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {kind, supplier, ak, an, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "components", comp_list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"kind", "name", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int component_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *c = load_component(r, id, resp, e);
	if (!c)
		return -1;
	resp->body = json_incref(c);
	return 0;
}

static int component_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, comp_create_fields, e) ||
	        check_component(r, b, NULL, e))
		return -1;
	const char *p[] = {jv_str(b, "kind"), jv_str(b, "name"), jv_str(b, "description"),
	        jv_str(b, "supplier_id"), jv_str(b, "provenance"), jv_str(b, "licence"),
	        jv_bool_text(b, "open_source"), jv_bool_text(b, "personal_data"),
	        jv_bool_text(b, "special_category_data"), jv_str(b, "origin"),
	        jv_bool_text(b, "gpai"), jv_bool_text(b, "systemic_risk"),
	        jv_str(b, "model_version")};
	json_t *c = db_json_row(r, e, "component", comp_insert_sql, 13, p);
	if (!c)
		return -1;
	const char *id = json_string_value(json_object_get(c, "id"));
	if (audit_record(r, "ai_component.create", "ai_component", id, NULL, c, e))
		return -1;
	resp->status = 201;
	resp->etag = "1";
	resp->location = arena_printf(r->arena, "/v1/ai-components/%s", id);
	resp->body = json_incref(c);
	return 0;
}

static int component_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, comp_update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_component(r, id, NULL, e);
	if (!before || check_component(r, b, before, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(b, "name"), jv_str(b, "description"),
	        present(b, "supplier_id"), jv_str(b, "supplier_id"), jv_str(b, "provenance"),
	        jv_str(b, "licence"), jv_bool_text(b, "open_source"),
	        jv_bool_text(b, "personal_data"), jv_bool_text(b, "special_category_data"),
	        present(b, "origin"), jv_str(b, "origin"), jv_bool_text(b, "gpai"),
	        jv_bool_text(b, "systemic_risk"), jv_str(b, "model_version")};
	PGresult *res = db_execv(r->db, r->arena, e, comp_update_sql, 16, p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the component was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	json_t *after = load_component(r, id, resp, e);
	if (!after || audit_record(r, "ai_component.update", "ai_component", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int component_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_component(r, id, NULL, e);
	if (!before)
		return -1;
	PGresult *f = db_exec(r->db, r->arena, e, comp_flows_sql, 1, id);
	if (!f)
		return -1;
	if (strcmp(PQgetvalue(f, 0, 0), "0") != 0)
		return err_set(e, ERR_CONFLICT, "id", "the component is still an end of %s flows",
		        PQgetvalue(f, 0, 0));
	return delete_versioned(r, resp, comp_delete_sql, id, version, "component",
	        "ai_component.delete", before, e);
}

/* ---------------------------------------------------------------------- flows */

/* Validate one end {kind, id} of a flow; ids[0..2] receive system, component, supplier. */
static int flow_end(
        struct req *r, const json_t *b, const char *side, const char *ids[3], struct err *e)
{
	const json_t *end = json_object_get(b, side);
	ids[0] = ids[1] = ids[2] = NULL;
	if (!end)
		return 0;
	if (jv_check(end, end_fields, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "%s.%.100s", side, e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	const char *kind = jv_str(end, "kind"), *id = jv_str(end, "id");
	int k = strcmp(kind, "system") == 0 ? 0 : strcmp(kind, "component") == 0 ? 1 : 2;
	static const char *const sql[] = {node_system_sql, node_component_sql, node_supplier_sql};
	bool found;
	if (row_exists(r, sql[k], id, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_INVALID, arena_printf(r->arena, "%s.id", side),
		        "no such %s in this tenant", kind);
	ids[k] = id;
	return 0;
}

static int check_flow(const json_t *b, const json_t *before, struct err *e)
{
	const json_t *cats = json_object_get(b, "data_categories"), *v;
	size_t i;
	json_array_foreach(cats, i, v)
	{
		char path[64];
		snprintf(path, sizeof path, "data_categories[%zu]", i);
		if (jv_check_value(v, &category_item, path, e))
			return -1;
	}
	if (merged_bool(b, before, "special_category_data") &&
	        !merged_bool(b, before, "personal_data"))
		return err_set(e, ERR_INVALID, "special_category_data",
		        "special-category data is personal data: set personal_data too");
	if (check_country(b, "destination_country", e))
		return -1;
	const json_t *from = json_object_get(b, "from"), *to = json_object_get(b, "to");
	if (!from && before)
		from = json_object_get(before, "from");
	if (!to && before)
		to = json_object_get(before, "to");
	if (from && to && jv_str(from, "id") && jv_str(to, "id") &&
	        strcmp(jv_str(from, "id"), jv_str(to, "id")) == 0)
		return err_set(e, ERR_INVALID, "to", "a flow joins two different nodes");
	return 0;
}

static json_t *load_flow(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *f = db_json_row(r, e, "flow", flow_get_sql, 1, p);
	if (f && resp)
		resp->etag = version_text(r, f);
	return f;
}

static int flow_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *personal, *leaves, *sys = req_query(r, "ai_system_id"),
	                               *sup = req_query(r, "supplier_id");
	if (page_begin(r, &pg, e))
		return -1;
	if (!parse_bool_query(req_query(r, "personal_data"), &personal))
		return err_set(e, ERR_INVALID, "personal_data", "must be true or false");
	if (!parse_bool_query(req_query(r, "leaves_eu"), &leaves))
		return err_set(e, ERR_INVALID, "leaves_eu", "must be true or false");
	if (sys && !util_is_uuid(sys))
		return err_set(e, ERR_INVALID, "ai_system_id", "must be a UUID");
	if (sup && !util_is_uuid(sup))
		return err_set(e, ERR_INVALID, "supplier_id", "must be a UUID");
	const char *at = page_after(&pg, 0), *aid = page_after(&pg, 1);
	if (pg.after && (!at || !aid || !util_is_uuid(aid)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {personal, leaves, sys, sup, at, aid, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "flows", flow_list_sql, 7, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int flow_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *f = load_flow(r, id, resp, e);
	if (!f)
		return -1;
	resp->body = json_incref(f);
	return 0;
}

static int flow_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	const char *from[3], *to[3];
	if (req_body_object(r, &b, e) || jv_check(b, flow_create_fields, e) ||
	        flow_end(r, b, "from", from, e) || flow_end(r, b, "to", to, e) ||
	        check_flow(b, NULL, e))
		return -1;
	char *cats = jv_dump(b, "data_categories");
	const char *p[] = {jv_str(b, "description"), from[0], from[1], from[2], to[0], to[1], to[2],
	        cats, jv_bool_text(b, "personal_data"), jv_bool_text(b, "special_category_data"),
	        jv_bool_text(b, "leaves_eu"), jv_str(b, "destination_country")};
	PGresult *res = db_execv(r->db, r->arena, e, flow_insert_sql, 12, p);
	free(cats);
	if (!res)
		return -1;
	const char *id = PQgetvalue(res, 0, 0);
	json_t *f = load_flow(r, id, resp, e);
	if (!f || audit_record(r, "ai_flow.create", "ai_flow", id, NULL, f, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/ai-flows/%s", id);
	resp->body = json_incref(f);
	return 0;
}

static int flow_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id, *from[3], *to[3];
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, flow_update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_flow(r, id, NULL, e);
	if (!before || flow_end(r, b, "from", from, e) || flow_end(r, b, "to", to, e) ||
	        check_flow(b, before, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *cats = jv_dump(b, "data_categories");
	const char *p[] = {id, vbuf, jv_str(b, "description"), present(b, "from"), from[0], from[1],
	        from[2], present(b, "to"), to[0], to[1], to[2], cats,
	        jv_bool_text(b, "personal_data"), jv_bool_text(b, "special_category_data"),
	        jv_bool_text(b, "leaves_eu"), present(b, "destination_country"),
	        jv_str(b, "destination_country")};
	PGresult *res = db_execv(r->db, r->arena, e, flow_update_sql, 17, p);
	free(cats);
	if (!res)
		return -1;
	if (strcmp(PQcmdTuples(res), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the flow was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	json_t *after = load_flow(r, id, resp, e);
	if (!after || audit_record(r, "ai_flow.update", "ai_flow", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int flow_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_flow(r, id, NULL, e);
	if (!before)
		return -1;
	return delete_versioned(
	        r, resp, flow_delete_sql, id, version, "flow", "ai_flow.delete", before, e);
}

/* --------------------------------------------------------------------- routes */

static const char *const sup_query[] = {"limit", "eu_established", NULL};
static const char *const comp_query[] = {"limit", "kind", "supplier_id", NULL};
static const char *const flow_query[] = {
        "limit", "personal_data", "leaves_eu", "ai_system_id", "supplier_id", NULL};

const struct route supplier_routes[] = {
        {"GET", "/v1/suppliers", supplier_list, "ai_systems:read", 0,
                "List AI suppliers and sub-processors", sup_query},
        {"POST", "/v1/suppliers", supplier_create, "ai_systems:write", 0, "Add a supplier"},
        {"GET", "/v1/suppliers/{id}", supplier_get, "ai_systems:read", 0,
                "Get a supplier with the components and systems it supplies"},
        {"PATCH", "/v1/suppliers/{id}", supplier_update, "ai_systems:write", 0,
                "Update a supplier (If-Match required)"},
        {"DELETE", "/v1/suppliers/{id}", supplier_delete, "ai_systems:write", 0,
                "Delete a supplier nothing refers to (If-Match required)"},
        {"GET", "/v1/suppliers/{id}/dependents", supplier_dependents, "ai_systems:read", 0,
                "AI systems that depend on the supplier, directly or through components and flows"},
        {"GET", "/v1/ai-components", component_list, "ai_systems:read", 0,
                "List datasets, models and services AI systems are built from", comp_query},
        {"POST", "/v1/ai-components", component_create, "ai_systems:write", 0,
                "Add a dataset, model or service"},
        {"GET", "/v1/ai-components/{id}", component_get, "ai_systems:read", 0,
                "Get a component with the systems that use it"},
        {"PATCH", "/v1/ai-components/{id}", component_update, "ai_systems:write", 0,
                "Update a component (If-Match required)"},
        {"DELETE", "/v1/ai-components/{id}", component_delete, "ai_systems:write", 0,
                "Delete a component that is no end of a flow (If-Match required)"},
        {"GET", "/v1/ai-flows", flow_list, "ai_systems:read", 0,
                "List data flows (filter personal_data=true&leaves_eu=true for third-country "
                "transfers)",
                flow_query},
        {"POST", "/v1/ai-flows", flow_create, "ai_systems:write", 0,
                "Record a directed flow between systems, components and suppliers"},
        {"GET", "/v1/ai-flows/{id}", flow_get, "ai_systems:read", 0, "Get a flow"},
        {"PATCH", "/v1/ai-flows/{id}", flow_update, "ai_systems:write", 0,
                "Update a flow (If-Match required)"},
        {"DELETE", "/v1/ai-flows/{id}", flow_delete, "ai_systems:write", 0,
                "Delete a flow (If-Match required)"},
        {NULL},
};
