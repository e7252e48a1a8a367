/*
 * job_aiact_roadmap.c - the job type "aiact.roadmap": the EU AI Act compliance roadmap
 * planned from the tenant's open obligations and the control gaps behind them (quick wins
 * and structural initiatives with owners, dependencies and deadlines that respect each
 * obligation's applies_from), stored as aiact-roadmap.json, aiact-roadmap.xlsx and
 * aiact-roadmap.html.
 *
 * Payload: {"as_of": "YYYY-MM-DD" (default today), "quick_win_horizon_days": n (default
 * 90)}. Result: the roadmap's summary and the artifact ids. Input comes from the SQL function
 * aiact_roadmap_input() and planning from domain/obligations.c, exactly as the preview
 * GET /v1/aiact/roadmap. Runs in the worker's job transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "obligations.h"

static const char input_sql[] =
        "SELECT aiact_roadmap_input(coalesce($1::date, current_date), coalesce($2::int, 90))";
static const char audit_sql[] = "SELECT audit_append('aiact.roadmap', 'job', $1, NULL, $2::jsonb)";

static const struct jv_field payload_fields[] = {
        {"as_of", JV_DATE, 0},
        {"quick_win_horizon_days", JV_INT, 0, .min = 1, .max = 730},
        {NULL},
};

static int aiact_roadmap_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	json_t *plan = NULL;
	char *text = NULL, *html = NULL, *xlsx = NULL;
	size_t html_len = 0, xlsx_len = 0;
	int rc = -1;
	if (jv_check(payload, payload_fields, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "payload.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	char hbuf[24];
	PGresult *in = db_exec(ctx->db, ctx->arena, e, input_sql, 2, jv_str(payload, "as_of"),
	        jv_int_text(payload, "quick_win_horizon_days", hbuf, sizeof hbuf));
	if (!in)
		return -1;
	char jid[37], xid[37], hid[37];
	if (oblig_roadmap_plan(db_json(ctx->arena, in, 0, 0), &plan, e) ||
	        oblig_roadmap_html(plan, &html, &html_len, e) ||
	        oblig_roadmap_xlsx(plan, &xlsx, &xlsx_len, e))
		goto out;
	text = json_dumps(plan, JSON_COMPACT | JSON_SORT_KEYS);
	if (job_artifact_put(
	            ctx, "aiact-roadmap.json", "application/json", text, strlen(text), jid, e) ||
	        job_artifact_put(ctx, "aiact-roadmap.xlsx",
	                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx,
	                xlsx_len, xid, e) ||
	        job_artifact_put(ctx, "aiact-roadmap.html", "text/html; charset=utf-8", html,
	                html_len, hid, e))
		goto out;
	json_t *res = json_pack("{s:O, s:O, s:{s:s, s:s, s:s}}", "as_of",
	        json_object_get(plan, "as_of"), "summary", json_object_get(plan, "summary"),
	        "artifacts", "json", jid, "xlsx", xid, "html", hid);
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
	json_decref(plan);
	free(text);
	free(html);
	free(xlsx);
	return rc;
}

const struct job_type job_aiact_roadmap = {"aiact.roadmap", aiact_roadmap_run};
