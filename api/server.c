/*
 * server.c - the HTTP server: libmicrohttpd with a thread pool, and the request
 * pipeline every route goes through.
 *
 * Pipeline (handle_request): route match (404/405) -> query whitelist -> body checks
 * (size 413, media type 415, UTF-8 and JSON syntax 400) -> authentication (401) ->
 * BEGIN + set_config(app.tenant_id, app.user_id, app.request_id) -> membership, tenant
 * status and permission (403) -> Idempotency-Key replay -> handler -> COMMIT or
 * ROLLBACK -> response with X-Request-Id (+ ETag/Location) -> access log + metrics.
 *
 * Memory: one arena per request, created on the first MHD callback and freed in the
 * NOTIFY_COMPLETED callback. Each pool thread owns one PostgreSQL connection
 * (db_thread_conn), so there is no lock on the hot path.
 *
 * Shutdown: SIGTERM/SIGINT set a flag; main thread calls MHD_quiesce_daemon (stop
 * accepting), waits for in-flight requests to finish (bounded), then MHD_stop_daemon.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "util.h"

struct conn_state {
	struct arena *arena;
	char *body;
	size_t body_len, body_cap;
	bool too_large;
	double started;
	char request_id[72];
};

static atomic_int inflight;
static volatile sig_atomic_t stop_requested;

/* --------------------------------------------------------------------- helpers */

const char *req_param(const struct req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->params[i];
	return NULL;
}

int req_param_uuid(const struct req *r, const char *name, const char **out, struct err *e)
{
	const char *v = req_param(r, name);
	if (!v || !util_is_uuid(v))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", name);
	*out = v;
	return 0;
}

const char *req_query(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_body_object(struct req *r, json_t **out, struct err *e)
{
	if (!r->body)
		return err_set(e, ERR_INVALID, "", "a JSON object body is required");
	if (!json_is_object(r->body))
		return err_set(e, ERR_INVALID, "", "request body must be a JSON object");
	*out = r->body;
	return 0;
}

int req_if_match(const struct req *r, long *version, struct err *e)
{
	const char *h = req_header(r, "If-Match");
	if (!h)
		return err_set(e, ERR_PRECONDITION_REQUIRED, "If-Match",
		        "send If-Match with the resource's ETag to update or delete it");
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	char *end;
	size_t n = strlen(h);
	if (n < 3 || h[0] != '"' || h[n - 1] != '"')
		return err_set(e, ERR_INVALID, "If-Match", "must be a quoted ETag such as \"3\"");
	errno = 0;
	long v = strtol(h + 1, &end, 10);
	if (errno || end != h + n - 1 || v < 1)
		return err_set(e, ERR_INVALID, "If-Match", "must be a quoted ETag such as \"3\"");
	*version = v;
	return 0;
}

int req_set_tenant(struct req *r, const char *tenant_id, struct err *e)
{
	if (!db_exec(r->db, r->arena, e, "SELECT set_config('app.tenant_id', $1, true)", 1,
	            tenant_id))
		return -1;
	r->tenant_id = arena_strdup(r->arena, tenant_id);
	return 0;
}

void req_after_commit(struct req *r, void (*fn)(struct req *, void *), void *arg)
{
	if (r->nafter_commit >= 4) {
		log_error("too many after-commit callbacks");
		abort();
	}
	r->after_commit[r->nafter_commit] = fn;
	r->after_commit_arg[r->nafter_commit++] = arg;
}

int audit_record(struct req *r, const char *action, const char *entity_type, const char *entity_id,
        json_t *before, json_t *after, struct err *e)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	PGresult *res =
	        db_exec(r->db, r->arena, e, "SELECT audit_append($1, $2, $3, $4::jsonb, $5::jsonb)",
	                5, action, entity_type, entity_id, b, a);
	free(b);
	free(a);
	return res ? 0 : -1;
}

json_t *db_json_row(struct req *r, struct err *e, const char *what, const char *sql, int n,
        const char *const *params)
{
	PGresult *res = db_execv(r->db, r->arena, e, sql, n, params);
	if (!res)
		return NULL;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such %s", what);
		return NULL;
	}
	json_t *j = db_json(r->arena, res, 0, 0);
	if (!j)
		err_set(e, ERR_INTERNAL, NULL, "could not decode %s", what);
	return j;
}

/* --------------------------------------------------------------- pagination */

int page_begin(struct req *r, struct page *p, struct err *e)
{
	const char *l = req_query(r, "limit"), *c = req_query(r, "cursor");
	p->limit = 50;
	p->after = NULL;
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > 200)
			return err_set(e, ERR_INVALID, "limit", "must be an integer from 1 to 200");
		p->limit = (int)v;
	}
	snprintf(p->limit_plus_one, sizeof p->limit_plus_one, "%d", p->limit + 1);
	if (c) {
		size_t n;
		unsigned char *raw = strlen(c) < 2048 ? util_b64url_decode(c, &n) : NULL;
		json_t *j = raw ? json_loadb((const char *)raw, n, 0, NULL) : NULL;
		free(raw);
		if (!json_is_array(j)) {
			json_decref(j);
			return err_set(
			        e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
		}
		p->after = arena_json(r->arena, j);
	}
	return 0;
}

const char *page_after(const struct page *p, int i)
{
	if (!p->after)
		return NULL;
	json_t *v = json_array_get(p->after, (size_t)i);
	if (json_is_string(v))
		return json_string_value(v);
	return NULL;
}

/* The opaque cursor for a row's sort values (integers as text, as the SQL reads them). */
static json_t *cursor_of(const json_t *values)
{
	json_t *keys = json_array(), *v;
	size_t i;
	json_array_foreach(values, i, v)
	{
		if (json_is_integer(v))
			json_array_append_new(
			        keys, json_sprintf("%lld", (long long)json_integer_value(v)));
		else
			json_array_append(keys, v);
	}
	char *s = json_dumps(keys, JSON_COMPACT);
	char *c = util_b64url_encode(s, strlen(s));
	json_t *out = json_string(c);
	free(c);
	free(s);
	json_decref(keys);
	return out;
}

json_t *page_result(
        struct req *r, const struct page *p, json_t *items, const char *const *cursor_keys)
{
	json_t *out = json_object();
	json_t *next = json_null();
	if (json_array_size(items) > (size_t)p->limit) {
		json_array_remove(items, (size_t)p->limit);
		json_t *last = json_array_get(items, (size_t)p->limit - 1);
		json_t *values = json_array();
		for (const char *const *k = cursor_keys; *k; k++) {
			json_t *v = json_object_get(last, *k);
			json_array_append(values, v ? v : json_null());
		}
		json_decref(next);
		next = cursor_of(values);
		json_decref(values);
	}
	(void)r;
	json_object_set_new(out, "items", items);
	json_object_set_new(out, "next", next);
	return out;
}

int page_raw(struct req *r, struct resp *resp, const char *items_json, const char *next_values,
        struct err *e)
{
	json_t *next = json_null();
	if (next_values) {
		json_t *v = json_loads(next_values, 0, NULL);
		if (!json_is_array(v)) {
			json_decref(v);
			return err_set(
			        e, ERR_INTERNAL, NULL, "the page's cursor values are not an array");
		}
		json_decref(next);
		next = cursor_of(v);
		json_decref(v);
	}
	char *n = json_dumps(next, JSON_ENCODE_ANY);
	json_decref(next);
	char *body = arena_printf(r->arena, "{\"items\":%s,\"next\":%s}", items_json, n);
	free(n);
	resp->raw = body;
	resp->raw_len = strlen(body);
	resp->content_type = "application/json";
	return 0;
}

/* ------------------------------------------------------------------ responses */

static enum MHD_Result send_response(struct MHD_Connection *conn, struct req *r, struct resp *resp)
{
	const char *ctype = resp->content_type ? resp->content_type : "application/json";
	struct MHD_Response *mr;
	if (resp->raw) {
		mr = MHD_create_response_from_buffer(
		        resp->raw_len, (void *)resp->raw, MHD_RESPMEM_MUST_COPY);
	} else if (resp->body) {
		char *s = json_dumps(resp->body, JSON_COMPACT | JSON_ENCODE_ANY);
		size_t len = strlen(s);
		mr = MHD_create_response_from_buffer(len, s, MHD_RESPMEM_MUST_FREE);
	} else {
		mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (resp->raw || resp->body)
		MHD_add_response_header(mr, "Content-Type", ctype);
	MHD_add_response_header(mr, "X-Request-Id", r->request_id);
	MHD_add_response_header(mr, "Cache-Control", "no-store");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	if (resp->etag) {
		char etag[64];
		snprintf(etag, sizeof etag, "\"%s\"", resp->etag);
		MHD_add_response_header(mr, "ETag", etag);
	}
	if (resp->location)
		MHD_add_response_header(mr, "Location", resp->location);
	for (int i = 0; i < 4; i++)
		if (resp->extra_header_name[i])
			MHD_add_response_header(
			        mr, resp->extra_header_name[i], resp->extra_header_value[i]);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, mr);
	MHD_destroy_response(mr);
	return ret;
}

/* Turn an error into an RFC 9457 problem document. */
static void problem(struct req *r, struct resp *resp, const struct err *e)
{
	json_t *p = json_object();
	int status = err_http_status(e->code);
	json_object_set_new(p, "type", json_sprintf("urn:concord:problem:%s", err_slug(e->code)));
	json_object_set_new(p, "title", json_string(err_title(e->code)));
	json_object_set_new(p, "status", json_integer(status));
	if (e->code == ERR_INTERNAL) {
		json_object_set_new(p, "detail",
		        json_string("an internal error occurred; quote the request id to support"));
	} else {
		char detail[1024];
		if (e->field[0])
			snprintf(detail, sizeof detail, "%s: %s", e->field, e->message);
		else
			snprintf(detail, sizeof detail, "%s", e->message);
		json_t *d = json_string(detail);
		json_object_set_new(p, "detail", d ? d : json_string(e->message));
		if (e->field[0]) {
			json_t *f = json_string(e->field);
			if (f)
				json_object_set_new(p, "field", f);
		}
	}
	json_object_set_new(p, "instance", json_string(r->path ? r->path : "/"));
	json_object_set_new(p, "request_id", json_string(r->request_id));
	json_decref(resp->body);
	memset(resp, 0, sizeof *resp);
	resp->status = status;
	resp->body = p;
	resp->content_type = "application/problem+json";
	if (e->code == ERR_UNAUTHENTICATED) {
		resp->extra_header_name[0] = "WWW-Authenticate";
		resp->extra_header_value[0] = "Bearer realm=\"concord\"";
	}
	if (e->code == ERR_TOO_MANY || e->code == ERR_UNAVAILABLE) {
		resp->extra_header_name[1] = "Retry-After";
		resp->extra_header_value[1] = "30";
	}
	if (e->code == ERR_INTERNAL || e->code == ERR_UNAVAILABLE)
		log_error("request failed: %s (%s)", e->message, e->detail_log);
}

/* --------------------------------------------------------------- body checks */

static bool is_json_media(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	       (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0 &&
	               strncasecmp(ct, "application/", 12) == 0);
}

static int parse_body(struct req *r, struct err *e)
{
	if (r->body_len == 0)
		return 0;
	if (!is_json_media(req_header(r, "Content-Type")))
		return err_set(e, ERR_MEDIA_TYPE, "Content-Type",
		        "request bodies must be application/json");
	if (!util_utf8_valid(r->body_raw, r->body_len))
		return err_set(e, ERR_INVALID, "", "request body is not valid UTF-8");
	json_error_t je;
	json_t *j = json_loadb(r->body_raw, r->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!j && json_error_code(&je) == json_error_numeric_overflow)
		/* an integer beyond 64 bits (e.g. training compute in FLOP written out in
		 * digits) is a valid JSON number: read the body's integers as reals */
		j = json_loadb(r->body_raw, r->body_len,
		        JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
	if (!j)
		return err_set(e, ERR_INVALID, "", "malformed JSON at line %d, column %d: %s",
		        je.line, je.column, je.text);
	r->body = arena_json(r->arena, j);
	return 0;
}

static int check_query(struct req *r, struct err *e);

/* ---------------------------------------------------------------- idempotency */

static const char idem_get_sql[] =
        "SELECT method, path, body_hash, status, response, headers::text FROM idempotency_keys"
        " WHERE tenant_id = $1 AND principal = $2 AND key = $3"
        "   AND created_at > now() - interval '24 hours'";
static const char idem_put_sql[] =
        "INSERT INTO idempotency_keys (tenant_id, principal, key, method, path, body_hash, status,"
        " response, headers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)"
        " ON CONFLICT (tenant_id, principal, key) DO UPDATE SET method = EXCLUDED.method,"
        " path = EXCLUDED.path, body_hash = EXCLUDED.body_hash, status = EXCLUDED.status,"
        " response = EXCLUDED.response, headers = EXCLUDED.headers, created_at = now()"
        " WHERE idempotency_keys.created_at <= now() - interval '24 hours'";

/* Returns 1 when a stored response was loaded into resp, 0 to proceed, -1 on error. */
static int idem_lookup(
        struct req *r, const char *key, const char *body_hash, struct resp *resp, struct err *e)
{
	if (strlen(key) > 200 || !*key)
		return err_set(e, ERR_INVALID, "Idempotency-Key", "must be 1 to 200 characters");
	PGresult *res =
	        db_exec(r->db, r->arena, e, idem_get_sql, 3, r->tenant_id, r->who.user_id, key);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return 0;
	if (strcmp(PQgetvalue(res, 0, 0), r->method) || strcmp(PQgetvalue(res, 0, 1), r->path) ||
	        strcmp(PQgetvalue(res, 0, 2), body_hash))
		return err_set(e, ERR_UNPROCESSABLE, "Idempotency-Key",
		        "this key was already used for a different request");
	resp->status = atoi(PQgetvalue(res, 0, 3));
	resp->raw = PQgetvalue(res, 0, 4);
	resp->raw_len = strlen(resp->raw);
	json_t *h = db_json(r->arena, res, 0, 5);
	resp->content_type = json_string_value(json_object_get(h, "content_type"));
	resp->location = json_string_value(json_object_get(h, "location"));
	resp->etag = json_string_value(json_object_get(h, "etag"));
	resp->extra_header_name[3] = "Idempotent-Replayed";
	resp->extra_header_value[3] = "true";
	return 1;
}

static int idem_store(struct req *r, const char *key, const char *body_hash,
        const struct resp *resp, struct err *e)
{
	char status[16];
	snprintf(status, sizeof status, "%d", resp->status);
	char *body = resp->body ? json_dumps(resp->body, JSON_COMPACT | JSON_ENCODE_ANY)
	                        : xstrdup(resp->raw ? resp->raw : "");
	json_t *h = json_object();
	json_object_set_new(h, "content_type",
	        json_string(resp->content_type ? resp->content_type : "application/json"));
	if (resp->location)
		json_object_set_new(h, "location", json_string(resp->location));
	if (resp->etag)
		json_object_set_new(h, "etag", json_string(resp->etag));
	char *hs = json_dumps(h, JSON_COMPACT);
	json_decref(h);
	PGresult *res = db_exec(r->db, r->arena, e, idem_put_sql, 9, r->tenant_id, r->who.user_id,
	        key, r->method, r->path, body_hash, status, body, hs);
	free(body);
	free(hs);
	return res ? 0 : -1;
}

/* ------------------------------------------------------------------ pipeline */

static void handle_request(struct req *r, struct resp *resp, const struct conn_state *cs)
{
	struct err e = {0};
	bool path_matched, in_tx = false;
	char allow[128];
	const struct route *rt =
	        router_match(r->method, r->path, r, &path_matched, allow, sizeof allow);
	if (!rt) {
		if (path_matched) {
			err_set(&e, ERR_METHOD, NULL, "method %s not allowed here", r->method);
			problem(r, resp, &e);
			resp->extra_header_name[2] = "Allow";
			resp->extra_header_value[2] = arena_strdup(r->arena, allow);
		} else {
			err_set(&e, ERR_NOT_FOUND, NULL, "no such resource");
			problem(r, resp, &e);
		}
		return;
	}
	r->route = rt;
	if (cs->too_large) {
		err_set(&e, ERR_TOO_LARGE, NULL, "request body exceeds %zu bytes", cfg.max_body);
		goto fail;
	}
	if (check_query(r, &e) || parse_body(r, &e))
		goto fail;
	if (!(rt->flags & ROUTE_PUBLIC) && auth_authenticate(r, &e))
		goto fail;
	if (rt->flags & ROUTE_NO_TX) {
		if (rt->handler(r, resp, &e))
			goto fail;
		return;
	}
	r->db = db_thread_conn(cfg.database_url, &e);
	if (!r->db)
		goto fail;
	const char *tenant = NULL;
	if (!(rt->flags & ROUTE_PUBLIC) && auth_select_tenant(r, &tenant, &e))
		goto fail;
	if (db_begin(r->db, r->arena, &e, tenant,
	            r->who.kind != PRINCIPAL_NONE ? r->who.user_id : NULL, r->request_id))
		goto fail;
	in_tx = true;
	r->tenant_id = tenant;
	if (!(rt->flags & ROUTE_PUBLIC) && auth_authorize(r, &e))
		goto fail;

	const char *idem_key = NULL;
	char body_hash[65] = "";
	if (strcmp(r->method, "POST") == 0 && r->tenant_id &&
	        (idem_key = req_header(r, "Idempotency-Key"))) {
		util_sha256_hex(r->body_raw ? r->body_raw : "", r->body_len, body_hash);
		int found = idem_lookup(r, idem_key, body_hash, resp, &e);
		if (found < 0)
			goto fail;
		if (found) {
			db_rollback(r->db);
			return;
		}
	}
	resp->status = 200;
	if (rt->handler(r, resp, &e))
		goto fail;
	if (idem_key && resp->status < 500 && idem_store(r, idem_key, body_hash, resp, &e))
		goto fail;
	if (db_commit(r->db, &e))
		goto fail;
	for (int i = 0; i < r->nafter_commit; i++)
		r->after_commit[i](r, r->after_commit_arg[i]);
	return;
fail:
	if (in_tx) {
		if (r->commit_on_error) {
			struct err e2 = {0};
			if (db_commit(r->db, &e2))
				log_error("commit after error failed: %s", e2.detail_log);
		} else {
			db_rollback(r->db);
		}
	}
	problem(r, resp, &e);
}

/* State for query_cb: the route's accepted parameters and the first offender. */
struct query_check {
	const char *const *allowed;
	const char *bad;
	bool bad_utf8;
};

static enum MHD_Result query_cb(
        void *cls, enum MHD_ValueKind kind, const char *key, const char *value);

static int check_query(struct req *r, struct err *e)
{
	struct query_check st = {r->route->query, NULL, false};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_cb, &st);
	if (st.bad_utf8)
		return err_set(e, ERR_INVALID, "", "query value is not valid UTF-8");
	if (st.bad) {
		const char *name = util_utf8_valid(st.bad, strlen(st.bad)) ? st.bad : "";
		return err_set(e, ERR_INVALID, name, "unknown query parameter");
	}
	return 0;
}

static enum MHD_Result query_cb(
        void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_check *st = cls;
	(void)kind;
	if (value && !util_utf8_valid(value, strlen(value))) {
		st->bad = key;
		st->bad_utf8 = true;
		return MHD_NO;
	}
	if (strcmp(key, "limit") == 0 || strcmp(key, "cursor") == 0) {
		/* pagination parameters are allowed wherever the route lists "limit" */
		for (const char *const *a = st->allowed; a && *a; a++)
			if (strcmp(*a, "limit") == 0)
				return MHD_YES;
	}
	for (const char *const *a = st->allowed; a && *a; a++)
		if (strcmp(*a, key) == 0)
			return MHD_YES;
	st->bad = key;
	return MHD_NO;
}

/* ----------------------------------------------------------- MHD callbacks */

static bool valid_request_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
        const char *method, const char *version, const char *upload_data, size_t *upload_data_size,
        void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_state *cs = *con_cls;
	if (!cs) {
		cs = xcalloc(1, sizeof *cs);
		cs->arena = arena_new();
		cs->started = util_now_mono();
		const char *rid =
		        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
		if (valid_request_id(rid)) {
			snprintf(cs->request_id, sizeof cs->request_id, "%s", rid);
		} else {
			unsigned char raw[12];
			util_random(raw, sizeof raw);
			util_hex(raw, sizeof raw, cs->request_id);
		}
		const char *cl = MHD_lookup_connection_value(
		        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > cfg.max_body)
			cs->too_large = true;
		atomic_fetch_add(&inflight, 1);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!cs->too_large) {
			if (cs->body_len + *upload_data_size > cfg.max_body) {
				cs->too_large = true;
			} else {
				if (cs->body_len + *upload_data_size + 1 > cs->body_cap) {
					cs->body_cap = (cs->body_len + *upload_data_size + 1) * 2;
					if (cs->body_cap > cfg.max_body + 1)
						cs->body_cap = cfg.max_body + 1;
					cs->body = xrealloc(cs->body, cs->body_cap);
				}
				memcpy(cs->body + cs->body_len, upload_data, *upload_data_size);
				cs->body_len += *upload_data_size;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	struct req r = {0};
	struct resp resp = {0};
	r.arena = cs->arena;
	r.conn = conn;
	r.method = method;
	r.path = url;
	r.request_id = cs->request_id;
	if (cs->body) {
		cs->body[cs->body_len] = '\0';
		r.body_raw = cs->body;
		r.body_len = cs->body_len;
	}
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	r.client_ip = "unknown";
	if (ci && ci->client_addr) {
		char ip[64];
		if (metrics_format_ip(ci->client_addr, ip, sizeof ip) == 0)
			r.client_ip = arena_strdup(r.arena, ip);
	}
	log_set_request_id(cs->request_id);
	handle_request(&r, &resp, cs);
	if (!resp.status)
		resp.status = 200;
	enum MHD_Result ret = send_response(conn, &r, &resp);

	double secs = util_now_mono() - cs->started;
	metrics_observe(r.route, resp.status, secs);
	json_t *f = json_object();
	json_object_set_new(f, "msg", json_string("request"));
	json_object_set_new(f, "method", json_string(method));
	json_t *p = json_string(url);
	json_object_set_new(f, "path", p ? p : json_string("(invalid UTF-8)"));
	if (r.route)
		json_object_set_new(f, "route", json_string(r.route->pattern));
	json_object_set_new(f, "status", json_integer(resp.status));
	json_object_set_new(f, "duration_ms", json_real(secs * 1000.0));
	json_object_set_new(f, "bytes_in", json_integer((json_int_t)cs->body_len));
	json_object_set_new(f, "client_ip", json_string(r.client_ip));
	if (r.tenant_id)
		json_object_set_new(f, "tenant_id", json_string(r.tenant_id));
	if (r.who.kind != PRINCIPAL_NONE)
		json_object_set_new(f, "principal", json_string(r.who.user_id));
	log_json(LOG_INFO, f);
	json_decref(f);
	json_decref(resp.body);
	log_set_request_id(NULL);
	return ret;
}

static void on_completed(
        void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	arena_free(cs->arena);
	free(cs->body);
	free(cs);
	*con_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int server_run(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_in addr = {0};
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg.port);
	if (inet_pton(AF_INET, cfg.listen_addr, &addr.sin_addr) != 1) {
		log_error("CONCORD_LISTEN must be an IPv4 address, got %s", cfg.listen_addr);
		return -1;
	}
	struct MHD_Daemon *d = MHD_start_daemon(
	        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
	        0, NULL, NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg.threads,
	        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED,
	        on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)(64 * 1024), MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
	if (!d) {
		log_error("could not start HTTP server on %s:%d", cfg.listen_addr, cfg.port);
		return -1;
	}
	log_info("listening on http://%s:%d with %d threads", cfg.listen_addr, cfg.port,
	        cfg.threads);
	while (!stop_requested)
		pause();
	log_info("shutting down: no new connections, finishing %d in-flight requests",
	        atomic_load(&inflight));
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 300 && atomic_load(&inflight) > 0; i++)
		usleep(100000);
	MHD_stop_daemon(d);
	log_info("stopped");
	return 0;
}
