/*
 * metrics.c - Prometheus text metrics: request counts by route, method and status,
 * latency histograms by route and status class, and job counts by type and state
 * (read from PostgreSQL at scrape time).
 *
 * Counters are relaxed atomics in a fixed table indexed by route, so recording a
 * request takes no lock. The route index is found by scanning the route tables
 * (a few hundred pointer comparisons).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"

#define MAX_ROUTES 512
static const int statuses[] = {200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 409, 410, 412, 413,
        415, 422, 428, 429, 500, 503};
#define NSTATUS (int)(sizeof statuses / sizeof statuses[0])
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKET (int)(sizeof buckets / sizeof buckets[0])

struct route_metrics {
	atomic_ullong count[NSTATUS + 1]; /* last slot: other statuses */
	atomic_ullong hist[4][NBUCKET + 1];
	atomic_ullong sum_us[4];
	atomic_ullong n[4];
};

static struct route_metrics metrics[MAX_ROUTES + 1]; /* last slot: unmatched routes */

static int route_index(const struct route *rt)
{
	int i = 0;
	if (!rt)
		return MAX_ROUTES;
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *x = *t; x->method; x++, i++)
			if (x == rt)
				return i < MAX_ROUTES ? i : MAX_ROUTES;
	return MAX_ROUTES;
}

void metrics_observe(const struct route *rt, int status, double seconds)
{
	struct route_metrics *m = &metrics[route_index(rt)];
	int s = NSTATUS;
	for (int i = 0; i < NSTATUS; i++)
		if (statuses[i] == status) {
			s = i;
			break;
		}
	atomic_fetch_add_explicit(&m->count[s], 1, memory_order_relaxed);
	int cls = status / 100 - 2;
	if (cls < 0 || cls > 3)
		cls = 3;
	int b = NBUCKET;
	for (int i = 0; i < NBUCKET; i++)
		if (seconds <= buckets[i]) {
			b = i;
			break;
		}
	atomic_fetch_add_explicit(&m->hist[cls][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(
	        &m->sum_us[cls], (unsigned long long)(seconds * 1e6), memory_order_relaxed);
	atomic_fetch_add_explicit(&m->n[cls], 1, memory_order_relaxed);
}

int metrics_format_ip(const struct sockaddr *sa, char *out, size_t n)
{
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
		               (socklen_t)n)
		               ? 0
		               : -1;
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		               (socklen_t)n)
		               ? 0
		               : -1;
	return -1;
}

struct buf {
	char *p;
	size_t len, cap;
	struct arena *a;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t ncap = b->cap * 2 + (size_t)(n > 0 ? n : 0);
		char *np = arena_alloc(b->a, ncap);
		memcpy(np, b->p, b->len);
		b->p = np;
		b->cap = ncap;
	}
}

static void emit_route(struct buf *b, const struct route *rt, struct route_metrics *m)
{
	const char *method = rt ? rt->method : "";
	const char *pat = rt ? rt->pattern : "unmatched";
	static const char *const classes[] = {"2xx", "3xx", "4xx", "5xx"};
	for (int s = 0; s <= NSTATUS; s++) {
		unsigned long long c = atomic_load_explicit(&m->count[s], memory_order_relaxed);
		if (!c)
			continue;
		if (s < NSTATUS)
			bprintf(b,
			        "concord_http_requests_total{method=\"%s\",route=\"%s\",status=\"%"
			        "d\"} "
			        "%llu\n",
			        method, pat, statuses[s], c);
		else
			bprintf(b,
			        "concord_http_requests_total{method=\"%s\",route=\"%s\",status="
			        "\"other\"}"
			        " %llu\n",
			        method, pat, c);
	}
	for (int cls = 0; cls < 4; cls++) {
		unsigned long long n = atomic_load_explicit(&m->n[cls], memory_order_relaxed);
		if (!n)
			continue;
		unsigned long long cum = 0;
		for (int i = 0; i <= NBUCKET; i++) {
			cum += atomic_load_explicit(&m->hist[cls][i], memory_order_relaxed);
			if (i < NBUCKET)
				bprintf(b,
				        "concord_http_request_duration_seconds_bucket{method=\"%"
				        "s\","
				        "route=\"%s\",status_class=\"%s\",le=\"%g\"} %llu\n",
				        method, pat, classes[cls], buckets[i], cum);
			else
				bprintf(b,
				        "concord_http_request_duration_seconds_bucket{method=\"%"
				        "s\","
				        "route=\"%s\",status_class=\"%s\",le=\"+Inf\"} %llu\n",
				        method, pat, classes[cls], cum);
		}
		bprintf(b,
		        "concord_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\","
		        "status_class=\"%s\"} %.6f\n",
		        method, pat, classes[cls],
		        (double)atomic_load_explicit(&m->sum_us[cls], memory_order_relaxed) / 1e6);
		bprintf(b,
		        "concord_http_request_duration_seconds_count{method=\"%s\",route=\"%s\","
		        "status_class=\"%s\"} %llu\n",
		        method, pat, classes[cls], n);
	}
}

int metrics_render(struct req *r, struct resp *resp, struct err *e)
{
	struct buf b = {arena_alloc(r->arena, 8192), 0, 8192, r->arena};
	bprintf(&b, "# HELP concord_http_requests_total HTTP requests by route and status.\n"
	            "# TYPE concord_http_requests_total counter\n");
	bprintf(&b, "# HELP concord_http_request_duration_seconds Request latency.\n"
	            "# TYPE concord_http_request_duration_seconds histogram\n");
	int i = 0;
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *x = *t; x->method && i < MAX_ROUTES; x++, i++)
			emit_route(&b, x, &metrics[i]);
	emit_route(&b, NULL, &metrics[MAX_ROUTES]);

	bprintf(&b, "# HELP concord_jobs Jobs by type and state.\n# TYPE concord_jobs gauge\n");
	PGconn *c = db_thread_conn(cfg.database_url, e);
	PGresult *res =
	        c ? db_exec(c, r->arena, e,
	                    "SELECT type, state, n FROM jobs_state_counts() ORDER BY 1, 2", 0)
	          : NULL;
	if (res) {
		for (int row = 0; row < PQntuples(res); row++)
			bprintf(&b, "concord_jobs{type=\"%s\",state=\"%s\"} %s\n",
			        PQgetvalue(res, row, 0), PQgetvalue(res, row, 1),
			        PQgetvalue(res, row, 2));
		bprintf(&b, "concord_database_up 1\n");
	} else {
		bprintf(&b, "concord_database_up 0\n");
	}
	resp->raw = b.p;
	resp->raw_len = b.len;
	resp->content_type = "text/plain; version=0.0.4";
	return 0;
}
