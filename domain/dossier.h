/*
 * dossier.h - the EU AI Act compliance dossier of a high-risk AI system as a reader sees it:
 * assembled from the facts the SQL function aiact_dossier_input() gathers (migration 0042),
 * prepared for export (each linked document and evidence item with its location, the list
 * of supporting documents still to compile) and rendered as one self-contained HTML
 * document (inline CSS, no script, no external resource).
 *
 * The sections, their applicability and the completeness figures come from
 * oblig_dossier() (domain/obligations.c), the one assembler: dossier_assemble() only feeds
 * it the input's parts, so the API (GET /v1/ai-systems/{id}/aiact/dossier) and the export
 * job (aiact.dossier) cannot disagree.
 *
 * Pure functions: inputs are borrowed and never modified; json_t results are new
 * references and char * results are malloc'd, both owned by the caller. Missing or
 * mistyped members are tolerated (rendered as empty). Any thread.
 */
#ifndef CONCORD_DOSSIER_H
#define CONCORD_DOSSIER_H

#include <jansson.h>

/* The dossier of one system from input = aiact_dossier_input(id): what GET
 * /v1/ai-systems/{id}/aiact/dossier answers. A system never classified gets
 * {ai_system_id, applicable: false, risk_category: null, reason, sections: [],
 * completeness: null}; otherwise oblig_dossier()'s object with ai_system_id,
 * classification_seq and rule_set_version added. NULL when input has no system id. */
json_t *dossier_assemble(const json_t *input);

/* The supporting documents still to compile in a dossier (dossier_assemble() output): one
 * {section_id, part, basis, title, status, expects} per section that is missing or in
 * progress, in section order. [] for a dossier that does not apply. */
json_t *dossier_to_compile(const json_t *dossier);

/* Export facts of one system from input = aiact_dossier_input(id):
 *   {system: {id, ref, name, intended_purpose, lifecycle_stage, aiact_role},
 *    classification: null | {seq, classified_at, rule_set_version, regime, reason,
 *      risk_category, high_risk_basis, annex_iii_point, effective_role, applies_from,
 *      fria_required, registration_required},
 *    dossier: dossier_assemble(input), each linked document and evidence brief with its
 *      "location" added,
 *    to_compile: dossier_to_compile(dossier)}
 * NULL when input has no system id. */
json_t *dossier_system_facts(const json_t *input);

/* The dossier document. facts: {generated_at, tenant: {name}, scope: "system" | "all",
 * systems: [dossier_system_facts()...]}. Per system: identification and classification,
 * completeness (overall and per part), the sections grouped by part (basis, title, the
 * supporting documents expected, status, notes, linked documents and evidence, attention
 * lines); then "Documents to compile" per system. Every text from the facts is
 * HTML-escaped. Never NULL (allocation failure aborts). */
char *dossier_html(const json_t *facts);

#endif
