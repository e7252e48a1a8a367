/*
 * job_aiact_dossier.c - the job type "aiact.dossier": the EU AI Act compliance dossier of
 * one AI system, or of every AI system of the tenant whose current classification calls
 * for one (high-risk, with duties for this organisation), as ONE self-contained HTML
 * document (artifact "aiact-dossier.html": inline CSS, no script, no external resource)
 * and the same facts as JSON ("aiact-dossier.json"): identification and classification,
 * completeness, the sections by part with the supporting documents each expects, what is
 * linked to them (documents with version, status and location; evidence with validity
 * and location), what needs attention, and the documents still to compile.
 *
 * Payload: {"ai_system_id": "<uuid>"} for one system (included even when no dossier
 * applies to it: the document then says why), or {} for every system with an applicable
 * dossier. A malformed payload or a system the tenant does not have fails the job with
 * the field named "payload.<field>". Result: {systems: [{ai_system_id, ref, name,
 * applicable, sections, complete, percent (null when no dossier applies),
 * needs_attention}], sections, complete (totals), artifacts: {html, json}}. The JSON
 * artifact is {format: "concord.aiact-dossier", generated_at, scope: "system" | "all",
 * tenant: {name}, systems: [dossier_system_facts()...]}, exactly what the HTML renders.
 * The artifacts are upserted by (job, name); an audit event "aiact.dossier" records the
 * result.
 *
 * The facts come from the SQL function aiact_dossier_input() (migration 0042) and are
 * assembled by domain/dossier.c exactly as GET /v1/ai-systems/{id}/aiact/dossier does;
 * rendering is domain/dossier.c dossier_html(). Runs on the worker thread that claimed the
 * job, inside its transaction; memory is the job arena's except where freed below.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dossier.h"
#include "job.h"
#include "jsonv.h"
#include "util.h"

static const char input_sql[] = "SELECT aiact_dossier_input($1::uuid)";
/* high-risk systems only: oblig_dossier decides applicability in the end (it also needs
 * duties for this organisation), this only spares assembling the others */
static const char all_sql[] =
        "SELECT aiact_dossier_input(s.id) FROM ai_systems s JOIN aiact_current a"
        " ON a.tenant_id = s.tenant_id AND a.ai_system_id = s.id"
        " WHERE a.risk_category = 'high_risk' ORDER BY s.ref, s.id";
static const char header_sql[] = "SELECT jsonb_build_object('name', name, 'generated_at',"
                                 " to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'))"
                                 " FROM tenants WHERE id = app_tenant()";
static const char audit_sql[] = "SELECT audit_append('aiact.dossier', 'job', $1, NULL, $2::jsonb)";

static const struct jv_field payload_fields[] = {
        {"ai_system_id", JV_UUID, 0},
        {NULL},
};

/* Row i, column 0 of res as JSON (arena-owned); ERR_INTERNAL when it cannot be read. */
static json_t *row_json(struct job_ctx *ctx, const PGresult *res, int i, struct err *e)
{
	json_t *j = db_json(ctx->arena, res, i, 0);
	if (!j)
		err_set(e, ERR_INTERNAL, NULL, "could not decode the dossier input");
	return j;
}

/* The systems' export facts: the requested one, or every one with an applicable dossier. */
static json_t *systems_facts(struct job_ctx *ctx, const char *system, struct err *e)
{
	json_t *out = arena_json(ctx->arena, json_array());
	PGresult *res = system ? db_exec(ctx->db, ctx->arena, e, input_sql, 1, system)
	                       : db_exec(ctx->db, ctx->arena, e, all_sql, 0);
	if (!res)
		return NULL;
	if (system && (PQntuples(res) == 0 || PQgetisnull(res, 0, 0))) {
		err_set(e, ERR_INVALID, "payload.ai_system_id", "no such AI system");
		return NULL;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *in = row_json(ctx, res, i, e);
		if (!in)
			return NULL;
		json_t *f = dossier_system_facts(in);
		if (!f) {
			err_set(e, ERR_INTERNAL, NULL, "the dossier input has no system");
			return NULL;
		}
		if (system ||
		        json_is_true(json_object_get(json_object_get(f, "dossier"), "applicable")))
			json_array_append(out, f);
		json_decref(f);
	}
	return out;
}

/* One result line per system (the figures the export shows). */
static json_t *summary(const json_t *systems, json_int_t *sections, json_int_t *complete)
{
	json_t *out = json_array();
	size_t i;
	const json_t *x;
	json_array_foreach(systems, i, x)
	{
		const json_t *sys = json_object_get(x, "system"),
		             *d = json_object_get(x, "dossier");
		const json_t *c = json_object_get(d, "completeness");
		bool applicable = json_is_true(json_object_get(d, "applicable"));
		json_int_t n = json_integer_value(json_object_get(c, "sections")),
		           k = json_integer_value(json_object_get(c, "complete"));
		*sections += n;
		*complete += k;
		json_t *p = json_object_get(c, "percent");
		json_array_append_new(
		        out, json_pack("{s:O, s:O, s:O, s:b, s:I, s:I, s:O, s:I}", "ai_system_id",
		                     json_object_get(sys, "id"), "ref", json_object_get(sys, "ref"),
		                     "name", json_object_get(sys, "name"), "applicable", applicable,
		                     "sections", n, "complete", k, "percent",
		                     applicable && p ? p : json_null(), "needs_attention",
		                     json_integer_value(json_object_get(c, "needs_attention"))));
	}
	return out;
}

static int aiact_dossier_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	char *html = NULL, *text = NULL;
	json_t *res = NULL;
	int rc = -1;
	if (jv_check(payload, payload_fields, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "payload.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	const char *system = jv_str(payload, "ai_system_id");
	PGresult *hr = db_exec(ctx->db, ctx->arena, e, header_sql, 0);
	if (!hr)
		return -1;
	if (PQntuples(hr) == 0)
		return err_set(e, ERR_INTERNAL, NULL, "the job's tenant is not visible");
	json_t *header = row_json(ctx, hr, 0, e);
	json_t *systems = header ? systems_facts(ctx, system, e) : NULL;
	if (!systems)
		return -1;
	json_t *facts = arena_json(ctx->arena,
	        json_pack("{s:s, s:O?, s:s, s:{s:O?}, s:O}", "format", "concord.aiact-dossier",
	                "generated_at", json_object_get(header, "generated_at"), "scope",
	                system ? "system" : "all", "tenant", "name",
	                json_object_get(header, "name"), "systems", systems));
	if (!facts)
		return err_set(e, ERR_INTERNAL, NULL, "could not build the dossier facts");
	html = dossier_html(facts);
	text = json_dumps(facts, JSON_INDENT(1));
	char hid[37], jid[37];
	if (job_artifact_put(ctx, "aiact-dossier.html", "text/html; charset=utf-8", html,
	            strlen(html), hid, e) ||
	        job_artifact_put(
	                ctx, "aiact-dossier.json", "application/json", text, strlen(text), jid, e))
		goto out;
	json_int_t sections = 0, complete = 0;
	json_t *lines = summary(systems, &sections, &complete);
	res = json_pack("{s:o, s:I, s:I, s:{s:s, s:s}}", "systems", lines, "sections", sections,
	        "complete", complete, "artifacts", "html", hid, "json", jid);
	char *ev = json_dumps(res, JSON_COMPACT);
	PGresult *a = db_exec(ctx->db, ctx->arena, e, audit_sql, 2, ctx->job_id, ev);
	free(ev);
	if (!a)
		goto out;
	*result = res;
	res = NULL;
	rc = 0;
out:
	json_decref(res);
	free(html);
	free(text);
	return rc;
}

const struct job_type job_aiact_dossier = {"aiact.dossier", aiact_dossier_run};
