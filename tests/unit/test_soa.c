/*
 * test_soa.c - the Statement of Applicability as pure logic: lines derived from the
 * control library and risk treatment (and overridden by what people recorded), each
 * auditor check rule firing on a crafted line and silent on a clean one, frozen lines
 * that diff on substance only, and the export renderers: the XLSX workbook is unzipped
 * (libzip) and its sheet XML parsed back to find every Annex A control of both
 * standards; the CSV is parsed back field by field.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "arena.h"
#include "baseline.h"
#include "catalog.h"
#include "soa.h"

int soa_export_xlsx(const json_t *doc, char **data, size_t *len, struct err *e);
char *soa_export_csv(const json_t *doc, size_t *len);

/* ------------------------------------------------------------------ helpers */

/* A fact as soa_facts() returns it; JSON written with single quotes. */
static json_t *js(const char *text)
{
	char *buf = strdup(text);
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);
	ck_assert_msg(j, "bad test JSON: %s: %s", je.text, buf);
	free(buf);
	return j;
}

static json_t *line_of(const char *fact_text)
{
	json_t *fact = js(fact_text);
	json_t *users = js("{'u1': 'Ada Owner', 'u2': 'Bob Other'}");
	json_t *l = soa_line(fact, users);
	json_decref(fact);
	json_decref(users);
	return l;
}

static const char *s(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int count_rule(const json_t *findings, const char *rule)
{
	int n = 0;
	size_t i;
	json_t *f;
	json_array_foreach(findings, i, f) n += strcmp(s(f, "rule"), rule) == 0;
	return n;
}

static json_t *check_one(json_t *line)
{
	json_t *lines = json_array();
	json_array_append_new(lines, line);
	json_t *f = soa_check(lines);
	json_decref(lines);
	return f;
}

#define CTL(st, owner, law)                                                                        \
	"{'id': 'c-" st "', 'ref': 'C-" st "', 'title': 'Control', 'status': '" st "',"            \
	" 'owner_id': " owner ", 'law': " law "}"

/* ------------------------------------------------------------- derivation */

START_TEST(line_without_controls_is_applicable_not_implemented_and_unreasoned)
{
	json_t *l =
	        line_of("{'ref': 'A.5.1', 'title': 'Policies', 'group': 'A.5', 'group_title':"
	                " 'Organizational controls', 'entry': null, 'controls': [], 'risks': []}");
	ck_assert(json_is_true(json_object_get(l, "applicable")));
	ck_assert_int_eq(json_array_size(json_object_get(l, "reasons")), 0);
	ck_assert_str_eq(s(l, "implementation_status"), "not_implemented");
	ck_assert_str_eq(s(l, "key"), "A.5.1");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "version")), 1);
	ck_assert(json_is_null(json_object_get(l, "owner")));
	json_decref(l);
}
END_TEST

START_TEST(status_is_derived_from_implementing_controls)
{
	json_t *l = line_of("{'ref': 'A.8.15', 'title': 'Logging', 'entry': null, 'risks': [],"
	                    " 'controls': [" CTL("implemented", "null", "false") ", " CTL(
	                            "in_progress", "null", "false") "]}");
	ck_assert_str_eq(s(l, "implementation_status"), "partially_implemented");
	json_decref(l);
	l = line_of("{'ref': 'A.8.15', 'title': 'Logging', 'entry': null, 'risks': [],"
	            " 'controls': [" CTL("implemented", "null", "false") ", " CTL(
	                    "not_applicable", "null", "false") "]}");
	ck_assert_str_eq(s(l, "implementation_status"), "implemented");
	json_decref(l);
	l = line_of("{'ref': 'A.8.15', 'title': 'Logging', 'entry': null, 'risks': [],"
	            " 'controls': [" CTL("planned", "null", "false") "]}");
	ck_assert_str_eq(s(l, "implementation_status"), "planned");
	json_decref(l);
}
END_TEST

START_TEST(all_controls_not_applicable_makes_the_line_excluded)
{
	json_t *l = line_of(
	        "{'ref': 'A.7.1', 'title': 'Physical security perimeters', 'entry':"
	        " null, 'risks': [], 'controls': [" CTL("not_applicable", "null", "false") "]}");
	ck_assert(json_is_false(json_object_get(l, "applicable")));
	ck_assert_str_eq(s(l, "implementation_status"), "not_applicable");
	json_decref(l);
}
END_TEST

START_TEST(reasons_come_from_risk_treatment_and_laws)
{
	json_t *l = line_of("{'ref': 'A.8.15', 'title': 'Logging', 'entry': null,"
	                    " 'controls': [" CTL("planned", "null",
	                            "true") "],"
	                                    " 'risks': [{'id': 'r1', 'ref': 'R-1', 'title': "
	                                    "'Tampering', 'status': 'open',"
	                                    " 'relation': 'planned'}]}");
	json_t *r = json_object_get(l, "reasons");
	ck_assert_int_eq(json_array_size(r), 2);
	ck_assert_str_eq(json_string_value(json_array_get(r, 0)), "risk_treatment");
	ck_assert_str_eq(json_string_value(json_array_get(r, 1)), "legal_regulatory");
	ck_assert_str_eq(s(json_object_get(l, "sources"), "reasons"), "derived");
	json_decref(l);
	/* an existing-control link or a closed risk is no risk treatment */
	l = line_of("{'ref': 'A.8.15', 'title': 'Logging', 'entry': null,"
	            " 'controls': [" CTL("planned", "null",
	                    "false") "],"
	                             " 'risks': [{'id': 'r1', 'ref': 'R-1', 'title': 'T', "
	                             "'status': 'open', 'relation':"
	                             " 'existing'}, {'id': 'r2', 'ref': 'R-2', 'title': 'T', "
	                             "'status': 'closed',"
	                             " 'relation': 'planned'}]}");
	ck_assert_int_eq(json_array_size(json_object_get(l, "reasons")), 0);
	json_decref(l);
}
END_TEST

START_TEST(recorded_values_override_the_derived_ones)
{
	json_t *l = line_of("{'ref': 'A.5.7', 'title': 'Threat intelligence', 'controls': [" CTL(
	        "implemented", "'u1'",
	        "false") "], 'risks': [], 'entry': {'applicable':"
	                 " null, 'reasons': ['contractual'], 'reason_text': 'Customer contract 12',"
	                 " 'exclusion_justification': '', 'implementation_status': 'planned',"
	                 " 'owner_id': 'u2', 'version': 4}}");
	ck_assert(json_is_true(json_object_get(l, "applicable")));
	ck_assert_str_eq(
	        json_string_value(json_array_get(json_object_get(l, "reasons"), 0)), "contractual");
	ck_assert_str_eq(s(l, "implementation_status"), "planned");
	ck_assert_str_eq(s(json_object_get(l, "owner"), "name"), "Bob Other");
	ck_assert_str_eq(s(json_object_get(l, "derived"), "implementation_status"), "implemented");
	ck_assert_str_eq(s(json_object_get(l, "derived"), "owner_id"), "u1");
	json_t *src = json_object_get(l, "sources");
	ck_assert_str_eq(s(src, "applicable"), "derived");
	ck_assert_str_eq(s(src, "reasons"), "recorded");
	ck_assert_str_eq(s(src, "owner"), "recorded");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "version")), 4);
	json_decref(l);
}
END_TEST

START_TEST(owner_is_derived_only_when_the_controls_share_one)
{
	json_t *l = line_of("{'ref': 'A.5.9', 'title': 'Inventory', 'entry': null, 'risks': [],"
	                    " 'controls': [" CTL("planned", "'u1'", "false") ", " CTL(
	                            "implemented", "'u1'", "false") "]}");
	ck_assert_str_eq(s(json_object_get(l, "owner"), "name"), "Ada Owner");
	json_decref(l);
	l = line_of("{'ref': 'A.5.9', 'title': 'Inventory', 'entry': null, 'risks': [],"
	            " 'controls': [" CTL("planned", "'u1'", "false") ", " CTL(
	                    "implemented", "'u2'", "false") "]}");
	ck_assert(json_is_null(json_object_get(l, "owner")));
	json_decref(l);
}
END_TEST

/* ------------------------------------------------------------ check rules */

#define CLEAN                                                                                      \
	"{'ref': 'A.1', 'title': 'Clean', 'controls': [" CTL(                                      \
	        "implemented", "null", "false") "],"                                               \
	                                        " 'risks': [], 'entry': {'applicable': true, "     \
	                                        "'reasons': ['business_practice'],"                \
	                                        " 'reason_text': '', 'exclusion_justification': "  \
	                                        "'', 'implementation_status': null,"               \
	                                        " 'owner_id': null, 'version': 2}}"

START_TEST(clean_lines_raise_no_finding)
{
	json_t *f = check_one(line_of(CLEAN));
	ck_assert_int_eq(json_array_size(f), 0);
	json_decref(f);
	f = check_one(line_of(
	        "{'ref': 'A.7.1', 'title': 'Excluded', 'controls': [], 'risks': [],"
	        " 'entry': {'applicable': false, 'reasons': null, 'reason_text': '',"
	        " 'exclusion_justification': 'No premises in scope', 'implementation_status':"
	        " null, 'owner_id': null, 'version': 2}}"));
	ck_assert_int_eq(json_array_size(f), 0);
	json_decref(f);
}
END_TEST

START_TEST(applicable_without_reason_fires)
{
	json_t *f = check_one(line_of("{'ref': 'A.2', 'title': 'No reason', 'controls': [" CTL(
	        "implemented", "null", "false") "], 'risks': [], 'entry': null}"));
	ck_assert_int_eq(json_array_size(f), 1);
	ck_assert_int_eq(count_rule(f, "applicable_without_reason"), 1);
	ck_assert_str_eq(s(json_array_get(f, 0), "ref"), "A.2");
	json_decref(f);
}
END_TEST

START_TEST(excluded_without_justification_fires_even_for_blank_text)
{
	json_t *f = check_one(
	        line_of("{'ref': 'A.3', 'title': 'Excluded', 'controls': [], 'risks':"
	                " [], 'entry': {'applicable': false, 'reasons': null, 'reason_text':"
	                " '', 'exclusion_justification': '  \\n ', 'implementation_status':"
	                " null, 'owner_id': null, 'version': 2}}"));
	ck_assert_int_eq(json_array_size(f), 1);
	ck_assert_int_eq(count_rule(f, "excluded_without_justification"), 1);
	json_decref(f);
}
END_TEST

START_TEST(applicable_without_control_fires_when_only_not_applicable_controls_remain)
{
	json_t *f = check_one(
	        line_of("{'ref': 'A.4', 'title': 'Uncontrolled', 'controls': [], 'risks':"
	                " [], 'entry': {'applicable': true, 'reasons': ['contractual'],"
	                " 'reason_text': '', 'exclusion_justification': '',"
	                " 'implementation_status': null, 'owner_id': null, 'version': 2}}"));
	ck_assert_int_eq(json_array_size(f), 1);
	ck_assert_int_eq(count_rule(f, "applicable_without_control"), 1);
	json_decref(f);
	f = check_one(line_of("{'ref': 'A.4', 'title': 'Uncontrolled', 'controls': [" CTL(
	        "not_applicable", "null",
	        "false") "], 'risks': [], 'entry':"
	                 " {'applicable': true, 'reasons': ['contractual'], 'reason_text': '',"
	                 " 'exclusion_justification': '', 'implementation_status': null,"
	                 " 'owner_id': null, 'version': 2}}"));
	ck_assert_int_eq(count_rule(f, "applicable_without_control"), 1);
	json_decref(f);
}
END_TEST

START_TEST(excluded_while_a_risk_treatment_relies_on_it_fires)
{
	json_t *f = check_one(line_of("{'ref': 'A.5', 'title': 'Relied on', 'controls': [" CTL(
	        "planned", "null",
	        "false") "], 'risks': [{'id': 'r1', 'ref':"
	                 " 'R-7', 'title': 'Data leak', 'status': 'open', 'relation':"
	                 " 'planned'}], 'entry': {'applicable': false, 'reasons': null,"
	                 " 'reason_text': '', 'exclusion_justification': 'Not needed',"
	                 " 'implementation_status': null, 'owner_id': null, 'version': 2}}"));
	ck_assert_int_eq(json_array_size(f), 1);
	ck_assert_int_eq(count_rule(f, "excluded_but_relied_on_by_risk_treatment"), 1);
	ck_assert_ptr_nonnull(strstr(s(json_array_get(f, 0), "message"), "R-7"));
	json_decref(f);
	/* a closed risk no longer relies on it */
	f = check_one(line_of("{'ref': 'A.5', 'title': 'Relied on', 'controls': [" CTL("planned",
	        "null",
	        "false") "], 'risks': [{'id': 'r1', 'ref': 'R-7',"
	                 " 'title': 'Data leak', 'status': 'closed', 'relation': 'planned'}],"
	                 " 'entry': {'applicable': false, 'reasons': null, 'reason_text': '',"
	                 " 'exclusion_justification': 'Not needed', 'implementation_status': null,"
	                 " 'owner_id': null, 'version': 2}}"));
	ck_assert_int_eq(json_array_size(f), 0);
	json_decref(f);
}
END_TEST

START_TEST(summary_counts_lines_and_findings)
{
	json_t *lines = json_array();
	json_array_append_new(lines, line_of(CLEAN));
	json_array_append_new(lines, line_of("{'ref': 'A.9', 'title': 'T', 'controls': [], "
	                                     "'risks': [], 'entry': null}"));
	json_array_append_new(
	        lines, line_of("{'ref': 'A.10', 'title': 'T', 'controls': [" CTL("not_applicable",
	                       "null", "false") "], 'risks': [], 'entry': null}"));
	json_t *f = soa_check(lines);
	json_t *sm = soa_summary(lines, f);
	ck_assert_int_eq(json_integer_value(json_object_get(sm, "total")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(sm, "applicable")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(sm, "excluded")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(sm, "implemented")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(sm, "not_implemented")), 1);
	/* A.9: no reason + no control; A.10: excluded without justification */
	ck_assert_int_eq(json_integer_value(json_object_get(sm, "findings")), 3);
	json_decref(sm);
	json_decref(f);
	json_decref(lines);
}
END_TEST

START_TEST(frozen_lines_diff_on_substance_only)
{
	json_t *a = line_of(CLEAN);
	json_t *b = line_of("{'ref': 'A.1', 'title': 'Clean', 'controls': [" CTL("implemented",
	        "null",
	        "false") "], 'risks': [], 'entry': {'applicable': true, 'reasons':"
	                 " ['business_practice'], 'reason_text': 'now explained', "
	                 "'exclusion_justification':"
	                 " '', 'implementation_status': null, 'owner_id': null, 'version': 9}}");
	json_t *fa = soa_frozen_line(a), *fb = soa_frozen_line(b);
	ck_assert_ptr_null(json_object_get(fa, "version"));
	ck_assert_ptr_null(json_object_get(fa, "sources"));
	json_t *ca = json_pack("{s:[O]}", "items", fa), *cb = json_pack("{s:[O]}", "items", fb);
	json_t *d = baseline_diff(ca, cb);
	json_t *changed = json_object_get(d, "changed");
	ck_assert_int_eq(json_array_size(changed), 1);
	json_t *changes = json_object_get(json_array_get(changed, 0), "changes");
	ck_assert_int_eq(json_object_size(changes), 1);
	ck_assert_ptr_nonnull(json_object_get(changes, "reason_text"));
	json_decref(d);
	json_decref(ca);
	json_decref(cb);
	json_decref(fa);
	json_decref(fb);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* --------------------------------------------------------------- renderers */

static json_t *export_doc; /* both standards, every Annex A control, built from the catalog */
static json_t *annex_a[2]; /* the refs of each standard, in order */

static void build_doc(void)
{
	struct arena *a = arena_new();
	json_t *cat;
	struct err e = {0};
	char dir[1100];
	const char *root = getenv("CONCORD_ROOT");
	snprintf(dir, sizeof dir, "%s/catalog", root ? root : ".");
	if (catalog_read_dir(a, dir, &cat, &e)) {
		fprintf(stderr, "cannot read the catalog: %s\n", e.message);
		exit(1);
	}
	static const char *const fws[2][2] = {
	        {"iso27001-2022", "ISO/IEC 27001:2022"}, {"iso42001-2023", "ISO/IEC 42001:2023"}};
	json_t *soas = json_array(), *relations = NULL;
	size_t i, j;
	json_t *f, *r;
	json_array_foreach(json_object_get(cat, "files"), i, f)
	{
		if (strcmp(s(f, "layout"), "relations") == 0)
			relations = json_deep_copy(json_object_get(f, "rows"));
	}
	for (int k = 0; k < 2; k++) {
		json_t *lines = json_array();
		annex_a[k] = json_array();
		json_array_foreach(json_object_get(cat, "files"), i, f)
		{
			json_array_foreach(json_object_get(f, "rows"), j, r)
			{
				if (!s(r, "framework_id") ||
				        strcmp(s(r, "framework_id"), fws[k][0]) ||
				        strcmp(s(r, "kind"), "annex_a_control"))
					continue;
				/* odd controls excluded with a justification that needs quoting */
				bool excluded = json_array_size(annex_a[k]) % 2 == 1;
				json_t *fact = json_pack("{s:O, s:O, s:O, s:s, s:[], s:[], s:o}",
				        "ref", json_object_get(r, "ref"), "title",
				        json_object_get(r, "title"), "group",
				        json_object_get(r, "parent_ref"), "group_title", "Group",
				        "controls", "risks", "entry",
				        excluded ? json_pack("{s:b, s:s}", "applicable", 0,
				                           "exclusion_justification",
				                           "=SUM(A1) \"quoted\", comma\nnew line")
				                 : json_null());
				json_t *users = json_object();
				json_array_append_new(lines, soa_line(fact, users));
				json_array_append(annex_a[k], json_object_get(r, "ref"));
				json_decref(fact);
				json_decref(users);
			}
		}
		json_t *findings = soa_check(lines);
		json_array_append_new(
		        soas, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:n}", "framework",
		                      fws[k][0], "name", fws[k][1], "catalog_version", "2026.1",
		                      "summary", soa_summary(lines, findings), "findings", findings,
		                      "items", lines, "approved"));
	}
	export_doc = json_pack(
	        "{s:s, s:i, s:{s:s, s:s}, s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}],"
	        " s:o, s:[{s:s, s:s, s:s, s:s, s:{s:[s], s:[s], s:[s]}}], s:o}",
	        "format", "concord.soa-export", "format_version", 1, "tenant", "name",
	        "Client & Co <Ltd>", "slug", "client", "generated_at", "2026-11-29T10:00:00Z",
	        "frameworks", "id", "eu-ai-act", "name", "EU AI Act", "id", "iso27001-2022", "name",
	        "ISO/IEC 27001:2022", "id", "iso42001-2023", "name", "ISO/IEC 42001:2023", "soa",
	        soas, "shared_controls", "ref", "LOG-1", "title", "Logging", "status",
	        "implemented", "owner", "Ada", "requirements", "iso27001-2022", "A.8.15",
	        "iso42001-2023", "A.6.2.8", "eu-ai-act", "Art. 12", "crosswalk", relations);
	arena_free(a);
}

/* A file of the zip archive as a NUL-terminated string (malloc'd), or NULL. */
static char *zip_text(zip_t *z, const char *name)
{
	zip_stat_t st;
	if (zip_stat(z, name, 0, &st) != 0)
		return NULL;
	zip_file_t *f = zip_fopen(z, name, 0);
	char *buf = malloc(st.size + 1);
	zip_int64_t n = zip_fread(f, buf, st.size);
	zip_fclose(f);
	ck_assert_int_eq(n, (zip_int64_t)st.size);
	buf[st.size] = '\0';
	return buf;
}

static void xml_unescape(char *s)
{
	static const char *const ent[][2] = {
	        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
	char *w = s;
	for (char *p = s; *p;) {
		bool done = false;
		for (int k = 0; k < 5 && !done; k++) {
			size_t n = strlen(ent[k][0]);
			if (strncmp(p, ent[k][0], n) == 0) {
				*w++ = ent[k][1][0];
				p += n;
				done = true;
			}
		}
		if (!done)
			*w++ = *p++;
	}
	*w = '\0';
}

/* sharedStrings.xml: the text of each <si> in order. */
static json_t *shared_strings(const char *xml)
{
	json_t *out = json_array();
	for (const char *p = strstr(xml, "<si>"); p; p = strstr(p + 1, "<si>")) {
		const char *end = strstr(p, "</si>");
		char text[40000] = "";
		size_t used = 0;
		for (const char *t = strstr(p, "<t"); t && t < end; t = strstr(t + 1, "<t")) {
			const char *open = strchr(t, '>');
			const char *close = strstr(open, "</t>");
			if (t[2] != '>' && t[2] != ' ')
				continue;
			size_t n = (size_t)(close - open - 1);
			if (used + n < sizeof text) {
				memcpy(text + used, open + 1, n);
				used += n;
				text[used] = '\0';
			}
		}
		xml_unescape(text);
		json_array_append_new(out, json_string(text));
	}
	return out;
}

/* A sheet's cells as {"A2": "text", ...} (shared strings resolved). */
static json_t *sheet_cells(const char *xml, const json_t *strings)
{
	json_t *out = json_object();
	for (const char *c = strstr(xml, "<c r=\""); c; c = strstr(c + 1, "<c r=\"")) {
		char ref[16];
		const char *q = c + 6;
		size_t n = strcspn(q, "\"");
		snprintf(ref, sizeof ref, "%.*s", (int)n, q);
		const char *tag_end = strchr(c, '>');
		bool shared = false;
		for (const char *a = c; a < tag_end; a++)
			if (strncmp(a, " t=\"s\"", 6) == 0)
				shared = true;
		if (tag_end[-1] == '/')
			continue;
		const char *v = strstr(tag_end, "<v>"), *cend = strstr(tag_end, "</c>");
		if (!v || v > cend)
			continue;
		int idx = atoi(v + 3);
		if (shared)
			json_object_set(out, ref, json_array_get(strings, (size_t)idx));
	}
	return out;
}

START_TEST(xlsx_workbook_holds_every_annex_a_control_of_both_standards)
{
	char *data;
	size_t len;
	struct err e = {0};
	ck_assert_msg(soa_export_xlsx(export_doc, &data, &len, &e) == 0, "%s", e.message);
	ck_assert_int_gt(len, 1000);
	ck_assert(memcmp(data, "PK", 2) == 0);
	zip_error_t ze;
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	ck_assert_ptr_nonnull(z);
	char *wbx = zip_text(z, "xl/workbook.xml");
	char *ssx = zip_text(z, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(wbx);
	ck_assert_ptr_nonnull(ssx);
	json_t *strings = shared_strings(ssx);
	/* sheet names in order: sheetN.xml is the N-th <sheet> of workbook.xml */
	static const char *const want[] = {"About", "ISO-IEC 27001-2022 SoA",
	        "ISO-IEC 42001-2023 SoA", "Findings", "Shared controls", "Crosswalk"};
	int n = 0;
	for (const char *p = strstr(wbx, "<sheet name=\""); p;
	        p = strstr(p + 1, "<sheet name=\""), n++) {
		ck_assert_int_lt(n, 6);
		ck_assert(strncmp(p + 13, want[n], strlen(want[n])) == 0 &&
		          p[13 + strlen(want[n])] == '"');
	}
	ck_assert_int_eq(n, 6);
	for (int k = 0; k < 2; k++) {
		char name[40];
		snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", k + 2);
		char *x = zip_text(z, name);
		ck_assert_ptr_nonnull(x);
		json_t *cells = sheet_cells(x, strings);
		ck_assert_str_eq(json_string_value(json_object_get(cells, "A1")), "Control");
		ck_assert_str_eq(json_string_value(json_object_get(cells, "D1")), "Applicable");
		size_t i;
		json_t *ref;
		json_array_foreach(annex_a[k], i, ref)
		{
			char a[16], d[16], g[16];
			snprintf(a, sizeof a, "A%zu", i + 2);
			snprintf(d, sizeof d, "D%zu", i + 2);
			snprintf(g, sizeof g, "G%zu", i + 2);
			ck_assert_msg(json_equal(json_object_get(cells, a), ref),
			        "sheet %d row %zu should be control %s", k + 2, i + 2,
			        json_string_value(ref));
			ck_assert_str_eq(
			        json_string_value(json_object_get(cells, d)), i % 2 ? "No" : "Yes");
			if (i % 2)
				ck_assert_str_eq(json_string_value(json_object_get(cells, g)),
				        "=SUM(A1) \"quoted\", comma\nnew line");
		}
		char past[16];
		snprintf(past, sizeof past, "A%zu", json_array_size(annex_a[k]) + 2);
		ck_assert_ptr_null(json_object_get(cells, past));
		ck_assert_int_eq(json_array_size(annex_a[k]), k == 0 ? 93 : 38);
		json_decref(cells);
		free(x);
	}
	/* the organisation's name survives XML escaping; the crosswalk has every relation */
	char *about = zip_text(z, "xl/worksheets/sheet1.xml");
	json_t *cells = sheet_cells(about, strings);
	ck_assert_str_eq(json_string_value(json_object_get(cells, "B3")), "Client & Co <Ltd>");
	json_decref(cells);
	free(about);
	char *cw = zip_text(z, "xl/worksheets/sheet6.xml");
	cells = sheet_cells(cw, strings);
	ck_assert_str_eq(json_string_value(json_object_get(cells, "D1")), "Relation");
	ck_assert_ptr_nonnull(json_object_get(cells, "B223"));
	ck_assert_ptr_null(json_object_get(cells, "B224"));
	json_decref(cells);
	free(cw);
	char *sh = zip_text(z, "xl/worksheets/sheet5.xml");
	cells = sheet_cells(sh, strings);
	ck_assert_str_eq(json_string_value(json_object_get(cells, "A2")), "LOG-1");
	ck_assert_str_eq(json_string_value(json_object_get(cells, "F2")), "A.8.15");
	json_decref(cells);
	free(sh);
	json_decref(strings);
	free(wbx);
	free(ssx);
	zip_close(z);
	free(data);
}
END_TEST

/* Split one CSV record at *p (RFC 4180) into fields; advances *p. */
static json_t *csv_record(const char **p)
{
	json_t *fields = json_array();
	char buf[4096];
	size_t n = 0;
	bool quoted = false;
	for (const char *c = *p;; c++) {
		if (quoted) {
			if (*c == '"' && c[1] == '"') {
				buf[n++] = '"';
				c++;
			} else if (*c == '"') {
				quoted = false;
			} else {
				buf[n++] = *c;
			}
			continue;
		}
		if (*c == '"') {
			quoted = true;
		} else if (*c == ',' || (*c == '\r' && c[1] == '\n') || !*c) {
			buf[n] = '\0';
			json_array_append_new(fields, json_string(buf));
			n = 0;
			if (*c != ',') {
				*p = *c ? c + 2 : c;
				return fields;
			}
		} else {
			buf[n++] = *c;
		}
	}
}

START_TEST(csv_has_one_quoted_row_per_line_and_defuses_formulas)
{
	size_t len;
	char *csv = soa_export_csv(export_doc, &len);
	ck_assert_int_eq(strlen(csv), len);
	const char *p = csv;
	json_t *head = csv_record(&p);
	ck_assert_int_eq(json_array_size(head), 12);
	ck_assert_str_eq(json_string_value(json_array_get(head, 1)), "control");
	json_decref(head);
	int rows = 0;
	while (*p) {
		json_t *r = csv_record(&p);
		ck_assert_int_eq(json_array_size(r), 12);
		if (strcmp(json_string_value(json_array_get(r, 4)), "no") == 0)
			ck_assert_str_eq(json_string_value(json_array_get(r, 7)),
			        "'=SUM(A1) \"quoted\", comma\nnew line");
		json_decref(r);
		rows++;
	}
	ck_assert_int_eq(rows, 93 + 38);
	free(csv);
}
END_TEST

static Suite *soa_suite(void)
{
	Suite *su = suite_create("soa");
	TCase *tc = tcase_create("soa");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, line_without_controls_is_applicable_not_implemented_and_unreasoned);
	tcase_add_test(tc, status_is_derived_from_implementing_controls);
	tcase_add_test(tc, all_controls_not_applicable_makes_the_line_excluded);
	tcase_add_test(tc, reasons_come_from_risk_treatment_and_laws);
	tcase_add_test(tc, recorded_values_override_the_derived_ones);
	tcase_add_test(tc, owner_is_derived_only_when_the_controls_share_one);
	tcase_add_test(tc, clean_lines_raise_no_finding);
	tcase_add_test(tc, applicable_without_reason_fires);
	tcase_add_test(tc, excluded_without_justification_fires_even_for_blank_text);
	tcase_add_test(
	        tc, applicable_without_control_fires_when_only_not_applicable_controls_remain);
	tcase_add_test(tc, excluded_while_a_risk_treatment_relies_on_it_fires);
	tcase_add_test(tc, summary_counts_lines_and_findings);
	tcase_add_test(tc, frozen_lines_diff_on_substance_only);
	tcase_add_test(tc, xlsx_workbook_holds_every_annex_a_control_of_both_standards);
	tcase_add_test(tc, csv_has_one_quoted_row_per_line_and_defuses_formulas);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	build_doc();
	SRunner *sr = srunner_create(soa_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	json_decref(export_doc);
	json_decref(annex_a[0]);
	json_decref(annex_a[1]);
	return nf == 0 ? 0 : 1;
}
