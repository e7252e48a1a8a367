/*
 * soa.h - Statements of Applicability (ISO/IEC 27001:2022 and ISO/IEC 42001:2023).
 *
 * An SoA has one line per Annex A control of the standard. soa_facts() reads what the
 * tenant recorded (soa_entries) and what the control library and risk treatment say
 * about each control; the pure functions turn those facts into the SoA an auditor
 * reads and check it:
 *
 *   applicable      recorded, else derived: not applicable only when every implementing
 *                   control is marked not_applicable
 *   reasons         recorded structured codes, else derived: risk_treatment when a risk
 *                   treatment relies on an implementing control (risk_controls
 *                   'planned'); legal_regulatory when an implementing control also
 *                   serves a requirement of a law (catalog_frameworks.kind = 'law')
 *   implementation  recorded, else derived from the implementing controls' status
 *   owner           recorded, else the implementing controls' owner when they share one
 *
 * Check rules (soa_check): an applicable control without a reason, an excluded control
 * without justification, an applicable control with no implementing control, a control
 * excluded while a risk treatment relies on it.
 *
 * soa_facts/soa_build run in the caller's transaction with app.tenant_id set (API
 * request or worker job); results are arena-owned. The pure functions return new
 * references. Any thread.
 */
#ifndef CONCORD_SOA_H
#define CONCORD_SOA_H

#include <jansson.h>
#include <libpq-fe.h>

#include "arena.h"
#include "err.h"

/* Reason codes for inclusion, in display order (NULL-terminated). */
extern const char *const soa_reason_codes[];
/* Recordable implementation statuses (NULL-terminated); an excluded line shows
 * "not_applicable". */
extern const char *const soa_statuses[];

/* The framework's name when it has an SoA (a standard with Annex A controls at the
 * tenant's catalog version), else ERR_NOT_FOUND. *name is arena-owned. */
int soa_framework(
        PGconn *c, struct arena *a, const char *framework, const char **name, struct err *e);

/* Facts for every Annex A control of framework (ref == NULL) or for one:
 * {catalog_version, items: [{ref, title, group, group_title, entry|null, controls:
 * [{id, ref, title, status, owner_id, law}], risks: [{id, ref, title, status, relation}]}],
 * users: {id: name}}. */
int soa_facts(PGconn *c, struct arena *a, const char *framework, const char *ref, json_t **out,
        struct err *e);

/* One SoA line from one item of soa_facts (pure). users: soa_facts' users map. */
json_t *soa_line(const json_t *fact, const json_t *users);

/* The findings of the auditor's checks over SoA lines (pure):
 * [{rule, ref, title, message}] in line order. Rules: applicable_without_reason,
 * excluded_without_justification, applicable_without_control,
 * excluded_but_relied_on_by_risk_treatment. */
json_t *soa_check(const json_t *lines);

/* Counts over lines and findings (pure): total, applicable, excluded, implemented,
 * partially_implemented, planned, not_implemented, findings. */
json_t *soa_summary(const json_t *lines, const json_t *findings);

/* What a frozen version stores for one line (pure): the line without edit counters
 * and value sources, keyed by "key" = ref for baseline_diff. */
json_t *soa_frozen_line(const json_t *line);

/* The whole SoA: {framework, name, catalog_version, items: [line...], findings,
 * summary}. */
int soa_build(PGconn *c, struct arena *a, const char *framework, json_t **out, struct err *e);

#endif
