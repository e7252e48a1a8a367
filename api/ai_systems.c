/*
 * ai_systems.c - the AI system registry (ISO/IEC 42001 clause 4 and A.4-A.10; the EU AI Act
 * inventory): systems, their use case sheets, lifecycle gates and history, the flow and
 * supplier map, and registry baselines.
 *
 *   GET/POST          /v1/ai-systems                         list (filters) / create
 *   GET/PATCH/DELETE  /v1/ai-systems/{id}                    one system (If-Match to change)
 *   GET/POST          /v1/ai-systems/{id}/use-cases          use case sheets
 *   GET/PATCH/DELETE  /v1/ai-systems/{id}/use-cases/{use_case_id}
 *   GET/POST          /v1/ai-systems/{id}/records            release approvals, withdrawals
 *   GET/POST          /v1/ai-systems/{id}/transitions        lifecycle history / move stage
 *   GET               /v1/ai-systems/{id}/map, /v1/ai-map    the map as graph + DOT
 *   POST              /v1/ai-maps                            render SVG + DOT (job ai.maps)
 *   POST              /v1/ai-registry/approve                freeze the registry (baseline)
 *   GET               /v1/ai-registry/versions[/{n}[/diff/{b}]]
 *
 * A system's stage changes only through POST .../transitions, which runs the SQL function
 * ai_system_transition(): 'deployed' needs an approved release approval recorded during
 * the current validation stage, 'decommissioned' an approved withdrawal record made during
 * the current stage. Links (owners, supplier, components, controls, documents) are checked
 * before anything is written: an unknown or other-tenant id is a 400 naming the field.
 * Registry versions use domain/baseline.c with kind "ai_registry", as the SoA does.
 *
 * Handlers run on the request's thread inside its transaction; memory is the request arena's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aimap.h"
#include "api.h"
#include "baseline.h"
#include "db.h"
#include "jsonv.h"
#include "obligations.h"
#include "queue.h"
#include "util.h"

#define REGISTRY_KIND "ai_registry"

#define SYSTEM_JSON                                                                                \
	"jsonb_build_object('id', s.id, 'ref', s.ref, 'name', s.name, 'intended_purpose',"         \
	" s.intended_purpose, 'description', s.description, 'business_owner_id',"                  \
	" s.business_owner_id, 'technical_owner_id', s.technical_owner_id, 'lifecycle_stage',"     \
	" s.lifecycle_stage, 'aiact_role', s.aiact_role, 'deployment_context',"                    \
	" s.deployment_context, 'sourcing', s.sourcing, 'supplier_id', s.supplier_id,"             \
	" 'version', s.version, 'created_at', s.created_at, 'updated_at', s.updated_at)"

#define AIACT_SUMMARY                                                                              \
	"(SELECT jsonb_build_object('risk_category', a.risk_category, 'applies_from',"             \
	" a.applies_from, 'effective_role', a.result->'effective_role', 'regime', a.regime,"       \
	" 'rule_set_version', a.rule_set_version, 'seq', a.seq, 'classified_at', a.created_at)"    \
	" FROM aiact_current a WHERE a.tenant_id = s.tenant_id AND a.ai_system_id = s.id)"

static const char get_sql[] =
        "SELECT " SYSTEM_JSON " || jsonb_build_object("
        " 'component_ids', (SELECT coalesce(jsonb_agg(x.component_id ORDER BY x.component_id), "
        "'[]')"
        "   FROM ai_system_components x WHERE x.ai_system_id = s.id),"
        " 'components', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'kind', c.kind,"
        "   'name', c.name, 'supplier_id', c.supplier_id) ORDER BY c.kind, c.name), '[]')"
        "   FROM ai_system_components x JOIN ai_components c ON c.tenant_id = x.tenant_id"
        "   AND c.id = x.component_id WHERE x.ai_system_id = s.id),"
        " 'control_ids', (SELECT coalesce(jsonb_agg(x.control_id ORDER BY x.control_id), '[]')"
        "   FROM ai_system_controls x WHERE x.ai_system_id = s.id),"
        " 'controls', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'ref', c.ref,"
        "   'title', c.title, 'status', c.status) ORDER BY c.ref), '[]')"
        "   FROM ai_system_controls x JOIN controls c ON c.tenant_id = x.tenant_id"
        "   AND c.id = x.control_id WHERE x.ai_system_id = s.id),"
        " 'document_ids', (SELECT coalesce(jsonb_agg(x.document_id ORDER BY x.document_id), '[]')"
        "   FROM ai_system_documents x WHERE x.ai_system_id = s.id),"
        " 'risks', ai_system_risks(s.id),"
        " 'use_cases', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', u.id, 'title', u.title,"
        "   'autonomy', u.autonomy, 'personal_data', u.personal_data, 'special_category_data',"
        "   u.special_category_data) ORDER BY u.title), '[]')"
        "   FROM ai_use_cases u WHERE u.ai_system_id = s.id),"
        " 'aiact', " AIACT_SUMMARY ")"
        " FROM ai_systems s WHERE s.id = $1";

static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'ref'), '[]') FROM ("
        " SELECT " SYSTEM_JSON " || jsonb_build_object('aiact', " AIACT_SUMMARY ") AS j"
        " FROM ai_systems s"
        " WHERE ($1::text IS NULL OR s.lifecycle_stage = $1)"
        "   AND ($2::text IS NULL OR s.sourcing = $2)"
        "   AND ($3::uuid IS NULL OR s.id IN (SELECT ai_system_id FROM ai_supplier_dependents($3)))"
        "   AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM aiact_current a WHERE a.tenant_id ="
        "     s.tenant_id AND a.ai_system_id = s.id AND a.risk_category = $4))"
        "   AND ($5::text IS NULL OR s.ref > $5)"
        " ORDER BY s.ref LIMIT $6) q";

static const char insert_sql[] =
        "INSERT INTO ai_systems (tenant_id, ref, name, intended_purpose, description,"
        " business_owner_id, technical_owner_id, aiact_role, deployment_context, sourcing, "
        "supplier_id)"
        " VALUES (app_tenant(), $1, $2, $3, coalesce($4, ''), $5::uuid, $6::uuid, $7,"
        " coalesce($8, ''), $9, $10::uuid) RETURNING id";

/* $3..: value, and for nullable fields a "present" flag first */
static const char update_sql[] =
        "UPDATE ai_systems SET ref = coalesce($3, ref), name = coalesce($4, name),"
        " intended_purpose = coalesce($5, intended_purpose), description = coalesce($6, "
        "description),"
        " business_owner_id = CASE WHEN $7::boolean THEN $8::uuid ELSE business_owner_id END,"
        " technical_owner_id = CASE WHEN $9::boolean THEN $10::uuid ELSE technical_owner_id END,"
        " aiact_role = CASE WHEN $11::boolean THEN $12 ELSE aiact_role END,"
        " deployment_context = coalesce($13, deployment_context), sourcing = coalesce($14, "
        "sourcing),"
        " supplier_id = CASE WHEN $15::boolean THEN $16::uuid ELSE supplier_id END,"
        " version = version + 1, updated_at = now()"
        " WHERE id = $1 AND version = $2::int";

static const char del_components_sql[] = "DELETE FROM ai_system_components WHERE ai_system_id = $1";
static const char add_components_sql[] =
        "INSERT INTO ai_system_components (tenant_id, ai_system_id, component_id)"
        " SELECT DISTINCT app_tenant(), $1::uuid, x::uuid FROM "
        "jsonb_array_elements_text($2::jsonb) x";
static const char del_controls_sql[] = "DELETE FROM ai_system_controls WHERE ai_system_id = $1";
static const char add_controls_sql[] =
        "INSERT INTO ai_system_controls (tenant_id, ai_system_id, control_id)"
        " SELECT DISTINCT app_tenant(), $1::uuid, x::uuid FROM "
        "jsonb_array_elements_text($2::jsonb) x";
static const char del_documents_sql[] = "DELETE FROM ai_system_documents WHERE ai_system_id = $1";
static const char add_documents_sql[] =
        "INSERT INTO ai_system_documents (tenant_id, ai_system_id, document_id)"
        " SELECT DISTINCT app_tenant(), $1::uuid, x::uuid FROM "
        "jsonb_array_elements_text($2::jsonb) x";

/* index (0-based) of the first id in the JSON array $1 that names nothing, or NULL */
static const char missing_component_sql[] =
        "SELECT min(i) - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, i)"
        " WHERE NOT EXISTS (SELECT 1 FROM ai_components c WHERE c.id = u.x::uuid)";
static const char missing_document_sql[] =
        "SELECT min(i) - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, i)"
        " WHERE NOT ai_link_exists('document', u.x::uuid)";
static const struct link_set system_links[] = {
        {"component_ids", LINK_UUID, missing_component_sql, "component", del_components_sql,
                add_components_sql},
        {"control_ids", LINK_UUID, links_missing_control_sql, "control", del_controls_sql,
                add_controls_sql},
        {"document_ids", LINK_UUID, missing_document_sql, "document", del_documents_sql,
                add_documents_sql},
        {NULL},
};
static const char member_sql[] =
        "SELECT 1 FROM memberships WHERE tenant_id = app_tenant() AND user_id = $1::uuid";
static const char supplier_exists_sql[] = "SELECT 1 FROM suppliers WHERE id = $1::uuid";

static const char history_sql[] =
        "SELECT (SELECT count(*) FROM ai_system_transitions WHERE ai_system_id = $1)"
        " + (SELECT count(*) FROM ai_system_records WHERE ai_system_id = $1)"
        " + (SELECT count(*) FROM aiact_assessments WHERE ai_system_id = $1)";
static const char delete_sql[] = "DELETE FROM ai_systems WHERE id = $1 AND version = $2::int";

/* ------------------------------------------------------------------ use cases */

#define USE_CASE_JSON                                                                              \
	"jsonb_build_object('id', u.id, 'ai_system_id', u.ai_system_id, 'title', u.title,"         \
	" 'context', u.context, 'affected_persons', to_jsonb(u.affected_persons),"                 \
	" 'decisions_supported', u.decisions_supported, 'human_oversight', u.human_oversight,"     \
	" 'autonomy', u.autonomy, 'data_categories', to_jsonb(u.data_categories),"                 \
	" 'personal_data', u.personal_data, 'special_category_data', u.special_category_data,"     \
	" 'version', u.version, 'created_at', u.created_at, 'updated_at', u.updated_at)"

static const char uc_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'title', j->>'id'), '[]') FROM ("
        " SELECT " USE_CASE_JSON " AS j FROM ai_use_cases u WHERE u.ai_system_id = $1"
        "   AND ($2::text IS NULL OR (u.title, u.id) > ($2, $3::uuid))"
        " ORDER BY u.title, u.id LIMIT $4) q";
static const char uc_get_sql[] =
        "SELECT " USE_CASE_JSON " FROM ai_use_cases u WHERE u.ai_system_id = $1 AND u.id = $2";
static const char uc_insert_sql[] =
        "INSERT INTO ai_use_cases AS u (tenant_id, ai_system_id, title, context, affected_persons,"
        " decisions_supported, human_oversight, autonomy, data_categories, personal_data,"
        " special_category_data) VALUES (app_tenant(), $1, $2, coalesce($3, ''),"
        " ARRAY(SELECT jsonb_array_elements_text(coalesce($4::jsonb, '[]'))), coalesce($5, ''),"
        " coalesce($6, ''), $7, ARRAY(SELECT jsonb_array_elements_text(coalesce($8::jsonb, '[]'))),"
        " coalesce($9::boolean, false), coalesce($10::boolean, false)) RETURNING " USE_CASE_JSON;
static const char uc_update_sql[] =
        "UPDATE ai_use_cases AS u SET title = coalesce($4, title), context = coalesce($5, context),"
        " affected_persons = CASE WHEN $6::jsonb IS NULL THEN affected_persons"
        "   ELSE ARRAY(SELECT jsonb_array_elements_text($6::jsonb)) END,"
        " decisions_supported = coalesce($7, decisions_supported),"
        " human_oversight = coalesce($8, human_oversight), autonomy = coalesce($9, autonomy),"
        " data_categories = CASE WHEN $10::jsonb IS NULL THEN data_categories"
        "   ELSE ARRAY(SELECT jsonb_array_elements_text($10::jsonb)) END,"
        " personal_data = coalesce($11::boolean, personal_data),"
        " special_category_data = coalesce($12::boolean, special_category_data),"
        " version = version + 1, updated_at = now()"
        " WHERE ai_system_id = $1 AND id = $2 AND version = $3::int RETURNING " USE_CASE_JSON;
static const char uc_delete_sql[] =
        "DELETE FROM ai_use_cases WHERE ai_system_id = $1 AND id = $2 AND version = $3::int";

/* ---------------------------------------------------------- records, transitions */

#define RECORD_JSON                                                                                \
	"jsonb_build_object('id', x.id, 'ai_system_id', x.ai_system_id, 'kind', x.kind,"           \
	" 'decision', x.decision, 'summary', x.summary, 'details', x.details, 'document_ids',"     \
	" to_jsonb(x.document_ids), 'stage', x.stage, 'transition_seq', x.transition_seq,"         \
	" 'system_version', x.system_version, 'decided_by', x.decided_by, 'created_at',"           \
	" x.created_at)"

static const char lock_system_sql[] =
        "SELECT lifecycle_stage, version, (SELECT count(*) FROM ai_system_transitions t"
        " WHERE t.ai_system_id = s.id) FROM ai_systems s WHERE id = $1 FOR UPDATE";
static const char record_insert_sql[] =
        "INSERT INTO ai_system_records AS x (tenant_id, ai_system_id, kind, decision, summary,"
        " details, document_ids, stage, transition_seq, system_version, decided_by)"
        " VALUES (app_tenant(), $1, $2, $3, $4, coalesce($5::jsonb, '{}'),"
        " ARRAY(SELECT (jsonb_array_elements_text(coalesce($6::jsonb, '[]')))::uuid), $7, $8::int,"
        " $9::int, app_user()) RETURNING " RECORD_JSON;
static const char record_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY (j->>'created_at')::timestamptz, j->>'id'), '[]') "
        "FROM ("
        " SELECT " RECORD_JSON " AS j FROM ai_system_records x WHERE x.ai_system_id = $1"
        "   AND ($2::timestamptz IS NULL OR (x.created_at, x.id) > ($2::timestamptz, $3::uuid))"
        " ORDER BY x.created_at, x.id LIMIT $4) q";

static const char transition_sql[] =
        "SELECT ai_system_transition($1::uuid, $2::int, $3, $4::uuid, $5)";
static const char transition_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY (j->>'seq')::int), '[]') FROM ("
        " SELECT jsonb_build_object('id', t.id, 'seq', t.seq, 'from', t.from_stage, 'to', "
        "t.to_stage,"
        "  'record_id', t.record_id, 'reason', t.reason, 'actor_id', t.actor_id, 'system_version',"
        "  t.system_version, 'created_at', t.created_at) AS j"
        " FROM ai_system_transitions t WHERE t.ai_system_id = $1"
        "   AND ($2::int IS NULL OR t.seq > $2::int) ORDER BY t.seq LIMIT $3) q";

static const char map_sql[] = "SELECT ai_map_graph($1::uuid)";
static const char registry_sql[] = "SELECT ai_registry_content()";
static const char exists_sql[] = "SELECT 1 FROM ai_systems WHERE id = $1";

/* ----------------------------------------------------------------- field specs */

static const char *const stages[] = {
        "design", "validation", "deployed", "monitoring", "change", "decommissioned", NULL};
static const char *const roles[] = {"provider", "deployer", "importer", "distributor",
        "authorised_representative", "product_manufacturer", NULL};
static const char *const sourcings[] = {"in_house", "third_party", NULL};
static const char *const categories[] = {"prohibited", "high_risk", "limited_risk_transparency",
        "minimal_risk", "gpai", "gpai_systemic", "out_of_scope", NULL};
static const char *const autonomies[] = {
        "assistive", "human_in_the_loop", "human_on_the_loop", "autonomous", NULL};

static const struct jv_field create_fields[] = {
        {"ref", JV_STRING, JV_REQUIRED, .max = 40},
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"intended_purpose", JV_STRING, JV_REQUIRED, .max = 5000},
        {"description", JV_TEXT, 0, .max = 10000},
        {"business_owner_id", JV_UUID, JV_NULLABLE},
        {"technical_owner_id", JV_UUID, JV_NULLABLE},
        {"aiact_role", JV_ENUM, JV_NULLABLE, .values = roles},
        {"deployment_context", JV_TEXT, 0, .max = 2000},
        {"sourcing", JV_ENUM, JV_REQUIRED, .values = sourcings},
        {"supplier_id", JV_UUID, JV_NULLABLE},
        {"component_ids", JV_ARRAY, 0, .max = 200},
        {"control_ids", JV_ARRAY, 0, .max = 500},
        {"document_ids", JV_ARRAY, 0, .max = 200},
        {NULL},
};
static const struct jv_field update_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"name", JV_STRING, 0, .max = 200},
        {"intended_purpose", JV_STRING, 0, .max = 5000},
        {"description", JV_TEXT, 0, .max = 10000},
        {"business_owner_id", JV_UUID, JV_NULLABLE},
        {"technical_owner_id", JV_UUID, JV_NULLABLE},
        {"aiact_role", JV_ENUM, JV_NULLABLE, .values = roles},
        {"deployment_context", JV_TEXT, 0, .max = 2000},
        {"sourcing", JV_ENUM, 0, .values = sourcings},
        {"supplier_id", JV_UUID, JV_NULLABLE},
        {"component_ids", JV_ARRAY, 0, .max = 200},
        {"control_ids", JV_ARRAY, 0, .max = 500},
        {"document_ids", JV_ARRAY, 0, .max = 200},
        {NULL},
};
static const struct jv_field uc_create_fields[] = {
        {"title", JV_STRING, JV_REQUIRED, .max = 200},
        {"context", JV_TEXT, 0, .max = 5000},
        {"affected_persons", JV_ARRAY, 0, .max = 50},
        {"decisions_supported", JV_TEXT, 0, .max = 5000},
        {"human_oversight", JV_TEXT, 0, .max = 5000},
        {"autonomy", JV_ENUM, JV_REQUIRED, .values = autonomies},
        {"data_categories", JV_ARRAY, 0, .max = 50},
        {"personal_data", JV_BOOL, 0},
        {"special_category_data", JV_BOOL, 0},
        {NULL},
};
static const struct jv_field uc_update_fields[] = {
        {"title", JV_STRING, 0, .max = 200},
        {"context", JV_TEXT, 0, .max = 5000},
        {"affected_persons", JV_ARRAY, 0, .max = 50},
        {"decisions_supported", JV_TEXT, 0, .max = 5000},
        {"human_oversight", JV_TEXT, 0, .max = 5000},
        {"autonomy", JV_ENUM, 0, .values = autonomies},
        {"data_categories", JV_ARRAY, 0, .max = 50},
        {"personal_data", JV_BOOL, 0},
        {"special_category_data", JV_BOOL, 0},
        {NULL},
};
static const struct jv_field record_fields[] = {
        {"kind", JV_ENUM, JV_REQUIRED,
                .values = (const char *const[]){"release_approval", "withdrawal", NULL}},
        {"decision", JV_ENUM, JV_REQUIRED,
                .values = (const char *const[]){"approved", "rejected", NULL}},
        {"summary", JV_STRING, JV_REQUIRED, .max = 5000},
        {"details", JV_OBJECT, 0, .max = 100},
        {"document_ids", JV_ARRAY, 0, .max = 100},
        {NULL},
};
static const struct jv_field transition_fields[] = {
        {"to", JV_ENUM, JV_REQUIRED, .values = stages},
        {"record_id", JV_UUID, JV_NULLABLE},
        {"reason", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field approve_fields[] = {
        {"note", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field map_fields[] = {
        {"ai_system_id", JV_UUID, JV_NULLABLE},
        {NULL},
};
static const struct jv_field label_item = {"", JV_STRING, 0, .max = 200};

/* -------------------------------------------------------------------- helpers */

static const char *version_text(struct req *r, const json_t *o)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(o, "version")));
}

/* Every item of the array body[key] (when present) must satisfy item. */
static int check_items(const json_t *b, const char *key, const struct jv_field *item, struct err *e)
{
	const json_t *arr = json_object_get(b, key), *v;
	size_t i;
	json_array_foreach(arr, i, v)
	{
		char path[96];
		snprintf(path, sizeof path, "%s[%zu]", key, i);
		if (jv_check_value(v, item, path, e))
			return -1;
	}
	return 0;
}

static int check_member(struct req *r, const json_t *b, const char *key, struct err *e)
{
	const char *id = jv_str(b, key);
	if (!id)
		return 0;
	PGresult *res = db_exec(r->db, r->arena, e, member_sql, 1, id);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_INVALID, key, "not a member of this tenant");
	return 0;
}

/* Validate the body's links and the sourcing/supplier rule; before = the stored system
 * (NULL on create), so that the rule is checked on the merged result. */
static int check_system_body(struct req *r, const json_t *b, const json_t *before, struct err *e)
{
	if (check_member(r, b, "business_owner_id", e) ||
	        check_member(r, b, "technical_owner_id", e))
		return -1;
	const char *supplier = jv_str(b, "supplier_id");
	if (!json_object_get(b, "supplier_id") && before)
		supplier = jv_str(before, "supplier_id");
	const char *sourcing = jv_str(b, "sourcing");
	if (!sourcing && before)
		sourcing = jv_str(before, "sourcing");
	if (supplier && sourcing && strcmp(sourcing, "third_party") != 0)
		return err_set(e, ERR_INVALID, "supplier_id",
		        "only a third-party system has a supplier (its provider)");
	if (jv_str(b, "supplier_id")) {
		PGresult *res = db_exec(
		        r->db, r->arena, e, supplier_exists_sql, 1, jv_str(b, "supplier_id"));
		if (!res)
			return -1;
		if (PQntuples(res) == 0)
			return err_set(
			        e, ERR_INVALID, "supplier_id", "no such supplier in this tenant");
	}
	return links_check_all(r, b, system_links, e);
}

/* The system as GET returns it (with "stale" when its classification used an older rule
 * set); sets the ETag when resp is given. */
static json_t *load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *s = db_json_row(r, e, "AI system", get_sql, 1, p);
	if (!s)
		return NULL;
	json_t *a = json_object_get(s, "aiact");
	const struct aiact_rules *rules;
	struct err ignore = {0};
	if (json_is_object(a) && oblig_rules(&rules, &ignore) == 0)
		json_object_set_new(a, "stale",
		        json_boolean(strcmp(aiact_rules_version(rules),
		                             json_string_value(json_object_get(
		                                     a, "rule_set_version"))) != 0));
	if (resp)
		resp->etag = version_text(r, s);
	return s;
}

static int system_exists(struct req *r, const char *id, struct err *e)
{
	PGresult *res = db_exec(r->db, r->arena, e, exists_sql, 1, id);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such AI system");
	return 0;
}

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, v) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------- systems */

static int system_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *stage = req_query(r, "lifecycle_stage"), *sourcing = req_query(r, "sourcing"),
	           *supplier = req_query(r, "supplier_id"),
	           *category = req_query(r, "risk_category");
	if (page_begin(r, &pg, e))
		return -1;
	if (stage && !in_list(stage, stages))
		return err_set(e, ERR_INVALID, "lifecycle_stage", "unknown lifecycle stage");
	if (sourcing && !in_list(sourcing, sourcings))
		return err_set(e, ERR_INVALID, "sourcing", "must be in_house or third_party");
	if (supplier && !util_is_uuid(supplier))
		return err_set(e, ERR_INVALID, "supplier_id", "must be a UUID");
	if (category && !in_list(category, categories))
		return err_set(e, ERR_INVALID, "risk_category", "unknown AI Act category");
	const char *after = page_after(&pg, 0);
	if (pg.after && !after)
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {stage, sourcing, supplier, category, after, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "AI systems", list_sql, 6, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"ref", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int system_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *s = load(r, id, resp, e);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return 0;
}

static int system_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, create_fields, e) ||
	        check_system_body(r, b, NULL, e))
		return -1;
	const char *p[] = {jv_str(b, "ref"), jv_str(b, "name"), jv_str(b, "intended_purpose"),
	        jv_str(b, "description"), jv_str(b, "business_owner_id"),
	        jv_str(b, "technical_owner_id"), jv_str(b, "aiact_role"),
	        jv_str(b, "deployment_context"), jv_str(b, "sourcing"), jv_str(b, "supplier_id")};
	PGresult *res = db_execv(r->db, r->arena, e, insert_sql, 10, p);
	if (!res)
		return -1;
	const char *id = PQgetvalue(res, 0, 0);
	if (links_save_all(r, id, b, system_links, e))
		return -1;
	json_t *s = load(r, id, resp, e);
	if (!s || audit_record(r, "ai_system.create", "ai_system", id, NULL, s, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/ai-systems/%s", id);
	resp->body = json_incref(s);
	return 0;
}

static const char *present(const json_t *b, const char *key)
{
	return json_object_get(b, key) ? "true" : "false";
}

static int system_update(struct req *r, struct resp *resp, struct err *e)
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
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the AI system was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	if (check_system_body(r, b, before, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(b, "ref"), jv_str(b, "name"),
	        jv_str(b, "intended_purpose"), jv_str(b, "description"),
	        present(b, "business_owner_id"), jv_str(b, "business_owner_id"),
	        present(b, "technical_owner_id"), jv_str(b, "technical_owner_id"),
	        present(b, "aiact_role"), jv_str(b, "aiact_role"), jv_str(b, "deployment_context"),
	        jv_str(b, "sourcing"), present(b, "supplier_id"), jv_str(b, "supplier_id")};
	PGresult *res = db_execv(r->db, r->arena, e, update_sql, 16, p);
	if (!res)
		return -1;
	if (strcmp(PQcmdTuples(res), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the AI system was changed by someone else");
	if (links_save_all(r, id, b, system_links, e))
		return -1;
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "ai_system.update", "ai_system", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int system_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the AI system was changed by someone else");
	PGresult *h = db_exec(r->db, r->arena, e, history_sql, 1, id);
	if (!h)
		return -1;
	if (strcmp(json_string_value(json_object_get(before, "lifecycle_stage")), "design") != 0 ||
	        strcmp(PQgetvalue(h, 0, 0), "0") != 0)
		return err_set(e, ERR_CONFLICT, "lifecycle_stage",
		        "the system has a lifecycle or classification history: decommission it "
		        "instead");
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, delete_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the AI system was changed by someone else");
	if (audit_record(r, "ai_system.delete", "ai_system", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ----------------------------------------------------------------- use cases */

static int check_use_case_body(const json_t *b, const json_t *before, struct err *e)
{
	if (check_items(b, "affected_persons", &label_item, e) ||
	        check_items(b, "data_categories", &label_item, e))
		return -1;
	const json_t *pd = json_object_get(b, "personal_data"),
	             *sc = json_object_get(b, "special_category_data");
	if (!pd && before)
		pd = json_object_get(before, "personal_data");
	if (!sc && before)
		sc = json_object_get(before, "special_category_data");
	if (json_is_true(sc) && !json_is_true(pd))
		return err_set(e, ERR_INVALID, "special_category_data",
		        "special-category data is personal data: set personal_data too");
	return 0;
}

static int use_case_list(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	struct page pg;
	if (req_param_uuid(r, "id", &id, e) || page_begin(r, &pg, e) || system_exists(r, id, e))
		return -1;
	const char *at = page_after(&pg, 0), *aid = page_after(&pg, 1);
	if (pg.after && (!at || !aid || !util_is_uuid(aid)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {id, at, aid, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "use cases", uc_list_sql, 4, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"title", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static json_t *load_use_case(
        struct req *r, const char *sys, const char *uc, struct resp *resp, struct err *e)
{
	const char *p[] = {sys, uc};
	json_t *u = db_json_row(r, e, "use case", uc_get_sql, 2, p);
	if (u && resp)
		resp->etag = version_text(r, u);
	return u;
}

static int use_case_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id, *uc;
	if (req_param_uuid(r, "id", &id, e) || req_param_uuid(r, "use_case_id", &uc, e))
		return -1;
	json_t *u = load_use_case(r, id, uc, resp, e);
	if (!u)
		return -1;
	resp->body = json_incref(u);
	return 0;
}

static int use_case_create(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	if (req_param_uuid(r, "id", &id, e) || system_exists(r, id, e) ||
	        req_body_object(r, &b, e) || jv_check(b, uc_create_fields, e) ||
	        check_use_case_body(b, NULL, e))
		return -1;
	char *ap = jv_dump(b, "affected_persons"), *dc = jv_dump(b, "data_categories");
	const char *p[] = {id, jv_str(b, "title"), jv_str(b, "context"), ap,
	        jv_str(b, "decisions_supported"), jv_str(b, "human_oversight"),
	        jv_str(b, "autonomy"), dc, jv_bool_text(b, "personal_data"),
	        jv_bool_text(b, "special_category_data")};
	json_t *u = db_json_row(r, e, "use case", uc_insert_sql, 10, p);
	free(ap);
	free(dc);
	if (!u)
		return -1;
	const char *uid = json_string_value(json_object_get(u, "id"));
	if (audit_record(r, "ai_use_case.create", "ai_use_case", uid, NULL, u, e))
		return -1;
	resp->status = 201;
	resp->etag = "1";
	resp->location = arena_printf(r->arena, "/v1/ai-systems/%s/use-cases/%s", id, uid);
	resp->body = json_incref(u);
	return 0;
}

static int use_case_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id, *uc;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_param_uuid(r, "use_case_id", &uc, e) ||
	        req_body_object(r, &b, e) || jv_check(b, uc_update_fields, e) ||
	        req_if_match(r, &version, e))
		return -1;
	json_t *before = load_use_case(r, id, uc, NULL, e);
	if (!before || check_use_case_body(b, before, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *ap = jv_dump(b, "affected_persons"), *dc = jv_dump(b, "data_categories");
	const char *p[] = {id, uc, vbuf, jv_str(b, "title"), jv_str(b, "context"), ap,
	        jv_str(b, "decisions_supported"), jv_str(b, "human_oversight"),
	        jv_str(b, "autonomy"), dc, jv_bool_text(b, "personal_data"),
	        jv_bool_text(b, "special_category_data")};
	PGresult *res = db_execv(r->db, r->arena, e, uc_update_sql, 12, p);
	free(ap);
	free(dc);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the use case was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	json_t *after = db_json(r->arena, res, 0, 0);
	if (audit_record(r, "ai_use_case.update", "ai_use_case", uc, before, after, e))
		return -1;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int use_case_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id, *uc;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_param_uuid(r, "use_case_id", &uc, e) ||
	        req_if_match(r, &version, e))
		return -1;
	json_t *before = load_use_case(r, id, uc, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, uc_delete_sql, 3, id, uc, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the use case was changed by someone else");
	if (audit_record(r, "ai_use_case.delete", "ai_use_case", uc, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ----------------------------------------------------- records and transitions */

static int record_create(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, record_fields, e) ||
	        links_check(r, b, "document_ids", LINK_UUID, missing_document_sql, "document", e))
		return -1;
	/* lock the system so that a transition cannot slip between reading and recording */
	PGresult *s = db_exec(r->db, r->arena, e, lock_system_sql, 1, id);
	if (!s)
		return -1;
	if (PQntuples(s) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such AI system");
	const char *stage = PQgetvalue(s, 0, 0), *kind = jv_str(b, "kind");
	if (strcmp(stage, "decommissioned") == 0)
		return err_set(e, ERR_CONFLICT, "lifecycle_stage", "the system is decommissioned");
	if (strcmp(kind, "release_approval") == 0 && strcmp(stage, "validation") != 0)
		return err_set(e, ERR_UNPROCESSABLE, "kind",
		        "a release approval is recorded while the system is in validation (it is "
		        "in %s)",
		        stage);
	char *details = jv_dump(b, "details"), *docs = jv_dump(b, "document_ids");
	const char *p[] = {id, kind, jv_str(b, "decision"), jv_str(b, "summary"), details, docs,
	        stage, PQgetvalue(s, 0, 2), PQgetvalue(s, 0, 1)};
	json_t *rec = db_json_row(r, e, "record", record_insert_sql, 9, p);
	free(details);
	free(docs);
	if (!rec)
		return -1;
	if (audit_record(
	            r, arena_printf(r->arena, "ai_system.%s", kind), "ai_system", id, NULL, rec, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/ai-systems/%s/records", id);
	resp->body = json_incref(rec);
	return 0;
}

static int record_list(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	struct page pg;
	if (req_param_uuid(r, "id", &id, e) || page_begin(r, &pg, e) || system_exists(r, id, e))
		return -1;
	const char *at = page_after(&pg, 0), *aid = page_after(&pg, 1);
	if (pg.after && (!at || !aid || !util_is_uuid(aid)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {id, at, aid, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "records", record_list_sql, 4, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int transition_create(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, transition_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(b, "to"), jv_str(b, "record_id"), jv_str(b, "reason")};
	json_t *t = db_json_row(r, e, "AI system", transition_sql, 5, p);
	if (!t)
		return -1;
	if (json_object_get(t, "conflict"))
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the AI system was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(t, "conflict")));
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "ai_system.transition", "ai_system", id, before, after, e))
		return -1;
	json_object_set(t, "ai_system", after);
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/ai-systems/%s/transitions", id);
	resp->body = json_incref(t);
	return 0;
}

static int transition_list(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	struct page pg;
	if (req_param_uuid(r, "id", &id, e) || page_begin(r, &pg, e) || system_exists(r, id, e))
		return -1;
	const char *after = page_after(&pg, 0);
	if (pg.after && (!after || strspn(after, "0123456789") != strlen(after) || !*after))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {id, after, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "transitions", transition_list_sql, 3, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"seq", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

/* ------------------------------------------------------------------------ maps */

static int map_body(struct req *r, struct resp *resp, const char *system, struct err *e)
{
	const char *p[] = {system};
	json_t *g = db_json_row(r, e, "map", map_sql, 1, p);
	if (!g)
		return -1;
	char *dot = NULL;
	if (aimap_dot(g, system ? "AI system: flows and suppliers" : NULL, &dot, e)) {
		e->code = ERR_INTERNAL; /* the database built the graph: a bad one is our bug */
		return -1;
	}
	json_t *out = json_pack("{s:O, s:s}", "graph", g, "dot", dot);
	free(dot);
	resp->body = out;
	return 0;
}

static int system_map(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || system_exists(r, id, e))
		return -1;
	return map_body(r, resp, id, e);
}

static int tenant_map(struct req *r, struct resp *resp, struct err *e)
{
	return map_body(r, resp, NULL, e);
}

static int map_render(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b = r->body;
	if (b && jv_check(b, map_fields, e))
		return -1;
	const char *sys = b ? jv_str(b, "ai_system_id") : NULL;
	if (sys) {
		PGresult *res = db_exec(r->db, r->arena, e, exists_sql, 1, sys);
		if (!res)
			return -1;
		if (PQntuples(res) == 0)
			return err_set(
			        e, ERR_INVALID, "ai_system_id", "no such AI system in this tenant");
	}
	json_t *payload =
	        arena_json(r->arena, sys ? json_pack("{s:s}", "ai_system_id", sys) : json_object());
	json_t *job;
	if (q_enqueue(r, "ai.maps", payload, NULL, &job, e))
		return -1;
	const char *job_id = json_string_value(json_object_get(job, "id"));
	if (audit_record(r, "ai_map.render_requested", "job", job_id, NULL, job, e))
		return -1;
	resp->status = 202;
	resp->location = arena_printf(r->arena, "/v1/jobs/%s", job_id);
	resp->body = json_incref(job);
	return 0;
}

/* ------------------------------------------------------------------ baselines */

static int registry_approve(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b = r->body, *meta;
	if (b && jv_check(b, approve_fields, e))
		return -1;
	json_t *content = db_json_row(r, e, "registry", registry_sql, 0, NULL);
	if (!content)
		return -1;
	const char *approver = r->who.user_id[0] ? r->who.user_id : NULL;
	if (baseline_freeze(r->db, r->arena, REGISTRY_KIND, content, approver,
	            b ? jv_str(b, "note") : NULL, &meta, e) ||
	        audit_record(r, "ai_registry.approve", "ai_registry", REGISTRY_KIND, NULL, meta, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/ai-registry/versions/%lld",
	        (long long)json_integer_value(json_object_get(meta, "number")));
	resp->body = json_incref(meta);
	return 0;
}

static int version_number(struct req *r, const char *name, int *out, struct err *e)
{
	const char *s = req_param(r, name);
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < 1 || v > 1000000)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such version");
	*out = (int)v;
	return 0;
}

static int registry_versions(struct req *r, struct resp *resp, struct err *e)
{
	json_t *items;
	if (baseline_list(r->db, r->arena, REGISTRY_KIND, &items, e))
		return -1;
	resp->body = json_pack("{s:O, s:n}", "items", items, "next");
	return 0;
}

static int registry_version_get(struct req *r, struct resp *resp, struct err *e)
{
	int n;
	json_t *v;
	if (version_number(r, "n", &n, e) || baseline_get(r->db, r->arena, REGISTRY_KIND, n, &v, e))
		return -1;
	resp->body = json_incref(v);
	return 0;
}

static int registry_version_diff(struct req *r, struct resp *resp, struct err *e)
{
	int na, nb;
	json_t *a, *b;
	if (version_number(r, "a", &na, e) || version_number(r, "b", &nb, e) ||
	        baseline_get(r->db, r->arena, REGISTRY_KIND, na, &a, e) ||
	        baseline_get(r->db, r->arena, REGISTRY_KIND, nb, &b, e))
		return -1;
	json_t *d = baseline_diff(json_object_get(a, "content"), json_object_get(b, "content"));
	json_object_set_new(d, "kind", json_string(REGISTRY_KIND));
	json_object_set_new(d, "from", json_integer(na));
	json_object_set_new(d, "to", json_integer(nb));
	resp->body = d;
	return 0;
}

/* --------------------------------------------------------------------- routes */

static const char *const list_query[] = {
        "limit", "lifecycle_stage", "sourcing", "supplier_id", "risk_category", NULL};
static const char *const page_query[] = {"limit", NULL};

const struct route ai_system_routes[] = {
        {"GET", "/v1/ai-systems", system_list, "ai_systems:read", 0,
                "List the AI system registry (filter by stage, sourcing, supplier dependency, AI "
                "Act category)",
                list_query},
        {"POST", "/v1/ai-systems", system_create, "ai_systems:write", 0,
                "Register an AI system (starts in the design/selection stage)"},
        {"GET", "/v1/ai-systems/{id}", system_get, "ai_systems:read", 0,
                "Get an AI system with its use cases, components, links and AI Act classification"},
        {"PATCH", "/v1/ai-systems/{id}", system_update, "ai_systems:write", 0,
                "Update an AI system and its links (If-Match required)"},
        {"DELETE", "/v1/ai-systems/{id}", system_delete, "ai_systems:write", 0,
                "Delete a system that never left design and has no history (If-Match required)"},
        {"GET", "/v1/ai-systems/{id}/use-cases", use_case_list, "ai_systems:read", 0,
                "List the use case sheets of an AI system", page_query},
        {"POST", "/v1/ai-systems/{id}/use-cases", use_case_create, "ai_systems:write", 0,
                "Add a use case sheet to an AI system"},
        {"GET", "/v1/ai-systems/{id}/use-cases/{use_case_id}", use_case_get, "ai_systems:read", 0,
                "Get a use case sheet"},
        {"PATCH", "/v1/ai-systems/{id}/use-cases/{use_case_id}", use_case_update,
                "ai_systems:write", 0, "Update a use case sheet (If-Match required)"},
        {"DELETE", "/v1/ai-systems/{id}/use-cases/{use_case_id}", use_case_delete,
                "ai_systems:write", 0, "Delete a use case sheet (If-Match required)"},
        {"GET", "/v1/ai-systems/{id}/records", record_list, "ai_systems:read", 0,
                "Release approvals and withdrawal records of an AI system", page_query},
        {"POST", "/v1/ai-systems/{id}/records", record_create, "ai_systems:approve", 0,
                "Record a release approval (during validation) or a withdrawal decision"},
        {"GET", "/v1/ai-systems/{id}/transitions", transition_list, "ai_systems:read", 0,
                "The lifecycle history of an AI system", page_query},
        {"POST", "/v1/ai-systems/{id}/transitions", transition_create, "ai_systems:write", 0,
                "Move an AI system to another lifecycle stage through its gates (If-Match "
                "required)"},
        {"GET", "/v1/ai-systems/{id}/map", system_map, "ai_systems:read", 0,
                "The flow and supplier map of one AI system as a graph and as DOT"},
        {"GET", "/v1/ai-map", tenant_map, "ai_systems:read", 0,
                "The flow and supplier map of all AI systems as a graph and as DOT"},
        {"POST", "/v1/ai-maps", map_render, "ai_systems:write", 0,
                "Render the flow and supplier map as SVG and DOT files: enqueues the job ai.maps "
                "(202)"},
        {"POST", "/v1/ai-registry/approve", registry_approve, "ai_systems:approve", 0,
                "Approve the AI system registry: freeze it as the next version"},
        {"GET", "/v1/ai-registry/versions", registry_versions, "ai_systems:read", 0,
                "Approved (frozen) versions of the AI system registry"},
        {"GET", "/v1/ai-registry/versions/{n}", registry_version_get, "ai_systems:read", 0,
                "One approved registry version with its content and an integrity check of its "
                "hash"},
        {"GET", "/v1/ai-registry/versions/{a}/diff/{b}", registry_version_diff, "ai_systems:read",
                0, "What changed in the AI system registry between two approved versions"},
        {NULL},
};
