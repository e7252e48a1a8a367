/*
 * job_ai_maps.c - the job type "ai.maps": the AI flow and supplier map rendered by
 * Graphviz's C library, stored as the artifacts ai-map.svg, ai-map.dot and ai-map.json
 * (the graph the drawing was made from).
 *
 * Payload: {} for every AI system of the tenant, or {"ai_system_id": <uuid>} for one system
 * with everything it depends on and everything its data reaches. Result: the scope, node
 * and edge counts and the artifact ids. Artifacts are upserted by name, so a second run of
 * the same job replaces them. The graph comes from the SQL function ai_map_graph(), the
 * same one GET /v1/ai-systems/{id}/map and GET /v1/ai-map use.
 *
 * Runs in the worker's job transaction (app.tenant_id = the job's tenant).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aimap.h"
#include "db.h"
#include "job.h"
#include "jsonv.h"

static const char graph_sql[] = "SELECT ai_map_graph($1::uuid)";
static const char exists_sql[] = "SELECT ref FROM ai_systems WHERE id = $1";
static const char audit_sql[] = "SELECT audit_append('ai_map.render', 'job', $1, NULL, $2::jsonb)";

static const struct jv_field payload_fields[] = {
        {"ai_system_id", JV_UUID, JV_NULLABLE},
        {NULL},
};

static int ai_maps_run(struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	char *dot = NULL, *svg = NULL, *graph_text = NULL;
	size_t svg_len = 0;
	int rc = -1;
	if (jv_check(payload, payload_fields, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "payload.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	const char *sys = jv_str(payload, "ai_system_id");
	char *title = NULL;
	if (sys) {
		PGresult *s = db_exec(ctx->db, ctx->arena, e, exists_sql, 1, sys);
		if (!s)
			return -1;
		if (PQntuples(s) == 0)
			return err_set(
			        e, ERR_NOT_FOUND, "payload.ai_system_id", "no such AI system");
		title = arena_printf(ctx->arena, "%s: flows and suppliers", PQgetvalue(s, 0, 0));
	}
	PGresult *g = db_exec(ctx->db, ctx->arena, e, graph_sql, 1, sys);
	if (!g)
		return -1;
	json_t *graph = db_json(ctx->arena, g, 0, 0);
	char dot_id[37], svg_id[37], json_id[37];
	if (aimap_dot(graph, title, &dot, e) || aimap_svg(dot, &svg, &svg_len, e))
		goto out;
	graph_text = json_dumps(graph, JSON_COMPACT | JSON_SORT_KEYS);
	if (job_artifact_put(ctx, "ai-map.svg", "image/svg+xml", svg, svg_len, svg_id, e) ||
	        job_artifact_put(
	                ctx, "ai-map.dot", "text/vnd.graphviz", dot, strlen(dot), dot_id, e) ||
	        job_artifact_put(ctx, "ai-map.json", "application/json", graph_text,
	                strlen(graph_text), json_id, e))
		goto out;
	json_t *res = json_pack("{s:s, s:s?, s:i, s:i, s:{s:s, s:s, s:s}}", "scope",
	        sys ? "system" : "tenant", "ai_system_id", sys, "nodes",
	        (int)json_array_size(json_object_get(graph, "nodes")), "edges",
	        (int)json_array_size(json_object_get(graph, "edges")), "artifacts", "svg", svg_id,
	        "dot", dot_id, "json", json_id);
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
	free(dot);
	free(svg);
	free(graph_text);
	return rc;
}

const struct job_type job_ai_maps = {"ai.maps", ai_maps_run};
