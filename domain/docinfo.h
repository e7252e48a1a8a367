/*
 * docinfo.h - the documented-information checklist: for each item ISO/IEC 27001 and
 * ISO/IEC 42001 expect (migrations/0041), whether the tenant holds it.
 *
 * An item is covered when Concord itself keeps the record (its satisfied_by condition
 * holds: an approved scope, SoA, frozen risk register, computed KPI results), or, for a
 * document, when an approved document is linked to the item's requirement, or, for a
 * record, when current evidence or an approved document is linked to it. It is
 * "draft_only" when only drafts or expired evidence are linked, "missing" when nothing
 * is, and "not_applicable" when it depends on an Annex A control the tenant's SoA
 * excludes. Pure functions; any thread.
 */
#ifndef CONCORD_DOCINFO_H
#define CONCORD_DOCINFO_H
#include <jansson.h>

/* holdings: documented_information_holdings() rows ({framework_id, ref, item, kind,
 * applicability, title, in_concord: {met, detail}|null, documents: [document_brief],
 * evidence: [evidence_brief]}); applicable: {"<framework>:<ref>": true|false} from the
 * SoAs (a control absent from it counts as applicable); today: "YYYY-MM-DD".
 * Returns {items: [row + status, reasons, attention], summary: {total, covered,
 * draft_only, missing, not_applicable, by_framework: {...}}} (new reference). */
json_t *docinfo_assess(const json_t *holdings, const json_t *applicable, const char *today);

#endif
