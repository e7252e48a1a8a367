/*
 * baseline.c - see baseline.h.
 */
#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "util.h"

#define BASELINE_META                                                                              \
	"jsonb_build_object('kind', kind, 'number', number, 'sha256', sha256, 'item_count', \
	item_count, 'approved_by', approved_by, 'approved_at', approved_at, 'note', note)"

static const char next_sql[] = "SELECT coalesce(max(number), 0) + 1 FROM baselines WHERE kind = $1";
static const char lock_sql[] = "SELECT pg_advisory_xact_lock(hashtext(app_tenant()::text || $1))";
static const char insert_sql[] =
        "INSERT INTO baselines (tenant_id, kind, number, content, sha256, item_count, approved_by,"
        " note) VALUES (app_tenant(), $1, $2::int, $3::jsonb, $4, $5::int, $6, coalesce($7, ''))"
        " RETURNING " BASELINE_META;
static const char get_sql[] = "SELECT " BASELINE_META ", content FROM baselines"
                              " WHERE kind = $1 AND number = $2::int";
static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(" BASELINE_META " ORDER BY number), '[]') FROM baselines"
        " WHERE kind = $1";

void baseline_hash(const json_t *content, char out[65])
{
	char *s = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	util_sha256_hex(s, strlen(s), out);
	free(s);
}

int baseline_freeze(PGconn *c, struct arena *a, const char *kind, const json_t *content,
        const char *approver, const char *note, json_t **out, struct err *e)
{
	const json_t *items = json_object_get(content, "items");
	if (!json_is_array(items))
		return err_set(e, ERR_INTERNAL, NULL, "baseline content without items");
	/* serialise concurrent freezes of the same register */
	if (!db_exec(c, a, e, lock_sql, 1, kind))
		return -1;
	PGresult *n = db_exec(c, a, e, next_sql, 1, kind);
	if (!n)
		return -1;
	char hash[65], count[16];
	baseline_hash(content, hash);
	snprintf(count, sizeof count, "%zu", json_array_size(items));
	char *text = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
	PGresult *r = db_exec(c, a, e, insert_sql, 7, kind, PQgetvalue(n, 0, 0), text, hash, count,
	        approver, note);
	free(text);
	if (!r)
		return -1;
	*out = db_json(a, r, 0, 0);
	return 0;
}

int baseline_get(
        PGconn *c, struct arena *a, const char *kind, int number, json_t **out, struct err *e)
{
	char num[16];
	snprintf(num, sizeof num, "%d", number);
	PGresult *r = db_exec(c, a, e, get_sql, 2, kind, num);
	if (!r)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no version %d of %s", number, kind);
	json_t *meta = db_json(a, r, 0, 0);
	json_t *content = db_json(a, r, 0, 1);
	char hash[65];
	baseline_hash(content, hash);
	json_object_set(meta, "content", content);
	json_object_set_new(meta, "integrity",
	        json_boolean(
	                strcmp(hash, json_string_value(json_object_get(meta, "sha256"))) == 0));
	*out = meta;
	return 0;
}

int baseline_list(PGconn *c, struct arena *a, const char *kind, json_t **out, struct err *e)
{
	PGresult *r = db_exec(c, a, e, list_sql, 1, kind);
	if (!r)
		return -1;
	*out = db_json(a, r, 0, 0);
	return 0;
}

static const json_t *find_item(const json_t *items, const char *key)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *k = json_string_value(json_object_get(it, "key"));
		if (k && strcmp(k, key) == 0)
			return it;
	}
	return NULL;
}

json_t *baseline_diff(const json_t *a, const json_t *b)
{
	const json_t *ia = json_object_get(a, "items"), *ib = json_object_get(b, "items");
	json_t *added = json_array(), *removed = json_array(), *changed = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(ib, i, it)
	{
		const char *key = json_string_value(json_object_get(it, "key"));
		const json_t *old = key ? find_item(ia, key) : NULL;
		if (!old) {
			json_array_append(added, it);
			continue;
		}
		json_t *changes = json_object();
		const char *f;
		json_t *v;
		json_object_foreach(it, f, v)
		{
			json_t *ov = json_object_get(old, f);
			if (!ov || !json_equal(ov, v))
				json_object_set_new(changes, f,
				        json_pack("{s:O, s:O}", "from", ov ? ov : json_null(), "to",
				                v));
		}
		json_object_foreach((json_t *)old, f, v)
		{
			if (!json_object_get(it, f))
				json_object_set_new(
				        changes, f, json_pack("{s:O, s:n}", "from", v, "to"));
		}
		if (json_object_size(changes))
			json_array_append_new(
			        changed, json_pack("{s:s, s:o}", "key", key, "changes", changes));
		else
			json_decref(changes);
	}
	json_array_foreach(ia, i, it)
	{
		const char *key = json_string_value(json_object_get(it, "key"));
		if (!key || !find_item(ib, key))
			json_array_append(removed, it);
	}
	return json_pack("{s:o, s:o, s:o}", "added", added, "removed", removed, "changed", changed);
}
