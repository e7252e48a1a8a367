/*
 * job_tenant_export.c - the job type "tenant.export": the whole tenant as one
 * concord.tenant-export document (tenants/tenant_io.c), stored as the artifact
 * "tenant-export-<slug>.json", which POST /v1/tenants/import accepts.
 *
 * Payload: {} or {"requested_from": <tenant id>} (the operator tenant that asked,
 * recorded for traceability). Result: the artifact's id, name, size and SHA-256, the
 * row count of every table, and the audit head the document is tied to.
 *
 * Only the tenant's own rows are exported (tenant_export filters on tenant_id):
 * consultants of the consultancy who are members here are not this tenant's accounts,
 * but their memberships are, and stay in the document.
 *
 * The export is also recorded in the tenant's audit trail (action tenant.export) in
 * the same transaction, so only the run that succeeds leaves an event.
 *
 * Runs in the worker's job transaction (app.tenant_id = the job's tenant).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "tenant_io.h"
#include "util.h"

static const char slug_sql[] = "SELECT slug FROM tenants WHERE id = $1";
static const char audit_sql[] =
        "SELECT audit_append('tenant.export', 'tenant', $1, NULL, $2::jsonb)";

static const struct jv_field payload_fields[] = {
        {"requested_from", JV_UUID, 0},
        {NULL},
};

static int tenant_export_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	json_t *doc = NULL;
	char *text = NULL;
	int rc = -1;
	if (jv_check(payload, payload_fields, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "payload.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	PGresult *s = db_exec(ctx->db, ctx->arena, e, slug_sql, 1, ctx->tenant_id);
	if (!s)
		return -1;
	if (PQntuples(s) != 1)
		return err_set(e, ERR_NOT_FOUND, NULL, "the tenant no longer exists");
	if (tenant_export(ctx->db, ctx->arena, ctx->tenant_id, &doc, e))
		return -1;

	text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		err_set(e, ERR_INTERNAL, NULL, "could not serialise the export");
		goto out;
	}
	size_t len = strlen(text);
	char id[37], sha[65];
	char *name = arena_printf(ctx->arena, "tenant-export-%s.json", PQgetvalue(s, 0, 0));
	if (job_artifact_put(ctx, name, "application/json", text, len, id, e))
		goto out;
	util_sha256_hex(text, len, sha);

	json_t *counts = json_object();
	const char *t;
	json_t *rows;
	json_object_foreach(json_object_get(doc, "tables"), t, rows)
	        json_object_set_new(counts, t, json_integer((json_int_t)json_array_size(rows)));
	json_t *res = json_pack("{s:s, s:s, s:I, s:s, s:o, s:O}", "artifact_id", id, "name", name,
	        "size", (json_int_t)len, "sha256", sha, "tables", counts, "audit_head",
	        json_object_get(doc, "audit_head") ? json_object_get(doc, "audit_head")
	                                           : json_null());
	json_t *event = json_pack("{s:s, s:s, s:s, s:I}", "job_id", ctx->job_id, "artifact_id", id,
	        "sha256", sha, "size", (json_int_t)len);
	char *ev = json_dumps(event, JSON_COMPACT);
	json_decref(event);
	PGresult *a = db_exec(ctx->db, ctx->arena, e, audit_sql, 2, ctx->tenant_id, ev);
	free(ev);
	if (!a) {
		json_decref(res);
		goto out;
	}
	*result = res;
	rc = 0;
out:
	free(text);
	json_decref(doc);
	return rc;
}

const struct job_type job_tenant_export = {"tenant.export", tenant_export_run};
