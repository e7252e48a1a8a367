/*
 * migrate.h - apply numbered SQL migrations (migrations/NNNN_name.sql).
 *
 * Each file runs in its own transaction; a table schema_migrations records version,
 * name and SHA-256 checksum; a changed, already-applied file is an error. A session
 * advisory lock serialises concurrent runs (two replicas starting at once). Runs as
 * the schema owner (DATABASE_OWNER_URL). Single-threaded use.
 */
#ifndef CONCORD_MIGRATE_H
#define CONCORD_MIGRATE_H

#include "err.h"

/* Apply pending migrations from dir; *applied receives how many ran. */
int migrate_run(const char *owner_url, const char *dir, int *applied, struct err *e);

#endif
