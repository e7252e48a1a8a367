/*
 * db.h - PostgreSQL access over libpq.
 *
 * One connection per thread (thread-local), opened lazily and re-opened when the
 * server went away, so the API survives a database restart without a process
 * restart and no lock is taken on the hot path. All SQL is parameterised: values
 * travel as text parameters, never inside the statement.
 *
 * Results returned by db_exec are owned by the arena passed in (PQclear runs when the
 * arena is freed). Failures fill `struct err` with SQLSTATEs mapped in one place:
 * 23505 -> ERR_CONFLICT, 23503/23514/22xxx -> ERR_INVALID, 40001/40P01 and lost
 * connections -> ERR_UNAVAILABLE, 42501 (RLS check) -> ERR_FORBIDDEN. A constraint
 * named "<anything>__<field>" reports <field> as the offending field.
 */
#ifndef CONCORD_DB_H
#define CONCORD_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "arena.h"
#include "err.h"

/* The calling thread's connection to `url` (opened or repaired as needed); NULL + e if down. */
PGconn *db_thread_conn(const char *url, struct err *e);
/* Close the calling thread's connection (thread exit). */
void db_thread_close(void);
/* Open a new private connection (caller owns it; PQfinish). */
PGconn *db_connect(const char *url, struct err *e);

/* Run sql with n text parameters given as const char * varargs (NULL = SQL NULL).
 * Returns a result owned by arena `a` (TUPLES_OK or COMMAND_OK), or NULL with e set. */
PGresult *db_exec(PGconn *c, struct arena *a, struct err *e, const char *sql, int n, ...);
/* Same with an array of parameters. */
PGresult *db_execv(PGconn *c, struct arena *a, struct err *e, const char *sql, int n,
        const char *const *params);
/* Convert a failed result into *e (SQLSTATE mapping). Always returns -1. */
int db_error(PGconn *c, const PGresult *res, struct err *e);

/* BEGIN and set the transaction-local settings that row-level security and the audit
 * trail read: app.tenant_id, app.user_id, app.request_id. Any may be NULL. */
int db_begin(PGconn *c, struct arena *a, struct err *e, const char *tenant_id, const char *user_id,
        const char *request_id);
int db_commit(PGconn *c, struct err *e);
void db_rollback(PGconn *c);

/* Value of a cell or NULL when SQL NULL. */
const char *db_val(const PGresult *r, int row, int col);
/* Parse a json/jsonb cell into a new json_t owned by the arena (NULL for SQL NULL). */
struct json_t *db_json(struct arena *a, const PGresult *r, int row, int col);
/* Wait (bounded) until the database accepts connections; used at start-up. */
int db_wait_ready(const char *url, int seconds, struct err *e);

#endif
