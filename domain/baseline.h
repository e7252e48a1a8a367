/*
 * baseline.h - frozen, hashed, numbered versions of a register, and their diff.
 *
 * One mechanism for every versioned deliverable (SoA per standard, IS/AI risk
 * register, AI system registry, ...): the owning module builds the register's
 * current content as JSON, {"items": [{"key": "...", ...}, ...], ...}, and freezes
 * it. The database refuses any later UPDATE or DELETE (trigger), and the SHA-256 of
 * the canonical content (keys sorted, compact) is stored and re-checked on read.
 *
 * Kinds are short names chosen by the owning module: "soa:iso27001-2022",
 * "soa:iso42001-2023", "risk_register", "ai_registry". All functions run in the
 * caller's transaction with app.tenant_id set; results are arena-owned.
 */
#ifndef CONCORD_BASELINE_H
#define CONCORD_BASELINE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "arena.h"
#include "err.h"

/* Freeze content (borrowed) as the next version of kind. *out (arena-owned) is the
 * stored baseline's metadata: kind, number, sha256, item_count, approved_by, approved_at. */
int baseline_freeze(PGconn *c, struct arena *a, const char *kind, const json_t *content,
        const char *approver, const char *note, json_t **out, struct err *e);
/* Version `number` of kind with its content; "integrity" tells whether the stored hash
 * still matches the content. ERR_NOT_FOUND when absent. */
int baseline_get(
        PGconn *c, struct arena *a, const char *kind, int number, json_t **out, struct err *e);
/* Metadata of all versions of kind, oldest first. */
int baseline_list(PGconn *c, struct arena *a, const char *kind, json_t **out, struct err *e);
/* Pure: what changed from a to b (each {"items": [...]} keyed by "key"):
 * {"added": [item...], "removed": [item...], "changed": [{"key", "changes": {field: {"from",
 * "to"}}}]}. New reference. */
json_t *baseline_diff(const json_t *a, const json_t *b);
/* Pure: canonical SHA-256 (hex) of a JSON value. */
void baseline_hash(const json_t *content, char out[65]);

#endif
