/*
 * artifact.c - job_artifact_put (see job.h): store a file a job produced.
 *
 * Artifacts are keyed by (tenant, job, name), so a job that runs again after a crash
 * replaces its file instead of adding a second one; and since the write happens in
 * the job's transaction, a run whose outcome is not committed leaves nothing behind.
 * The bytes travel as a binary parameter (no hex/escape round trip) with their
 * SHA-256, which the download repeats in a Repr-Digest header.
 *
 * Threads: the thread running the job (ctx->db belongs to it).
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "job.h"
#include "util.h"

static const char put_sql[] =
        "INSERT INTO artifacts (tenant_id, job_id, name, content_type, size, sha256, data)"
        " VALUES (app_tenant(), $1, $2, $3, $4::bigint, $5, $6)"
        " ON CONFLICT (tenant_id, job_id, name) DO UPDATE SET content_type = EXCLUDED.content_type,"
        " size = EXCLUDED.size, sha256 = EXCLUDED.sha256, data = EXCLUDED.data, created_at = now()"
        " RETURNING id";

/* File names end up in Content-Disposition: a conservative character set. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

int job_artifact_put(struct job_ctx *ctx, const char *name, const char *content_type,
        const void *data, size_t len, char *artifact_id, struct err *e)
{
	if (!valid_name(name))
		return err_set(e, ERR_INTERNAL, NULL, "invalid artifact name");
	char size[24], sha[65];
	snprintf(size, sizeof size, "%zu", len);
	util_sha256_hex(data, len, sha);
	const char *values[] = {ctx->job_id, name, content_type, size, sha, (const char *)data};
	const int lengths[] = {0, 0, 0, 0, 0, (int)len};
	const int formats[] = {0, 0, 0, 0, 0, 1};
	if (len > 0x7fffffff)
		return err_set(e, ERR_INTERNAL, NULL, "artifact too large");
	PGresult *r = PQexecParams(ctx->db, put_sql, 6, NULL, values, lengths, formats, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		db_error(ctx->db, r, e);
		PQclear(r);
		return -1;
	}
	snprintf(artifact_id, 37, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}
