/*
 * demo.c - load a demo engagement into a client tenant through the HTTP API
 * (`concord-api demo-load`, run by `make run`), so that the demo data passes the same
 * validation, permission checks, audit trail and row-level security as a client's
 * own work.
 *
 * The steps file (tenants/demo/engagement.json) is {"steps": [{method, path, body?,
 * if_match?, status, save?}]}: each step is one request, expected to answer `status`;
 * "save": "name" keeps the answer's "id" as {{name}} for later paths and string values
 * in bodies; {{me}} is the signed-in user. The tenant is named by slug or id and
 * addressed with X-Concord-Tenant. Loading is skipped when the tenant already has
 * documents (a second `make run` keeps what is there). The first unexpected answer
 * stops the load and is reported with its problem document.
 *
 * Runs in the CLI process (one thread); HTTP through libcurl.
 */
#include "demo.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct buf {
	char *p;
	size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	size_t add = size * n;
	char *p = realloc(b->p, b->len + add + 1);
	if (!p)
		return 0;
	b->p = p;
	memcpy(b->p + b->len, ptr, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

struct client {
	CURL *curl;
	const char *url;
	char auth[4096];
	char tenant[128];
};

/* One request; *out the parsed JSON answer (or NULL). Returns the status, -1 on a
 * transport error. */
static long request(struct client *c, const char *method, const char *path, const json_t *body,
        const char *if_match, json_t **out)
{
	struct buf b = {0};
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	char line[256];
	if (c->auth[0])
		h = curl_slist_append(h, c->auth);
	if (c->tenant[0])
		h = curl_slist_append(h, c->tenant);
	if (if_match) {
		snprintf(line, sizeof line, "If-Match: \"%s\"", if_match);
		h = curl_slist_append(h, line);
	}
	char *url = NULL, *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	long status = -1;
	if (asprintf(&url, "%s%s", c->url, path) < 0)
		url = NULL;
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 60L);
	if (text)
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, text);
	else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0)
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, "");
	if (url && curl_easy_perform(c->curl) == CURLE_OK)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	*out = b.p ? json_loads(b.p, 0, NULL) : NULL;
	free(b.p);
	free(text);
	free(url);
	curl_slist_free_all(h);
	return status;
}

/* s with every {{name}} replaced by vars[name] (malloc'd); NULL naming an unknown one. */
static char *expand(const char *s, const json_t *vars, char *unknown, size_t n)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	while (*s) {
		const char *open = strstr(s, "{{"), *close = open ? strstr(open, "}}") : NULL;
		if (!close) {
			open = s + strlen(s);
		}
		size_t lit = (size_t)(open - s);
		const char *val = NULL;
		char name[64] = "";
		if (close) {
			snprintf(name, sizeof name, "%.*s", (int)(close - open - 2), open + 2);
			val = json_string_value(json_object_get(vars, name));
			if (!val) {
				snprintf(unknown, n, "%s", name);
				free(out);
				return NULL;
			}
		}
		size_t need = len + lit + (val ? strlen(val) : 0) + 1;
		if (need > cap) {
			cap = need * 2;
			char *p = realloc(out, cap);
			if (!p) {
				free(out);
				return NULL;
			}
			out = p;
		}
		memcpy(out + len, s, lit);
		len += lit;
		if (val) {
			memcpy(out + len, val, strlen(val));
			len += strlen(val);
		}
		s = close ? close + 2 : open;
	}
	out[len] = '\0';
	return out;
}

/* A copy of v with {{name}} expanded in every string (new reference, or NULL). */
static json_t *expand_json(const json_t *v, const json_t *vars, char *unknown, size_t n)
{
	if (json_is_string(v)) {
		char *s = expand(json_string_value(v), vars, unknown, n);
		json_t *out = s ? json_string(s) : NULL;
		free(s);
		return out;
	}
	if (json_is_array(v)) {
		json_t *out = json_array(), *x;
		size_t i;
		json_array_foreach(v, i, x)
		{
			json_t *e = expand_json(x, vars, unknown, n);
			if (!e) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, e);
		}
		return out;
	}
	if (json_is_object(v)) {
		json_t *out = json_object(), *x;
		const char *k;
		json_object_foreach((json_t *)v, k, x)
		{
			json_t *e = expand_json(x, vars, unknown, n);
			if (!e) {
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, k, e);
		}
		return out;
	}
	return json_deep_copy(v);
}

/* The id of the tenant named by slug (or the id itself) among those the caller sees. */
static int find_tenant(struct client *c, const char *name, char id[37], struct err *e)
{
	json_t *list = NULL, *t;
	long st = request(c, "GET", "/v1/tenants?limit=200", NULL, NULL, &list);
	size_t i;
	int rc = -1;
	json_array_foreach(json_object_get(list, "items"), i, t)
	{
		const char *slug = json_string_value(json_object_get(t, "slug")),
		           *tid = json_string_value(json_object_get(t, "id"));
		if (tid && ((slug && strcmp(slug, name) == 0) || strcmp(tid, name) == 0)) {
			snprintf(id, 37, "%s", tid);
			rc = 0;
		}
	}
	json_decref(list);
	if (rc)
		err_set(e, ERR_NOT_FOUND, "tenant",
		        "no tenant %s among the caller's (GET /v1/tenants: %ld)", name, st);
	return rc;
}

static int run_steps(struct client *c, const json_t *steps, json_t *vars, int *done, struct err *e)
{
	size_t i;
	const json_t *s;
	json_array_foreach(steps, i, s)
	{
		const char *method = json_string_value(json_object_get(s, "method")),
		           *path = json_string_value(json_object_get(s, "path")),
		           *save = json_string_value(json_object_get(s, "save")),
		           *if_match = json_string_value(json_object_get(s, "if_match"));
		long want = (long)json_integer_value(json_object_get(s, "status"));
		if (!method || !path || !want)
			return err_set(e, ERR_INVALID, "steps",
			        "step %zu needs method, path and status", i);
		char unknown[64] = "";
		char *p = expand(path, vars, unknown, sizeof unknown);
		json_t *body = json_object_get(s, "body") ? expand_json(json_object_get(s, "body"),
		                                                    vars, unknown, sizeof unknown)
		                                          : NULL;
		if (!p || (json_object_get(s, "body") && !body)) {
			free(p);
			json_decref(body);
			return err_set(e, ERR_INVALID, "steps",
			        "step %zu uses {{%s}}, saved by no earlier step", i, unknown);
		}
		json_t *out = NULL;
		long st = request(c, method, p, body, if_match, &out);
		json_decref(body);
		if (st != want) {
			char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
			err_set(e, ERR_UNPROCESSABLE, "steps",
			        "step %zu %s %s answered %ld, expected %ld: %s", i, method, p, st,
			        want, text ? text : "");
			free(text);
			json_decref(out);
			free(p);
			return -1;
		}
		if (save) {
			const json_t *id = json_object_get(out, "id");
			if (!json_is_string(id)) {
				json_decref(out);
				free(p);
				return err_set(e, ERR_UNPROCESSABLE, "steps",
				        "step %zu %s %s: no id to save as %s", i, method, path,
				        save);
			}
			json_object_set(vars, save, (json_t *)id);
		}
		json_decref(out);
		free(p);
		(*done)++;
	}
	return 0;
}

int demo_load(const struct demo_options *o, int *loaded, struct err *e)
{
	json_error_t je;
	json_t *doc = json_load_file(o->file, JSON_REJECT_DUPLICATES, &je);
	*loaded = 0;
	if (!doc || !json_is_array(json_object_get(doc, "steps"))) {
		json_decref(doc);
		return err_set(e, ERR_INVALID, "file", "%s: not a steps file (%s line %d)", o->file,
		        je.text, je.line);
	}
	struct client c = {.curl = curl_easy_init(), .url = o->url};
	json_t *vars = json_object(), *login = NULL, *existing = NULL;
	int rc = -1;
	if (!c.curl) {
		err_set(e, ERR_INTERNAL, NULL, "curl_easy_init failed");
		goto out;
	}
	json_t *cred = json_pack("{s:s, s:s}", "email", o->email, "password", o->password);
	long st = request(&c, "POST", "/v1/auth/login", cred, NULL, &login);
	json_decref(cred);
	const char *token = json_string_value(json_object_get(login, "access_token"));
	if (st != 200 || !token) {
		err_set(e, ERR_UNAUTHENTICATED, "email", "sign-in as %s failed (%ld)", o->email,
		        st);
		goto out;
	}
	snprintf(c.auth, sizeof c.auth, "Authorization: Bearer %s", token);
	json_object_set(vars, "me", json_object_get(login, "user_id"));
	char tenant[37];
	if (find_tenant(&c, o->tenant, tenant, e))
		goto out;
	snprintf(c.tenant, sizeof c.tenant, "X-Concord-Tenant: %s", tenant);
	st = request(&c, "GET", "/v1/documents?limit=1", NULL, NULL, &existing);
	if (st != 200) {
		err_set(e, ERR_UNAVAILABLE, "tenant", "GET /v1/documents answered %ld", st);
		goto out;
	}
	if (json_array_size(json_object_get(existing, "items")) > 0) {
		log_info("demo-load: tenant %s already has documents; nothing loaded", o->tenant);
		rc = 0;
		goto out;
	}
	rc = run_steps(&c, json_object_get(doc, "steps"), vars, loaded, e);
out:
	json_decref(existing);
	json_decref(login);
	json_decref(vars);
	json_decref(doc);
	if (c.curl)
		curl_easy_cleanup(c.curl);
	return rc;
}
