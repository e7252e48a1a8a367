/*
 * health.c - liveness, readiness, metrics and the OpenAPI document.
 *
 * /healthz answers as long as the process serves HTTP. /readyz checks that this
 * thread's PostgreSQL connection and Redis answer (503 otherwise), so a load balancer
 * stops routing to a replica that lost its dependencies. The OpenAPI document is read
 * from $CONCORD_ROOT/api/openapi.json once at start-up (api_openapi_load).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "redis.h"

static char *openapi_doc;
static size_t openapi_len;

int api_openapi_load(void);
int api_openapi_load(void)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/api/openapi.json", cfg.root);
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc) {
		log_error("could not load %s: %s (line %d)", path, je.text, je.line);
		return -1;
	}
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
	resp->body = json_pack("{s:s, s:{s:s, s:s}}", "status", resp->status == 200 ? "ready" : "not ready",
		"checks", "database", db_ok ? "ok" : "down", "redis", redis_ok ? "ok" : "down");
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
	{"GET", "/healthz", healthz, NULL, ROUTE_PUBLIC | ROUTE_NO_TX, "Liveness: the process serves HTTP"},
	{"GET", "/readyz", readyz, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
		"Readiness: PostgreSQL and Redis are reachable"},
	{"GET", "/metrics", metrics_render, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
		"Prometheus metrics: requests by route and status, latencies, jobs by state"},
	{"GET", "/v1/openapi.json", openapi, NULL, ROUTE_PUBLIC | ROUTE_NO_TX,
		"This API's OpenAPI 3.1 description"},
	{NULL},
};
