/*
 * http.h - the contract between the HTTP server (server.c) and resource modules.
 *
 * A resource module (api/<resource>.c) exports a NULL-terminated route table:
 *
 *   const struct route tenant_routes[] = {
 *           {"GET", "/v1/tenants/{id}", tenant_get, "tenants:read", .summary = "Get a tenant"},
 *           {NULL}};
 *
 * and registers it in api/routes.c. The server owns everything else: body limits,
 * JSON parsing, authentication, the tenant transaction, the permission check (one
 * matrix in authz.c decides every route), idempotent POST replay, problem+json
 * errors, ETag and request-id headers, access logs and metrics.
 *
 * A handler runs inside ONE database transaction that began with
 * set_config('app.tenant_id', ...) for r->tenant_id; returning 0 commits it, returning
 * -1 (with e filled) rolls it back, so a request either commits completely or changes
 * nothing. Memory: allocate from r->arena; json_t bodies put in resp->body are owned
 * by the server after the handler returns (steal semantics).
 *
 * Threads: each request runs on one libmicrohttpd pool thread; r->db is that thread's
 * connection.
 */
#ifndef CONCORD_HTTP_H
#define CONCORD_HTTP_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"

struct MHD_Connection;

#define ROUTE_MAX_PARAMS 6

/* Route flags */
#define ROUTE_PUBLIC   1u /* no authentication; runs in a transaction without tenant */
#define ROUTE_NO_TX    2u /* no database transaction (health, metrics, openapi) */
#define ROUTE_OPERATOR 4u /* caller's tenant must be an operator (consultancy) tenant */

enum principal_kind { PRINCIPAL_NONE, PRINCIPAL_USER, PRINCIPAL_SERVICE };

struct principal {
	enum principal_kind kind;
	char user_id[37];          /* user id, or the service account id */
	char home_tenant[37];      /* tenant the account belongs to */
	char session_id[37];       /* refresh-token family of a JWT session, "" otherwise */
	char role[32];             /* role in the request's tenant */
	char tenant_kind[16];      /* "operator" or "client" */
	const char *const *scopes; /* API-token scopes (NULL = all permitted by role) */
	int nscopes;
	bool via_api_token;
};

struct req {
	struct arena *arena;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const struct route *route;
	const char *params[ROUTE_MAX_PARAMS]; /* path parameters in pattern order */
	const char *param_names[ROUTE_MAX_PARAMS];
	int nparams;
	const char *body_raw; /* NUL-terminated copy of the body, or NULL */
	size_t body_len;
	json_t *body; /* parsed JSON body (borrowed, owned by the arena), or NULL */
	const char *request_id;
	const char *client_ip;
	struct principal who;
	const char *tenant_id; /* the tenant this request acts in (app.tenant_id), or NULL */
	PGconn *db;            /* inside the request transaction */
	bool commit_on_error;  /* commit even when the handler fails (e.g. failed-login audit) */
	/* callbacks run after a successful COMMIT (e.g. publish a job to Redis) */
	void (*after_commit[4])(struct req *r, void *arg);
	void *after_commit_arg[4];
	int nafter_commit;
};

struct resp {
	int status;      /* default 200; 201 for created */
	json_t *body;    /* stolen by the server */
	const char *raw; /* or a raw body (arena memory) with raw_len and content_type */
	size_t raw_len;
	const char *content_type;
	const char *etag; /* version number text; sent as "<n>" */
	const char *location;
	const char *extra_header_name[4];
	const char *extra_header_value[4];
};

typedef int (*handler_fn)(struct req *r, struct resp *resp, struct err *e);

struct route {
	const char *method;
	const char *pattern; /* "/v1/tenants/{id}": {name} segments bind r->params */
	handler_fn handler;
	const char *perm; /* "resource:action" checked against the role matrix; NULL = any member */
	unsigned flags;
	const char *summary;      /* one line, mirrored in the OpenAPI document */
	const char *const *query; /* accepted query parameters (NULL = none); others -> 400 */
};

/* --- helpers for handlers (server.c) --- */

/* Path parameter by name, or NULL. */
const char *req_param(const struct req *r, const char *name);
/* Path parameter that must be a UUID; a non-UUID yields 404 as for an unknown id. */
int req_param_uuid(const struct req *r, const char *name, const char **out, struct err *e);
/* Query parameter (first value), or NULL. */
const char *req_query(const struct req *r, const char *name);
/* Request header, or NULL. */
const char *req_header(const struct req *r, const char *name);
/* The request body as a JSON object (400 when missing). */
int req_body_object(struct req *r, json_t **out, struct err *e);
/* The version the client expects, from If-Match: "<n>" (428 if absent, 400 if malformed). */
int req_if_match(const struct req *r, long *version, struct err *e);
/* Switch the request transaction to another tenant (login, tenant creation). */
int req_set_tenant(struct req *r, const char *tenant_id, struct err *e);

/* Run fn(r, arg) after the request transaction commits (never if it rolls back). At
 * most 4 per request; arg must live in the arena. */
void req_after_commit(struct req *r, void (*fn)(struct req *, void *), void *arg);

/* Record an audit event in the request transaction (before/after borrowed, may be NULL). */
int audit_record(struct req *r, const char *action, const char *entity_type, const char *entity_id,
        json_t *before, json_t *after, struct err *e);

/* Cursor pagination. page_begin parses ?limit (1..200, default 50) and ?cursor (opaque;
 * decodes to a JSON array of the last row's sort values, or NULL when absent). */
struct page {
	int limit;
	json_t *after; /* borrowed (arena) JSON array, or NULL for the first page */
	char limit_plus_one
	        [16]; /* SQL parameter: fetch one more row to know if there is a next page */
};
int page_begin(struct req *r, struct page *p, struct err *e);
/* The n-th element of the cursor as text (SQL parameter), or NULL on the first page. */
const char *page_after(const struct page *p, int i);
/* Build {"items": items, "next": cursor|null}. items is stolen. If it holds limit+1 rows
 * the extra row is dropped and the cursor made from the listed keys of the last kept row. */
json_t *page_result(
        struct req *r, const struct page *p, json_t *items, const char *const *cursor_keys);
/* The same page from JSON text the database built, written as the raw body without
 * parsing the items (large pages): items_json holds at most limit items; next_values is
 * the JSON array of the last item's sort values when more rows follow, else NULL. */
int page_raw(struct req *r, struct resp *resp, const char *items_json, const char *next_values,
        struct err *e);

/* Run a query whose single row, single column is json/jsonb text; parse it. NULL + e on
 * failure; ERR_NOT_FOUND with `what` when no row. */
json_t *db_json_row(struct req *r, struct err *e, const char *what, const char *sql, int n,
        const char *const *params);

/* Registered route tables (routes.c). */
extern const struct route *const route_tables[];

#endif
