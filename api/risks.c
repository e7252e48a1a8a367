/*
 * risks.c - unified risk management: the risk methodology and the one register of
 * information-security and AI risks.
 *
 *   GET  /v1/risk-methodology              the methodology in force (ETag = revision)
 *   PUT  /v1/risk-methodology              a new revision; re-evaluates every risk
 *   GET  /v1/risk-methodology/revisions    every revision, newest first (history)
 *   POST /v1/risk-methodology/approve      freeze it as baseline "risk_methodology"
 *   /v1/risks[/{id}]                       the register (list, create, get, update, delete)
 *   GET  /v1/risks/{id}/history            every change of the risk's levels
 *   POST|DELETE /v1/risks/{id}/acceptance  accept (within the methodology's authority) /
 *                                          withdraw the acceptance
 *   /v1/risks/{id}/actions[/{action_id}]   treatment actions
 *   GET  /v1/risks/treatment-plan          the risk treatment plan
 *   GET  /v1/risks/heatmap[.svg]           inherent and residual counts per matrix cell
 *   POST /v1/risks/approve                 freeze the register as baseline "risk_register"
 *   POST /v1/risks/export                  enqueue risk.export (XLSX register + plan, 202)
 *
 * Levels are computed here with domain/risk.c when a risk is assessed and when the
 * methodology changes (every level change lands in risk_level_history); PostgreSQL
 * builds the documents (risk_doc() / risk_docs(), risk_register_content(), risk_heatmap(),
 * 0023 and 0043).
 * Links to assets, controls and AI systems are checked before anything is written, so
 * the error names the list entry. An acceptance covers the level it was given at: when
 * the level changes, it lapses. Every mutation is audited in the request transaction.
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
#include "risk.h"
#include "svg.h"
#include "util.h"

/* ------------------------------------------------------------------ SQL */

static const char method_sql[] =
        "SELECT content, revision, jsonb_build_object('revision', revision, 'note', note,"
        " 'created_by', created_by, 'created_by_name', user_label(created_by), 'created_at',"
        " created_at) FROM risk_methodologies ORDER BY revision DESC LIMIT 1";
static const char method_insert_sql[] =
        "INSERT INTO risk_methodologies (tenant_id, revision, content, note, created_by)"
        " VALUES (app_tenant(), $1::int, $2::jsonb, coalesce($3, ''), $4::uuid)";
static const char method_revisions_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('revision', revision, 'note', note,"
        " 'created_by', created_by, 'created_by_name', user_label(created_by), 'created_at',"
        " created_at, 'content', content) ORDER BY revision DESC), '[]') FROM risk_methodologies";
static const char approval_sql[] = "SELECT approval_state($1, $2::jsonb)";

static const char risk_get_sql[] = "SELECT risk_doc(r) FROM risks r WHERE r.id = $1";
/* the page's ids first (index order, one more than the limit), then their documents in
 * one statement (risk_docs, 0043); returned as JSON text with the last kept row's sort
 * values when more rows follow (page_raw: the page is not parsed again in C) */
static const char risk_list_sql[] =
        "WITH page AS (SELECT d.id, d.ref, d.doc FROM risk_docs(ARRAY("
        " SELECT id FROM risks r"
        " WHERE ($1::text IS NULL OR r.type = $1) AND ($2::text IS NULL OR r.status = $2)"
        "   AND ($3::text IS NULL OR coalesce(r.residual_level, r.inherent_level) = $3)"
        "   AND ($4::uuid IS NULL OR r.owner_id = $4)"
        "   AND ($5::text IS NULL OR (r.ref, r.id) > ($5, $6::uuid))"
        " ORDER BY r.ref, r.id LIMIT $7)) d),"
        " kept AS (SELECT * FROM page ORDER BY ref, id LIMIT $7::int - 1)"
        " SELECT coalesce((SELECT jsonb_agg(doc ORDER BY ref, id) FROM kept), '[]')::text,"
        " CASE WHEN (SELECT count(*) FROM page) >= $7::int THEN (SELECT"
        "   jsonb_build_array(ref, id) FROM kept ORDER BY ref DESC, id DESC LIMIT 1)::text END";
/* What re-evaluation and updates need of a stored risk (locked). */
static const char risk_state_one_sql[] =
        "SELECT id, ref, type, status, inherent_likelihood, inherent_impact, inherent_ai_impacts,"
        " residual_likelihood, residual_impact, residual_ai_impacts, inherent_level,"
        " residual_level, accepted_role, version FROM risks WHERE id = $1 FOR UPDATE";
static const char risk_all_locked_sql[] =
        "SELECT id, ref, type, status, inherent_likelihood, inherent_impact, inherent_ai_impacts,"
        " residual_likelihood, residual_impact, residual_ai_impacts, inherent_level,"
        " residual_level, accepted_role, version FROM risks ORDER BY ref FOR UPDATE";
/* The next free "<TYPE>-NNN" reference: at least three digits, more once past 999. */
static const char next_ref_sql[] =
        "SELECT upper($1) || '-' || lpad(n::text, greatest(3, length(n::text)), '0') FROM ("
        " SELECT coalesce(max(substring(ref FROM '^' || upper($1) || '-([0-9]+)$')::int), 0) + 1"
        " AS n FROM risks) x";
static const char risk_insert_sql[] =
        "INSERT INTO risks (tenant_id, ref, type, title, description, owner_id, status,"
        " risk_source, vulnerability, consequences, annex_c_sources, annex_c_objectives,"
        " methodology_revision, inherent_likelihood, inherent_impact, inherent_ai_impacts,"
        " inherent_eff_impact, inherent_level, residual_likelihood, residual_impact,"
        " residual_ai_impacts, residual_eff_impact, residual_level, treatment_option,"
        " next_review_date)"
        " VALUES (app_tenant(), $1, $2, $3, coalesce($4, ''), $5::uuid, coalesce($6, 'open'),"
        " coalesce($7, ''), coalesce($8, ''), coalesce($9, ''),"
        " ARRAY(SELECT jsonb_array_elements_text(coalesce($10::jsonb, '[]'))),"
        " ARRAY(SELECT jsonb_array_elements_text(coalesce($11::jsonb, '[]'))),"
        " $12::int, $13::int, $14::int, $15::jsonb, $16::int, $17, $18::int, $19::int, $20::jsonb,"
        " $21::int, $22, $23,"
        " coalesce($24::date, (current_date + make_interval(months => $25::int))::date))"
        " RETURNING id";
/* $26: the acceptance lapses (status back to open, acceptance cleared). */
static const char risk_update_sql[] =
        "UPDATE risks SET ref = $3, title = $4, description = $5, owner_id = $6::uuid,"
        " status = CASE WHEN $26::boolean THEN 'open' ELSE $7 END, risk_source = $8,"
        " vulnerability = $9, consequences = $10,"
        " annex_c_sources = ARRAY(SELECT jsonb_array_elements_text($11::jsonb)),"
        " annex_c_objectives = ARRAY(SELECT jsonb_array_elements_text($12::jsonb)),"
        " methodology_revision = $13::int, inherent_likelihood = $14::int,"
        " inherent_impact = $15::int, inherent_ai_impacts = $16::jsonb,"
        " inherent_eff_impact = $17::int, inherent_level = $18, residual_likelihood = $19::int,"
        " residual_impact = $20::int, residual_ai_impacts = $21::jsonb,"
        " residual_eff_impact = $22::int, residual_level = $23, treatment_option = $24,"
        " next_review_date = $25::date,"
        " accepted_by = CASE WHEN $26::boolean OR $7 <> 'accepted' THEN NULL ELSE accepted_by END,"
        " accepted_role = CASE WHEN $26::boolean OR $7 <> 'accepted' THEN NULL"
        "   ELSE accepted_role END,"
        " accepted_at = CASE WHEN $26::boolean OR $7 <> 'accepted' THEN NULL ELSE accepted_at END,"
        " acceptance_rationale = CASE WHEN $26::boolean OR $7 <> 'accepted' THEN NULL"
        "   ELSE acceptance_rationale END,"
        " acceptance_expires = CASE WHEN $26::boolean OR $7 <> 'accepted' THEN NULL"
        "   ELSE acceptance_expires END,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int";
/* Re-evaluation under a new methodology revision. */
static const char risk_reeval_sql[] =
        "UPDATE risks SET methodology_revision = $2::int, inherent_likelihood = $3::int,"
        " inherent_impact = $4::int, inherent_ai_impacts = $5::jsonb,"
        " inherent_eff_impact = $6::int,"
        " inherent_level = $7, residual_likelihood = $8::int, residual_impact = $9::int,"
        " residual_ai_impacts = $10::jsonb, residual_eff_impact = $11::int, residual_level = $12,"
        " status = CASE WHEN $13::boolean THEN 'open' ELSE status END,"
        " accepted_by = CASE WHEN $13::boolean THEN NULL ELSE accepted_by END,"
        " accepted_role = CASE WHEN $13::boolean THEN NULL ELSE accepted_role END,"
        " accepted_at = CASE WHEN $13::boolean THEN NULL ELSE accepted_at END,"
        " acceptance_rationale = CASE WHEN $13::boolean THEN NULL ELSE acceptance_rationale END,"
        " acceptance_expires = CASE WHEN $13::boolean THEN NULL ELSE acceptance_expires END,"
        " version = version + 1, updated_at = now() WHERE id = $1";
static const char history_insert_sql[] =
        "INSERT INTO risk_level_history (tenant_id, risk_id, cause, methodology_revision,"
        " inherent_likelihood, inherent_impact, inherent_level, residual_likelihood,"
        " residual_impact, residual_level, acceptance_revoked, actor_id)"
        " VALUES (app_tenant(), $1, $2, $3::int, $4::int, $5::int, $6, $7::int, $8::int, $9,"
        " $10::boolean, $11::uuid)";
static const char history_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('at', h.at, 'cause', h.cause,"
        " 'methodology_revision', h.methodology_revision, 'inherent', jsonb_build_object("
        " 'likelihood', h.inherent_likelihood, 'impact', h.inherent_impact, 'level',"
        " h.inherent_level), 'residual', CASE WHEN h.residual_level IS NULL THEN NULL ELSE"
        " jsonb_build_object('likelihood', h.residual_likelihood, 'impact', h.residual_impact,"
        " 'level', h.residual_level) END, 'acceptance_revoked', h.acceptance_revoked,"
        " 'actor_id', h.actor_id, 'actor_name', user_label(h.actor_id)) ORDER BY h.at, h.id), '[]')"
        " FROM risk_level_history h WHERE h.risk_id = $1";
static const char risk_delete_sql[] = "DELETE FROM risks WHERE id = $1 AND version = $2::int";

static const char accept_sql[] =
        "UPDATE risks SET status = 'accepted', accepted_by = $3::uuid, accepted_role = $4,"
        " accepted_at = now(), acceptance_rationale = $5, acceptance_expires = $6::date,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int";
static const char unaccept_sql[] =
        "UPDATE risks SET status = 'open', accepted_by = NULL, accepted_role = NULL,"
        " accepted_at = NULL, acceptance_rationale = NULL, acceptance_expires = NULL,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int";
static const char expiry_check_sql[] =
        "SELECT $1::date > current_date,"
        " $1::date <= current_date + make_interval(months => $2::int)";

#define ACTION_JSON                                                                                \
	"jsonb_build_object('id', a.id, 'risk_id', a.risk_id, 'title', a.title, 'description', \
	a.description, 'owner_id', a.owner_id, 'owner_name', user_label(a.owner_id),         \
	'due_date', a.due_date, 'status', a.status, 'completed_on', a.completed_on,          \
	'version', a.version, 'created_at', a.created_at, 'updated_at', a.updated_at)"
static const char action_get_sql[] =
        "SELECT " ACTION_JSON " FROM risk_treatment_actions a WHERE a.id = $1 AND a.risk_id = $2";
static const char action_insert_sql[] =
        "INSERT INTO risk_treatment_actions AS a (tenant_id, risk_id, title, description,"
        " owner_id, due_date, status, completed_on) VALUES (app_tenant(), $1, $2, coalesce($3, ''),"
        " $4::uuid, $5::date, coalesce($6, 'planned'),"
        " CASE WHEN $6 = 'done' THEN current_date END) RETURNING " ACTION_JSON;
static const char action_update_sql[] =
        "UPDATE risk_treatment_actions AS a SET title = $3, description = $4, owner_id = $5::uuid,"
        " due_date = $6::date, status = $7,"
        " completed_on = CASE WHEN $7 = 'done' THEN coalesce(a.completed_on, current_date) END,"
        " version = version + 1, updated_at = now()"
        " WHERE a.id = $1 AND a.version = $2::int RETURNING " ACTION_JSON;
static const char action_delete_sql[] =
        "DELETE FROM risk_treatment_actions WHERE id = $1 AND version = $2::int";

static const char plan_sql[] =
        "SELECT jsonb_build_object('items', coalesce(jsonb_agg(d ORDER BY d->>'ref'), '[]'),"
        " 'summary', jsonb_build_object('risks', count(*),"
        "  'actions', (SELECT count(*) FROM risk_treatment_actions),"
        "  'actions_open', (SELECT count(*) FROM risk_treatment_actions"
        "    WHERE status IN ('planned', 'in_progress')),"
        "  'actions_overdue', (SELECT count(*) FROM risk_treatment_actions"
        "    WHERE status IN ('planned', 'in_progress') AND due_date < current_date)))"
        " FROM (SELECT x.doc AS d FROM risk_docs(ARRAY(SELECT r.id FROM risks r"
        "  WHERE r.status NOT IN ('draft', 'closed')"
        "  AND (r.treatment_option IS NOT NULL"
        "   OR EXISTS (SELECT 1 FROM risk_treatment_actions a WHERE a.risk_id = r.id)"
        "   OR EXISTS (SELECT 1 FROM risk_controls c WHERE c.risk_id = r.id"
        "     AND c.relation = 'planned')))) x) s";
static const char heatmap_sql[] = "SELECT risk_heatmap($1)";
static const char register_sql[] = "SELECT risk_register_content()";
/* Risks the register may not be frozen with (drafts and closed risks aside). */
static const char register_check_sql[] =
        "SELECT r.ref, CASE WHEN r.owner_id IS NULL THEN 'owner_id'"
        "  WHEN r.status = 'accepted' AND r.acceptance_expires < current_date THEN 'acceptance'"
        "  ELSE 'treatment_option' END,"
        " CASE WHEN r.owner_id IS NULL THEN 'has no owner'"
        "  WHEN r.status = 'accepted' AND r.acceptance_expires < current_date"
        "   THEN 'has an acceptance that expired on ' || r.acceptance_expires"
        "  ELSE 'is above the risk appetite with neither a treatment option nor an acceptance' END"
        " FROM risks r, LATERAL (SELECT content FROM risk_methodologies"
        "  ORDER BY revision DESC LIMIT 1) m"
        " WHERE r.status NOT IN ('draft', 'closed') AND (r.owner_id IS NULL"
        "  OR (r.status = 'accepted' AND r.acceptance_expires < current_date)"
        "  OR (r.status <> 'accepted' AND r.treatment_option IS NULL"
        "   AND risk_level_rank(m.content, coalesce(r.residual_level, r.inherent_level))"
        "    > risk_level_rank(m.content, m.content->>'appetite')))"
        " ORDER BY r.ref LIMIT 1";
static const char baseline_exists_sql[] =
        "SELECT 1 FROM baselines WHERE kind = 'risk_register' AND number = $1::int";

/* Positions of unknown ids in a JSON array $1. */
static const char unknown_asset_sql[] =
        "SELECT u.o - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, o)"
        " WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = u.x::uuid) ORDER BY u.o LIMIT 1";
static const char unknown_control_sql[] =
        "SELECT u.o - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, o)"
        " WHERE NOT EXISTS (SELECT 1 FROM controls c WHERE c.id = u.x::uuid) ORDER BY u.o LIMIT 1";
/* ai_systems belongs to the AI system registry (migration 0030+); checked when present. */
static const char has_ai_systems_sql[] = "SELECT to_regclass('ai_systems') IS NOT NULL";
static const char unknown_ai_system_sql[] =
        "SELECT u.o - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, o)"
        " WHERE NOT EXISTS (SELECT 1 FROM ai_systems s WHERE s.id = u.x::uuid)"
        " ORDER BY u.o LIMIT 1";
/* Annex C tags of ISO/IEC 42001, from the catalog version the tenant uses. */
static const char unknown_tag_sql[] =
        "SELECT u.o - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, o)"
        " WHERE NOT EXISTS (SELECT 1 FROM catalog_requirements c"
        "   WHERE c.framework_id = 'iso42001-2023'"
        "   AND c.catalog_version = catalog_version_for('iso42001-2023')"
        "   AND c.kind = $2 AND c.ref = u.x) ORDER BY u.o LIMIT 1";

static const char links_clear_sql[][96] = {
        "DELETE FROM risk_assets WHERE risk_id = $1",
        "DELETE FROM risk_ai_systems WHERE risk_id = $1",
        "DELETE FROM risk_controls WHERE risk_id = $1 AND relation = 'existing'",
        "DELETE FROM risk_controls WHERE risk_id = $1 AND relation = 'planned'",
};
static const char links_insert_sql[][200] = {
        "INSERT INTO risk_assets (tenant_id, risk_id, asset_id) SELECT DISTINCT app_tenant(),"
        " $1::uuid, x::uuid FROM jsonb_array_elements_text($2::jsonb) x",
        "INSERT INTO risk_ai_systems (tenant_id, risk_id, ai_system_id) SELECT DISTINCT"
        " app_tenant(), $1::uuid, x::uuid FROM jsonb_array_elements_text($2::jsonb) x",
        "INSERT INTO risk_controls (tenant_id, risk_id, control_id, relation) SELECT DISTINCT"
        " app_tenant(), $1::uuid, x::uuid, 'existing' FROM jsonb_array_elements_text($2::jsonb) x",
        "INSERT INTO risk_controls (tenant_id, risk_id, control_id, relation) SELECT DISTINCT"
        " app_tenant(), $1::uuid, x::uuid, 'planned' FROM jsonb_array_elements_text($2::jsonb) x",
};
static const char *const link_fields[] = {
        "asset_ids", "ai_system_ids", "existing_control_ids", "planned_control_ids"};

/* ------------------------------------------------------------------ validation */

static const char *const types[] = {"is", "ai", NULL};
static const char *const statuses[] = {"draft", "open", "treated", "closed", NULL};
static const char *const all_statuses[] = {"draft", "open", "treated", "accepted", "closed", NULL};
static const char *const options[] = {"modify", "avoid", "share", "retain", NULL};
static const char *const action_statuses[] = {"planned", "in_progress", "done", "cancelled", NULL};

static const struct jv_field risk_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"type", JV_ENUM, JV_REQUIRED, .values = types},
        {"title", JV_STRING, JV_REQUIRED, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"owner_id", JV_UUID, JV_REQUIRED},
        {"status", JV_ENUM, 0, .values = statuses},
        {"risk_source", JV_TEXT, 0, .max = 2000},
        {"vulnerability", JV_TEXT, 0, .max = 2000},
        {"consequences", JV_TEXT, 0, .max = 2000},
        {"annex_c_sources", JV_ARRAY, 0, .max = 20},
        {"annex_c_objectives", JV_ARRAY, 0, .max = 20},
        {"asset_ids", JV_ARRAY, 0, .max = 100},
        {"ai_system_ids", JV_ARRAY, 0, .max = 100},
        {"existing_control_ids", JV_ARRAY, 0, .max = 200},
        {"planned_control_ids", JV_ARRAY, 0, .max = 200},
        {"inherent", JV_OBJECT, JV_REQUIRED, .max = 3},
        {"residual", JV_OBJECT, JV_NULLABLE, .max = 3},
        {"treatment_option", JV_ENUM, JV_NULLABLE, .values = options},
        {"next_review_date", JV_DATE, JV_NULLABLE},
        {NULL},
};
static const struct jv_field risk_patch_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"type", JV_ENUM, 0, .values = types},
        {"title", JV_STRING, 0, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"owner_id", JV_UUID, 0},
        {"status", JV_ENUM, 0, .values = all_statuses},
        {"risk_source", JV_TEXT, 0, .max = 2000},
        {"vulnerability", JV_TEXT, 0, .max = 2000},
        {"consequences", JV_TEXT, 0, .max = 2000},
        {"annex_c_sources", JV_ARRAY, 0, .max = 20},
        {"annex_c_objectives", JV_ARRAY, 0, .max = 20},
        {"asset_ids", JV_ARRAY, 0, .max = 100},
        {"ai_system_ids", JV_ARRAY, 0, .max = 100},
        {"existing_control_ids", JV_ARRAY, 0, .max = 200},
        {"planned_control_ids", JV_ARRAY, 0, .max = 200},
        {"inherent", JV_OBJECT, 0, .max = 3},
        {"residual", JV_OBJECT, JV_NULLABLE, .max = 3},
        {"treatment_option", JV_ENUM, JV_NULLABLE, .values = options},
        {"next_review_date", JV_DATE, JV_NULLABLE},
        {NULL},
};
static const struct jv_field accept_fields[] = {
        {"rationale", JV_STRING, JV_REQUIRED, .max = 4000},
        {"expires_on", JV_DATE, JV_REQUIRED},
        {NULL},
};
static const struct jv_field action_fields[] = {
        {"title", JV_STRING, JV_REQUIRED, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"owner_id", JV_UUID, JV_NULLABLE},
        {"due_date", JV_DATE, JV_NULLABLE},
        {"status", JV_ENUM, 0, .values = action_statuses},
        {NULL},
};
static const struct jv_field action_patch_fields[] = {
        {"title", JV_STRING, 0, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"owner_id", JV_UUID, JV_NULLABLE},
        {"due_date", JV_DATE, JV_NULLABLE},
        {"status", JV_ENUM, 0, .values = action_statuses},
        {NULL},
};
static const struct jv_field note_fields[] = {
        {"note", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field export_fields[] = {
        {"baseline", JV_INT, 0, .min = 1, .max = 1000000},
        {NULL},
};

static const char *const list_query[] = {"limit", "type", "status", "level", "owner_id", NULL};
static const char *const heatmap_query[] = {"type", NULL};
static const char *const svg_query[] = {"type", "view", NULL};

static const char *version_text(struct req *r, const json_t *doc)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version")));
}

static const char *int_text(struct req *r, int v)
{
	return arena_printf(r->arena, "%d", v);
}

/* -1 naming "<list>[i]" when sql (over the JSON array a, and an optional $2) finds a bad
 * entry at position i. */
static int first_bad(struct req *r, const char *sql, const json_t *a, const char *arg2,
        const char *list, const char *msg, struct err *e)
{
	if (!a || json_array_size(a) == 0)
		return 0;
	char *text = json_dumps(a, JSON_COMPACT);
	PGresult *res = db_exec(r->db, r->arena, e, sql, arg2 ? 2 : 1, text, arg2);
	free(text);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return 0;
	char field[64];
	snprintf(field, sizeof field, "%s[%s]", list, PQgetvalue(res, 0, 0));
	return err_set(e, ERR_INVALID, field, "%s", msg);
}

static int check_uuids(const json_t *a, const char *name, struct err *e)
{
	struct jv_field f = {name, JV_UUID, 0};
	size_t i;
	json_t *it;
	json_array_foreach(a, i, it)
	{
		char path[64];
		snprintf(path, sizeof path, "%s[%zu]", name, i);
		if (jv_check_value(it, &f, path, e))
			return -1;
	}
	return 0;
}

static int check_tags(
        struct req *r, const json_t *a, const char *name, const char *kind, struct err *e)
{
	struct jv_field f = {name, JV_STRING, 0, .max = 16};
	size_t i;
	json_t *it;
	json_array_foreach(a, i, it)
	{
		char path[64];
		snprintf(path, sizeof path, "%s[%zu]", name, i);
		if (jv_check_value(it, &f, path, e))
			return -1;
	}
	return first_bad(r, unknown_tag_sql, a, kind, name,
	        strcmp(kind, "annex_c_risk_source") == 0
	                ? "is not an ISO/IEC 42001 Annex C risk source (C.3.x)"
	                : "is not an ISO/IEC 42001 Annex C objective (C.2.x)",
	        e);
}

/* Link lists and tags of a create/update body: shapes, then existence. */
static int check_links(struct req *r, const json_t *b, bool is_ai, struct err *e)
{
	for (int i = 0; i < 4; i++)
		if (check_uuids(json_object_get(b, link_fields[i]), link_fields[i], e))
			return -1;
	if (first_bad(r, unknown_asset_sql, json_object_get(b, "asset_ids"), NULL, "asset_ids",
	            "refers to an asset that does not exist", e) ||
	        first_bad(r, unknown_control_sql, json_object_get(b, "existing_control_ids"), NULL,
	                "existing_control_ids", "refers to a control that does not exist", e) ||
	        first_bad(r, unknown_control_sql, json_object_get(b, "planned_control_ids"), NULL,
	                "planned_control_ids", "refers to a control that does not exist", e))
		return -1;
	const json_t *ais = json_object_get(b, "ai_system_ids");
	if (json_array_size(ais)) {
		PGresult *h = db_exec(r->db, r->arena, e, has_ai_systems_sql, 0);
		if (!h)
			return -1;
		if (strcmp(PQgetvalue(h, 0, 0), "t") == 0 &&
		        first_bad(r, unknown_ai_system_sql, ais, NULL, "ai_system_ids",
		                "refers to an AI system that does not exist", e))
			return -1;
	}
	const json_t *src = json_object_get(b, "annex_c_sources");
	const json_t *obj = json_object_get(b, "annex_c_objectives");
	if (!is_ai && (json_array_size(src) || json_array_size(obj)))
		return err_set(e, ERR_INVALID,
		        json_array_size(src) ? "annex_c_sources" : "annex_c_objectives",
		        "ISO/IEC 42001 Annex C tags apply to AI risks");
	return check_tags(r, src, "annex_c_sources", "annex_c_risk_source", e) ||
	                       check_tags(r, obj, "annex_c_objectives", "annex_c_objective", e)
	               ? -1
	               : 0;
}

static int write_links(struct req *r, const char *id, const json_t *b, struct err *e)
{
	for (int i = 0; i < 4; i++) {
		const json_t *a = json_object_get(b, link_fields[i]);
		if (!a)
			continue;
		char *text = json_dumps(a, JSON_COMPACT);
		bool ok = db_exec(r->db, r->arena, e, links_clear_sql[i], 1, id) &&
		          db_exec(r->db, r->arena, e, links_insert_sql[i], 2, id, text);
		free(text);
		if (!ok)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ methodology */

struct method_state {
	bool exists;
	int revision;
	json_t *content; /* arena-owned */
	json_t *meta;    /* revision, note, created_by, created_at */
	struct risk_method m;
};

/* The methodology in force. With `required`, its absence is a 422 naming "methodology". */
static int method_current(struct req *r, struct method_state *s, bool required, struct err *e)
{
	memset(s, 0, sizeof *s);
	PGresult *res = db_exec(r->db, r->arena, e, method_sql, 0);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return required ? err_set(e, ERR_UNPROCESSABLE, "methodology",
		                          "define the tenant's risk methodology first "
		                          "(PUT /v1/risk-methodology)")
		                : 0;
	s->exists = true;
	s->content = db_json(r->arena, res, 0, 0);
	s->revision = atoi(PQgetvalue(res, 0, 1));
	s->meta = db_json(r->arena, res, 0, 2);
	if (risk_method_parse(s->content, authz_roles, &s->m, e)) {
		char why[300];
		snprintf(why, sizeof why, "%.100s: %.180s", e->field, e->message);
		err_set(e, ERR_INTERNAL, NULL, "stored methodology is invalid");
		return err_log_detail(e, "revision %d no longer parses (%s)", s->revision, why);
	}
	return 0;
}

/* The methodology as baseline content: one item per scale level, risk level, matrix
 * row, the appetite and each acceptance rule, so that a diff names what changed. */
static json_t *method_items(const struct method_state *s)
{
	json_t *items = json_array();
	static const char *const axes[] = {"likelihood", "impact"};
	size_t i;
	json_t *it;
	for (int a = 0; a < 2; a++)
		json_array_foreach(json_object_get(s->content, axes[a]), i, it)
		{
			json_t *x = json_deep_copy(it);
			json_object_set_new(x, "key", json_sprintf("%s:%zu", axes[a], i + 1));
			json_array_append_new(items, x);
		}
	json_array_foreach(json_object_get(s->content, "levels"), i, it)
	{
		json_t *x = json_deep_copy(it);
		json_object_set_new(x, "key",
		        json_sprintf("level:%s", json_string_value(json_object_get(it, "key"))));
		json_array_append_new(items, x);
	}
	json_array_foreach(json_object_get(s->content, "matrix"), i, it) json_array_append_new(
	        items, json_pack("{s:o, s:O}", "key", json_sprintf("matrix:likelihood %zu", i + 1),
	                       "cells", it));
	json_array_append_new(items, json_pack("{s:s, s:O}", "key", "appetite", "value",
	                                     json_object_get(s->content, "appetite")));
	json_array_foreach(json_object_get(s->content, "acceptance"), i, it) json_array_append_new(
	        items, json_pack("{s:o, s:O}", "key",
	                       json_sprintf("acceptance:%s",
	                               json_string_value(json_object_get(it, "level"))),
	                       "roles", json_object_get(it, "roles")));
	return json_pack("{s:i, s:o}", "revision", s->revision, "items", items);
}

static json_t *method_doc(struct req *r, const struct method_state *s, struct err *e)
{
	json_t *content = arena_json(r->arena, method_items(s));
	char *text = json_dumps(content, JSON_COMPACT);
	PGresult *a = db_exec(r->db, r->arena, e, approval_sql, 2, "risk_methodology", text);
	free(text);
	if (!a)
		return NULL;
	json_t *doc = arena_json(r->arena, json_deep_copy(s->content));
	json_object_update(doc, s->meta);
	json_object_set(doc, "approval", db_json(r->arena, a, 0, 0));
	return doc;
}

static int methodology_get(struct req *r, struct resp *resp, struct err *e)
{
	struct method_state s;
	if (method_current(r, &s, false, e))
		return -1;
	if (!s.exists)
		return err_set(e, ERR_NOT_FOUND, NULL, "no risk methodology defined yet");
	json_t *doc = method_doc(r, &s, e);
	if (!doc)
		return -1;
	resp->etag = int_text(r, s.revision);
	resp->body = json_incref(doc);
	return 0;
}

/* A stored assessment (columns c, c+1, c+2 of res: likelihood, impact, ai_impacts). */
static bool stored_assessment(
        struct req *r, const PGresult *res, int row, int c, struct risk_assessment *a)
{
	memset(a, 0, sizeof *a);
	if (PQgetisnull(res, row, c))
		return false;
	a->likelihood = atoi(PQgetvalue(res, row, c));
	a->impact = atoi(PQgetvalue(res, row, c + 1));
	json_t *ai = db_json(r->arena, res, row, c + 2);
	if (json_is_object(ai)) {
		a->has_ai = true;
		for (int d = 0; d < RISK_AI_DIMS; d++)
			a->ai[d] =
			        (int)json_integer_value(json_object_get(ai, risk_ai_dimensions[d]));
	}
	return true;
}

static bool same_assessment(const struct risk_assessment *a, const struct risk_assessment *b)
{
	if (a->likelihood != b->likelihood || a->impact != b->impact || a->has_ai != b->has_ai)
		return false;
	for (int d = 0; a->has_ai && d < RISK_AI_DIMS; d++)
		if (a->ai[d] != b->ai[d])
			return false;
	return true;
}

/* SQL parameters of one assessment: likelihood, impact, ai_impacts, eff_impact, level. */
static void assessment_params(struct req *r, const struct risk_method *m,
        const struct risk_assessment *a, bool present, const char **p)
{
	if (!present) {
		p[0] = p[1] = p[2] = p[3] = p[4] = NULL;
		return;
	}
	p[0] = int_text(r, a->likelihood);
	p[1] = int_text(r, a->impact);
	json_t *ai = risk_ai_impacts_json(a);
	p[2] = NULL;
	if (ai) {
		char *t = json_dumps(ai, JSON_COMPACT);
		p[2] = arena_strdup(r->arena, t);
		free(t);
		json_decref(ai);
	}
	p[3] = int_text(r, a->eff_impact);
	p[4] = m->levels[a->level].key;
}

static int history(struct req *r, const char *id, const char *cause, int revision,
        const char *const *inh, const char *const *res, bool revoked, struct err *e)
{
	const char *user = r->who.kind == PRINCIPAL_USER ? r->who.user_id : NULL;
	const char *p[] = {id, cause, int_text(r, revision), inh[0], inh[1], inh[4], res[0], res[1],
	        res[4], revoked ? "true" : "false", user};
	return db_execv(r->db, r->arena, e, history_insert_sql, 11, p) ? 0 : -1;
}

/* Re-evaluate every risk under the new methodology `to` (revision rev); report what
 * changed in *report. A value the new scales lack without a remap entry refuses the
 * whole change (422 naming remap.<axis>). */
static int reevaluate(struct req *r, const struct method_state *from, const struct risk_method *to,
        int rev, const json_t *remap, json_t *report, struct err *e)
{
	struct risk_remap map;
	if (risk_remap_parse(remap, from->exists ? &from->m : NULL, to, &map, e))
		return -1;
	PGresult *rows = db_exec(r->db, r->arena, e, risk_all_locked_sql, 0);
	if (!rows)
		return -1;
	json_t *changed = json_array(), *revoked = json_array();
	json_object_set_new(report, "risks", json_integer(PQntuples(rows)));
	json_object_set_new(report, "changed", changed);
	json_object_set_new(report, "acceptances_revoked", revoked);
	for (int i = 0; i < PQntuples(rows); i++) {
		const char *id = PQgetvalue(rows, i, 0), *ref = PQgetvalue(rows, i, 1);
		struct risk_assessment inh, res;
		bool has_res = stored_assessment(r, rows, i, 7, &res);
		if (!stored_assessment(r, rows, i, 4, &inh))
			continue; /* never assessed: nothing to re-evaluate */
		struct risk_assessment inh0 = inh, res0 = res;
		const char *axis;
		if (risk_reassess(to, &map, &inh, &axis) ||
		        (has_res && risk_reassess(to, &map, &res, &axis)))
			return err_set(e, ERR_UNPROCESSABLE,
			        arena_printf(r->arena, "remap.%s", axis),
			        "risk %s uses a %s level that the new scale lacks: map it in "
			        "remap.%s",
			        ref, axis, axis);
		const char *old_inh = PQgetvalue(rows, i, 10), *old_res = db_val(rows, i, 11);
		const char *new_inh = to->levels[inh.level].key;
		const char *new_res = has_res ? to->levels[res.level].key : NULL;
		const char *old_cur = old_res ? old_res : old_inh,
		           *new_cur = new_res ? new_res : new_inh;
		bool level_changed =
		        strcmp(old_inh, new_inh) != 0 || (has_res && strcmp(old_res, new_res) != 0);
		bool values_changed =
		        !same_assessment(&inh, &inh0) || (has_res && !same_assessment(&res, &res0));
		bool lapse = strcmp(PQgetvalue(rows, i, 3), "accepted") == 0 &&
		             strcmp(old_cur, new_cur) != 0;
		json_t *before = NULL;
		if (level_changed || values_changed || lapse) {
			const char *gp[] = {id};
			before = db_json_row(r, e, "risk", risk_get_sql, 1, gp);
			if (!before)
				return -1;
		}
		const char *pi[5], *pr[5];
		assessment_params(r, to, &inh, true, pi);
		assessment_params(r, to, &res, has_res, pr);
		const char *p[] = {id, int_text(r, rev), pi[0], pi[1], pi[2], pi[3], pi[4], pr[0],
		        pr[1], pr[2], pr[3], pr[4], lapse ? "true" : "false"};
		if (!db_execv(r->db, r->arena, e, risk_reeval_sql, 13, p))
			return -1;
		if (!before)
			continue;
		if (history(r, id, "methodology", rev, pi, pr, lapse, e))
			return -1;
		const char *gp[] = {id};
		json_t *after = db_json_row(r, e, "risk", risk_get_sql, 1, gp);
		if (!after || audit_record(r, "risk.reevaluate", "risk", id, before, after, e))
			return -1;
		json_array_append_new(
		        changed, json_pack("{s:s, s:{s:s, s:s}, s:{s:s?, s:s?}}", "ref", ref,
		                         "inherent", "from", old_inh, "to", new_inh, "residual",
		                         "from", old_res, "to", new_res));
		if (lapse)
			json_array_append_new(revoked, json_string(ref));
	}
	return 0;
}

static int methodology_put(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e))
		return -1;
	/* the body is the methodology plus an optional note and remap */
	json_t *content = arena_json(r->arena, json_deep_copy(b));
	json_t *remap = json_object_get(b, "remap");
	const json_t *note = json_object_get(b, "note");
	json_object_del(content, "remap");
	json_object_del(content, "note");
	static const struct jv_field note_field = {"note", JV_TEXT, 0, .max = 2000};
	if (note && jv_check_value(note, &note_field, "note", e))
		return -1;
	struct risk_method neu;
	if (risk_method_parse(content, authz_roles, &neu, e))
		return -1;
	struct method_state cur;
	if (method_current(r, &cur, false, e))
		return -1;
	if (cur.exists) {
		long version;
		if (req_if_match(r, &version, e))
			return -1;
		if (version != cur.revision)
			return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
			        "the methodology was changed by someone else (current revision %d)",
			        cur.revision);
	}
	int rev = cur.revision + 1;
	char *text = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
	const char *user = r->who.kind == PRINCIPAL_USER ? r->who.user_id : NULL;
	PGresult *ins = db_exec(r->db, r->arena, e, method_insert_sql, 4, int_text(r, rev), text,
	        json_string_value(note), user);
	free(text);
	if (!ins)
		return -1;
	json_t *report = arena_json(r->arena, json_object());
	if (reevaluate(r, &cur, &neu, rev, remap, report, e))
		return -1;
	struct method_state now;
	if (method_current(r, &now, true, e))
		return -1;
	json_t *doc = method_doc(r, &now, e);
	if (!doc)
		return -1;
	json_t *after = json_pack(
	        "{s:i, s:O, s:O}", "revision", rev, "content", content, "reevaluation", report);
	json_t *before = cur.exists ? json_pack("{s:i, s:O}", "revision", cur.revision, "content",
	                                      cur.content)
	                            : NULL;
	int rc = audit_record(r, cur.exists ? "risk_methodology.update" : "risk_methodology.create",
	        "risk_methodology", int_text(r, rev), before, after, e);
	json_decref(after);
	json_decref(before);
	if (rc)
		return -1;
	resp->status = cur.exists ? 200 : 201;
	resp->etag = int_text(r, rev);
	resp->body = json_pack("{s:O, s:O}", "methodology", doc, "reevaluation", report);
	return 0;
}

static int methodology_revisions(struct req *r, struct resp *resp, struct err *e)
{
	json_t *items = db_json_row(r, e, "revisions", method_revisions_sql, 0, NULL);
	if (!items)
		return -1;
	resp->body = json_pack("{s:O, s:n}", "items", items, "next");
	return 0;
}

/* Freeze content as the next baseline of kind, audit it, answer 201. */
static int freeze(struct req *r, struct resp *resp, const char *kind, const json_t *content,
        const char *action, struct err *e)
{
	json_t *b = r->body, *meta;
	if (b && (req_body_object(r, &b, e) || jv_check(b, note_fields, e)))
		return -1;
	if (baseline_freeze(
	            r->db, r->arena, kind, content, r->who.user_id, jv_str(b, "note"), &meta, e))
		return -1;
	long long n = (long long)json_integer_value(json_object_get(meta, "number"));
	if (audit_record(r, action, "baseline", arena_printf(r->arena, "%s:%lld", kind, n), NULL,
	            meta, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/baselines/%s/%lld", kind, n);
	resp->body = json_incref(meta);
	return 0;
}

static int methodology_approve(struct req *r, struct resp *resp, struct err *e)
{
	struct method_state s;
	if (method_current(r, &s, true, e))
		return -1;
	json_t *content = arena_json(r->arena, method_items(&s));
	return freeze(r, resp, "risk_methodology", content, "risk_methodology.approve", e);
}

/* ------------------------------------------------------------------ register */

static json_t *load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *j = db_json_row(r, e, "risk", risk_get_sql, 1, p);
	if (j && resp)
		resp->etag = version_text(r, j);
	return j;
}

static int risk_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *type = req_query(r, "type"), *status = req_query(r, "status");
	const char *level = req_query(r, "level"), *owner = req_query(r, "owner_id");
	if (page_begin(r, &pg, e))
		return -1;
	if (type && strcmp(type, "is") != 0 && strcmp(type, "ai") != 0)
		return err_set(e, ERR_INVALID, "type", "must be is or ai");
	bool known = !status;
	for (const char *const *s = all_statuses; status && *s; s++)
		known |= strcmp(*s, status) == 0;
	if (!known)
		return err_set(e, ERR_INVALID, "status", "unknown value");
	if (level && strlen(level) > 32)
		return err_set(e, ERR_INVALID, "level", "unknown level");
	if (owner && !util_is_uuid(owner))
		return err_set(e, ERR_INVALID, "owner_id", "must be a UUID");
	const char *p[] = {type, status, level, owner, page_after(&pg, 0), page_after(&pg, 1),
	        pg.limit_plus_one};
	if (pg.after && (!p[4] || !p[5] || !util_is_uuid(p[5])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	PGresult *res = db_execv(r->db, r->arena, e, risk_list_sql, 7, p);
	if (!res)
		return -1;
	return page_raw(r, resp, PQgetvalue(res, 0, 0),
	        PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1), e);
}

static int risk_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *j = load(r, id, resp, e);
	if (!j)
		return -1;
	resp->body = json_incref(j);
	return 0;
}

/* Residual values never exceed inherent ones: treatment lowers a risk, it does not
 * raise it. */
static int check_residual(
        const struct risk_assessment *inh, const struct risk_assessment *res, struct err *e)
{
	if (res->likelihood > inh->likelihood)
		return err_set(e, ERR_UNPROCESSABLE, "residual.likelihood",
		        "is higher than the inherent likelihood (%d)", inh->likelihood);
	if (res->impact > inh->impact)
		return err_set(e, ERR_UNPROCESSABLE, "residual.impact",
		        "is higher than the inherent impact (%d)", inh->impact);
	for (int d = 0; res->has_ai && inh->has_ai && d < RISK_AI_DIMS; d++)
		if (res->ai[d] > inh->ai[d]) {
			char f[64];
			snprintf(f, sizeof f, "residual.ai_impacts.%s", risk_ai_dimensions[d]);
			return err_set(e, ERR_UNPROCESSABLE, f,
			        "is higher than the inherent impact on %s (%d)",
			        risk_ai_dimensions[d], inh->ai[d]);
		}
	return 0;
}

static const char *json_text(struct req *r, const json_t *o, const char *key)
{
	char *t = jv_dump(o, key);
	const char *s = t ? arena_strdup(r->arena, t) : NULL;
	free(t);
	return s;
}

static int risk_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	struct method_state ms;
	if (req_body_object(r, &b, e) || jv_check(b, risk_fields, e) ||
	        method_current(r, &ms, true, e))
		return -1;
	bool is_ai = strcmp(jv_str(b, "type"), "ai") == 0;
	struct risk_assessment inh, res;
	const json_t *rj = json_object_get(b, "residual");
	bool has_res = rj && !json_is_null(rj);
	if (risk_assessment_parse(
	            json_object_get(b, "inherent"), &ms.m, is_ai, "inherent", &inh, e) ||
	        (has_res && risk_assessment_parse(rj, &ms.m, is_ai, "residual", &res, e)) ||
	        (has_res && check_residual(&inh, &res, e)) || check_links(r, b, is_ai, e))
		return -1;
	const char *ref = jv_str(b, "ref");
	if (!ref) {
		PGresult *n = db_exec(r->db, r->arena, e, next_ref_sql, 1, jv_str(b, "type"));
		if (!n)
			return -1;
		ref = PQgetvalue(n, 0, 0);
	}
	const char *pi[5], *pr[5];
	assessment_params(r, &ms.m, &inh, true, pi);
	assessment_params(r, &ms.m, &res, has_res, pr);
	int cur = has_res ? res.level : inh.level;
	const char *p[] = {ref, jv_str(b, "type"), jv_str(b, "title"), jv_str(b, "description"),
	        jv_str(b, "owner_id"), jv_str(b, "status"), jv_str(b, "risk_source"),
	        jv_str(b, "vulnerability"), jv_str(b, "consequences"),
	        json_text(r, b, "annex_c_sources"), json_text(r, b, "annex_c_objectives"),
	        int_text(r, ms.revision), pi[0], pi[1], pi[2], pi[3], pi[4], pr[0], pr[1], pr[2],
	        pr[3], pr[4], jv_str(b, "treatment_option"), jv_str(b, "next_review_date"),
	        int_text(r, ms.m.levels[cur].review_months)};
	PGresult *ins = db_execv(r->db, r->arena, e, risk_insert_sql, 25, p);
	if (!ins)
		return -1;
	const char *id = arena_strdup(r->arena, PQgetvalue(ins, 0, 0));
	if (write_links(r, id, b, e) || history(r, id, "created", ms.revision, pi, pr, false, e))
		return -1;
	json_t *j = load(r, id, resp, e);
	if (!j || audit_record(r, "risk.create", "risk", id, NULL, j, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/risks/%s", id);
	resp->body = json_incref(j);
	return 0;
}

static int risk_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	struct method_state ms;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, risk_patch_fields, e) || req_if_match(r, &version, e))
		return -1;
	PGresult *st = db_exec(r->db, r->arena, e, risk_state_one_sql, 1, id);
	if (!st)
		return -1;
	if (PQntuples(st) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such risk");
	if (version != atol(PQgetvalue(st, 0, 13)))
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the risk was changed by someone else (current version %s)",
		        PQgetvalue(st, 0, 13));
	const char *type = PQgetvalue(st, 0, 2), *old_status = PQgetvalue(st, 0, 3);
	if (jv_str(b, "type") && strcmp(jv_str(b, "type"), type) != 0)
		return err_set(e, ERR_UNPROCESSABLE, "type",
		        "a risk keeps its type; record an %s risk separately",
		        strcmp(type, "is") == 0 ? "AI" : "IS");
	const char *status = jv_str(b, "status");
	if (status && strcmp(status, "accepted") == 0 && strcmp(old_status, "accepted") != 0)
		return err_set(e, ERR_UNPROCESSABLE, "status",
		        "accept a risk with POST /v1/risks/{id}/acceptance");
	if (method_current(r, &ms, true, e))
		return -1;
	bool is_ai = strcmp(type, "ai") == 0;
	struct risk_assessment inh, res, old_inh, old_res;
	bool had_inh = stored_assessment(r, st, 0, 4, &old_inh);
	bool had_res = stored_assessment(r, st, 0, 7, &old_res);
	const json_t *ij = json_object_get(b, "inherent"), *rj = json_object_get(b, "residual");
	if (!had_inh && !ij)
		return err_set(e, ERR_INVALID, "inherent", "the risk has not been assessed yet");
	inh = old_inh;
	res = old_res;
	bool has_res = had_res;
	if (had_inh)
		risk_evaluate(&ms.m, &inh);
	if (has_res)
		risk_evaluate(&ms.m, &res);
	if (ij && risk_assessment_parse(ij, &ms.m, is_ai, "inherent", &inh, e))
		return -1;
	if (rj) {
		has_res = !json_is_null(rj);
		if (has_res && risk_assessment_parse(rj, &ms.m, is_ai, "residual", &res, e))
			return -1;
	}
	if ((has_res && check_residual(&inh, &res, e)) || check_links(r, b, is_ai, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	const char *pi[5], *pr[5];
	assessment_params(r, &ms.m, &inh, true, pi);
	assessment_params(r, &ms.m, &res, has_res, pr);
	const char *old_level = db_val(st, 0, 11) ? db_val(st, 0, 11) : PQgetvalue(st, 0, 10);
	const char *new_level = has_res ? pr[4] : pi[4];
	bool lapse = strcmp(old_status, "accepted") == 0 && strcmp(old_level, new_level) != 0;
	bool reassessed = !same_assessment(&inh, &old_inh) || has_res != had_res ||
	                  (has_res && !same_assessment(&res, &old_res));
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "ref"), jv_str(m, "title"), jv_str(m, "description"),
	        jv_str(m, "owner_id"), jv_str(m, "status"), jv_str(m, "risk_source"),
	        jv_str(m, "vulnerability"), jv_str(m, "consequences"),
	        json_text(r, m, "annex_c_sources"), json_text(r, m, "annex_c_objectives"),
	        int_text(r, ms.revision), pi[0], pi[1], pi[2], pi[3], pi[4], pr[0], pr[1], pr[2],
	        pr[3], pr[4], jv_str(m, "treatment_option"), jv_str(m, "next_review_date"),
	        lapse ? "true" : "false"};
	PGresult *u = db_execv(r->db, r->arena, e, risk_update_sql, 26, p);
	if (!u)
		return -1;
	if (strcmp(PQcmdTuples(u), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the risk was changed by someone else");
	if (write_links(r, id, b, e) ||
	        (reassessed && history(r, id, "assessment", ms.revision, pi, pr, lapse, e)))
		return -1;
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "risk.update", "risk", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int risk_delete(struct req *r, struct resp *resp, struct err *e)
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
	PGresult *d = db_exec(r->db, r->arena, e, risk_delete_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the risk was changed by someone else (current version %s)",
		        version_text(r, before));
	if (audit_record(r, "risk.delete", "risk", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

static int risk_history(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || !load(r, id, NULL, e))
		return -1;
	const char *p[] = {id};
	json_t *items = db_json_row(r, e, "history", history_sql, 1, p);
	if (!items)
		return -1;
	resp->body = json_pack("{s:O, s:n}", "items", items, "next");
	return 0;
}

/* ------------------------------------------------------------------ acceptance */

static int risk_accept(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	struct method_state ms;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, accept_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before || method_current(r, &ms, true, e))
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the risk was changed by someone else (current version %s)",
		        version_text(r, before));
	const char *status = jv_str(before, "status");
	if (strcmp(status, "accepted") == 0)
		return err_set(e, ERR_CONFLICT, "status",
		        "the risk is already accepted; withdraw that acceptance first");
	if (strcmp(status, "draft") == 0 || strcmp(status, "closed") == 0)
		return err_set(
		        e, ERR_UNPROCESSABLE, "status", "a %s risk cannot be accepted", status);
	const char *level = jv_str(before, "current_level");
	int idx = risk_level_index(&ms.m, level);
	switch (risk_acceptance(&ms.m, idx, r->who.role)) {
	case RISK_ACCEPT_OK:
		break;
	case RISK_ACCEPT_LEVEL_NOT_ACCEPTABLE:
		return err_set(e, ERR_UNPROCESSABLE, "level",
		        "the methodology lets no one accept a %s risk: treat it", level);
	case RISK_ACCEPT_NO_AUTHORITY: {
		char roles[400];
		risk_accept_roles_text(&ms.m, idx, roles, sizeof roles);
		return err_set(e, ERR_FORBIDDEN, "role",
		        "accepting a %s risk needs one of these roles: %s (yours is %s)", level,
		        roles, r->who.role);
	}
	}
	/* an acceptance is revisited at the latest when the risk is next reviewed */
	int months = ms.m.levels[idx].review_months;
	PGresult *x = db_exec(r->db, r->arena, e, expiry_check_sql, 2, jv_str(b, "expires_on"),
	        int_text(r, months));
	if (!x)
		return -1;
	if (strcmp(PQgetvalue(x, 0, 0), "t") != 0)
		return err_set(e, ERR_INVALID, "expires_on", "must be in the future");
	if (strcmp(PQgetvalue(x, 0, 1), "t") != 0)
		return err_set(e, ERR_UNPROCESSABLE, "expires_on",
		        "a %s risk is reviewed every %d month(s): the acceptance lasts no longer",
		        level, months);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, r->who.user_id, r->who.role, jv_str(b, "rationale"),
	        jv_str(b, "expires_on")};
	PGresult *u = db_execv(r->db, r->arena, e, accept_sql, 6, p);
	if (!u)
		return -1;
	if (strcmp(PQcmdTuples(u), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the risk was changed by someone else");
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "risk.accept", "risk", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int risk_unaccept(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	if (strcmp(jv_str(before, "status"), "accepted") != 0)
		return err_set(e, ERR_CONFLICT, "status", "the risk is not accepted");
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *u = db_exec(r->db, r->arena, e, unaccept_sql, 2, id, vbuf);
	if (!u)
		return -1;
	if (strcmp(PQcmdTuples(u), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the risk was changed by someone else (current version %s)",
		        version_text(r, before));
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "risk.acceptance_withdraw", "risk", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

/* ------------------------------------------------------------------ actions */

static int action_create(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, action_fields, e) || !load(r, id, NULL, e))
		return -1;
	const char *p[] = {id, jv_str(b, "title"), jv_str(b, "description"), jv_str(b, "owner_id"),
	        jv_str(b, "due_date"), jv_str(b, "status")};
	json_t *a = db_json_row(r, e, "action", action_insert_sql, 6, p);
	if (!a)
		return -1;
	const char *aid = json_string_value(json_object_get(a, "id"));
	if (audit_record(r, "risk_action.create", "risk_action", aid, NULL, a, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/risks/%s/actions/%s", id, aid);
	resp->etag = "1";
	resp->body = json_incref(a);
	return 0;
}

static json_t *load_action(struct req *r, const char **rid, const char **aid, struct err *e)
{
	if (req_param_uuid(r, "id", rid, e) || req_param_uuid(r, "action_id", aid, e))
		return NULL;
	const char *p[] = {*aid, *rid};
	return db_json_row(r, e, "treatment action", action_get_sql, 2, p);
}

static int action_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *rid, *aid;
	json_t *b;
	long version;
	json_t *before = load_action(r, &rid, &aid, e);
	if (!before || req_body_object(r, &b, e) || jv_check(b, action_patch_fields, e) ||
	        req_if_match(r, &version, e))
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {aid, vbuf, jv_str(m, "title"), jv_str(m, "description"),
	        jv_str(m, "owner_id"), jv_str(m, "due_date"), jv_str(m, "status")};
	PGresult *u = db_execv(r->db, r->arena, e, action_update_sql, 7, p);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the action was changed by someone else (current version %s)",
		        version_text(r, before));
	json_t *after = db_json(r->arena, u, 0, 0);
	if (audit_record(r, "risk_action.update", "risk_action", aid, before, after, e))
		return -1;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int action_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *rid, *aid;
	long version;
	json_t *before = load_action(r, &rid, &aid, e);
	if (!before || req_if_match(r, &version, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, action_delete_sql, 2, aid, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the action was changed by someone else (current version %s)",
		        version_text(r, before));
	if (audit_record(r, "risk_action.delete", "risk_action", aid, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ------------------------------------------------------------------ reports */

static int treatment_plan(struct req *r, struct resp *resp, struct err *e)
{
	json_t *p = db_json_row(r, e, "treatment plan", plan_sql, 0, NULL);
	if (!p)
		return -1;
	resp->body = json_incref(p);
	return 0;
}

static json_t *heatmap(struct req *r, struct err *e)
{
	const char *type = req_query(r, "type");
	if (type && strcmp(type, "is") != 0 && strcmp(type, "ai") != 0) {
		err_set(e, ERR_INVALID, "type", "must be is or ai");
		return NULL;
	}
	PGresult *res = db_exec(r->db, r->arena, e, heatmap_sql, 1, type);
	if (!res)
		return NULL;
	if (PQgetisnull(res, 0, 0)) {
		err_set(e, ERR_UNPROCESSABLE, "methodology",
		        "define the tenant's risk methodology first");
		return NULL;
	}
	return db_json(r->arena, res, 0, 0);
}

static int heatmap_get(struct req *r, struct resp *resp, struct err *e)
{
	json_t *h = heatmap(r, e);
	if (!h)
		return -1;
	resp->body = json_incref(h);
	return 0;
}

static int heatmap_svg(struct req *r, struct resp *resp, struct err *e)
{
	const char *view = req_query(r, "view"), *type = req_query(r, "type");
	if (!view)
		view = "inherent";
	if (strcmp(view, "inherent") != 0 && strcmp(view, "residual") != 0)
		return err_set(e, ERR_INVALID, "view", "must be inherent or residual");
	json_t *h = heatmap(r, e);
	if (!h)
		return -1;
	const char *what = "IS and AI risks";
	if (type)
		what = strcmp(type, "is") == 0 ? "IS risks" : "AI risks";
	char *svg = svg_heatmap(h, view, arena_printf(r->arena, "%s: %s", what, view));
	if (!svg)
		return err_set(e, ERR_INTERNAL, NULL, "could not draw the heat map");
	resp->raw = arena_strdup(r->arena, svg);
	resp->raw_len = strlen(svg);
	free(svg);
	resp->content_type = "image/svg+xml";
	return 0;
}

/* The register is frozen only when it is complete: every live risk has an owner, and
 * every risk above the appetite is treated or (validly) accepted. */
static int register_approve(struct req *r, struct resp *resp, struct err *e)
{
	struct method_state ms;
	if (method_current(r, &ms, true, e))
		return -1;
	PGresult *c = db_exec(r->db, r->arena, e, register_check_sql, 0);
	if (!c)
		return -1;
	if (PQntuples(c) == 1)
		return err_set(e, ERR_UNPROCESSABLE, PQgetvalue(c, 0, 1), "risk %s %s",
		        PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 2));
	json_t *content = db_json_row(r, e, "risk register", register_sql, 0, NULL);
	if (!content)
		return -1;
	if (json_array_size(json_object_get(content, "items")) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "risks", "the register is empty");
	return freeze(r, resp, "risk_register", content, "risk_register.approve", e);
}

static int register_export(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b = arena_json(r->arena, json_object()), *job;
	if (r->body && (req_body_object(r, &b, e) || jv_check(b, export_fields, e)))
		return -1;
	char nbuf[24];
	const char *n = jv_int_text(b, "baseline", nbuf, sizeof nbuf);
	if (n) {
		PGresult *x = db_exec(r->db, r->arena, e, baseline_exists_sql, 1, n);
		if (!x)
			return -1;
		if (PQntuples(x) == 0)
			return err_set(
			        e, ERR_INVALID, "baseline", "no such version of the risk register");
	}
	if (q_enqueue(r, "risk.export", b, NULL, &job, e))
		return -1;
	const char *id = json_string_value(json_object_get(job, "id"));
	if (audit_record(r, "report.requested", "job", id, NULL, job, e))
		return -1;
	resp->status = 202;
	resp->location = arena_printf(r->arena, "/v1/jobs/%s", id);
	resp->body = json_incref(job);
	return 0;
}

const struct route risk_routes[] = {
        {"GET", "/v1/risk-methodology", methodology_get, "risks:read", 0,
                "The risk methodology in force: scales, matrix, appetite, acceptance authority"},
        {"PUT", "/v1/risk-methodology", methodology_put, "risks:approve", 0,
                "Adopt a new methodology revision; every risk is re-evaluated (If-Match required "
                "once one exists)"},
        {"GET", "/v1/risk-methodology/revisions", methodology_revisions, "risks:read", 0,
                "Every revision of the methodology, newest first"},
        {"POST", "/v1/risk-methodology/approve", methodology_approve, "risks:approve", 0,
                "Approve the methodology: freeze it as the next version of baseline "
                "risk_methodology"},
        {"GET", "/v1/risks", risk_list, "risks:read", 0, "The unified register of IS and AI risks",
                list_query},
        {"POST", "/v1/risks", risk_create, "risks:write", 0,
                "Record and assess a risk; its levels follow from the methodology"},
        {"GET", "/v1/risks/treatment-plan", treatment_plan, "risks:read", 0,
                "The risk treatment plan: options, planned controls and actions of treated risks"},
        {"GET", "/v1/risks/heatmap", heatmap_get, "risks:read", 0,
                "Inherent and residual risk counts per matrix cell", heatmap_query},
        {"GET", "/v1/risks/heatmap.svg", heatmap_svg, "risks:read", 0, "A heat map as an SVG image",
                svg_query},
        {"POST", "/v1/risks/approve", register_approve, "risks:approve", 0,
                "Freeze the register as the next version of baseline risk_register"},
        {"POST", "/v1/risks/export", register_export, "jobs:write", 0,
                "Export the register and the treatment plan as XLSX: enqueues risk.export (202)"},
        {"GET", "/v1/risks/{id}", risk_get, "risks:read", 0, "Get a risk"},
        {"PATCH", "/v1/risks/{id}", risk_update, "risks:write", 0,
                "Update or re-assess a risk (If-Match required)"},
        {"DELETE", "/v1/risks/{id}", risk_delete, "risks:write", 0,
                "Delete a risk; its level history stays (If-Match required)"},
        {"GET", "/v1/risks/{id}/history", risk_history, "risks:read", 0,
                "Every change of a risk's levels, with its cause"},
        {"POST", "/v1/risks/{id}/acceptance", risk_accept, "risks:approve", 0,
                "Accept a risk: only a role the methodology authorises for its level may "
                "(If-Match required)"},
        {"DELETE", "/v1/risks/{id}/acceptance", risk_unaccept, "risks:approve", 0,
                "Withdraw a risk's acceptance (If-Match required)"},
        {"POST", "/v1/risks/{id}/actions", action_create, "risks:write", 0,
                "Add a treatment action"},
        {"PATCH", "/v1/risks/{id}/actions/{action_id}", action_update, "risks:write", 0,
                "Update a treatment action (If-Match required)"},
        {"DELETE", "/v1/risks/{id}/actions/{action_id}", action_delete, "risks:write", 0,
                "Delete a treatment action (If-Match required)"},
        {NULL},
};
