/*
 * tenant_io.h - export a whole tenant as one JSON document and import such a
 * document into a new tenant.
 *
 * The document lists, for every table registered in tenant_tables with exported =
 * true (FK order), all rows of the tenant without the tenant_id column:
 *   {"format": "concord.tenant-export", "format_version": 1, "exported_at": ...,
 *    "tenant": {...}, "tables": {"users": [...], ...}, "schema_version": "0007",
 *    "audit_head": {"seq": n, "hash": "..."}}
 * Secrets and operational state are never exported: password hashes, refresh and API
 * tokens, idempotency keys, jobs and artifacts. The audit trail stays with the source
 * tenant (its head is recorded so the export can be tied to it); the import writes a
 * tenant.imported event into the new tenant's own chain.
 *
 * Import gives every exported row id a new UUID and rewrites every reference to it,
 * so a document can be imported next to its source. Frozen content (a baseline's
 * hashed snapshot) is the exception: it is imported exactly as exported, so each
 * version still verifies against its hash. Both functions run inside the
 * caller's transaction with app.tenant_id already set to the tenant concerned.
 */
#ifndef CONCORD_TENANT_IO_H
#define CONCORD_TENANT_IO_H

#include <jansson.h>
#include <libpq-fe.h>

#include "arena.h"
#include "err.h"

/* *doc is a new reference owned by the caller. */
int tenant_export(PGconn *c, struct arena *a, const char *tenant_id, json_t **doc, struct err *e);
/* Insert the document's rows into new_tenant_id (which must exist and be current).
 * external_users: ids (JSON array of strings) of users outside the document that
 * memberships may name (the importing consultancy's own users); others -> 400. */
int tenant_import(PGconn *c, struct arena *a, const char *new_tenant_id, const json_t *doc,
        const json_t *external_users, struct err *e);

#endif
