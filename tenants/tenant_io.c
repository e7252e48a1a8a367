/*
 * tenant_io.c - tenant export and import (see tenant_io.h).
 *
 * Table names come only from the tenant_tables registry (written by migrations) and
 * are quoted with PQescapeIdentifier; row data always travels as a parameter.
 */
#include "tenant_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "util.h"

static const char tables_sql[] = "SELECT name FROM tenant_tables WHERE exported ORDER BY ord";
static const char tenant_sql[] =
        "SELECT jsonb_build_object('id', id, 'slug', slug, 'name', name, 'kind', kind,"
        " 'settings', settings, 'created_at', created_at) FROM tenants WHERE id = $1";
static const char head_sql[] =
        "SELECT jsonb_build_object('seq', seq, 'hash', encode(hash, 'hex')) FROM audit_heads"
        " WHERE tenant_id = $1";
static const char schema_sql[] = "SELECT max(version) FROM schema_migrations";

/* Columns never exported, per table. */
static const char *const dropped_columns[][2] = {
        {"users", "password_hash"},
};

int tenant_export(PGconn *c, struct arena *a, const char *tenant_id, json_t **doc, struct err *e)
{
	PGresult *t = db_exec(c, a, e, tenant_sql, 1, tenant_id);
	if (!t)
		return -1;
	if (PQntuples(t) != 1)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such tenant");
	PGresult *tabs = db_exec(c, a, e, tables_sql, 0);
	if (!tabs)
		return -1;
	json_t *out = json_object();
	json_t *tables = json_object();
	json_object_set_new(out, "format", json_string("concord.tenant-export"));
	json_object_set_new(out, "format_version", json_integer(1));
	json_object_set(out, "tenant", db_json(a, t, 0, 0));
	for (int i = 0; i < PQntuples(tabs); i++) {
		const char *name = PQgetvalue(tabs, i, 0);
		char *ident = PQescapeIdentifier(c, name, strlen(name));
		const char *drop = "";
		for (size_t k = 0; k < sizeof dropped_columns / sizeof dropped_columns[0]; k++)
			if (strcmp(dropped_columns[k][0], name) == 0)
				drop = dropped_columns[k][1];
		/* ordered by the primary key's text so that exports are deterministic */
		/* filter on tenant_id too: row-level security also shows rows of other
		 * tenants that are visible from here (a consultant's user row), which are
		 * not this tenant's data */
		char *sql = arena_printf(a,
		        "SELECT coalesce(jsonb_agg(to_jsonb(x) - 'tenant_id' - $1::text"
		        " ORDER BY to_jsonb(x)::text), '[]') FROM %s x WHERE x.tenant_id = $2",
		        ident);
		PQfreemem(ident);
		PGresult *rows = db_exec(c, a, e, sql, 2, drop, tenant_id);
		if (!rows) {
			json_decref(out);
			json_decref(tables);
			return -1;
		}
		json_object_set(tables, name, db_json(a, rows, 0, 0));
	}
	json_object_set_new(out, "tables", tables);
	PGresult *h = db_exec(c, a, e, head_sql, 1, tenant_id);
	PGresult *s = db_exec(c, a, e, schema_sql, 0);
	if (!h || !s) {
		json_decref(out);
		return -1;
	}
	json_object_set(out, "audit_head", PQntuples(h) ? db_json(a, h, 0, 0) : json_null());
	json_object_set_new(out, "schema_version", json_string(PQgetvalue(s, 0, 0)));
	json_t *now = NULL;
	PGresult *ts = db_exec(c, a, e, "SELECT to_jsonb(now())", 0);
	if (ts)
		now = db_json(a, ts, 0, 0);
	json_object_set(out, "exported_at", now ? now : json_null());
	*doc = out;
	return 0;
}

/* Collect every row's "id" into map (old -> new uuid). */
static void collect_ids(
        const json_t *tables, json_t *map, struct arena *a, PGconn *c, struct err *e)
{
	const char *name;
	json_t *rows;
	json_object_foreach((json_t *)tables, name, rows)
	{
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
		{
			const char *id = json_string_value(json_object_get(row, "id"));
			if (id && util_is_uuid(id) && !json_object_get(map, id)) {
				PGresult *u = db_exec(c, a, e, "SELECT gen_random_uuid()::text", 0);
				if (u)
					json_object_set_new(
					        map, id, json_string(PQgetvalue(u, 0, 0)));
			}
		}
	}
}

/* Replace, recursively, every string equal to an old id with the new one. */
static json_t *remap(const json_t *v, const json_t *map)
{
	if (json_is_string(v)) {
		json_t *n = json_object_get(map, json_string_value(v));
		return json_incref(n ? n : (json_t *)v);
	}
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) json_array_append_new(out, remap(x, map));
		return out;
	}
	if (json_is_object(v)) {
		json_t *out = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) json_object_set_new(out, k, remap(x, map));
		return out;
	}
	return json_incref((json_t *)v);
}

/* A membership row may name a user of the document or one of the importing
 * consultancy's own users (its consultants); anything else would let a document grant
 * access to somebody else's staff. */
static int check_memberships(
        const json_t *tables, const json_t *map, const json_t *external_users, struct err *e)
{
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(tables, "memberships"), i, row)
	{
		const char *u = json_string_value(json_object_get(row, "user_id"));
		if (!u)
			return err_set(e, ERR_INVALID, "document.tables.memberships",
			        "row %zu has no user_id", i);
		if (json_object_get(map, u))
			continue;
		bool known = false;
		size_t k;
		json_t *x;
		json_array_foreach(external_users, k,
		        x) if (json_is_string(x) && strcmp(json_string_value(x), u) == 0) known =
		        true;
		if (!known)
			return err_set(e, ERR_INVALID, "document.tables.memberships",
			        "user %.40s is neither in the document nor a user of this "
			        "consultancy",
			        u);
	}
	return 0;
}

static const char columns_sql[] =
        "SELECT column_name::text FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position";

/* The quoted, comma-separated columns of `table` that the rows carry; a key that is
 * not a column of the table is refused, naming it. NULL + e on error. */
static char *column_list(
        PGconn *c, struct arena *a, const char *table, const json_t *rows, struct err *e)
{
	PGresult *res = db_exec(c, a, e, columns_sql, 1, table);
	if (!res)
		return NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		const char *k;
		json_t *v;
		if (!json_is_object(row)) {
			err_set(e, ERR_INVALID, "document.tables", "rows of %.64s must be objects",
			        table);
			return NULL;
		}
		json_object_foreach(row, k, v)
		{
			bool known = false;
			for (int n = 0; n < PQntuples(res) && !known; n++)
				known = strcmp(PQgetvalue(res, n, 0), k) == 0;
			if (!known) {
				err_set(e, ERR_INVALID, "document.tables",
				        "%.64s has no column '%.64s' (exported by a newer "
				        "version?)",
				        table, k);
				return NULL;
			}
		}
	}
	char *out = arena_strdup(a, "");
	for (int n = 0; n < PQntuples(res); n++) {
		const char *col = PQgetvalue(res, n, 0);
		bool present = false;
		json_array_foreach(rows, i, row) if (json_object_get(row, col)) present = true;
		if (!present)
			continue;
		char *q = PQescapeIdentifier(c, col, strlen(col));
		out = arena_printf(a, "%s%s%s", out, *out ? ", " : "", q);
		PQfreemem(q);
	}
	return out;
}

/* Columns whose content is frozen and hashed (baselines): imported exactly as
 * exported, never remapped, so the version's integrity check still holds. */
static const char *const frozen_columns[][2] = {
        {"baselines", "content"},
};

static void restore_frozen(const char *table, json_t *row, const json_t *original)
{
	for (size_t i = 0; i < sizeof frozen_columns / sizeof frozen_columns[0]; i++)
		if (strcmp(frozen_columns[i][0], table) == 0) {
			json_t *v = json_object_get(original, frozen_columns[i][1]);
			if (v)
				json_object_set(row, frozen_columns[i][1], v);
		}
}

int tenant_import(PGconn *c, struct arena *a, const char *new_tenant_id, const json_t *doc,
        const json_t *external_users, struct err *e)
{
	const json_t *tables = json_object_get(doc, "tables");
	if (!json_is_string(json_object_get(doc, "format")) ||
	        strcmp(json_string_value(json_object_get(doc, "format")),
	                "concord.tenant-export") != 0)
		return err_set(e, ERR_INVALID, "document.format", "must be concord.tenant-export");
	if (json_integer_value(json_object_get(doc, "format_version")) != 1)
		return err_set(e, ERR_INVALID, "document.format_version", "must be 1");
	if (!json_is_object(tables))
		return err_set(e, ERR_INVALID, "document.tables", "must be an object");
	PGresult *tabs = db_exec(c, a, e, tables_sql, 0);
	if (!tabs)
		return -1;
	/* every table in the document must be a known exported table */
	const char *name;
	json_t *rows;
	json_object_foreach((json_t *)tables, name, rows)
	{
		bool known = false;
		for (int i = 0; i < PQntuples(tabs); i++)
			known |= strcmp(PQgetvalue(tabs, i, 0), name) == 0;
		if (!known)
			return err_set(e, ERR_INVALID, "document.tables",
			        "unknown table '%.64s' (exported by a newer version?)", name);
		if (!json_is_array(rows))
			return err_set(
			        e, ERR_INVALID, "document.tables", "each table must be an array");
	}
	json_t *map = arena_json(a, json_object());
	collect_ids(tables, map, a, c, e);
	if (check_memberships(tables, map, external_users, e))
		return -1;
	const char *old_tenant =
	        json_string_value(json_object_get(json_object_get(doc, "tenant"), "id"));
	if (old_tenant)
		json_object_set_new(map, old_tenant, json_string(new_tenant_id));

	for (int i = 0; i < PQntuples(tabs); i++) {
		const char *t = PQgetvalue(tabs, i, 0);
		json_t *src = json_object_get(tables, t);
		if (!src || json_array_size(src) == 0)
			continue;
		json_t *mapped = remap(src, map);
		size_t k;
		json_t *row;
		json_array_foreach(mapped, k, row)
		{
			json_object_set_new(row, "tenant_id", json_string(new_tenant_id));
			restore_frozen(t, row, json_array_get(src, k));
		}
		char *cols = column_list(c, a, t, mapped, e);
		if (!cols) {
			json_decref(mapped);
			return -1;
		}
		char *text = json_dumps(mapped, JSON_COMPACT);
		json_decref(mapped);
		char *ident = PQescapeIdentifier(c, t, strlen(t));
		/* only the columns the document carries: the others take their defaults, so
		 * a document written before a column existed still imports */
		char *sql = arena_printf(a,
		        "INSERT INTO %s (%s) SELECT %s FROM jsonb_populate_recordset(NULL::%s, "
		        "$1::jsonb)",
		        ident, cols, cols, ident);
		PQfreemem(ident);
		PGresult *res = db_exec(c, a, e, sql, 1, text);
		free(text);
		if (!res) {
			snprintf(e->field, sizeof e->field, "document.tables.%.100s", t);
			return -1;
		}
	}
	return 0;
}
