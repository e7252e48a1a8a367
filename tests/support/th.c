/*
 * th.c - see th.h.
 */
#include "th.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *base_url(void)
{
	const char *u = getenv("CONCORD_TEST_URL");
	return u ? u : "http://127.0.0.1:18080";
}

struct buf {
	char *p;
	size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	size_t add = size * n;
	b->p = realloc(b->p, b->len + add + 1);
	memcpy(b->p + b->len, ptr, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

int th_req_raw(const char *method, const char *path, const char *token, const char *body,
        size_t len, const char *const *headers, struct th_resp *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	char url[4096], auth[8300];
	struct curl_slist *hl = NULL;
	struct buf b = {calloc(1, 1), 0}, h = {calloc(1, 1), 0};
	snprintf(url, sizeof url, "%s%s", base_url(), path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		hl = curl_slist_append(hl, auth);
	}
	bool has_ct = false;
	for (const char *const *x = headers; x && *x; x++) {
		hl = curl_slist_append(hl, *x);
		if (strncasecmp(*x, "Content-Type:", 13) == 0)
			has_ct = true;
	}
	if (body) {
		if (!has_ct)
			hl = curl_slist_append(hl, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	out->body = b.p;
	out->len = b.len;
	out->headers = h.p;
	if (b.len)
		out->json = json_loadb(b.p, b.len, 0, NULL);
	return rc == CURLE_OK ? 0 : -1;
}

int th_req(const char *method, const char *path, const char *token, const char *body,
        const char *const *headers, struct th_resp *out)
{
	return th_req_raw(method, path, token, body, body ? strlen(body) : 0, headers, out);
}

void th_free(struct th_resp *r)
{
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

char *th_header(const struct th_resp *r, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = r->headers; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			break;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			return strndup(v, (size_t)(eol - v));
		}
		p = eol + 2;
	}
	return NULL;
}

const char *th_str(const struct th_resp *r, const char *key)
{
	return json_string_value(json_object_get(r->json, key));
}

const char *th_unique(void)
{
	static char buf[32];
	static int n;
	snprintf(buf, sizeof buf, "%x%x%d", (unsigned)getpid(), (unsigned)time(NULL) & 0xffff, n++);
	return buf;
}

int th_sh(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

char *th_login(const char *email, const char *password, const char *tenant_slug)
{
	json_t *b = json_pack("{s:s, s:s}", "email", email, "password", password);
	if (tenant_slug)
		json_object_set_new(b, "tenant", json_string(tenant_slug));
	char *s = json_dumps(b, 0);
	json_decref(b);
	struct th_resp r;
	th_req("POST", "/v1/auth/login", NULL, s, NULL, &r);
	free(s);
	char *tok = r.status == 200 && th_str(&r, "access_token")
	                    ? strdup(th_str(&r, "access_token"))
	                    : NULL;
	th_free(&r);
	return tok;
}

void th_new_operator(struct th_operator *op)
{
	memset(op, 0, sizeof *op);
	snprintf(op->slug, sizeof op->slug, "op-%s", th_unique());
	snprintf(op->email, sizeof op->email, "admin@%s.example", op->slug);
	snprintf(op->password, sizeof op->password, "pw-%s-long-enough", op->slug);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/concord-api create-operator %s 'Consultancy %s' %s %s",
	        getenv("CONCORD_TEST_BIN"), op->slug, op->slug, op->email, op->password);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char line[512] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
	ck_assert_int_eq(pclose(p), 0);
	json_t *j = json_loads(line, 0, NULL);
	ck_assert_ptr_nonnull(j);
	snprintf(op->tenant_id, sizeof op->tenant_id, "%s",
	        json_string_value(json_object_get(j, "tenant_id")));
	snprintf(op->user_id, sizeof op->user_id, "%s",
	        json_string_value(json_object_get(j, "user_id")));
	json_decref(j);

	json_t *b = json_pack("{s:s, s:s}", "email", op->email, "password", op->password);
	char *s = json_dumps(b, 0);
	json_decref(b);
	struct th_resp r;
	th_req("POST", "/v1/auth/login", NULL, s, NULL, &r);
	free(s);
	ck_assert_msg(r.status == 200, "login failed: %ld %s", r.status, r.body);
	op->token = strdup(th_str(&r, "access_token"));
	op->refresh = strdup(th_str(&r, "refresh_token"));
	th_free(&r);
}

void th_operator_free(struct th_operator *op)
{
	free(op->token);
	free(op->refresh);
}

void th_new_client(const struct th_operator *op, char *id_out)
{
	char body[256];
	snprintf(body, sizeof body, "{\"slug\":\"cl-%s\",\"name\":\"Client %s\"}", th_unique(),
	        th_unique());
	struct th_resp r;
	th_req("POST", "/v1/tenants", op->token, body, NULL, &r);
	ck_assert_msg(r.status == 201, "create client: %ld %s", r.status, r.body);
	snprintf(id_out, 37, "%s", th_str(&r, "id"));
	th_free(&r);
}

char *th_new_user(const struct th_operator *op, const char *tenant, const char *role,
        char *email_out, size_t n)
{
	char body[512], hdr[128], email[160];
	snprintf(email, sizeof email, "%s-%s@client.example", role, th_unique());
	snprintf(body, sizeof body,
	        "{\"email\":\"%s\",\"display_name\":\"Test "
	        "%s\",\"password\":\"correct-horse-battery\","
	        "\"role\":\"%s\"}",
	        email, role, role);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", tenant);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("POST", "/v1/users", op->token, body, h, &r);
	ck_assert_msg(r.status == 201, "create user: %ld %s", r.status, r.body);
	th_free(&r);
	if (email_out)
		snprintf(email_out, n, "%s", email);
	/* the user's home tenant is `tenant`; sign in there */
	char slug_sql[256];
	snprintf(slug_sql, sizeof slug_sql, "SELECT slug FROM tenants WHERE id = '%s'", tenant);
	char *slug = th_sql(slug_sql);
	char *tok = th_login(email, "correct-horse-battery", slug);
	free(slug);
	ck_assert_ptr_nonnull(tok);
	return tok;
}

char *th_sql(const char *sql)
{
	const char *url = getenv("DATABASE_SUPER_URL");
	ck_assert_ptr_nonnull(url);
	PGconn *c = PQconnectdb(url);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "connect: %s", PQerrorMessage(c));
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	ck_assert_msg(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "sql %s: %s", sql,
	        PQresultErrorMessage(r));
	char *out = NULL;
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		out = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return out;
}

bool th_wait_json(const char *path, const char *token, const char *const *headers, const char *key,
        const char *want, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		struct th_resp r;
		th_req("GET", path, token, NULL, headers, &r);
		const char *v = th_str(&r, key);
		bool ok = v && strcmp(v, want) == 0;
		th_free(&r);
		if (ok)
			return true;
		usleep(100000);
	}
	return false;
}

char *th_p(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	va_end(ap);
	return s;
}

char *th_j(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	va_end(ap);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

json_t *th_call(
        const char *token, const char *method, char *path, char *body, const char *etag, long want)
{
	char hdr[64];
	snprintf(hdr, sizeof hdr, "If-Match: \"%s\"", etag ? etag : "");
	const char *h[] = {etag ? hdr : NULL, NULL};
	struct th_resp r;
	th_req(method, path, token, body, h, &r);
	ck_assert_msg(r.status == want, "%s %s: want %ld got %ld: %s", method, path, want, r.status,
	        r.body);
	json_t *j = r.json ? json_incref(r.json) : NULL;
	th_free(&r);
	free(body);
	free(path);
	return j;
}

void th_problem(const char *token, const char *method, char *path, char *body, const char *etag,
        long status, const char *field)
{
	json_t *p = th_call(token, method, path, body, etag, status);
	const char *f = json_string_value(json_object_get(p, "field"));
	ck_assert_msg(f && strcmp(f, field) == 0, "field %s, want %s", f ? f : "(none)", field);
	json_decref(p);
}

/* th_sqlp / th_count: the parameters from a NULL-terminated va_list. */
static char *sql_params(const char *sql, va_list ap)
{
	const char *params[16];
	int n = 0;
	for (const char *v; (v = va_arg(ap, const char *)) != NULL;) {
		ck_assert_int_lt(n, 16);
		params[n++] = v;
	}
	const char *url = getenv("DATABASE_SUPER_URL");
	ck_assert_ptr_nonnull(url);
	PGconn *c = PQconnectdb(url);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "connect: %s", PQerrorMessage(c));
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	ck_assert_msg(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "sql %s: %s", sql,
	        PQresultErrorMessage(r));
	char *out = NULL;
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		out = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return out;
}

char *th_sqlp(const char *sql, ...)
{
	va_list ap;
	va_start(ap, sql);
	char *out = sql_params(sql, ap);
	va_end(ap);
	return out;
}

long long th_count(const char *sql, ...)
{
	va_list ap;
	va_start(ap, sql);
	char *v = sql_params(sql, ap);
	va_end(ap);
	long long n = v ? atoll(v) : 0;
	free(v);
	return n;
}
