/*
 * audit.c - the audit trail, read-only: list a tenant's events and verify its hash
 * chain.
 *
 *   GET /v1/audit-events          newest first by seq, cursor pagination; filters
 *                                 entity_type, entity_id, actor_id, action, and the
 *                                 time window since <= at <= until
 *   GET /v1/audit-events/verify   recompute the whole chain in C (lib/auditchain.c)
 *                                 and report the first broken link, if any
 *
 * Events are written only by audit_append() (audit_record() in server.c); the
 * application role has no UPDATE or DELETE on them, so a broken chain means someone
 * changed the table behind the API's back.
 *
 * The list is the hot read path (see bench/): PostgreSQL builds the page - items and
 * the next cursor - in one statement and the handler sends its text as it is, without
 * parsing and re-printing it. Verification streams the events in keyset batches of
 * VERIFY_BATCH rows, each result freed before the next, so its memory is constant
 * whatever the length of the trail. Handlers run on the HTTP pool threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auditchain.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

#define VERIFY_BATCH "1000"

/* An event as the API shows it; keys in this order. json (text), not jsonb: the page
 * is only printed, and building jsonb for it costs several times more. */
#define EVENT_JSON                                                                                 \
	"json_build_object('seq', s.seq, 'id', s.id, 'at', s.at, 'actor_id', s.actor_id,"          \
	" 'action', s.action, 'entity_type', s.entity_type, 'entity_id', s.entity_id,"             \
	" 'before', s.before, 'after', s.after, 'request_id', s.request_id,"                       \
	" 'prev_hash', encode(s.prev_hash, 'hex'), 'hash', encode(s.hash, 'hex'))"

/* One page: the newest $10 = limit + 1 matching events, numbered; the items are the
 * first $9 = limit of them and, when the extra one exists, the next cursor is the seq
 * of the last item. Objects are built for the items only. */
static const char list_sql[] =
        "SELECT coalesce(json_agg(" EVENT_JSON
        " ORDER BY s.seq DESC) FILTER (WHERE s.n <= $9::int),"
        "  '[]'),"
        " CASE WHEN count(*) > $9::int THEN min(s.seq) FILTER (WHERE s.n <= $9::int) END"
        " FROM (SELECT e.seq, e.id, e.at, e.actor_id, e.action, e.entity_type, e.entity_id,"
        "   e.before, e.after, e.request_id, e.prev_hash, e.hash,"
        "   row_number() OVER (ORDER BY e.seq DESC) AS n"
        "  FROM audit_events e"
        "  WHERE e.tenant_id = $1"
        "   AND ($2::text IS NULL OR e.entity_type = $2)"
        "   AND ($3::text IS NULL OR e.entity_id = $3)"
        "   AND ($4::uuid IS NULL OR e.actor_id = $4::uuid)"
        "   AND ($5::text IS NULL OR e.action = $5)"
        "   AND ($6::timestamptz IS NULL OR e.at >= $6::timestamptz)"
        "   AND ($7::timestamptz IS NULL OR e.at <= $7::timestamptz)"
        "   AND ($8::bigint IS NULL OR e.seq < $8::bigint)"
        "  ORDER BY e.seq DESC LIMIT $10::int) s";

static const char head_sql[] =
        "SELECT seq, encode(hash, 'hex') FROM audit_heads WHERE tenant_id = $1";
static const char batch_sql[] =
        "SELECT e.seq, encode(e.prev_hash, 'hex'), encode(e.hash, 'hex'), audit_canonical(e)"
        " FROM audit_events e WHERE e.tenant_id = $1 AND e.seq > $2::bigint AND e.seq <= $3::bigint"
        " ORDER BY e.seq LIMIT " VERIFY_BATCH;
/* head and last stored seq in one snapshot: events beyond the head mean it moved back */
static const char tail_sql[] =
        "SELECT coalesce((SELECT seq FROM audit_heads WHERE tenant_id = $1), 0),"
        " coalesce((SELECT max(seq) FROM audit_events WHERE tenant_id = $1), 0)";

static const char *const list_query[] = {
        "limit", "entity_type", "entity_id", "actor_id", "action", "since", "until", NULL};

/* entity_type and action are short machine names: "tenant", "user.role_change". */
static int check_name(const char *v, const char *field, size_t max, struct err *e)
{
	size_t n = strlen(v);
	if (n == 0 || n > max)
		return err_set(e, ERR_INVALID, field, "must be 1 to %zu characters", max);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            strchr("_.:-", c)))
			return err_set(e, ERR_INVALID, field,
			        "may contain only letters, digits and _ . : -");
	}
	return 0;
}

static int check_time(struct req *r, const char *v, const char *field, struct err *e)
{
	static const struct jv_field f = {"time", JV_TIME, 0, .max = 40};
	return jv_check_value(arena_json(r->arena, json_string(v)), &f, field, e);
}

static int audit_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *etype = req_query(r, "entity_type"), *eid = req_query(r, "entity_id"),
	           *actor = req_query(r, "actor_id"), *action = req_query(r, "action"),
	           *since = req_query(r, "since"), *until = req_query(r, "until");
	if (page_begin(r, &pg, e) || (etype && check_name(etype, "entity_type", 64, e)) ||
	        (action && check_name(action, "action", 100, e)) ||
	        (since && check_time(r, since, "since", e)) ||
	        (until && check_time(r, until, "until", e)))
		return -1;
	if (eid && (!*eid || strlen(eid) > 200))
		return err_set(e, ERR_INVALID, "entity_id", "must be 1 to 200 characters");
	if (actor && !util_is_uuid(actor))
		return err_set(e, ERR_INVALID, "actor_id", "must be a UUID");
	const char *before = page_after(&pg, 0);
	if (pg.after) {
		size_t n = before ? strlen(before) : 0;
		if (n == 0 || n > 18 || strspn(before, "0123456789") != n)
			return err_set(
			        e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	}
	char limit[16];
	snprintf(limit, sizeof limit, "%d", pg.limit);
	const char *p[] = {r->tenant_id, etype, eid, actor, action, since, until, before, limit,
	        pg.limit_plus_one};
	PGresult *res = db_execv(r->db, r->arena, e, list_sql, 10, p);
	if (!res)
		return -1;
	const char *next = "null";
	if (!PQgetisnull(res, 0, 1)) {
		char keys[40];
		snprintf(keys, sizeof keys, "[\"%s\"]", PQgetvalue(res, 0, 1));
		char *c = util_b64url_encode(keys, strlen(keys));
		next = arena_printf(r->arena, "\"%s\"", c);
		free(c);
	}
	/* the items are json text from PostgreSQL: valid JSON, sent as they are (copied
	 * with memcpy: a page is tens of kilobytes, printf would scan it twice) */
	static const char head[] = "{\"items\":", mid[] = ",\"next\":";
	size_t ni = (size_t)PQgetlength(res, 0, 0), nn = strlen(next);
	size_t len = sizeof head - 1 + ni + sizeof mid - 1 + nn + 1;
	char *body = arena_alloc(r->arena, len + 1), *o = body;
	memcpy(o, head, sizeof head - 1);
	o += sizeof head - 1;
	memcpy(o, PQgetvalue(res, 0, 0), ni);
	o += ni;
	memcpy(o, mid, sizeof mid - 1);
	o += sizeof mid - 1;
	memcpy(o, next, nn);
	o += nn;
	*o++ = '}';
	*o = '\0';
	resp->raw = body;
	resp->raw_len = len;
	resp->content_type = "application/json";
	return 0;
}

/* Decode a hex hash from the database into out. Anything that is not a hash of at
 * most AUDITCHAIN_HASH_MAX bytes becomes that many zero bytes: the verifier only ever
 * accepts 32-byte SHA-256 values, so such a value can never match. */
static size_t hash_bytes(const char *hex, unsigned char out[AUDITCHAIN_HASH_MAX])
{
	size_t n = strlen(hex);
	if (n % 2 == 0 && n <= 2 * AUDITCHAIN_HASH_MAX && util_unhex(hex, out, n / 2) == 0)
		return n / 2;
	memset(out, 0, AUDITCHAIN_HASH_MAX);
	return AUDITCHAIN_HASH_MAX;
}

static int audit_verify(struct req *r, struct resp *resp, struct err *e)
{
	struct auditchain ch;
	unsigned char head_hash[AUDITCHAIN_HASH_MAX];
	size_t head_len = 0;
	long long head_seq = 0;
	char head_text[24] = "0", head_hex[2 * AUDITCHAIN_HASH_MAX + 1] = "";
	auditchain_init(&ch);

	PGresult *h = db_exec(r->db, r->arena, e, head_sql, 1, r->tenant_id);
	if (!h)
		return -1;
	if (PQntuples(h) == 1) {
		head_seq = atoll(PQgetvalue(h, 0, 0));
		snprintf(head_text, sizeof head_text, "%lld", head_seq);
		snprintf(head_hex, sizeof head_hex, "%s", PQgetvalue(h, 0, 1));
		head_len = hash_bytes(PQgetvalue(h, 0, 1), head_hash);
	}

	/* keyset batches up to the head read above; events appended meanwhile lie beyond
	 * it and are left for the next verification */
	char after[24] = "0";
	for (;;) {
		const char *p[] = {r->tenant_id, after, head_text};
		PGresult *b = db_execv(r->db, NULL, e, batch_sql, 3, p);
		if (!b)
			return -1;
		int n = PQntuples(b);
		bool broken = false;
		for (int i = 0; i < n && !broken; i++) {
			unsigned char prev[AUDITCHAIN_HASH_MAX], hash[AUDITCHAIN_HASH_MAX];
			struct auditchain_row row = {
			        .seq = atoll(PQgetvalue(b, i, 0)),
			        .prev_hash = prev,
			        .prev_len = hash_bytes(PQgetvalue(b, i, 1), prev),
			        .hash = hash,
			        .hash_len = hash_bytes(PQgetvalue(b, i, 2), hash),
			        .canonical = PQgetvalue(b, i, 3),
			        .canonical_len = (size_t)PQgetlength(b, i, 3),
			};
			broken = auditchain_feed(&ch, &row) != 0;
		}
		if (n > 0)
			snprintf(after, sizeof after, "%s", PQgetvalue(b, n - 1, 0));
		PQclear(b);
		if (broken || n < atoi(VERIFY_BATCH))
			break;
	}
	if (ch.fault == AUDITCHAIN_OK &&
	        auditchain_finish(&ch, head_seq, head_hash, head_len) == 0) {
		PGresult *t = db_exec(r->db, r->arena, e, tail_sql, 1, r->tenant_id);
		if (!t)
			return -1;
		auditchain_check_tail(&ch, atoll(PQgetvalue(t, 0, 0)), atoll(PQgetvalue(t, 0, 1)));
	}

	json_t *out = json_object();
	json_object_set_new(out, "ok", json_boolean(ch.fault == AUDITCHAIN_OK));
	json_object_set_new(out, "checked", json_integer(ch.checked));
	json_object_set_new(out, "head",
	        json_pack("{s:I, s:s}", "seq", (json_int_t)head_seq, "hash", head_hex));
	if (ch.fault == AUDITCHAIN_OK)
		json_object_set_new(out, "first_break", json_null());
	else
		json_object_set_new(out, "first_break",
		        json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)ch.fault_seq, "reason",
		                auditchain_fault_name(ch.fault), "detail", ch.detail));
	resp->body = out;
	return 0;
}

const struct route audit_routes[] = {
        {"GET", "/v1/audit-events", audit_list, "audit:read", 0,
                "The tenant's audit trail, newest first, with filters", list_query},
        {"GET", "/v1/audit-events/verify", audit_verify, "audit:read", 0,
                "Recompute the tenant's audit hash chain and report the first broken link"},
        {NULL},
};
