/*
 * db.c - libpq wrapper (see db.h). Each thread keeps one PGconn in a thread-local;
 * db_thread_conn() checks PQstatus and resets a broken connection before handing
 * it out, so after a database restart the next request reconnects by itself.
 */
#include "db.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define DB_MAX_PARAMS 64

static _Thread_local PGconn *thread_conn;
static pthread_key_t conn_key;
static pthread_once_t conn_once = PTHREAD_ONCE_INIT;

/* Runs when a thread that used db_thread_conn exits: close its connection. */
static void conn_destructor(void *p)
{
	PQfinish(p);
	thread_conn = NULL;
}

static void conn_key_init(void)
{
	pthread_key_create(&conn_key, conn_destructor);
}

static void notice_quiet(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

PGconn *db_connect(const char *url, struct err *e)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable");
		err_log_detail(e, "connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeReceiver(c, notice_quiet, NULL);
	return c;
}

PGconn *db_thread_conn(const char *url, struct err *e)
{
	if (thread_conn && PQstatus(thread_conn) == CONNECTION_OK &&
	        PQtransactionStatus(thread_conn) == PQTRANS_IDLE)
		return thread_conn;
	if (thread_conn) {
		pthread_setspecific(conn_key, NULL);
		/* broken, or left inside a transaction by a failed request: start clean */
		PQfinish(thread_conn);
		thread_conn = NULL;
	}
	thread_conn = db_connect(url, e);
	pthread_once(&conn_once, conn_key_init);
	pthread_setspecific(conn_key, thread_conn);
	return thread_conn;
}

void db_thread_close(void)
{
	if (thread_conn) {
		pthread_setspecific(conn_key, NULL);
		PQfinish(thread_conn);
	}
	thread_conn = NULL;
}

static void pqclear_cb(void *p)
{
	PQclear(p);
}

static const char *field_from_constraint(const char *name)
{
	const char *p = name ? strstr(name, "__") : NULL;
	return p ? p + 2 : NULL;
}

int db_error(PGconn *c, const PGresult *res, struct err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *field = field_from_constraint(constraint);
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;

	if (!state || PQstatus(c) != CONNECTION_OK || strncmp(state, "08", 2) == 0 ||
	        strncmp(state, "57P", 3) == 0) {
		err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable");
	} else if (strcmp(state, "23505") == 0) {
		err_set(e, ERR_CONFLICT, field, "%s", field ? "value already exists" : "conflict");
	} else if (strcmp(state, "23503") == 0) {
		err_set(e, ERR_INVALID, field, "%s",
		        field ? "refers to an object that does not exist"
		              : "refers to an object that does not exist");
	} else if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0) {
		err_set(e, ERR_INVALID, field, "value not allowed");
	} else if (strcmp(state, "P0001") == 0 && hint) {
		/* raised by our own PL/pgSQL with HINT = field name; message is client-safe */
		const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		err_set(e, ERR_UNPROCESSABLE, hint, "%s", m ? m : "rule violated");
	} else if (strncmp(state, "22", 2) == 0) {
		err_set(e, ERR_INVALID, field, "invalid value");
	} else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		err_set(e, ERR_UNAVAILABLE, NULL, "concurrent update, retry");
	} else if (strcmp(state, "42501") == 0) {
		err_set(e, ERR_FORBIDDEN, NULL, "not permitted");
	} else {
		err_set(e, ERR_INTERNAL, NULL, "database error");
	}
	err_log_detail(e, "sqlstate %s: %s", state ? state : "-", msg ? msg : "");
	return -1;
}

PGresult *db_execv(PGconn *c, struct arena *a, struct err *e, const char *sql, int n,
        const char *const *params)
{
	PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		db_error(c, res, e);
		log_msg(e->code == ERR_INTERNAL ? LOG_ERROR : LOG_DEBUG, "sql failed: %s",
		        e->detail_log);
		PQclear(res);
		return NULL;
	}
	if (a)
		arena_defer(a, pqclear_cb, res);
	return res;
}

PGresult *db_exec(PGconn *c, struct arena *a, struct err *e, const char *sql, int n, ...)
{
	const char *params[DB_MAX_PARAMS];
	va_list ap;
	if (n > DB_MAX_PARAMS) {
		err_set(e, ERR_INTERNAL, NULL, "too many parameters");
		return NULL;
	}
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		params[i] = va_arg(ap, const char *);
	va_end(ap);
	return db_execv(c, a, e, sql, n, params);
}

static const char begin_sql[] = "BEGIN";
static const char settings_sql[] = "SELECT set_config('app.tenant_id', coalesce($1, ''), true),"
                                   " set_config('app.user_id', coalesce($2, ''), true),"
                                   " set_config('app.request_id', coalesce($3, ''), true)";

int db_begin(PGconn *c, struct arena *a, struct err *e, const char *tenant_id, const char *user_id,
        const char *request_id)
{
	PGresult *r = PQexec(c, begin_sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQstatus(c) != CONNECTION_OK) {
		/* the server went away since this connection was last used (restart,
		 * failover): nothing has run yet, so reconnect and begin once more */
		PQclear(r);
		PQreset(c);
		r = PQexec(c, begin_sql);
	}
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		db_error(c, r, e);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (!db_exec(c, a, e, settings_sql, 3, tenant_id, user_id, request_id)) {
		db_rollback(c);
		return -1;
	}
	return 0;
}

int db_commit(PGconn *c, struct err *e)
{
	PGresult *r = PQexec(c, "COMMIT");
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = db_error(c, r, e);
	PQclear(r);
	return rc;
}

void db_rollback(PGconn *c)
{
	if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) == PQTRANS_IDLE)
		return;
	PQclear(PQexec(c, "ROLLBACK"));
}

const char *db_val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

json_t *db_json(struct arena *a, const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	json_error_t je;
	json_t *j = json_loads(PQgetvalue(r, row, col), JSON_DECODE_ANY, &je);
	return a ? arena_json(a, j) : j;
}

int db_wait_ready(const char *url, int seconds, struct err *e)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (PQping(url) == PQPING_OK)
			return 0;
		usleep(100000);
	}
	return err_set(e, ERR_UNAVAILABLE, NULL, "database not reachable after %d s", seconds);
}
