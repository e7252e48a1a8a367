/*
 * links.c - checking and saving the links a request body declares as arrays of ids or
 * of catalog requirement ids, for the modules that keep such links (documents,
 * evidence).
 *
 * links_check() validates every element (a UUID, or "<framework>:<ref>") and then runs
 * a query that returns the 0-based index of the first element that does not resolve in
 * the tenant; the error names that element ("control_ids[2]") and nothing is written.
 * links_replace() replaces the owner's link rows with the array's elements. An absent
 * key leaves the links alone. links_check_all() / links_save_all() do both for a table
 * of link sets; links_refuse_linked() answers 409 naming where an item is still linked.
 * Handlers call these inside the request transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "jsonv.h"

const char links_missing_requirement_sql[] =
        "SELECT x.i - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(id, i)"
        " WHERE NOT EXISTS (SELECT 1 FROM catalog_requirements q"
        "   WHERE q.framework_id = split_part(x.id, ':', 1)"
        "   AND q.ref = substr(x.id, strpos(x.id, ':') + 1)"
        "   AND q.catalog_version = catalog_version_for(q.framework_id))"
        " ORDER BY x.i LIMIT 1";
const char links_missing_control_sql[] =
        "SELECT x.i - 1 FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(id, i)"
        " WHERE NOT EXISTS (SELECT 1 FROM controls c WHERE c.id = x.id::uuid)"
        " ORDER BY x.i LIMIT 1";

static const struct jv_field uuid_item = {"", JV_UUID, 0};
static const struct jv_field ref_item = {"", JV_STRING, 0, .max = 80};

int links_check(struct req *r, const json_t *b, const char *key, enum link_kind kind,
        const char *missing_sql, const char *what, struct err *e)
{
	const json_t *arr = json_object_get(b, key), *v;
	size_t i;
	json_array_foreach(arr, i, v)
	{
		char path[96];
		snprintf(path, sizeof path, "%s[%zu]", key, i);
		if (jv_check_value(v, kind == LINK_UUID ? &uuid_item : &ref_item, path, e))
			return -1;
		if (kind == LINK_REQUIREMENT) {
			const char *s = json_string_value(v), *colon = strchr(s, ':');
			if (!colon || colon == s || !colon[1])
				return err_set(e, ERR_INVALID, arena_printf(r->arena, "%s", path),
				        "is not a requirement id \"<framework>:<ref>\"");
		}
	}
	char *text = jv_dump(b, key);
	if (!text)
		return 0;
	PGresult *res = db_exec(r->db, r->arena, e, missing_sql, 1, text);
	free(text);
	if (!res)
		return -1;
	if (PQntuples(res) && !PQgetisnull(res, 0, 0))
		return err_set(e, ERR_INVALID,
		        arena_printf(r->arena, "%s[%s]", key, PQgetvalue(res, 0, 0)),
		        "no such %s in this tenant", what);
	return 0;
}

int links_replace(struct req *r, const char *id, const json_t *b, const char *key,
        const char *del_sql, const char *add_sql, struct err *e)
{
	char *text = jv_dump(b, key);
	if (!text)
		return 0;
	int rc = -1;
	if (db_exec(r->db, r->arena, e, del_sql, 1, id) &&
	        db_exec(r->db, r->arena, e, add_sql, 2, id, text))
		rc = 0;
	free(text);
	return rc;
}

bool links_same_set(const json_t *a, const json_t *b)
{
	size_t i, j;
	const json_t *x, *y;
	json_array_foreach(a, i, x)
	{
		bool found = false;
		json_array_foreach(b, j, y) found |= json_equal(x, y);
		if (!found)
			return false;
	}
	json_array_foreach(b, i, x)
	{
		bool found = false;
		json_array_foreach(a, j, y) found |= json_equal(x, y);
		if (!found)
			return false;
	}
	return true;
}

int links_check_all(struct req *r, const json_t *b, const struct link_set *sets, struct err *e)
{
	for (; sets->key; sets++)
		if (links_check(r, b, sets->key, sets->kind, sets->missing_sql, sets->what, e))
			return -1;
	return 0;
}

int links_save_all(
        struct req *r, const char *id, const json_t *b, const struct link_set *sets, struct err *e)
{
	for (; sets->key; sets++)
		if (links_replace(r, id, b, sets->key, sets->del_sql, sets->add_sql, e))
			return -1;
	return 0;
}

int links_refuse_linked(
        struct req *r, const char *links_sql, const char *id, const char *advice, struct err *e)
{
	const char *p[] = {id};
	json_t *links = db_json_row(r, e, "links", links_sql, 1, p);
	if (!links)
		return -1;
	if (json_object_size(links) == 0)
		return 0;
	char *where = json_dumps(links, JSON_COMPACT | JSON_SORT_KEYS);
	err_set(e, ERR_CONFLICT, "id", "it is linked (%s); %s", where ? where : "", advice);
	free(where);
	return -1;
}
