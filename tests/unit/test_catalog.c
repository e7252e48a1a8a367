/*
 * test_catalog.c - the standards catalog is complete and exact, its reader is strict,
 * and the starter control set shares controls where the crosswalk says so.
 *
 * The shipped catalog ($CONCORD_ROOT/catalog) is read once with catalog_read_dir and
 * compared with the reference files ($CONCORD_ROOT/../shared/reference, falling back to
 * /work/shared/reference): counts, every id/title pair, hierarchy, ISO/IEC 27002
 * attributes, Annex B pointers, Annex C headings, Annex III points. Malformed files are
 * built in memory or in a temporary copy of the catalog.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "catalog.h"

static struct arena *arena;
static json_t *cat;       /* catalog_read_dir of the shipped catalog */
static char root[1024];   /* project root */
static char refdir[1100]; /* reference directory */

/* ------------------------------------------------------------------ helpers */

static void load_catalog(void)
{
	const char *r = getenv("CONCORD_ROOT");
	snprintf(root, sizeof root, "%s", r ? r : ".");
	snprintf(refdir, sizeof refdir, "%s/../shared/reference", root);
	struct stat st;
	if (stat(refdir, &st) != 0)
		snprintf(refdir, sizeof refdir, "/work/shared/reference");
	arena = arena_new();
	char dir[1100];
	snprintf(dir, sizeof dir, "%s/catalog", root);
	struct err e = {0};
	if (catalog_read_dir(arena, dir, &cat, &e)) {
		fprintf(stderr, "catalog_read_dir: %s\n", e.message);
		cat = NULL;
	}
}

/* Rows of a reference TSV ('#' comments, one header) as objects keyed by column. */
static json_t *reference_rows(const char *name)
{
	char path[1300];
	snprintf(path, sizeof path, "%s/%s", refdir, name);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s", path);
	json_t *rows = json_array(), *header = NULL;
	char line[8192];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		json_t *cells = json_array();
		for (char *p = line, *tab;; p = tab + 1) {
			tab = strchr(p, '\t');
			if (tab)
				*tab = '\0';
			json_array_append_new(cells, json_string(p));
			if (!tab)
				break;
		}
		if (!header) {
			header = cells;
			continue;
		}
		json_t *row = json_object();
		for (size_t i = 0; i < json_array_size(header); i++)
			json_object_set(row, json_string_value(json_array_get(header, i)),
			        json_array_get(cells, i));
		json_array_append_new(rows, row);
		json_decref(cells);
	}
	fclose(f);
	json_decref(header);
	return rows;
}

static const char *col(const json_t *row, const char *k)
{
	const char *v = json_string_value(json_object_get(row, k));
	return v ? v : "";
}

/* All requirement rows of a framework (borrowed into a new array). */
static json_t *rows_of(const char *fw, const char *kind)
{
	ck_assert_ptr_nonnull(cat);
	json_t *out = json_array();
	size_t i, j;
	json_t *f, *r;
	json_array_foreach(json_object_get(cat, "files"), i, f)
	{
		json_array_foreach(json_object_get(f, "rows"), j, r)
		{
			if (strcmp(col(r, "framework_id"), fw) == 0 &&
			        (!kind || strcmp(col(r, "kind"), kind) == 0))
				json_array_append(out, r);
		}
	}
	return out;
}

static json_t *find(const json_t *rows, const char *ref)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) if (strcmp(col(r, "ref"), ref) == 0) return r;
	return NULL;
}

static json_t *relations(void)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(cat, "files"), i, f)
	{
		if (strcmp(col(f, "layout"), "relations") == 0)
			return json_object_get(f, "rows");
	}
	return NULL;
}

/* id -> title of every reference row with a real title in column tcol. */
static void assert_same_ids_and_titles(
        const char *what, json_t *ref_rows, const char *idcol, const char *tcol, json_t *got)
{
	size_t i;
	json_t *r;
	int want = 0;
	json_array_foreach(ref_rows, i, r)
	{
		const char *t = col(r, tcol);
		if (!*t || strcmp(t, "(none)") == 0)
			continue;
		want++;
		json_t *g = find(got, col(r, idcol));
		ck_assert_msg(g, "%s: %s missing", what, col(r, idcol));
		ck_assert_msg(strcmp(col(g, "title"), t) == 0,
		        "%s %s: title '%s' != reference '%s'", what, col(r, idcol), col(g, "title"),
		        t);
	}
	ck_assert_msg((int)json_array_size(got) == want, "%s: %zu rows, reference has %d", what,
	        json_array_size(got), want);
}

static bool list_equals_csv(const json_t *arr, const char *csv)
{
	size_t n = 0;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", csv);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	        tok = strtok_r(NULL, ",", &save), n++) {
		const char *v = json_string_value(json_array_get(arr, n));
		if (!v || strcmp(v, tok) != 0)
			return false;
	}
	return n == json_array_size(arr);
}

/* ------------------------------------------------------ completeness, exactness */

START_TEST(catalog_reads_with_source_and_version_in_every_file)
{
	ck_assert_ptr_nonnull(cat);
	json_t *files = json_object_get(cat, "files");
	ck_assert_int_eq(json_array_size(files), 6);
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f)
	{
		ck_assert_msg(strlen(col(f, "source")) > 10, "%s has no source", col(f, "path"));
		ck_assert_str_eq(col(f, "catalog_version"), "2026.1");
		ck_assert_int_eq(strlen(col(f, "sha256")), 64);
	}
	ck_assert_int_eq(json_array_size(json_object_get(cat, "frameworks")), 3);
}
END_TEST

START_TEST(iso27001_clauses_match_reference_exactly)
{
	json_t *ref = reference_rows("clauses.tsv");
	json_t *got = rows_of("iso27001-2022", "clause");
	assert_same_ids_and_titles("27001 clause", ref, "clause_id", "iso27001_2022_title", got);
	/* every clause hangs under its enclosing clause; 30 lowest-level clauses are actionable */
	int leaves = 0;
	size_t i;
	json_t *r;
	json_array_foreach(got, i, r)
	{
		char parent[32];
		snprintf(parent, sizeof parent, "%s", col(r, "ref"));
		char *dot = strrchr(parent, '.');
		if (dot)
			*dot = '\0';
		ck_assert_str_eq(col(r, "parent_ref"), dot ? parent : "");
		leaves += json_is_true(json_object_get(r, "actionable"));
	}
	ck_assert_int_eq(leaves, 30);
	ck_assert_int_eq(json_array_size(got), 41);
	json_decref(ref);
	json_decref(got);
}
END_TEST

START_TEST(iso27001_annex_a_has_93_controls_with_reference_titles_themes_and_attributes)
{
	json_t *ref = reference_rows("iso27001_2022_annexA.tsv");
	json_t *got = rows_of("iso27001-2022", "annex_a_control");
	ck_assert_int_eq(json_array_size(ref), 93);
	assert_same_ids_and_titles("27001 Annex A", ref, "id", "title", got);
	static const char *const themes[][2] = {{"organizational", "A.5"}, {"people", "A.6"},
	        {"physical", "A.7"}, {"technological", "A.8"}};
	static const char *const attrs[][2] = {{"control_type", "control_type"},
	        {"security_properties", "infosec_properties"},
	        {"cybersecurity_concepts", "cybersecurity_concepts"},
	        {"operational_capabilities", "operational_capabilities"},
	        {"security_domains", "security_domains"}};
	size_t i;
	json_t *r;
	json_array_foreach(ref, i, r)
	{
		json_t *g = find(got, col(r, "id"));
		const char *theme = NULL;
		for (int t = 0; t < 4; t++)
			if (strcmp(themes[t][0], col(r, "theme")) == 0)
				theme = themes[t][1];
		ck_assert_msg(theme && strcmp(col(g, "parent_ref"), theme) == 0,
		        "%s is not under its theme", col(r, "id"));
		json_t *a = json_object_get(g, "attributes");
		ck_assert_int_eq(json_object_size(a), 5);
		for (int k = 0; k < 5; k++)
			ck_assert_msg(list_equals_csv(
			                      json_object_get(a, attrs[k][0]), col(r, attrs[k][1])),
			        "%s attribute %s differs from ISO/IEC 27002", col(r, "id"),
			        attrs[k][0]);
		ck_assert_msg(json_array_size(json_object_get(g, "typical_evidence")) > 0,
		        "%s has no typical evidence", col(r, "id"));
		ck_assert_msg(strlen(col(g, "guidance")) > 40, "%s has no guidance", col(r, "id"));
	}
	json_t *th = rows_of("iso27001-2022", "annex_a_theme");
	ck_assert_int_eq(json_array_size(th), 4);
	ck_assert_str_eq(col(find(th, "A.8"), "title"), "Technological controls");
	json_decref(th);
	json_decref(ref);
	json_decref(got);
}
END_TEST

START_TEST(iso42001_clauses_include_6_1_4_and_8_4_and_match_reference)
{
	json_t *ref = reference_rows("clauses.tsv");
	json_t *got = rows_of("iso42001-2023", "clause");
	assert_same_ids_and_titles("42001 clause", ref, "clause_id", "iso42001_2023_title", got);
	ck_assert_str_eq(col(find(got, "6.1.4"), "title"), "AI system impact assessment");
	ck_assert_str_eq(col(find(got, "8.4"), "title"), "AI system impact assessment");
	int leaves = 0;
	size_t i;
	json_t *r;
	json_array_foreach(got, i, r) leaves += json_is_true(json_object_get(r, "actionable"));
	ck_assert_int_eq(leaves, 32);
	json_decref(ref);
	json_decref(got);
}
END_TEST

START_TEST(iso42001_annex_a_has_38_controls_under_reference_objectives)
{
	json_t *ref = reference_rows("iso42001_2023_annexA.tsv");
	json_t *got = rows_of("iso42001-2023", "annex_a_control");
	json_t *obj = rows_of("iso42001-2023", "annex_a_objective");
	ck_assert_int_eq(json_array_size(ref), 38);
	assert_same_ids_and_titles("42001 Annex A", ref, "control_id", "control_title", got);
	size_t i;
	json_t *r;
	int objectives = 0;
	json_t *seen = json_object();
	json_array_foreach(ref, i, r)
	{
		json_t *g = find(got, col(r, "control_id"));
		ck_assert_str_eq(col(g, "parent_ref"), col(r, "objective_id"));
		json_t *a = json_object_get(g, "attributes");
		ck_assert_str_eq(col(a, "annex_b"), col(r, "annexB_guidance"));
		json_t *o = find(obj, col(r, "objective_id"));
		ck_assert_msg(o, "objective %s missing", col(r, "objective_id"));
		ck_assert_str_eq(col(o, "title"), col(r, "objective_title"));
		if (!json_object_get(seen, col(r, "objective_id"))) {
			json_object_set_new(seen, col(r, "objective_id"), json_true());
			objectives++;
		}
	}
	ck_assert_int_eq(objectives, 10);
	ck_assert_int_eq(json_array_size(obj), 10);
	json_decref(seen);
	json_decref(ref);
	json_decref(got);
	json_decref(obj);
}
END_TEST

START_TEST(iso42001_annex_c_matches_reference_headings)
{
	/* crosswalk.md lists "C.2.1 Accountability, C.2.2 AI expertise, ..." on one line */
	char path[1300];
	snprintf(path, sizeof path, "%s/crosswalk.md", refdir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[8192];
	char *annex = NULL;
	while (fgets(line, sizeof line, f))
		if (strstr(line, "Annex C (informative)")) {
			annex = strdup(line);
			break;
		}
	fclose(f);
	ck_assert_ptr_nonnull(annex);
	json_t *obj = rows_of("iso42001-2023", "annex_c_objective");
	json_t *src = rows_of("iso42001-2023", "annex_c_risk_source");
	ck_assert_int_eq(json_array_size(obj), 11);
	ck_assert_int_eq(json_array_size(src), 7);
	for (int pass = 0; pass < 2; pass++) {
		json_t *rows = pass ? src : obj;
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
		{
			char want[300];
			snprintf(want, sizeof want, "%s %s", col(r, "ref"), col(r, "title"));
			const char *at = strstr(annex, want);
			ck_assert_msg(at, "'%s' is not a heading of Annex C", want);
			char next = at[strlen(want)];
			ck_assert_msg(next == ',' || next == ';' || next == '.' || next == ' ',
			        "'%s' is only a prefix of a heading", want);
		}
	}
	free(annex);
	json_decref(obj);
	json_decref(src);
}
END_TEST

START_TEST(ai_act_has_obligation_articles_annex_iii_points_and_annex_iv)
{
	/* the articles that carry obligations for providers, deployers, importers,
	 * distributors, authorised representatives and GPAI providers */
	static const int required[] = {4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	        21, 22, 23, 24, 25, 26, 27, 43, 47, 48, 49, 50, 51, 52, 53, 54, 55, 72, 73, 86};
	json_t *arts = rows_of("eu-ai-act", "article");
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		char ref[16];
		snprintf(ref, sizeof ref, "Art. %d", required[i]);
		json_t *a = find(arts, ref);
		ck_assert_msg(a, "%s missing", ref);
		ck_assert_msg(strlen(col(a, "title")) > 3, "%s has no title", ref);
		ck_assert_msg(
		        json_is_true(json_object_get(a, "actionable")), "%s not actionable", ref);
	}
	ck_assert_str_eq(col(find(arts, "Art. 12"), "title"), "Record-keeping");
	/* Annex III points as listed in ai_act.md section 5.3 ("- 1(a) ..." and "- 2: ...") */
	char path[1300];
	snprintf(path, sizeof path, "%s/ai_act.md", refdir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[8192];
	bool in = false;
	int npoints = 0;
	json_t *points = rows_of("eu-ai-act", "annex_iii_point");
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "### 5.3", 7) == 0)
			in = true;
		else if (in && strncmp(line, "## ", 3) == 0)
			break;
		if (!in || line[0] != '-' || line[1] != ' ' || line[2] < '1' || line[2] > '8')
			continue;
		char ref[32];
		if (line[3] == '(')
			snprintf(ref, sizeof ref, "Annex III %c(%c)", line[2], line[4]);
		else
			snprintf(ref, sizeof ref, "Annex III %c(-)", line[2]);
		json_t *p = find(points, ref);
		ck_assert_msg(p, "%s missing", ref);
		char area[16];
		snprintf(area, sizeof area, "Annex III %c", line[2]);
		ck_assert_str_eq(col(p, "parent_ref"), area);
		npoints++;
	}
	fclose(f);
	ck_assert_int_eq(npoints, 25);
	ck_assert_int_eq(json_array_size(points), 25);
	json_t *areas = rows_of("eu-ai-act", "annex_iii_area");
	json_t *iv = rows_of("eu-ai-act", "annex_iv_section");
	ck_assert_int_eq(json_array_size(areas), 8);
	ck_assert_int_eq(json_array_size(iv), 9);
	for (int n = 1; n <= 9; n++) {
		char ref[16];
		snprintf(ref, sizeof ref, "Annex IV %d", n);
		ck_assert_msg(find(iv, ref), "%s missing", ref);
		ck_assert_str_eq(col(find(iv, ref), "parent_ref"), "Art. 11");
	}
	json_decref(arts);
	json_decref(points);
	json_decref(areas);
	json_decref(iv);
}
END_TEST

START_TEST(every_iso42001_control_has_a_relation_or_no_counterpart)
{
	json_t *ctl = rows_of("iso42001-2023", "annex_a_control");
	json_t *rels = relations();
	ck_assert_int_eq(json_array_size(rels), 222);
	size_t i, j;
	json_t *c, *r;
	json_array_foreach(ctl, i, c)
	{
		int n = 0;
		json_array_foreach(rels, j, r)
		{
			bool from = strcmp(col(r, "from_framework"), "iso42001-2023") == 0 &&
			            strcmp(col(r, "from_ref"), col(c, "ref")) == 0;
			bool to = strcmp(col(r, "to_framework"), "iso42001-2023") == 0 &&
			          strcmp(col(r, "to_ref"), col(c, "ref")) == 0;
			if (from || to) {
				n++;
				ck_assert_msg(strlen(col(r, "rationale")) > 10,
				        "relation of %s lacks a reason", col(c, "ref"));
			}
		}
		ck_assert_msg(
		        n > 0, "42001 %s has no relation and no no_counterpart", col(c, "ref"));
	}
	/* no_counterpart rows carry no target and name the framework searched */
	json_array_foreach(rels, j, r)
	{
		bool none = strcmp(col(r, "relation"), "no_counterpart") == 0;
		ck_assert(none == json_is_null(json_object_get(r, "to_ref")));
	}
	json_decref(ctl);
}
END_TEST

/* ----------------------------------------------------------- strict reading */

static int parse(const char *text, struct err *e)
{
	struct catalog_tsv t;
	return catalog_parse_tsv(arena, "x.tsv", text, strlen(text), &t, e);
}

#define HEAD "# source: test\n# catalog_version: 2026.1\nold_ref\tchange\tnew_ref\tnote\n"

START_TEST(parser_accepts_a_well_formed_file)
{
	struct catalog_tsv t;
	const char *text = HEAD "A.1\trenamed\tA.2\tmoved\n";
	struct err e = {0};
	ck_assert_int_eq(catalog_parse_tsv(arena, "x.tsv", text, strlen(text), &t, &e), 0);
	ck_assert_int_eq(t.nrows, 1);
	ck_assert_int_eq(t.layout, CATALOG_CHANGES);
	ck_assert_str_eq(t.rows[0][2], "A.2");
	ck_assert_int_eq(t.lines[0], 4);
	ck_assert_str_eq(t.catalog_version, "2026.1");
}
END_TEST

START_TEST(parser_rejects_wrong_column_count_naming_the_line)
{
	struct err e = {0};
	ck_assert_int_eq(parse(HEAD "A.1\trenamed\tA.2\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "x.tsv:4"));
	ck_assert_ptr_nonnull(strstr(e.message, "3 fields, expected 4"));
	ck_assert_int_eq(parse(HEAD "A.1\trenamed\tA.2\tnote\textra\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "5 fields"));
}
END_TEST

START_TEST(parser_rejects_comments_and_blank_lines_after_the_header)
{
	struct err e = {0};
	ck_assert_int_eq(parse(HEAD "# late comment\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "comment line after the header"));
	ck_assert_int_eq(parse(HEAD "A.1\trenamed\tA.2\tx\n\nA.3\trenamed\tA.4\ty\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "x.tsv:5: blank line"));
}
END_TEST

START_TEST(parser_requires_source_version_and_a_known_header)
{
	struct err e = {0};
	ck_assert_int_eq(
	        parse("# catalog_version: 2026.1\nold_ref\tchange\tnew_ref\tnote\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "source"));
	ck_assert_int_eq(parse("# source: s\nold_ref\tchange\tnew_ref\tnote\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "catalog_version"));
	ck_assert_int_eq(
	        parse("# source: s\n# catalog_version: 26\nold_ref\tchange\tnew_ref\tnote\n", &e),
	        -1);
	ck_assert_int_eq(parse("# source: s\n# catalog_version: 2026.1\nref\ttitle\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "unknown header"));
	ck_assert_int_eq(parse("old_ref\tchange\tnew_ref\tnote\n", &e), -1);
}
END_TEST

START_TEST(parser_rejects_crlf_padding_and_invalid_utf8)
{
	struct err e = {0};
	ck_assert_int_eq(parse(HEAD "A.1\trenamed\tA.2\tx\r\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "CR"));
	ck_assert_int_eq(parse(HEAD "A.1 \trenamed\tA.2\tx\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "whitespace"));
	ck_assert_int_eq(parse(HEAD "A.1\trenamed\tA.2\t\xff\n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "UTF-8"));
}
END_TEST

/* Copy the shipped catalog to a temporary directory, apply `edit` (a sed script) to one
 * file, and read it back. */
static int read_edited(const char *file, const char *sed, struct err *e)
{
	char tmpl[] = "/tmp/concord-catalog-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cp -r '%s/catalog/.' '%s/' && sed -i %s '%s/%s'", root, tmpl,
	        sed, tmpl, file);
	ck_assert_int_eq(system(cmd), 0);
	json_t *out;
	int rc = catalog_read_dir(arena, tmpl, &out, e);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(cmd), 0);
	return rc;
}

START_TEST(reader_rejects_a_crosswalk_ref_that_is_not_in_the_catalog)
{
	struct err e = {0};
	ck_assert_int_eq(
	        read_edited("crosswalk/relations.tsv", "-e 's/\\tA\\.8\\.15\\t/\\tA.8.99\\t/'", &e),
	        -1);
	ck_assert_ptr_nonnull(strstr(e.message, "'A.8.99' is not a requirement of iso27001-2022"));
}
END_TEST

START_TEST(reader_rejects_an_unknown_parent_and_a_duplicate_ref)
{
	struct err e = {0};
	ck_assert_int_eq(read_edited("iso27001-2022/requirements.tsv",
	                         "-e "
	                         "'s/^A\\.8\\.15\\tannex_a_control\\tA\\.8\\t/"
	                         "A.8.15\\tannex_a_control\\tA.9\\t/'",
	                         &e),
	        -1);
	ck_assert_ptr_nonnull(strstr(e.message, "parent_ref 'A.9' does not exist"));
	ck_assert_int_eq(read_edited("iso27001-2022/requirements.tsv",
	                         "-e 's/^A\\.8\\.16\\t/A.8.15\\t/'", &e),
	        -1);
	ck_assert_ptr_nonnull(strstr(e.message, "duplicate ref"));
}
END_TEST

START_TEST(reader_rejects_a_frozen_copy_that_differs_from_its_version)
{
	struct err e = {0};
	/* freeze 2026.1, then change the frozen copy without changing its version */
	char tmpl[] = "/tmp/concord-catalog-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
	        "cp -r '%s/catalog/.' '%s/' && mkdir '%s/iso42001-2023/v2026.1' && "
	        "cp '%s/iso42001-2023/annex_c.tsv' '%s/iso42001-2023/v2026.1/' && "
	        "sed -i 's/Accountability/Accountability!/' '%s/iso42001-2023/v2026.1/annex_c.tsv'",
	        root, tmpl, tmpl, tmpl, tmpl, tmpl);
	ck_assert_int_eq(system(cmd), 0);
	json_t *out;
	ck_assert_int_eq(catalog_read_dir(arena, tmpl, &out, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "both claim catalog version 2026.1 but differ"));
	/* an identical frozen copy is accepted and loaded once */
	snprintf(cmd, sizeof cmd, "cp '%s/iso42001-2023/annex_c.tsv' '%s/iso42001-2023/v2026.1/'",
	        tmpl, tmpl);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(catalog_read_dir(arena, tmpl, &out, &e), 0);
	ck_assert_int_eq(json_array_size(json_object_get(out, "files")), 6);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(split_id_accepts_public_ids_and_rejects_malformed_ones)
{
	struct err e = {0};
	const char *fw, *ref;
	ck_assert_int_eq(
	        catalog_split_id(arena, "eu-ai-act:Art. 12", "requirements[0]", &fw, &ref, &e), 0);
	ck_assert_str_eq(fw, "eu-ai-act");
	ck_assert_str_eq(ref, "Art. 12");
	ck_assert_int_eq(catalog_split_id(arena, "A.8.15", "requirements[1]", &fw, &ref, &e), -1);
	ck_assert_str_eq(e.field, "requirements[1]");
	ck_assert_int_eq(catalog_split_id(arena, ":A.8.15", "x", &fw, &ref, &e), -1);
	ck_assert_int_eq(catalog_split_id(arena, "iso27001-2022:", "x", &fw, &ref, &e), -1);
}
END_TEST

/* ---------------------------------------------------------------- starter set */

static json_t *all_requirements(void)
{
	json_t *out = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(cat, "files"), i, f)
	{
		if (strcmp(col(f, "layout"), "requirements") == 0)
			json_array_extend(out, json_object_get(f, "rows"));
	}
	return out;
}

static json_t *groups_for(const char *fws)
{
	json_t *sel = json_array();
	char buf[200];
	snprintf(buf, sizeof buf, "%s", fws);
	for (char *s = NULL, *t = strtok_r(buf, ",", &s); t; t = strtok_r(NULL, ",", &s))
		json_array_append_new(sel, json_string(t));
	json_t *reqs = all_requirements();
	json_t *g = catalog_starter_groups(reqs, relations(), sel);
	json_decref(reqs);
	json_decref(sel);
	return g;
}

static bool has_member(const json_t *group, const char *fw, const char *ref)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(group, "members"), i, m)
	{
		if (strcmp(col(m, "framework_id"), fw) == 0 && strcmp(col(m, "ref"), ref) == 0)
			return true;
	}
	return false;
}

static int groups_with(const json_t *groups, const char *fw, const char *ref)
{
	int n = 0;
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g) n += has_member(g, fw, ref);
	return n;
}

START_TEST(starter_shares_one_logging_control_across_three_frameworks)
{
	json_t *g = groups_for("iso27001-2022,iso42001-2023,eu-ai-act");
	const json_t *logging = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(g, i, x) if (has_member(x, "iso27001-2022", "A.8.15")) logging = x;
	ck_assert_ptr_nonnull(logging);
	ck_assert(has_member(logging, "iso42001-2023", "A.6.2.8"));
	ck_assert(has_member(logging, "eu-ai-act", "Art. 12"));
	ck_assert_str_eq(col(logging, "key"), "iso42001-2023:A.6.2.8");
	/* A.8.15 and A.6.2.8 are each served by that one control only */
	ck_assert_int_eq(groups_with(g, "iso27001-2022", "A.8.15"), 1);
	ck_assert_int_eq(groups_with(g, "iso42001-2023", "A.6.2.8"), 1);
	/* each member says why it is there */
	json_array_foreach(json_object_get(logging, "members"), i, x)
	{
		if (strcmp(col(x, "relation"), "anchor") != 0)
			ck_assert_msg(strlen(col(x, "rationale")) > 10,
			        "member %s lacks a rationale", col(x, "ref"));
	}
	json_decref(g);
}
END_TEST

START_TEST(starter_covers_every_overlap_and_every_actionable_requirement)
{
	json_t *g = groups_for("iso27001-2022,iso42001-2023,eu-ai-act");
	json_t *reqs = all_requirements();
	json_t *by_id = json_object();
	size_t i, j;
	json_t *r, *x;
	json_array_foreach(reqs, i, r)
	{
		char k[128];
		snprintf(k, sizeof k, "%s:%s", col(r, "framework_id"), col(r, "ref"));
		json_object_set(by_id, k, r);
	}
	/* every equal/subset/superset/intersects pair shares at least one group */
	int pairs = 0;
	json_array_foreach(relations(), i, r)
	{
		const char *rel = col(r, "relation");
		if (!strcmp(rel, "related") || !strcmp(rel, "no_counterpart"))
			continue;
		char ka[128], kb[128];
		snprintf(ka, sizeof ka, "%s:%s", col(r, "from_framework"), col(r, "from_ref"));
		snprintf(kb, sizeof kb, "%s:%s", col(r, "to_framework"), col(r, "to_ref"));
		json_t *a = json_object_get(by_id, ka), *b = json_object_get(by_id, kb);
		if (!json_is_true(json_object_get(a, "actionable")) ||
		        !json_is_true(json_object_get(b, "actionable")))
			continue;
		bool shared = false;
		json_array_foreach(g, j, x) shared |=
		        has_member(x, col(r, "from_framework"), col(r, "from_ref")) &&
		        has_member(x, col(r, "to_framework"), col(r, "to_ref"));
		ck_assert_msg(shared, "%s %s %s %s do not share a control", col(r, "from_ref"), rel,
		        col(r, "to_framework"), col(r, "to_ref"));
		pairs++;
	}
	ck_assert_int_gt(pairs, 50);
	/* every actionable requirement is served; every 42001 control anchors exactly one */
	json_array_foreach(reqs, i, r)
	{
		if (!json_is_true(json_object_get(r, "actionable")))
			continue;
		ck_assert_msg(groups_with(g, col(r, "framework_id"), col(r, "ref")) > 0,
		        "%s %s has no starter control", col(r, "framework_id"), col(r, "ref"));
		if (strcmp(col(r, "framework_id"), "iso42001-2023") == 0)
			ck_assert_int_eq(groups_with(g, "iso42001-2023", col(r, "ref")), 1);
	}
	/* intersections are not chained: no group holds two 42001 requirements */
	json_array_foreach(g, i, x)
	{
		int n42 = 0;
		json_array_foreach(json_object_get(x, "members"), j, r) n42 +=
		        strcmp(col(r, "framework_id"), "iso42001-2023") == 0;
		ck_assert_msg(n42 <= 1, "group %s chains %d ISO/IEC 42001 requirements",
		        col(x, "key"), n42);
	}
	json_decref(by_id);
	json_decref(reqs);
	json_decref(g);
}
END_TEST

START_TEST(starter_for_one_framework_gives_one_control_per_requirement)
{
	json_t *g = groups_for("iso27001-2022");
	ck_assert_int_eq(json_array_size(g), 30 + 93);
	size_t i;
	json_t *x;
	json_array_foreach(g, i, x)
	        ck_assert_int_eq(json_array_size(json_object_get(x, "members")), 1);
	json_decref(g);
}
END_TEST

/* The tenant's controls after applying a plan to `existing` (new reference). */
static json_t *apply_plan(const json_t *existing, const json_t *plan)
{
	json_t *out = json_deep_copy(existing);
	size_t i, j;
	json_t *g, *m;
	int n = (int)json_array_size(out);
	json_array_foreach(json_object_get(plan, "create"), i, g)
	{
		json_t *reqs = json_array();
		json_array_foreach(json_object_get(g, "members"), j, m) json_array_append_new(
		        reqs, json_sprintf("%s:%s", col(m, "framework_id"), col(m, "ref")));
		json_array_append_new(
		        out, json_pack("{s:o, s:O, s:O, s:o}", "id", json_sprintf("c%d", n++),
		                     "ref", json_object_get(g, "key"), "starter_key",
		                     json_object_get(g, "key"), "requirements", reqs));
	}
	json_array_foreach(json_object_get(plan, "extend"), i, g)
	{
		json_t *c = NULL, *y;
		size_t k;
		json_array_foreach(out, k, y) if (!strcmp(col(y, "id"), col(g, "control_id"))) c =
		        y;
		ck_assert_ptr_nonnull(c);
		json_array_foreach(json_object_get(g, "members"), j, m)
		        json_array_append_new(json_object_get(c, "requirements"),
		                json_sprintf("%s:%s", col(m, "framework_id"), col(m, "ref")));
	}
	return out;
}

START_TEST(starter_plan_rerun_changes_nothing)
{
	json_t *g = groups_for("iso27001-2022,iso42001-2023,eu-ai-act");
	json_t *none = json_array();
	json_t *p1 = catalog_starter_plan(g, none);
	ck_assert_int_eq(json_array_size(json_object_get(p1, "create")), json_array_size(g));
	json_t *after = apply_plan(none, p1);
	json_t *p2 = catalog_starter_plan(g, after);
	ck_assert_int_eq(json_array_size(json_object_get(p2, "create")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(p2, "extend")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(p2, "unchanged")), json_array_size(g));
	json_decref(p1);
	json_decref(p2);
	json_decref(after);
	json_decref(none);
	json_decref(g);
}
END_TEST

START_TEST(starter_plan_grows_existing_controls_when_a_framework_is_added)
{
	json_t *g1 = groups_for("iso27001-2022");
	json_t *none = json_array();
	json_t *p1 = catalog_starter_plan(g1, none);
	json_t *t1 = apply_plan(none, p1);
	/* adding ISO/IEC 42001: the A.8.15 control takes A.6.2.8 instead of a second control */
	json_t *g2 = groups_for("iso27001-2022,iso42001-2023");
	json_t *p2 = catalog_starter_plan(g2, t1);
	json_t *t2 = apply_plan(t1, p2);
	size_t i;
	json_t *c;
	int serving_8_15 = 0, serving_6_2_8 = 0;
	json_array_foreach(t2, i, c)
	{
		json_t *reqs = json_object_get(c, "requirements");
		bool a = false, b = false;
		size_t k;
		json_t *x;
		json_array_foreach(reqs, k, x)
		{
			a |= !strcmp(json_string_value(x), "iso27001-2022:A.8.15");
			b |= !strcmp(json_string_value(x), "iso42001-2023:A.6.2.8");
		}
		serving_8_15 += a;
		serving_6_2_8 += b;
		if (b)
			ck_assert_msg(a, "A.6.2.8 was given a control without A.8.15");
	}
	ck_assert_int_eq(serving_8_15, 1);
	ck_assert_int_eq(serving_6_2_8, 1);
	/* and running the larger selection again is a no-op */
	json_t *p3 = catalog_starter_plan(g2, t2);
	ck_assert_int_eq(json_array_size(json_object_get(p3, "create")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(p3, "extend")), 0);
	json_decref(p1);
	json_decref(p2);
	json_decref(p3);
	json_decref(t1);
	json_decref(t2);
	json_decref(g1);
	json_decref(g2);
	json_decref(none);
}
END_TEST

START_TEST(starter_plan_skips_requirements_already_served_by_manual_controls)
{
	json_t *g = groups_for("eu-ai-act");
	json_t *existing = json_pack("[{s:s, s:s, s:n, s:[s]}]", "id", "m1", "ref", "LOG-1",
	        "starter_key", "requirements", "eu-ai-act:Art. 47");
	json_t *p = catalog_starter_plan(g, existing);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "already_covered")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(p, "create")), json_array_size(g) - 1);
	json_decref(p);
	json_decref(existing);
	json_decref(g);
}
END_TEST

static Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, catalog_reads_with_source_and_version_in_every_file);
	tcase_add_test(tc, iso27001_clauses_match_reference_exactly);
	tcase_add_test(
	        tc, iso27001_annex_a_has_93_controls_with_reference_titles_themes_and_attributes);
	tcase_add_test(tc, iso42001_clauses_include_6_1_4_and_8_4_and_match_reference);
	tcase_add_test(tc, iso42001_annex_a_has_38_controls_under_reference_objectives);
	tcase_add_test(tc, iso42001_annex_c_matches_reference_headings);
	tcase_add_test(tc, ai_act_has_obligation_articles_annex_iii_points_and_annex_iv);
	tcase_add_test(tc, every_iso42001_control_has_a_relation_or_no_counterpart);
	tcase_add_test(tc, parser_accepts_a_well_formed_file);
	tcase_add_test(tc, parser_rejects_wrong_column_count_naming_the_line);
	tcase_add_test(tc, parser_rejects_comments_and_blank_lines_after_the_header);
	tcase_add_test(tc, parser_requires_source_version_and_a_known_header);
	tcase_add_test(tc, parser_rejects_crlf_padding_and_invalid_utf8);
	tcase_add_test(tc, reader_rejects_a_crosswalk_ref_that_is_not_in_the_catalog);
	tcase_add_test(tc, reader_rejects_an_unknown_parent_and_a_duplicate_ref);
	tcase_add_test(tc, reader_rejects_a_frozen_copy_that_differs_from_its_version);
	tcase_add_test(tc, split_id_accepts_public_ids_and_rejects_malformed_ones);
	tcase_add_test(tc, starter_shares_one_logging_control_across_three_frameworks);
	tcase_add_test(tc, starter_covers_every_overlap_and_every_actionable_requirement);
	tcase_add_test(tc, starter_for_one_framework_gives_one_control_per_requirement);
	tcase_add_test(tc, starter_plan_rerun_changes_nothing);
	tcase_add_test(tc, starter_plan_grows_existing_controls_when_a_framework_is_added);
	tcase_add_test(tc, starter_plan_skips_requirements_already_served_by_manual_controls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	load_catalog();
	SRunner *sr = srunner_create(catalog_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	arena_free(arena); /* owns cat */
	return nf == 0 ? 0 : 1;
}
