/*
 * aiact.c - the EU AI Act engine in the registry: classification (stateless and stored per
 * system, with history), the obligation items it creates, the compliance dossier of each
 * high-risk system, contractual recommendations per supplier relationship, and the
 * roadmap, matrix and re-classification jobs.
 *
 *   GET   /v1/aiact/questionnaire                         the questions (from the rule set)
 *   POST  /v1/aiact/classify[?regime=original]            answers -> the engine's result
 *   GET   /v1/ai-systems/{id}/aiact                       current stored classification
 *   PUT   /v1/ai-systems/{id}/aiact[?regime=original]     store answers, re-classify
 *   GET   /v1/ai-systems/{id}/aiact/history               every classification, newest first
 *   GET   /v1/ai-systems/{id}/aiact/dossier               dossier sections and completeness
 *   PUT   /v1/ai-systems/{id}/aiact/dossier/{section}     link documents/evidence, status
 *   GET   /v1/aiact/obligations[/{id}], PATCH .../{id}    tracked obligation items
 *   GET   /v1/suppliers/{id}/contract-recommendations     per relationship, by role and class
 *   GET   /v1/aiact/roadmap, /v1/aiact/matrix             previews (JSON)
 *   POST  /v1/aiact/roadmap, /matrix, /reclassify         jobs (202)
 *   POST  /v1/aiact/dossier-export                        job aiact.dossier (202): the
 *                                                         dossier(s) as HTML and JSON
 *
 * The rule set is the newest catalog/aiact/rules-<version>.json, loaded once per process
 * (oblig_rules). POST /v1/aiact/classify returns the engine's result unchanged; a bad
 * answer is a 400 whose field is the answer's key. Stored classifications keep the rule-set
 * version: a newer rule set marks them stale and the job aiact.reclassify brings them up
 * to date. Storing a classification (SQL aiact_record) synchronises the system's
 * obligation items in the same transaction; status, owner and evidence of an item survive
 * re-classification. A dossier is assembled from the SQL function aiact_dossier_input()
 * by domain/dossier.c (oblig_dossier underneath), exactly as the export job assembles it.
 *
 * Handlers run on the request's thread inside its transaction; memory is the request arena's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiact.h"
#include "api.h"
#include "baseline.h"
#include "db.h"
#include "dossier.h"
#include "jsonv.h"
#include "obligations.h"
#include "queue.h"
#include "util.h"

/* The answers travel as a second column: they are stored as JSON text (see 0031) and are
 * parsed here, so that a number such as 2e+25 FLOP keeps its floating-point form. */
#define ASSESSMENT_JSON                                                                            \
	"jsonb_build_object('ai_system_id', a.ai_system_id, 'seq', a.seq, 'regime', a.regime,"     \
	" 'rule_set_version', a.rule_set_version, 'reason', a.reason, 'rationale', a.rationale,"   \
	" 'risk_category', a.risk_category, 'applies_from', a.applies_from, 'result', a.result,"   \
	" 'created_by', a.created_by, 'created_at', a.created_at), a.answers"

static const char current_sql[] =
        "SELECT " ASSESSMENT_JSON " FROM aiact_current a WHERE a.ai_system_id = $1";
static const char lock_system_sql[] =
        "SELECT lifecycle_stage FROM ai_systems WHERE id = $1 FOR UPDATE";
static const char record_sql[] = "SELECT aiact_record($1::jsonb, $2::jsonb, $3)";
static const char history_sql[] =
        "SELECT " ASSESSMENT_JSON " FROM (SELECT x.*, r.result FROM aiact_assessments x"
        "   JOIN aiact_results r ON r.tenant_id = x.tenant_id AND r.sha256 = x.result_sha256"
        "   WHERE x.ai_system_id = $1 AND ($2::int IS NULL OR x.seq < $2::int)"
        "   ORDER BY x.seq DESC LIMIT $3) a ORDER BY a.seq DESC";

#define OBLIGATION_JSON                                                                            \
	"jsonb_build_object('id', o.id, 'ai_system_id', o.ai_system_id, 'ai_system', (SELECT"      \
	" jsonb_build_object('id', s.id, 'ref', s.ref, 'name', s.name) FROM ai_systems s WHERE"    \
	" s.id = o.ai_system_id), 'obligation_key', o.obligation_key, 'article', o.article,"       \
	" 'requirement_ref', o.requirement_ref, 'requirement',"                                    \
	" aiact_requirement_info(o.requirement_ref), 'title', o.title, 'bearer', o.bearer,"        \
	" 'applies_from', o.applies_from, 'active', o.active, 'status', o.status, 'owner_id',"     \
	" o.owner_id, 'due_date', o.due_date, 'notes', o.notes, 'evidence_ids',"                   \
	" to_jsonb(o.evidence_ids), 'document_ids', to_jsonb(o.document_ids), 'documents',"        \
	" (SELECT coalesce(jsonb_agg(document_brief(u.id) ORDER BY u.n), '[]') FROM"               \
	" unnest(o.document_ids) WITH ORDINALITY u(id, n)), 'evidence', (SELECT"                   \
	" coalesce(jsonb_agg(evidence_brief(u.id) ORDER BY u.n), '[]') FROM"                       \
	" unnest(o.evidence_ids) WITH ORDINALITY u(id, n)), 'controls',"                           \
	" (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.control_id, 'ref',"                \
	" c.control_ref, 'title', c.title, 'status', c.status, 'owner_id', c.owner_id, 'via',"     \
	" c.via, 'relation', c.relation, 'evidence_reuse', c.evidence_reuse) ORDER BY"             \
	" c.control_ref), '[]') FROM aiact_requirement_controls(o.requirement_ref) c),"            \
	" 'version', o.version, 'created_at', o.created_at, 'updated_at', o.updated_at)"

static const char obl_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'ai_system_id', j->>'obligation_key'), '[]') "
        "FROM ("
        " SELECT " OBLIGATION_JSON " AS j FROM aiact_obligations o"
        " WHERE ($1::uuid IS NULL OR o.ai_system_id = $1::uuid)"
        "   AND ($2::text IS NULL OR o.status = $2) AND ($3::uuid IS NULL OR o.owner_id = $3::uuid)"
        "   AND ($4::boolean IS NULL OR o.active = $4::boolean)"
        "   AND ($5::text IS NULL OR o.requirement_ref = $5)"
        "   AND ($6::text IS NULL OR (o.ai_system_id::text, o.obligation_key) > ($6, $7))"
        " ORDER BY o.ai_system_id::text, o.obligation_key LIMIT $8) q";
static const char obl_get_sql[] =
        "SELECT " OBLIGATION_JSON " FROM aiact_obligations o WHERE o.id = $1";
static const char obl_update_sql[] =
        "UPDATE aiact_obligations SET status = coalesce($3, status),"
        " owner_id = CASE WHEN $4::boolean THEN $5::uuid ELSE owner_id END,"
        " due_date = CASE WHEN $6::boolean THEN $7::date ELSE due_date END,"
        " notes = coalesce($8, notes),"
        " evidence_ids = CASE WHEN $9::jsonb IS NULL THEN evidence_ids"
        "   ELSE ARRAY(SELECT DISTINCT (jsonb_array_elements_text($9::jsonb))::uuid) END,"
        " document_ids = CASE WHEN $10::jsonb IS NULL THEN document_ids"
        "   ELSE ARRAY(SELECT DISTINCT (jsonb_array_elements_text($10::jsonb))::uuid) END,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2::int";

static const char dossier_input_sql[] = "SELECT aiact_dossier_input($1)";
static const char entry_upsert_sql[] =
        "INSERT INTO aiact_dossier_entries AS d (tenant_id, ai_system_id, section_id, status, "
        "notes,"
        " document_ids, evidence_ids, updated_by) VALUES (app_tenant(), $1, $2, coalesce($3, "
        "'missing'),"
        " coalesce($4, ''), ARRAY(SELECT DISTINCT (jsonb_array_elements_text(coalesce($5::jsonb,"
        " '[]')))::uuid), ARRAY(SELECT DISTINCT (jsonb_array_elements_text(coalesce($6::jsonb,"
        " '[]')))::uuid), app_user())"
        " ON CONFLICT (tenant_id, ai_system_id, section_id) DO UPDATE SET"
        " status = coalesce($3, d.status), notes = coalesce($4, d.notes),"
        " document_ids = CASE WHEN $5::jsonb IS NULL THEN d.document_ids ELSE "
        "EXCLUDED.document_ids END,"
        " evidence_ids = CASE WHEN $6::jsonb IS NULL THEN d.evidence_ids ELSE "
        "EXCLUDED.evidence_ids END,"
        " updated_by = app_user(), version = d.version + 1, updated_at = now()"
        " WHERE d.version = $7::int RETURNING d.version";

static const char missing_document_sql[] =
        "SELECT min(i) - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, i)"
        " WHERE NOT ai_link_exists('document', u.x::uuid)";
static const char missing_evidence_sql[] =
        "SELECT min(i) - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY u(x, i)"
        " WHERE NOT ai_link_exists('evidence', u.x::uuid)";
static const char member_sql[] =
        "SELECT 1 FROM memberships WHERE tenant_id = app_tenant() AND user_id = $1::uuid";
static const char system_exists_sql[] = "SELECT 1 FROM ai_systems WHERE id = $1";
static const char supplier_sql[] =
        "SELECT jsonb_build_object('id', p.id, 'name', p.name, 'country', p.country,"
        " 'eu_established', p.eu_established) FROM suppliers p WHERE p.id = $1";
static const char relationships_sql[] = "SELECT ai_supplier_relationships($1::uuid)";
static const char clauses_sql[] = "SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, "
                                  "'basis', c.basis, 'title', c.title,"
                                  " 'recommendation', c.recommendation, 'applies_when', "
                                  "c.applies_when) ORDER BY c.ord), '[]')"
                                  " FROM aiact_contract_clauses c";
static const char roadmap_input_sql[] =
        "SELECT aiact_roadmap_input(coalesce($1::date, current_date), coalesce($2::int, 90))";
static const char matrix_sql[] = "SELECT aiact_matrix_input()";

static const char *const obligation_statuses[] = {
        "open", "in_progress", "implemented", "not_applicable", NULL};
static const char *const section_statuses[] = {
        "missing", "in_progress", "complete", "not_applicable", NULL};

static const struct jv_field put_fields[] = {
        {"answers", JV_OBJECT, JV_REQUIRED, .max = 100},
        {"rationale", JV_TEXT, 0, .max = 5000},
        {NULL},
};
static const struct jv_field obl_update_fields[] = {
        {"status", JV_ENUM, 0, .values = obligation_statuses},
        {"owner_id", JV_UUID, JV_NULLABLE},
        {"due_date", JV_DATE, JV_NULLABLE},
        {"notes", JV_TEXT, 0, .max = 5000},
        {"evidence_ids", JV_ARRAY, 0, .max = 100},
        {"document_ids", JV_ARRAY, 0, .max = 100},
        {NULL},
};
static const struct jv_field section_fields[] = {
        {"status", JV_ENUM, 0, .values = section_statuses},
        {"notes", JV_TEXT, 0, .max = 5000},
        {"document_ids", JV_ARRAY, 0, .max = 100},
        {"evidence_ids", JV_ARRAY, 0, .max = 100},
        {NULL},
};
static const struct jv_field roadmap_fields[] = {
        {"as_of", JV_DATE, 0},
        {"quick_win_horizon_days", JV_INT, 0, .min = 1, .max = 730},
        {NULL},
};
static const struct jv_field empty_fields[] = {
        {NULL},
};
static const struct jv_field dossier_export_fields[] = {
        {"ai_system_id", JV_UUID, 0},
        {NULL},
};

/* -------------------------------------------------------------------- helpers */

static int rules(const struct aiact_rules **out, struct err *e)
{
	return oblig_rules(out, e);
}

static int regime_param(struct req *r, enum aiact_regime *out, struct err *e)
{
	if (aiact_regime_parse(req_query(r, "regime"), out))
		return err_set(
		        e, ERR_INVALID, "regime", "must be amended (the default) or original");
	return 0;
}

static int system_exists(struct req *r, const char *id, struct err *e)
{
	PGresult *res = db_exec(r->db, r->arena, e, system_exists_sql, 1, id);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such AI system");
	return 0;
}

/* Row i of an ASSESSMENT_JSON result as one object (arena-owned), answers included. */
static json_t *assessment_row(struct req *r, const PGresult *res, int i, struct err *e)
{
	json_t *a = db_json(r->arena, res, i, 0);
	json_t *answers = json_loads(PQgetvalue(res, i, 1), JSON_DECODE_INT_AS_REAL, NULL);
	if (!a || !answers) {
		json_decref(answers);
		err_set(e, ERR_INTERNAL, NULL, "could not decode a stored classification");
		return NULL;
	}
	json_object_set_new(a, "answers", answers);
	return a;
}

/* The current classification of a system (NULL + ERR_NOT_FOUND when none), with
 * rule_set_current and stale added. */
static json_t *current(struct req *r, const char *id, struct err *e)
{
	const struct aiact_rules *rs;
	PGresult *res = db_exec(r->db, r->arena, e, current_sql, 1, id);
	if (!res)
		return NULL;
	if (PQntuples(res) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such classification");
		return NULL;
	}
	json_t *a = assessment_row(r, res, 0, e);
	if (!a || rules(&rs, e))
		return NULL;
	json_object_set_new(a, "rule_set_current", json_string(aiact_rules_version(rs)));
	json_object_set_new(a, "stale",
	        json_boolean(strcmp(aiact_rules_version(rs), json_string_value(json_object_get(a,
	                                                             "rule_set_version"))) != 0));
	return a;
}

static const char *seq_text(struct req *r, const json_t *a)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(a, "seq")));
}

/* ------------------------------------------------------------- classification */

static int questionnaire_get(struct req *r, struct resp *resp, struct err *e)
{
	const struct aiact_rules *rs;
	if (rules(&rs, e))
		return -1;
	resp->body = aiact_questionnaire(rs);
	return 0;
}

static int classify(struct req *r, struct resp *resp, struct err *e)
{
	const struct aiact_rules *rs;
	enum aiact_regime regime;
	json_t *answers, *result = NULL;
	if (regime_param(r, &regime, e) || req_body_object(r, &answers, e) || rules(&rs, e))
		return -1;
	if (aiact_classify(rs, answers, regime, &result, e))
		return -1;
	resp->body = result;
	return 0;
}

static int assessment_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || system_exists(r, id, e))
		return -1;
	json_t *a = current(r, id, e);
	if (!a) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND, NULL,
			        "the AI system has not been classified yet");
		return -1;
	}
	resp->etag = seq_text(r, a);
	resp->body = json_incref(a);
	return 0;
}

static int assessment_put(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	enum aiact_regime regime;
	const struct aiact_rules *rs;
	if (req_param_uuid(r, "id", &id, e) || regime_param(r, &regime, e) ||
	        req_body_object(r, &b, e) || jv_check(b, put_fields, e) || rules(&rs, e))
		return -1;
	/* serialise classifications of one system */
	PGresult *lock = db_exec(r->db, r->arena, e, lock_system_sql, 1, id);
	if (!lock)
		return -1;
	if (PQntuples(lock) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such AI system");
	struct err nf = {0};
	json_t *before = current(r, id, &nf);
	if (!before && nf.code != ERR_NOT_FOUND) {
		*e = nf;
		return -1;
	}
	if (before) {
		long version;
		if (req_if_match(r, &version, e))
			return -1;
		if (version != json_integer_value(json_object_get(before, "seq")))
			return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
			        "the classification was changed by someone else (current version "
			        "%lld)",
			        (long long)json_integer_value(json_object_get(before, "seq")));
	}
	const json_t *answers = json_object_get(b, "answers");
	json_t *result = NULL;
	if (aiact_classify(rs, answers, regime, &result, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "answers.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	arena_json(r->arena, result);
	const char *regime_s = regime == AIACT_ORIGINAL ? "original" : "amended";
	const char *rationale = jv_str(b, "rationale") ? jv_str(b, "rationale") : "";
	const char *reason = "answers";
	if (before) {
		/* compare as stored: the stored text is read back with integers as reals */
		char *t = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);
		json_t *as_stored = json_loads(t, JSON_DECODE_INT_AS_REAL, NULL);
		free(t);
		bool same_answers =
		        json_equal(as_stored, json_object_get(before, "answers")) &&
		        strcmp(rationale,
		                json_string_value(json_object_get(before, "rationale"))) == 0;
		bool same_regime =
		        strcmp(regime_s, json_string_value(json_object_get(before, "regime"))) == 0;
		json_decref(as_stored);
		bool same_rules = !json_is_true(json_object_get(before, "stale"));
		if (same_answers && same_regime && same_rules) {
			resp->etag = seq_text(r, before);
			resp->body = json_incref(before);
			return 0;
		}
		reason = !same_answers ? "answers" : !same_regime ? "regime" : "rule_set_change";
	}
	char *answers_text = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS), sha[65];
	baseline_hash(result, sha);
	json_int_t seq = before ? json_integer_value(json_object_get(before, "seq")) + 1 : 1;
	json_t *results =
	        arena_json(r->arena, json_pack("[{s:s, s:O}]", "sha256", sha, "result", result));
	json_t *items = arena_json(r->arena,
	        json_pack("[{s:s, s:I, s:s, s:s, s:s, s:s, s:s}]", "ai_system_id", id, "seq", seq,
	                "answers", answers_text, "regime", regime_s, "rule_set_version",
	                aiact_rules_version(rs), "result_sha256", sha, "rationale", rationale));
	free(answers_text);
	char *rtext = json_dumps(results, JSON_COMPACT), *itext = json_dumps(items, JSON_COMPACT);
	PGresult *res = db_exec(r->db, r->arena, e, record_sql, 3, rtext, itext, reason);
	free(rtext);
	free(itext);
	if (!res)
		return -1;
	json_t *after = current(r, id, e);
	if (!after)
		return -1;
	json_t *audit_before =
	        before ? json_pack("{s:O, s:O, s:O, s:O, s:O}", "seq",
	                         json_object_get(before, "seq"), "risk_category",
	                         json_object_get(before, "risk_category"), "applies_from",
	                         json_object_get(before, "applies_from"), "regime",
	                         json_object_get(before, "regime"), "rule_set_version",
	                         json_object_get(before, "rule_set_version"))
	               : NULL;
	/* the answers themselves are in the immutable assessment this event names */
	json_t *audit_after = json_pack("{s:O, s:O, s:O, s:O, s:O, s:s}", "seq",
	        json_object_get(after, "seq"), "risk_category",
	        json_object_get(after, "risk_category"), "applies_from",
	        json_object_get(after, "applies_from"), "regime", json_object_get(after, "regime"),
	        "rule_set_version", json_object_get(after, "rule_set_version"), "reason", reason);
	int rc = audit_record(r, "aiact.classify", "ai_system", id, audit_before, audit_after, e);
	json_decref(audit_before);
	json_decref(audit_after);
	if (rc)
		return -1;
	resp->status = before ? 200 : 201;
	resp->etag = seq_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int assessment_history(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	struct page pg;
	if (req_param_uuid(r, "id", &id, e) || page_begin(r, &pg, e) || system_exists(r, id, e))
		return -1;
	const char *after = page_after(&pg, 0);
	if (pg.after && (!after || !*after || strspn(after, "0123456789") != strlen(after)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {id, after, pg.limit_plus_one};
	PGresult *res = db_execv(r->db, r->arena, e, history_sql, 3, p);
	if (!res)
		return -1;
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *a = assessment_row(r, res, i, e);
		if (!a) {
			json_decref(items);
			return -1;
		}
		json_array_append(items, a);
	}
	static const char *const keys[] = {"seq", NULL};
	resp->body = page_result(r, &pg, items, keys);
	return 0;
}

/* ---------------------------------------------------------------- obligations */

static json_t *load_obligation(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *o = db_json_row(r, e, "obligation", obl_get_sql, 1, p);
	if (o && resp)
		resp->etag = arena_printf(r->arena, "%lld",
		        (long long)json_integer_value(json_object_get(o, "version")));
	return o;
}

static int obligation_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *sys = req_query(r, "ai_system_id"), *status = req_query(r, "status"),
	           *owner = req_query(r, "owner_id"), *active = req_query(r, "active"),
	           *ref = req_query(r, "requirement_ref");
	if (page_begin(r, &pg, e))
		return -1;
	if (sys && !util_is_uuid(sys))
		return err_set(e, ERR_INVALID, "ai_system_id", "must be a UUID");
	if (owner && !util_is_uuid(owner))
		return err_set(e, ERR_INVALID, "owner_id", "must be a UUID");
	bool ok = false;
	for (const char *const *s = obligation_statuses; status && *s; s++)
		ok |= strcmp(*s, status) == 0;
	if (status && !ok)
		return err_set(e, ERR_INVALID, "status", "unknown status");
	if (!active)
		active = "true";
	else if (strcmp(active, "true") && strcmp(active, "false") && strcmp(active, "all"))
		return err_set(e, ERR_INVALID, "active", "must be true, false or all");
	const char *as = page_after(&pg, 0), *ak = page_after(&pg, 1);
	if (pg.after && (!as || !ak))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	const char *p[] = {sys, status, owner, strcmp(active, "all") ? active : NULL, ref, as, ak,
	        pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "obligations", obl_list_sql, 8, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"ai_system_id", "obligation_key", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int obligation_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *o = load_obligation(r, id, resp, e);
	if (!o)
		return -1;
	resp->body = json_incref(o);
	return 0;
}

/* An obligation counts as implemented only with evidence behind it: linked evidence or
 * documents, or an implemented control whose evidence serves it (crosswalk reuse). */
static bool evidenced(const json_t *b, const json_t *before)
{
	const json_t *ev = json_object_get(b, "evidence_ids"),
	             *dc = json_object_get(b, "document_ids");
	if (!ev)
		ev = json_object_get(before, "evidence_ids");
	if (!dc)
		dc = json_object_get(before, "document_ids");
	if (json_array_size(ev) || json_array_size(dc))
		return true;
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(before, "controls"), i, c)
	{
		const char *st = json_string_value(json_object_get(c, "status"));
		if (json_is_true(json_object_get(c, "evidence_reuse")) && st &&
		        strcmp(st, "implemented") == 0)
			return true;
	}
	return false;
}

static int obligation_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, obl_update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_obligation(r, id, NULL, e);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the obligation was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	if (links_check(r, b, "evidence_ids", LINK_UUID, missing_evidence_sql, "evidence", e) ||
	        links_check(r, b, "document_ids", LINK_UUID, missing_document_sql, "document", e))
		return -1;
	if (jv_str(b, "owner_id")) {
		PGresult *m = db_exec(r->db, r->arena, e, member_sql, 1, jv_str(b, "owner_id"));
		if (!m)
			return -1;
		if (PQntuples(m) == 0)
			return err_set(e, ERR_INVALID, "owner_id", "not a member of this tenant");
	}
	const char *status = jv_str(b, "status");
	if (status && strcmp(status, "implemented") == 0 && !evidenced(b, before))
		return err_set(e, ERR_UNPROCESSABLE, "status",
		        "link evidence or a document, or implement a control that serves this "
		        "obligation, "
		        "before marking it implemented");
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *ev = jv_dump(b, "evidence_ids"), *dc = jv_dump(b, "document_ids");
	const char *p[] = {id, vbuf, status, json_object_get(b, "owner_id") ? "true" : "false",
	        jv_str(b, "owner_id"), json_object_get(b, "due_date") ? "true" : "false",
	        jv_str(b, "due_date"), jv_str(b, "notes"), ev, dc};
	PGresult *res = db_execv(r->db, r->arena, e, obl_update_sql, 10, p);
	free(ev);
	free(dc);
	if (!res)
		return -1;
	if (strcmp(PQcmdTuples(res), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the obligation was changed by someone else");
	json_t *after = load_obligation(r, id, resp, e);
	if (!after || audit_record(r, "aiact.obligation_update", "aiact_obligation", id, before,
	                      after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

/* -------------------------------------------------------------------- dossier */

/* The dossier of system id (its current classification decides which sections apply),
 * from the same input and assembler as the export job aiact.dossier. */
static json_t *dossier(struct req *r, const char *id, struct err *e)
{
	const char *p[] = {id};
	json_t *in = db_json_row(r, e, "AI system", dossier_input_sql, 1, p);
	if (!in)
		return NULL;
	json_t *d = arena_json(r->arena, dossier_assemble(in));
	if (!d) {
		err_set(e, ERR_INTERNAL, NULL, "could not assemble the dossier");
		return NULL;
	}
	json_object_set_new(d, "ai_system_id", json_string(id)); /* as the client wrote it */
	return d;
}

static int dossier_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || system_exists(r, id, e))
		return -1;
	json_t *d = dossier(r, id, e);
	if (!d)
		return -1;
	resp->body = json_incref(d);
	return 0;
}

static int dossier_section_put(struct req *r, struct resp *resp, struct err *e)
{
	const char *id, *section = req_param(r, "section");
	json_t *b;
	if (req_param_uuid(r, "id", &id, e) || system_exists(r, id, e) ||
	        req_body_object(r, &b, e) || jv_check(b, section_fields, e) ||
	        links_check(r, b, "document_ids", LINK_UUID, missing_document_sql, "document", e) ||
	        links_check(r, b, "evidence_ids", LINK_UUID, missing_evidence_sql, "evidence", e))
		return -1;
	json_t *d = dossier(r, id, e);
	if (!d)
		return -1;
	const json_t *sec = NULL, *s;
	size_t i;
	json_array_foreach(json_object_get(d, "sections"), i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "id")), section) == 0)
			sec = s;
	}
	if (!sec)
		return err_set(e, ERR_NOT_FOUND, NULL,
		        "no such section in this system's dossier (it applies to the system's "
		        "current "
		        "classification and role)");
	long have = json_integer_value(json_object_get(sec, "version")), version = 0;
	if (have > 0) {
		if (req_if_match(r, &version, e))
			return -1;
		if (version != have)
			return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
			        "the section was changed by someone else (current version %ld)",
			        have);
	}
	const char *status = jv_str(b, "status");
	if (status && strcmp(status, "complete") == 0) {
		const json_t *dc = json_object_get(b, "document_ids"),
		             *ev = json_object_get(b, "evidence_ids");
		if (!dc)
			dc = json_object_get(sec, "document_ids");
		if (!ev)
			ev = json_object_get(sec, "evidence_ids");
		if (!json_array_size(dc) && !json_array_size(ev))
			return err_set(e, ERR_UNPROCESSABLE, "status",
			        "a section is complete only with a linked document or evidence");
	}
	char *dc = jv_dump(b, "document_ids"), *ev = jv_dump(b, "evidence_ids");
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", have);
	const char *p[] = {id, section, status, jv_str(b, "notes"), dc, ev, vbuf};
	PGresult *res = db_execv(r->db, r->arena, e, entry_upsert_sql, 7, p);
	free(dc);
	free(ev);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the section was changed by someone else");
	json_t *after_d = dossier(r, id, e);
	if (!after_d)
		return -1;
	const json_t *after = NULL;
	json_array_foreach(json_object_get(after_d, "sections"), i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "id")), section) == 0)
			after = s;
	}
	json_t *audit_after = json_pack("{s:O, s:O}", "section", after, "completeness",
	        json_object_get(after_d, "completeness"));
	int rc = audit_record(r, "aiact.dossier_update", "ai_system", id,
	        have ? (json_t *)sec : NULL, audit_after, e);
	json_decref(audit_after);
	if (rc)
		return -1;
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(after, "version")));
	resp->body = json_pack("{s:O, s:O}", "section", after, "completeness",
	        json_object_get(after_d, "completeness"));
	return 0;
}

/* ----------------------------------------------------- contract recommendations */

static int contract_recommendations(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	const char *p[] = {id};
	json_t *sup = db_json_row(r, e, "supplier", supplier_sql, 1, p);
	json_t *rels = sup ? db_json_row(r, e, "relationships", relationships_sql, 1, p) : NULL;
	json_t *clauses = rels ? db_json_row(r, e, "clauses", clauses_sql, 0, NULL) : NULL;
	if (!clauses)
		return -1;
	json_t *out = json_array();
	size_t i;
	json_t *rel;
	json_array_foreach(rels, i, rel)
	{
		json_t *facts = json_object_get(rel, "facts");
		json_array_append_new(out,
		        json_pack("{s:O, s:O, s:o}", "ai_system", json_object_get(rel, "ai_system"),
		                "facts", facts, "recommendations",
		                oblig_contract_recommendations(clauses, facts)));
	}
	resp->body = json_pack("{s:O, s:o}", "supplier", sup, "relationships", out);
	return 0;
}

/* ------------------------------------------------------------ roadmap, matrix */

static int roadmap_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *as_of = req_query(r, "as_of"), *h = req_query(r, "quick_win_horizon_days");
	if (as_of && !util_is_date(as_of))
		return err_set(e, ERR_INVALID, "as_of", "must be a date (YYYY-MM-DD)");
	if (h && (strspn(h, "0123456789") != strlen(h) || !*h || strlen(h) > 3 || atoi(h) < 1 ||
	                 atoi(h) > 730))
		return err_set(e, ERR_INVALID, "quick_win_horizon_days",
		        "must be an integer from 1 to 730");
	const char *p[] = {as_of, h};
	json_t *in = db_json_row(r, e, "roadmap", roadmap_input_sql, 2, p);
	json_t *out = NULL;
	if (!in)
		return -1;
	if (oblig_roadmap_plan(in, &out, e)) {
		e->code = ERR_INTERNAL; /* the database built the input */
		return -1;
	}
	resp->body = out;
	return 0;
}

static int matrix_get(struct req *r, struct resp *resp, struct err *e)
{
	json_t *m = db_json_row(r, e, "matrix", matrix_sql, 0, NULL);
	if (!m)
		return -1;
	resp->body = json_incref(m);
	return 0;
}

/* Enqueue a job of type with the validated body as payload; 202 with the job. */
static int start_job(struct req *r, struct resp *resp, const char *type,
        const struct jv_field *fields, struct err *e)
{
	json_t *b = r->body;
	if (b && jv_check(b, fields, e))
		return -1;
	json_t *payload = b ? b : arena_json(r->arena, json_object());
	json_t *job;
	if (q_enqueue(r, type, payload, NULL, &job, e))
		return -1;
	const char *job_id = json_string_value(json_object_get(job, "id"));
	if (audit_record(
	            r, arena_printf(r->arena, "%s_requested", type), "job", job_id, NULL, job, e))
		return -1;
	resp->status = 202;
	resp->location = arena_printf(r->arena, "/v1/jobs/%s", job_id);
	resp->body = json_incref(job);
	return 0;
}

static int roadmap_start(struct req *r, struct resp *resp, struct err *e)
{
	return start_job(r, resp, "aiact.roadmap", roadmap_fields, e);
}

static int matrix_start(struct req *r, struct resp *resp, struct err *e)
{
	return start_job(r, resp, "aiact.matrix", empty_fields, e);
}

static int reclassify_start(struct req *r, struct resp *resp, struct err *e)
{
	return start_job(r, resp, "aiact.reclassify", empty_fields, e);
}

/* The dossier of one system (ai_system_id, which must exist) or of every system whose
 * classification calls for one. */
static int dossier_export_start(struct req *r, struct resp *resp, struct err *e)
{
	if (r->body && jv_check(r->body, dossier_export_fields, e))
		return -1;
	const char *id = r->body ? jv_str(r->body, "ai_system_id") : NULL;
	if (id) {
		PGresult *res = db_exec(r->db, r->arena, e, system_exists_sql, 1, id);
		if (!res)
			return -1;
		if (PQntuples(res) == 0)
			return err_set(e, ERR_INVALID, "ai_system_id", "no such AI system");
	}
	return start_job(r, resp, "aiact.dossier", dossier_export_fields, e);
}

/* --------------------------------------------------------------------- routes */

static const char *const regime_query[] = {"regime", NULL};
static const char *const page_query[] = {"limit", NULL};
static const char *const obl_query[] = {
        "limit", "ai_system_id", "status", "owner_id", "active", "requirement_ref", NULL};
static const char *const roadmap_query[] = {"as_of", "quick_win_horizon_days", NULL};

const struct route aiact_routes[] = {
        {"GET", "/v1/aiact/questionnaire", questionnaire_get, "aiact:read", 0,
                "The EU AI Act classification questionnaire of the current rule set"},
        {"POST", "/v1/aiact/classify", classify, "aiact:read", 0,
                "Classify questionnaire answers under the EU AI Act (nothing is stored)",
                regime_query},
        {"GET", "/v1/ai-systems/{id}/aiact", assessment_get, "aiact:read", 0,
                "The current EU AI Act classification of an AI system"},
        {"PUT", "/v1/ai-systems/{id}/aiact", assessment_put, "aiact:write", 0,
                "Store the answers for an AI system and re-classify it (If-Match once classified)",
                regime_query},
        {"GET", "/v1/ai-systems/{id}/aiact/history", assessment_history, "aiact:read", 0,
                "Every classification of an AI system, newest first", page_query},
        {"GET", "/v1/ai-systems/{id}/aiact/dossier", dossier_get, "aiact:read", 0,
                "The compliance dossier of a high-risk AI system with its completeness"},
        {"PUT", "/v1/ai-systems/{id}/aiact/dossier/{section}", dossier_section_put, "aiact:write",
                0, "Link documents and evidence to a dossier section and set its status"},
        {"GET", "/v1/aiact/obligations", obligation_list, "aiact:read", 0,
                "Tracked AI Act obligations of the AI systems with their controls and expected "
                "evidence",
                obl_query},
        {"GET", "/v1/aiact/obligations/{id}", obligation_get, "aiact:read", 0,
                "One tracked AI Act obligation"},
        {"PATCH", "/v1/aiact/obligations/{id}", obligation_update, "aiact:write", 0,
                "Update an obligation's status, owner, due date, notes and evidence (If-Match "
                "required)"},
        {"GET", "/v1/suppliers/{id}/contract-recommendations", contract_recommendations,
                "aiact:read", 0,
                "Contractual recommendations for each AI system that relies on the supplier"},
        {"GET", "/v1/aiact/roadmap", roadmap_get, "aiact:read", 0,
                "Preview the AI Act compliance roadmap (quick wins and structural initiatives)",
                roadmap_query},
        {"POST", "/v1/aiact/roadmap", roadmap_start, "aiact:write", 0,
                "Generate the roadmap as JSON, XLSX and HTML files: enqueues the job aiact.roadmap "
                "(202)"},
        {"GET", "/v1/aiact/matrix", matrix_get, "aiact:read", 0,
                "The classification matrix: systems, category, role, obligations and dates"},
        {"POST", "/v1/aiact/matrix", matrix_start, "aiact:write", 0,
                "Export the classification matrix as XLSX: enqueues the job aiact.matrix (202)"},
        {"POST", "/v1/aiact/reclassify", reclassify_start, "aiact:write", 0,
                "Re-classify systems classified under an older rule set: enqueues aiact.reclassify "
                "(202)"},
        {"POST", "/v1/aiact/dossier-export", dossier_export_start, "aiact:write", 0,
                "Export the compliance dossier of one AI system, or of every high-risk one, as "
                "HTML and JSON: enqueues the job aiact.dossier (202)"},
        {NULL},
};
