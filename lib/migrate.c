/*
 * migrate.c - the migration runner (see migrate.h).
 */
#include "migrate.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "log.h"
#include "util.h"

#define MIGRATE_LOCK_KEY "7242019"

static const char create_table_sql[] =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())";
static const char applied_sql[] = "SELECT checksum FROM schema_migrations WHERE version = $1";
static const char record_sql[] =
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 8192, n = 0;
	char *buf = xmalloc(cap);
	size_t r;
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* A migration file name: 4 digits, '_', a name, ".sql". */
static int parse_name(const char *fn, char version[5])
{
	size_t n = strlen(fn);
	if (n < 10 || strcmp(fn + n - 4, ".sql") != 0 || fn[4] != '_')
		return -1;
	for (int i = 0; i < 4; i++)
		if (fn[i] < '0' || fn[i] > '9')
			return -1;
	memcpy(version, fn, 4);
	version[4] = '\0';
	return 0;
}

static int apply_one(
        PGconn *c, struct arena *a, const char *dir, const char *fn, int *applied, struct err *e)
{
	char version[5], path[4096], sum[65];
	size_t len;
	if (parse_name(fn, version))
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, fn);
	char *sql = read_file(path, &len);
	if (!sql)
		return err_set(e, ERR_INTERNAL, NULL, "could not read migration %s", path);
	util_sha256_hex(sql, len, sum);

	PGresult *r = db_exec(c, a, e, applied_sql, 1, version);
	if (!r)
		goto fail;
	if (PQntuples(r) == 1) {
		if (strcmp(PQgetvalue(r, 0, 0), sum) != 0) {
			err_set(e, ERR_CONFLICT, NULL,
			        "migration %s was changed after it was applied (checksum %s, now "
			        "%s)",
			        fn, PQgetvalue(r, 0, 0), sum);
			goto fail;
		}
		free(sql);
		return 0;
	}
	PGresult *b = PQexec(c, "BEGIN");
	PQclear(b);
	PGresult *x = PQexec(c, sql);
	if (PQresultStatus(x) != PGRES_COMMAND_OK && PQresultStatus(x) != PGRES_TUPLES_OK) {
		err_set(e, ERR_INTERNAL, NULL, "migration %s failed: %s", fn,
		        PQresultErrorMessage(x));
		PQclear(x);
		db_rollback(c);
		goto fail;
	}
	PQclear(x);
	if (!db_exec(c, a, e, record_sql, 3, version, fn, sum) || db_commit(c, e)) {
		db_rollback(c);
		goto fail;
	}
	log_info("applied migration %s", fn);
	(*applied)++;
	free(sql);
	return 0;
fail:
	free(sql);
	return -1;
}

int migrate_run(const char *owner_url, const char *dir, int *applied, struct err *e)
{
	int rc = -1, nfiles = 0;
	char **files = NULL;
	struct arena *a = arena_new();
	*applied = 0;
	PGconn *c = db_connect(owner_url, e);
	if (!c)
		goto out;
	if (!db_exec(c, a, e, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", 0) ||
	        !db_exec(c, a, e, create_table_sql, 0))
		goto out;

	DIR *d = opendir(dir);
	if (!d) {
		err_set(e, ERR_INTERNAL, NULL, "could not open migrations directory %s", dir);
		goto out;
	}
	struct dirent *de;
	char version[5];
	while ((de = readdir(d))) {
		if (parse_name(de->d_name, version))
			continue;
		files = xrealloc(files, sizeof *files * (size_t)(nfiles + 1));
		files[nfiles++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(files, (size_t)nfiles, sizeof *files, cmp_str);
	for (int i = 0; i < nfiles; i++) {
		if (i > 0 && strncmp(files[i], files[i - 1], 4) == 0) {
			err_set(e, ERR_CONFLICT, NULL, "two migrations share number %.4s",
			        files[i]);
			goto out;
		}
		if (apply_one(c, a, dir, files[i], applied, e))
			goto out;
	}
	rc = 0;
out:
	if (c) {
		PQclear(PQexec(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
	}
	arena_free(a);
	if (c)
		PQfinish(c);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return rc;
}
