/*
 * job.h - the contract between the worker loop (workers/worker.c) and job types.
 *
 * A job type is a name and a run function, registered in workers/registry.c:
 *
 *   const struct job_type job_tenant_export = {"tenant.export", tenant_export_run};
 *
 * The worker claims the job (state running, attempts+1) in its own transaction, then
 * calls run() inside a NEW transaction with app.tenant_id = the job's tenant (row-level
 * security applies as for API requests). run() returns 0 with *result set (a JSON
 * object, stolen) to succeed - its writes and the job's "succeeded" state commit
 * together - or -1 with e set to fail: the transaction rolls back, the job is retried
 * with exponential backoff, and after max_attempts it is "dead" with the last error.
 * A job can therefore run more than once (worker killed after the work, before the
 * ack) and must produce ONE result: write artifacts with job_artifact_put (upsert by
 * job and name) and make other effects idempotent.
 */
#ifndef CONCORD_JOB_H
#define CONCORD_JOB_H

#include <jansson.h>
#include <libpq-fe.h>

#include "arena.h"
#include "err.h"

struct job_ctx {
	PGconn *db;          /* in the job transaction, app.tenant_id set */
	struct arena *arena; /* freed after the job */
	const char *tenant_id;
	const char *job_id;
	const char *type;
	int attempt; /* 1 for the first run */
	const char *worker_id;
};

typedef int (*job_run_fn)(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e);

struct job_type {
	const char *name;
	job_run_fn run;
};

/* Store (or replace) a file produced by this job; *artifact_id (37 bytes) receives its
 * id. The artifact is downloadable at /v1/artifacts/{id}. */
int job_artifact_put(struct job_ctx *ctx, const char *name, const char *content_type,
        const void *data, size_t len, char *artifact_id, struct err *e);

/* The registry (workers/registry.c), NULL-terminated. */
extern const struct job_type *const job_types[];
const struct job_type *job_type_find(const char *name);

#endif
