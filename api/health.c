/*
 * health.c - liveness, readiness, metrics and the OpenAPI document.
 *
 * /healthz answers as long as the process serves HTTP. /readyz checks that this
 * thread's PostgreSQL connection and Redis answer (503 otherwise), so a load balancer
 * stops routing to a replica that lost its dependencies. The OpenAPI document is read
 * from $CONCORD_ROOT/api/openapi.json once at start-up (api_openapi_load).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "redis.h"

static char *openapi_doc;

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t openapi_len;

/* Merge api/openapi/base.json with every other JSON fragment in api/openapi/ (each
 * holds "paths" and optionally "components") into one document. Fragments let each
 * resource module describe its own routes without editing a shared file. Returns a
 * new reference or NULL. */
json_t *api_openapi_build(const char *root);
json_t *api_openapi_build(const char *root)
{
	char dir[2048], path[4096];
	snprintf(dir, sizeof dir, "%s/api/openapi", root);
	snprintf(path, sizeof path, "%s/base.json", dir);
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc) {
		log_error("could not load %s: %s (line %d)", path, je.text, je.line);
		return NULL;
	}
	DIR *d = opendir(dir);
	if (!d) {
		json_decref(doc);
		return NULL;
	}
	/* sorted for a deterministic document */
	char *names[256] = {0};
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0 &&
		        strcmp(de->d_name, "base.json") != 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp_names);
	json_t *paths = json_object_get(doc, "paths");
	json_t *comps = json_object_get(doc, "components");
	int rc = 0;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		json_t *frag = json_load_file(path, 0, &je);
		if (!frag) {
			log_error("could not load %s: %s (line %d)", path, je.text, je.line);
			rc = -1;
		} else {
			const char *k;
			json_t *v;
			json_object_foreach(json_object_get(frag, "paths"), k, v)
			{
				json_t *have = json_object_get(paths, k);
				if (have)
					json_object_update(have, v);
				else
					json_object_set(paths, k, v);
			}
			json_object_foreach(json_object_get(frag, "components"), k, v)
			{
				json_t *have = json_object_get(comps, k);
				if (have)
					json_object_update(have, v);
				else
					json_object_set(comps, k, v);
			}
			json_decref(frag);
		}
		free(names[i]);
	}
	if (rc) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int api_openapi_load(void);
int api_openapi_load(void)
{
	json_t *doc = api_openapi_build(cfg.root);
	if (!doc)
		return -1;
	openapi_doc = json_dumps(doc, JSON_COMPACT);
	openapi_len = strlen(openapi_doc);
	json_decref(doc);
	return 0;
}

static int healthz(struct req *r, struct resp *resp, struct err *e)
{
	resp->body = json_pack("{s:s}", "status", "ok");
	return 0;
}

static int readyz(struct req *r, struct resp *resp, struct err *e)
{
	struct err de = {0}, re = {0};
	bool db_ok = false, redis_ok = false;
	PGconn *c = db_thread_conn(cfg.database_url, &de);
	if (c && db_exec(c, r->arena, &de, "SELECT 1", 0))
		db_ok = true;
	redisContext *rc = redis_thread_conn(cfg.redis_url, &re);
	if (rc) {
		redisReply *rep = redis_cmd(rc, r->arena, &re, "PING");
		redis_ok = rep && rep->type == REDIS_REPLY_STATUS;
	}
	resp->status = db_ok && redis_ok ? 200 : 503;
	resp->body = json_pack("{s:s, s:{s:s, s:s}}", "status",
	        resp->status == 200 ? "ready" : "not ready", "checks", "database",
	        db_ok ? "ok" : "down", "redis", redis_ok ? "ok" : "down");
	return 0;
}

static int openapi(struct req *r, struct resp *resp, struct err *e)
{
	if (!openapi_doc)
		return err_set(e, ERR_UNAVAILABLE, NULL, "API description not loaded");
	resp->raw = openapi_doc;
	resp->raw_len = openapi_len;
	resp->content_type = "application/json";
	return 0;
}

const struct route health_routes[] = {
        {"GET", "/healthz", healthz, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
                "Liveness: the process serves HTTP"},
        {"GET", "/readyz", readyz, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
                "Readiness: PostgreSQL and Redis are reachable"},
        {"GET", "/metrics", metrics_render, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
                "Prometheus metrics: requests by route and status, latencies, jobs by state"},
        {"GET", "/v1/openapi.json", openapi, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
                "This API's OpenAPI 3.1 description"},
        {NULL},
};
