/*
 * job_aiact_matrix.c - the job type "aiact.matrix": the EU AI Act classification matrix of
 * the tenant (every AI system x category x role x obligations x dates) as the artifacts
 * aiact-classification-matrix.xlsx and .json. The rows come from the SQL function
 * aiact_matrix_input(), the same as GET /v1/aiact/matrix; the workbook is written by
 * domain/obligations.c (oblig_matrix_xlsx).
 *
 * Payload: {}. Result: the number of systems, how many are classified, the artifact ids.
 * Runs in the worker's job transaction (app.tenant_id = the job's tenant).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "obligations.h"

static const char matrix_sql[] = "SELECT aiact_matrix_input()";
static const char audit_sql[] =
        "SELECT audit_append('aiact.matrix_export', 'job', $1, NULL, $2::jsonb)";

static const struct jv_field payload_fields[] = {
        {NULL},
};

static int aiact_matrix_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	char *xlsx = NULL, *text = NULL;
	size_t len = 0;
	int rc = -1;
	if (jv_check(payload, payload_fields, e))
		return -1;
	PGresult *m = db_exec(ctx->db, ctx->arena, e, matrix_sql, 0);
	if (!m)
		return -1;
	json_t *matrix = db_json(ctx->arena, m, 0, 0);
	char xid[37], jid[37];
	if (oblig_matrix_xlsx(matrix, &xlsx, &len, e))
		goto out;
	text = json_dumps(matrix, JSON_COMPACT | JSON_SORT_KEYS);
	if (job_artifact_put(ctx, "aiact-classification-matrix.xlsx",
	            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx, len,
	            xid, e) ||
	        job_artifact_put(ctx, "aiact-classification-matrix.json", "application/json", text,
	                strlen(text), jid, e))
		goto out;
	int classified = 0;
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(matrix, "systems"), i, s)
	{
		classified += json_is_object(json_object_get(s, "assessment"));
	}
	json_t *res = json_pack("{s:i, s:i, s:{s:s, s:s}}", "systems",
	        (int)json_array_size(json_object_get(matrix, "systems")), "classified", classified,
	        "artifacts", "xlsx", xid, "json", jid);
	char *ev = json_dumps(res, JSON_COMPACT);
	PGresult *a = db_exec(ctx->db, ctx->arena, e, audit_sql, 2, ctx->job_id, ev);
	free(ev);
	if (!a) {
		json_decref(res);
		goto out;
	}
	*result = res;
	rc = 0;
out:
	free(xlsx);
	free(text);
	return rc;
}

const struct job_type job_aiact_matrix = {"aiact.matrix", aiact_matrix_run};
