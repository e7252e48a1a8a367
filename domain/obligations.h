/*
 * obligations.h - what the EU AI Act classification of each AI system means for the
 * organisation: the process-wide rule set, conditions over facts, contractual
 * recommendations per supplier relationship, the compliance dossier's structure and
 * completeness, the compliance roadmap (planning and its HTML / XLSX renderings) and the
 * classification matrix (XLSX).
 *
 * Everything here is pure except oblig_rules (reads the rule-set files once per process)
 * and the XLSX writers (a temporary file, because libxlsxwriter 1.1 writes only to files).
 * The data the functions interpret lives in the database as reference tables
 * (migrations/0031_aiact.sql): dossier template, contract clauses, roadmap workstreams.
 *
 * Ownership: json_t results are new references owned by the caller; char buffers returned
 * through out-parameters are malloc'd and freed by the caller. Inputs are borrowed.
 * Threads: all functions may be called from any thread; oblig_rules initialises once.
 */
#ifndef CONCORD_OBLIGATIONS_H
#define CONCORD_OBLIGATIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aiact.h"
#include "err.h"

/* ------------------------------------------------------------------- rule set */

/* The newest rule set in <root>/catalog/aiact/rules-<version>.json, loaded once per process
 * (pthread_once); root is $CONCORD_ROOT (cfg.root), "." when unset. The rule set lives until
 * the process exits. ERR_INTERNAL when no rule set can be loaded (the reason is logged). */
int oblig_rules(const struct aiact_rules **out, struct err *e);
/* Order two rule-set versions "YYYY.N" numerically (<0, 0, >0). */
int oblig_version_cmp(const char *a, const char *b);

/* ----------------------------------------------------------------- conditions */

/* A condition is true, false, a fact name (true when the fact is neither null nor false),
 * {"not": c}, {"all": [c...]}, {"any": [c...]}, {"eq": [fact, value]} or
 * {"in": [fact, [value...]]}. facts is an object. Unknown facts are false. */
bool oblig_cond_eval(const json_t *cond, const json_t *facts);
/* Is cond well formed, and does it read only facts listed in known (NULL-terminated)? */
int oblig_cond_check(const json_t *cond, const char *const *known, struct err *e);

/* The facts a contract clause condition may read about one supplier relationship (one
 * supplier, one AI system that depends on it), computed by ai_supplier_relationships(). */
extern const char *const oblig_supplier_facts[];

/* The clauses (rows of aiact_contract_clauses: id, basis, title, recommendation,
 * applies_when) whose condition holds over facts, in the given order, each as
 * {id, basis, title, recommendation}. */
json_t *oblig_contract_recommendations(const json_t *clauses, const json_t *facts);

/* -------------------------------------------------------------------- dossier */

/* The compliance dossier of one system. template: rows of aiact_dossier_template (id, ord,
 * holder, part, condition, requirement_ref, basis, title, expects); result: the system's
 * current classification result (engine output); entries: the stored aiact_dossier_entries
 * rows (section_id, status, notes, document_ids, evidence_ids, version, updated_at).
 * Returns {applicable, risk_category, holders, sections: [...], completeness: {...}}: a
 * dossier applies to high-risk systems; sections apply to the duty holders the result gives
 * this organisation (the bearers of its obligations) and whose condition holds. */
json_t *oblig_dossier(const json_t *template_rows, const json_t *result, const json_t *entries);

/* -------------------------------------------------------------------- roadmap */

/* Plan the compliance roadmap. input:
 *   {"as_of": "YYYY-MM-DD", "quick_win_horizon_days": n (optional, default 90),
 *    "workstreams": [{id, title, kind, duration_days, depends_on: [id...]}],
 *    "items": [{id, ai_system_id, system_ref, system_name, article, title, applies_from,
 *               status, owner_id, owner_name, workstream, controls: [{id, ref, title,
 *               status, owner_id, evidence_reuse}]}]}
 * Open obligations are grouped into one project per workstream. A project is a quick win
 * when its workstream is, or when every control it relies on is already implemented (only
 * evidence remains to be linked); otherwise it is a structural initiative. Its deadline is
 * the earliest applies_from of its obligations, moved earlier so that every project that
 * depends on it can still start in time; a quick win that waits for no other project of the
 * roadmap is also due within the horizon (the legal date flows first, so the horizon never
 * moves other projects). ERR_INVALID for malformed input or a dependency cycle. */
int oblig_roadmap_plan(const json_t *input, json_t **out, struct err *e);
/* A readable, self-contained HTML page of a planned roadmap. */
int oblig_roadmap_html(const json_t *roadmap, char **out, size_t *len, struct err *e);
/* The roadmap as an XLSX workbook (sheets: Projects, Obligations, Control gaps). */
int oblig_roadmap_xlsx(const json_t *roadmap, char **out, size_t *len, struct err *e);

/* The classification matrix as XLSX. matrix: {"generated_at", "systems": [{ref, name,
 * lifecycle_stage, aiact_role, assessment: null | {effective_role, risk_category,
 * high_risk_basis, annex_iii_point, prohibited_practices, transparency_obligations,
 * fria_required, registration_required, applies_from, regime, rule_set_version, assessed_at,
 * obligations: [{article, title, bearer, applies_from, status}]}}]}.
 * Sheets: Matrix (one row per system), Obligations (one row per system and obligation). */
int oblig_matrix_xlsx(const json_t *matrix, char **out, size_t *len, struct err *e);

/* --------------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a strict YYYY-MM-DD date; -1 on error. */
int oblig_date_parse(const char *s, long *days);
/* Format days since 1970-01-01 as YYYY-MM-DD into out (11 bytes). */
void oblig_date_format(long days, char out[11]);

#endif
