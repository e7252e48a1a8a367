/*
 * job_soa_export.c - the job type "soa.export": both Statements of Applicability as
 * one XLSX workbook an auditor can read without explanation, plus CSV and JSON.
 *
 * Workbook sheets: "About" (tenant, date, catalog versions, approved versions, legend),
 * one "<standard> SoA" sheet per standard (every Annex A control: applicability,
 * reasons, justification, status, implementing controls, risks, owner), "Findings" (the
 * SoA checks), "Shared controls" (controls serving requirements of several frameworks)
 * and "Crosswalk" (the typed relations with their rationale). The CSV has one row per
 * SoA line with codes instead of labels; the JSON is the whole export document.
 *
 * Payload: {"formats": ["xlsx", "csv", "json"]} (default all three). Result: the
 * artifacts (id, name, content type, size) and per-standard counts. Artifacts are
 * upserted by (job, name) so a job that runs twice still leaves one of each.
 *
 * soa_export_document reads the data in the job's transaction (app.tenant_id set);
 * soa_export_xlsx / soa_export_csv are pure renderers (unit-tested), returning malloc'd
 * bytes the caller frees. libxlsxwriter writes to a private temporary file that is read
 * back and removed. Runs on the worker thread that claimed the job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "baseline.h"
#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "soa.h"

int soa_export_document(PGconn *c, struct arena *a, json_t **doc, struct err *e);
int soa_export_xlsx(const json_t *doc, char **data, size_t *len, struct err *e);
char *soa_export_csv(const json_t *doc, size_t *len);

static const char tenant_sql[] =
        "SELECT jsonb_build_object('id', id, 'name', name, 'slug', slug) FROM tenants"
        " WHERE id = app_tenant()";
static const char soa_frameworks_sql[] =
        "SELECT f.id FROM catalog_frameworks f WHERE f.kind = 'standard' AND EXISTS (SELECT 1"
        " FROM catalog_requirements r WHERE r.framework_id = f.id"
        " AND r.catalog_version = catalog_version_for(f.id) AND r.kind = 'annex_a_control')"
        " ORDER BY f.id";
static const char frameworks_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'name', f.name,"
        " 'catalog_version', catalog_version_for(f.id)) ORDER BY f.id), '[]')"
        " FROM catalog_frameworks f";
static const char shared_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('ref', c.ref, 'title', c.title, 'status',"
        " c.status, 'owner', coalesce(nullif(u.display_name, ''), u.email), 'requirements',"
        " (SELECT jsonb_object_agg(s.fw, s.refs) FROM (SELECT cr.framework_id AS fw,"
        "   jsonb_agg(cr.ref ORDER BY q.seq) AS refs FROM control_requirements cr"
        "   JOIN catalog_requirements q ON q.framework_id = cr.framework_id"
        "   AND q.catalog_version = cr.catalog_version AND q.ref = cr.ref"
        "   WHERE cr.control_id = c.id GROUP BY cr.framework_id) s)) ORDER BY c.ref), '[]')"
        " FROM controls c LEFT JOIN users u ON u.id = c.owner_id"
        " WHERE (SELECT count(DISTINCT cr.framework_id) FROM control_requirements cr"
        "   WHERE cr.control_id = c.id) >= 2";
static const char crosswalk_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('from_framework', x.from_framework,"
        " 'from_ref', x.from_ref, 'from_title', a.title, 'relation', x.relation, 'to_framework',"
        " x.to_framework, 'to_ref', x.to_ref, 'to_title', b.title, 'rationale', x.rationale)"
        " ORDER BY x.seq), '[]')"
        " FROM catalog_relations x JOIN catalog_requirements a ON a.framework_id = x.from_framework"
        "   AND a.catalog_version = x.catalog_version AND a.ref = x.from_ref"
        " LEFT JOIN catalog_requirements b ON b.framework_id = x.to_framework"
        "   AND b.catalog_version = x.catalog_version AND b.ref = x.to_ref"
        " WHERE x.catalog_version = catalog_version_for(x.from_framework)";
static const char approver_sql[] =
        "SELECT coalesce((SELECT coalesce(nullif(u.display_name, ''), u.email) FROM users u"
        " WHERE u.id = $1::uuid), (SELECT 'service account ' || s.name FROM service_accounts s"
        " WHERE s.id = $1::uuid), '')";
static const char now_sql[] =
        "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

static const struct jv_field payload_fields[] = {
        {"formats", JV_ARRAY, 0, .max = 3},
        {NULL},
};

/* ------------------------------------------------------------- the document */

int soa_export_document(PGconn *c, struct arena *a, json_t **doc, struct err *e)
{
	PGresult *t = db_exec(c, a, e, tenant_sql, 0);
	PGresult *f = t ? db_exec(c, a, e, soa_frameworks_sql, 0) : NULL;
	PGresult *names = f ? db_exec(c, a, e, frameworks_sql, 0) : NULL;
	PGresult *sh = names ? db_exec(c, a, e, shared_sql, 0) : NULL;
	PGresult *cw = sh ? db_exec(c, a, e, crosswalk_sql, 0) : NULL;
	PGresult *now = cw ? db_exec(c, a, e, now_sql, 0) : NULL;
	if (!now)
		return -1;
	if (PQntuples(t) != 1)
		return err_set(e, ERR_NOT_FOUND, NULL, "the tenant no longer exists");
	json_t *soas = json_array();
	for (int i = 0; i < PQntuples(f); i++) {
		const char *fw = PQgetvalue(f, i, 0);
		json_t *soa, *versions;
		char *kind = arena_printf(a, "soa:%s", fw);
		if (soa_build(c, a, fw, &soa, e) || baseline_list(c, a, kind, &versions, e)) {
			json_decref(soas);
			return -1;
		}
		json_t *s = json_deep_copy(soa);
		size_t n = json_array_size(versions);
		json_t *last = n ? json_deep_copy(json_array_get(versions, n - 1)) : json_null();
		const char *by = json_string_value(json_object_get(last, "approved_by"));
		PGresult *who = by ? db_exec(c, a, e, approver_sql, 1, by) : NULL;
		if (by && !who) {
			json_decref(last);
			json_decref(s);
			json_decref(soas);
			return -1;
		}
		if (who)
			json_object_set_new(
			        last, "approved_by_name", json_string(PQgetvalue(who, 0, 0)));
		json_object_set_new(s, "approved", last);
		json_array_append_new(soas, s);
	}
	*doc = arena_json(
	        a, json_pack("{s:s, s:i, s:O, s:s, s:O, s:o, s:O, s:O}", "format",
	                   "concord.soa-export", "format_version", 1, "tenant", db_json(a, t, 0, 0),
	                   "generated_at", PQgetvalue(now, 0, 0), "frameworks",
	                   db_json(a, names, 0, 0), "soa", soas, "shared_controls",
	                   db_json(a, sh, 0, 0), "crosswalk", db_json(a, cw, 0, 0)));
	return 0;
}

/* ------------------------------------------------------------------ labels */

static const char *const reason_labels[][2] = {{"risk_treatment", "Risk treatment"},
        {"legal_regulatory", "Legal/regulatory requirement"},
        {"contractual", "Contractual obligation"},
        {"business_practice", "Business requirement or good practice"}};
static const char *const status_labels[][2] = {{"implemented", "Implemented"},
        {"partially_implemented", "Partially implemented"}, {"planned", "Planned"},
        {"not_implemented", "Not implemented"}, {"not_applicable", "Not applicable"},
        {"in_progress", "In progress"}};
static const char *const relation_labels[][2] = {
        {"existing", "existing control"}, {"planned", "planned in risk treatment"}};

static const char *label(const char *const (*table)[2], size_t n, const char *code)
{
	for (size_t i = 0; code && i < n; i++)
		if (strcmp(table[i][0], code) == 0)
			return table[i][1];
	return code ? code : "";
}
#define LABEL(t, c) label(t, sizeof t / sizeof t[0], c)

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* A growable string (malloc'd). */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* The name of a framework from the document, or its id. */
static const char *framework_name(const json_t *doc, const char *id)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(doc, "frameworks"), i, f)
	{
		if (strcmp(str(f, "id"), id) == 0)
			return str(f, "name");
	}
	return id;
}

/* Cell texts of one SoA line (malloc'd into b, separated as the workbook wants). */
static void join_reasons(struct buf *b, const json_t *line, bool codes)
{
	size_t i;
	json_t *x;
	buf_str(b, "");
	json_array_foreach(json_object_get(line, "reasons"), i, x)
	{
		if (i)
			buf_str(b, codes ? ";" : "; ");
		buf_str(b,
		        codes ? json_string_value(x) : LABEL(reason_labels, json_string_value(x)));
	}
}

static void join_controls(struct buf *b, const json_t *line, bool codes)
{
	size_t i;
	json_t *x;
	buf_str(b, "");
	json_array_foreach(json_object_get(line, "controls"), i, x)
	{
		if (i)
			buf_str(b, codes ? ";" : "\n");
		buf_str(b, str(x, "ref"));
		if (!codes) {
			buf_str(b, " ");
			buf_str(b, str(x, "title"));
			buf_str(b, " (");
			buf_str(b, LABEL(status_labels, str(x, "status")));
			buf_str(b, ")");
		}
	}
}

static void join_risks(struct buf *b, const json_t *line, bool codes)
{
	size_t i;
	json_t *x;
	buf_str(b, "");
	json_array_foreach(json_object_get(line, "risks"), i, x)
	{
		if (i)
			buf_str(b, codes ? ";" : "\n");
		buf_str(b, str(x, "ref"));
		if (codes) {
			buf_str(b, ":");
			buf_str(b, str(x, "relation"));
		} else {
			buf_str(b, " ");
			buf_str(b, str(x, "title"));
			buf_str(b, " (");
			buf_str(b, LABEL(relation_labels, str(x, "relation")));
			buf_str(b, ")");
		}
	}
}

/* ------------------------------------------------------------------- XLSX */

/* Excel cells hold at most 32767 characters: cut long text at a UTF-8 boundary. */
static lxw_error cell(
        lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *fmt)
{
	size_t n = strlen(s);
	if (n <= 32000)
		return worksheet_write_string(ws, row, col, s, fmt);
	char *cut = xmalloc(32001);
	size_t k = 32000;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	memcpy(cut, s, k);
	cut[k] = '\0';
	lxw_error rc = worksheet_write_string(ws, row, col, cut, fmt);
	free(cut);
	return rc;
}

/* "ISO/IEC 27001:2022" -> "ISO-IEC 27001-2022 SoA" (sheet names forbid / : and more). */
static void sheet_name(char *out, size_t n, const char *name, const char *suffix)
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%.26s", name);
	for (char *p = tmp; *p; p++)
		if (strchr("[]:*?/\\", *p))
			*p = '-';
	snprintf(out, n, "%s%s", tmp, suffix);
}

struct formats {
	lxw_format *head, *wrap, *title, *bold;
};

static lxw_worksheet *table_sheet(lxw_workbook *wb, const char *name, const struct formats *f,
        const char *const *cols, const double *widths)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	if (!ws)
		return NULL;
	int n = 0;
	for (; cols[n]; n++) {
		worksheet_set_column(ws, (lxw_col_t)n, (lxw_col_t)n, widths[n], f->wrap);
		cell(ws, 0, (lxw_col_t)n, cols[n], f->head);
	}
	worksheet_freeze_panes(ws, 1, 0);
	return ws;
}

static int write_soa_sheet(
        lxw_workbook *wb, const json_t *soa, const struct formats *f, struct err *e)
{
	static const char *const cols[] = {"Control", "Control title", "Theme / objective",
	        "Applicable", "Reasons for inclusion", "Inclusion details",
	        "Justification for exclusion", "Implementation status", "Implementing controls",
	        "Linked risks", "Owner", NULL};
	static const double widths[] = {10, 40, 28, 11, 28, 40, 40, 20, 50, 45, 22};
	char name[40];
	sheet_name(name, sizeof name, str(soa, "name"), " SoA");
	lxw_worksheet *ws = table_sheet(wb, name, f, cols, widths);
	if (!ws)
		return err_set(e, ERR_INTERNAL, NULL, "could not add sheet %s", name);
	size_t i;
	json_t *l;
	lxw_row_t row = 1;
	json_array_foreach(json_object_get(soa, "items"), i, l)
	{
		struct buf b = {0};
		char group[400];
		snprintf(group, sizeof group, "%s %s", str(l, "group"), str(l, "group_title"));
		cell(ws, row, 0, str(l, "ref"), f->wrap);
		cell(ws, row, 1, str(l, "title"), f->wrap);
		cell(ws, row, 2, group, f->wrap);
		cell(ws, row, 3, json_is_true(json_object_get(l, "applicable")) ? "Yes" : "No",
		        f->wrap);
		join_reasons(&b, l, false);
		cell(ws, row, 4, b.p, f->wrap);
		cell(ws, row, 5, str(l, "reason_text"), f->wrap);
		cell(ws, row, 6, str(l, "exclusion_justification"), f->wrap);
		cell(ws, row, 7, LABEL(status_labels, str(l, "implementation_status")), f->wrap);
		b.len = 0;
		join_controls(&b, l, false);
		cell(ws, row, 8, b.p, f->wrap);
		b.len = 0;
		join_risks(&b, l, false);
		cell(ws, row, 9, b.p, f->wrap);
		cell(ws, row, 10, str(json_object_get(l, "owner"), "name"), f->wrap);
		free(b.p);
		row++;
	}
	worksheet_autofilter(ws, 0, 0, row - 1, 10);
	return 0;
}

static void write_about(lxw_worksheet *ws, const json_t *doc, const struct formats *f)
{
	lxw_row_t row = 0;
	worksheet_set_column(ws, 0, 0, 34, NULL);
	worksheet_set_column(ws, 1, 1, 90, f->wrap);
	cell(ws, row++, 0, "Statements of Applicability", f->title);
	row++;
	const json_t *t = json_object_get(doc, "tenant");
	cell(ws, row, 0, "Organisation", f->bold);
	cell(ws, row++, 1, str(t, "name"), f->wrap);
	cell(ws, row, 0, "Generated (UTC)", f->bold);
	cell(ws, row++, 1, str(doc, "generated_at"), f->wrap);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(doc, "soa"), i, s)
	{
		char k[128], v[512];
		const json_t *ap = json_object_get(s, "approved");
		const json_t *sm = json_object_get(s, "summary");
		row++;
		cell(ws, row++, 0, str(s, "name"), f->bold);
		cell(ws, row, 0, "Catalog version", NULL);
		cell(ws, row++, 1, str(s, "catalog_version"), f->wrap);
		snprintf(k, sizeof k, "Approved version");
		if (json_is_object(ap))
			snprintf(v, sizeof v,
			        "v%lld approved by %s on %s (SHA-256 %s); this export shows the"
			        " current state, which may differ from it",
			        (long long)json_integer_value(json_object_get(ap, "number")),
			        str(ap, "approved_by_name"), str(ap, "approved_at"),
			        str(ap, "sha256"));
		else
			snprintf(v, sizeof v, "not yet approved");
		cell(ws, row, 0, k, NULL);
		cell(ws, row++, 1, v, f->wrap);
		snprintf(v, sizeof v,
		        "%lld Annex A controls: %lld applicable (%lld implemented, %lld partially,"
		        " %lld planned, %lld not implemented), %lld excluded; %lld findings",
		        (long long)json_integer_value(json_object_get(sm, "total")),
		        (long long)json_integer_value(json_object_get(sm, "applicable")),
		        (long long)json_integer_value(json_object_get(sm, "implemented")),
		        (long long)json_integer_value(json_object_get(sm, "partially_implemented")),
		        (long long)json_integer_value(json_object_get(sm, "planned")),
		        (long long)json_integer_value(json_object_get(sm, "not_implemented")),
		        (long long)json_integer_value(json_object_get(sm, "excluded")),
		        (long long)json_integer_value(json_object_get(sm, "findings")));
		cell(ws, row, 0, "Summary", NULL);
		cell(ws, row++, 1, v, f->wrap);
	}
	row++;
	cell(ws, row++, 0, "Reasons for inclusion", f->bold);
	for (size_t k = 0; k < sizeof reason_labels / sizeof reason_labels[0]; k++) {
		cell(ws, row, 0, reason_labels[k][1], NULL);
		cell(ws, row++, 1, reason_labels[k][0], f->wrap);
	}
	row++;
	cell(ws, row++, 0, "Sheets", f->bold);
	cell(ws, row, 0, "<standard> SoA", NULL);
	cell(ws, row++, 1,
	        "One row per Annex A control: applicability, reasons, justification,"
	        " status, the controls of the library that implement it and the risks"
	        " that rely on it.",
	        f->wrap);
	cell(ws, row, 0, "Findings", NULL);
	cell(ws, row++, 1,
	        "Gaps an auditor would raise: applicable without reason or without an"
	        " implementing control, excluded without justification, excluded while a"
	        " risk treatment relies on it.",
	        f->wrap);
	cell(ws, row, 0, "Shared controls", NULL);
	cell(ws, row++, 1,
	        "Controls implemented once that serve requirements of several"
	        " frameworks.",
	        f->wrap);
	cell(ws, row, 0, "Crosswalk", NULL);
	cell(ws, row++, 1,
	        "Typed relations between the frameworks (equal, subset, superset,"
	        " intersects, related, no counterpart) with their rationale. 'A subset B':"
	        " everything A requires is within B.",
	        f->wrap);
}

static int write_workbook(lxw_workbook *wb, const json_t *doc, struct err *e)
{
	struct formats f = {workbook_add_format(wb), workbook_add_format(wb),
	        workbook_add_format(wb), workbook_add_format(wb)};
	format_set_bold(f.head);
	format_set_bg_color(f.head, 0xD9E1F2);
	format_set_text_wrap(f.head);
	format_set_align(f.head, LXW_ALIGN_VERTICAL_TOP);
	format_set_text_wrap(f.wrap);
	format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(f.title);
	format_set_font_size(f.title, 14);
	format_set_bold(f.bold);
	lxw_worksheet *about = workbook_add_worksheet(wb, "About");
	if (!about)
		return err_set(e, ERR_INTERNAL, NULL, "could not add the About sheet");
	write_about(about, doc, &f);
	size_t i, j;
	json_t *s, *x;
	json_array_foreach(json_object_get(doc, "soa"), i, s)
	{
		if (write_soa_sheet(wb, s, &f, e))
			return -1;
	}

	static const char *const fcols[] = {
	        "Standard", "Control", "Control title", "Rule", "Finding", NULL};
	static const double fwidths[] = {22, 10, 40, 34, 80};
	lxw_worksheet *fs = table_sheet(wb, "Findings", &f, fcols, fwidths);
	if (!fs)
		return err_set(e, ERR_INTERNAL, NULL, "could not add the Findings sheet");
	lxw_row_t row = 1;
	json_array_foreach(json_object_get(doc, "soa"), i, s)
	{
		json_array_foreach(json_object_get(s, "findings"), j, x)
		{
			cell(fs, row, 0, str(s, "name"), f.wrap);
			cell(fs, row, 1, str(x, "ref"), f.wrap);
			cell(fs, row, 2, str(x, "title"), f.wrap);
			cell(fs, row, 3, str(x, "rule"), f.wrap);
			cell(fs, row++, 4, str(x, "message"), f.wrap);
		}
	}

	/* shared controls: one column per framework */
	const json_t *fws = json_object_get(doc, "frameworks");
	size_t nfw = json_array_size(fws);
	const char *scols[16] = {"Control", "Control title", "Status", "Owner"};
	double swidths[16] = {24, 40, 16, 22};
	for (size_t k = 0; k < nfw && k < 11; k++) {
		scols[4 + k] = str(json_array_get(fws, k), "name");
		swidths[4 + k] = 30;
	}
	scols[4 + (nfw < 11 ? nfw : 11)] = NULL;
	lxw_worksheet *ss = table_sheet(wb, "Shared controls", &f, scols, swidths);
	if (!ss)
		return err_set(e, ERR_INTERNAL, NULL, "could not add the Shared controls sheet");
	row = 1;
	json_array_foreach(json_object_get(doc, "shared_controls"), i, x)
	{
		cell(ss, row, 0, str(x, "ref"), f.wrap);
		cell(ss, row, 1, str(x, "title"), f.wrap);
		cell(ss, row, 2, LABEL(status_labels, str(x, "status")), f.wrap);
		cell(ss, row, 3, str(x, "owner"), f.wrap);
		for (size_t k = 0; k < nfw && k < 11; k++) {
			struct buf b = {0};
			buf_str(&b, "");
			json_t *refs = json_object_get(json_object_get(x, "requirements"),
			        str(json_array_get(fws, k), "id"));
			size_t q;
			json_t *ref;
			json_array_foreach(refs, q, ref)
			{
				if (q)
					buf_str(&b, ", ");
				buf_str(&b, json_string_value(ref));
			}
			cell(ss, row, (lxw_col_t)(4 + k), b.p, f.wrap);
			free(b.p);
		}
		row++;
	}

	static const char *const ccols[] = {"From framework", "From", "From title", "Relation",
	        "To framework", "To", "To title", "Rationale", NULL};
	static const double cwidths[] = {22, 12, 36, 14, 22, 12, 36, 80};
	lxw_worksheet *cw = table_sheet(wb, "Crosswalk", &f, ccols, cwidths);
	if (!cw)
		return err_set(e, ERR_INTERNAL, NULL, "could not add the Crosswalk sheet");
	row = 1;
	json_array_foreach(json_object_get(doc, "crosswalk"), i, x)
	{
		const char *rel = str(x, "relation");
		cell(cw, row, 0, framework_name(doc, str(x, "from_framework")), f.wrap);
		cell(cw, row, 1, str(x, "from_ref"), f.wrap);
		cell(cw, row, 2, str(x, "from_title"), f.wrap);
		cell(cw, row, 3, strcmp(rel, "no_counterpart") == 0 ? "no counterpart" : rel,
		        f.wrap);
		cell(cw, row, 4, framework_name(doc, str(x, "to_framework")), f.wrap);
		cell(cw, row, 5, str(x, "to_ref"), f.wrap);
		cell(cw, row, 6, str(x, "to_title"), f.wrap);
		cell(cw, row++, 7, str(x, "rationale"), f.wrap);
	}
	worksheet_autofilter(cw, 0, 0, row > 1 ? row - 1 : 1, 7);
	return 0;
}

int soa_export_xlsx(const json_t *doc, char **data, size_t *len, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/concord-soa-XXXXXX.xlsx", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, NULL, "could not create a temporary file");
	close(fd);
	int rc = -1;
	FILE *in = NULL;
	*data = NULL;
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		err_set(e, ERR_INTERNAL, NULL, "could not start the workbook");
		goto out;
	}
	lxw_doc_properties props = {.title = "Statements of Applicability",
	        .company = (char *)str(json_object_get(doc, "tenant"), "name"),
	        .comments = "Generated by Concord"};
	workbook_set_properties(wb, &props);
	int w = write_workbook(wb, doc, e);
	lxw_error closed = workbook_close(wb);
	if (w)
		goto out;
	if (closed != LXW_NO_ERROR) {
		err_set(e, ERR_INTERNAL, NULL, "could not write the workbook");
		err_log_detail(e, "libxlsxwriter: %s", lxw_strerror(closed));
		goto out;
	}
	in = fopen(path, "rb");
	if (!in || fseek(in, 0, SEEK_END) != 0) {
		err_set(e, ERR_INTERNAL, NULL, "could not read the workbook back");
		goto out;
	}
	long size = ftell(in);
	rewind(in);
	*data = xmalloc(size > 0 ? (size_t)size : 1);
	if (size <= 0 || fread(*data, 1, (size_t)size, in) != (size_t)size) {
		err_set(e, ERR_INTERNAL, NULL, "could not read the workbook back");
		free(*data);
		*data = NULL;
		goto out;
	}
	*len = (size_t)size;
	rc = 0;
out:
	if (in)
		fclose(in);
	unlink(path);
	return rc;
}

/* -------------------------------------------------------------------- CSV */

/* RFC 4180 field; text that a spreadsheet would run as a formula gets a leading quote. */
static void csv_field(struct buf *b, const char *s, bool last)
{
	buf_str(b, "\"");
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
		buf_str(b, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_str(b, "\"\"");
		else
			buf_add(b, p, 1);
	}
	buf_str(b, last ? "\"\r\n" : "\",");
}

char *soa_export_csv(const json_t *doc, size_t *len)
{
	struct buf out = {0};
	buf_str(&out, "framework,control,title,group,applicable,reasons,reason_text,"
	              "exclusion_justification,implementation_status,implementing_controls,"
	              "linked_risks,owner\r\n");
	size_t i, j;
	json_t *s, *l;
	json_array_foreach(json_object_get(doc, "soa"), i, s){
	        json_array_foreach(json_object_get(s, "items"), j, l){struct buf b = {0};
	csv_field(&out, str(s, "framework"), false);
	csv_field(&out, str(l, "ref"), false);
	csv_field(&out, str(l, "title"), false);
	csv_field(&out, str(l, "group"), false);
	csv_field(&out, json_is_true(json_object_get(l, "applicable")) ? "yes" : "no", false);
	join_reasons(&b, l, true);
	csv_field(&out, b.p, false);
	csv_field(&out, str(l, "reason_text"), false);
	csv_field(&out, str(l, "exclusion_justification"), false);
	csv_field(&out, str(l, "implementation_status"), false);
	b.len = 0;
	join_controls(&b, l, true);
	csv_field(&out, b.p, false);
	b.len = 0;
	join_risks(&b, l, true);
	csv_field(&out, b.p, false);
	csv_field(&out, str(json_object_get(l, "owner"), "name"), true);
	free(b.p);
}
}
*len = out.len;
return out.p;
}

/* -------------------------------------------------------------------- job */

static bool wants(const json_t *formats, const char *f)
{
	if (!formats)
		return true;
	size_t i;
	json_t *x;
	json_array_foreach(formats, i, x)
	{
		if (json_is_string(x) && strcmp(json_string_value(x), f) == 0)
			return true;
	}
	return false;
}

static int put(struct job_ctx *ctx, json_t *list, const char *name, const char *type,
        const char *data, size_t len, struct err *e)
{
	char id[37];
	if (job_artifact_put(ctx, name, type, data, len, id, e))
		return -1;
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I}", "id", id, "name", name,
	                                    "content_type", type, "size", (json_int_t)len));
	return 0;
}

static int soa_export_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	json_t *doc;
	if (jv_check(payload, payload_fields, e))
		return -1;
	const json_t *formats = json_object_get(payload, "formats");
	if (soa_export_document(ctx->db, ctx->arena, &doc, e))
		return -1;
	const char *slug = str(json_object_get(doc, "tenant"), "slug");
	json_t *arts = arena_json(ctx->arena, json_array());
	if (wants(formats, "xlsx")) {
		char *x;
		size_t n;
		if (soa_export_xlsx(doc, &x, &n, e))
			return -1;
		int rc = put(ctx, arts, arena_printf(ctx->arena, "soa-%s.xlsx", slug),
		        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", x, n,
		        e);
		free(x);
		if (rc)
			return -1;
	}
	if (wants(formats, "csv")) {
		size_t n;
		char *c = soa_export_csv(doc, &n);
		int rc = put(ctx, arts, arena_printf(ctx->arena, "soa-%s.csv", slug),
		        "text/csv; charset=utf-8", c, n, e);
		free(c);
		if (rc)
			return -1;
	}
	if (wants(formats, "json")) {
		char *j = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
		int rc = put(ctx, arts, arena_printf(ctx->arena, "soa-%s.json", slug),
		        "application/json", j, strlen(j), e);
		free(j);
		if (rc)
			return -1;
	}
	json_t *counts = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(doc, "soa"), i, s)
	{
		const json_t *sm = json_object_get(s, "summary");
		json_array_append_new(counts, json_pack("{s:O, s:O, s:O, s:O}", "framework",
		                                      json_object_get(s, "framework"), "lines",
		                                      json_object_get(sm, "total"), "applicable",
		                                      json_object_get(sm, "applicable"), "findings",
		                                      json_object_get(sm, "findings")));
	}
	*result = json_pack("{s:O, s:o}", "artifacts", arts, "soa", counts);
	return 0;
}

const struct job_type job_soa_export = {"soa.export", soa_export_run};
