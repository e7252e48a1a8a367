/*
 * test_risk.c - the risk methodology (domain/risk.c): each validation rule names the
 * offending field, the matrix places IS and AI risks, acceptance authority follows the
 * methodology, and a methodology change re-evaluates assessments (with re-mapping when
 * a scale shrinks). Also what reports make of the register: the heat map SVG
 * (domain/svg.c), the register and treatment plan workbooks (workers/job_risk_export.c)
 * and the Phase 1 pack (workers/job_phase1_pack.c).
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "risk.h"
#include "svg.h"

/* workers/job_risk_export.c and workers/job_phase1_pack.c (pure renderers) */
int risk_export_register_xlsx(
        const json_t *content, const char *label, char **data, size_t *len, struct err *e);
int risk_export_plan_xlsx(
        const json_t *content, const char *label, char **data, size_t *len, struct err *e);
char *phase1_pack_html(const json_t *facts);

static const char *const roles[] = {"sponsor", "isms_lead", "aims_lead", "risk_compliance", NULL};

/* 3 likelihood x 4 impact levels; low, medium, high, critical; appetite medium. */
static const char method_text[] =
        "{\"likelihood\": [{\"level\": 1, \"name\": \"Rare\", \"criteria\": \"once in 10 years\"},"
        "  {\"level\": 2, \"name\": \"Possible\", \"criteria\": \"once a year\"},"
        "  {\"level\": 3, \"name\": \"Likely\", \"criteria\": \"monthly\"}],"
        " \"impact\": [{\"level\": 1, \"name\": \"Minor\", \"criteria\": \"no harm\"},"
        "  {\"level\": 2, \"name\": \"Moderate\", \"criteria\": \"limited harm\"},"
        "  {\"level\": 3, \"name\": \"Major\", \"criteria\": \"serious harm\"},"
        "  {\"level\": 4, \"name\": \"Severe\", \"criteria\": \"lasting harm\"}],"
        " \"levels\": [{\"key\": \"low\", \"name\": \"Low\", \"color\": \"#2e7d32\","
        " \"review_months\": 12},"
        "  {\"key\": \"medium\", \"name\": \"Medium\", \"color\": \"#f9a825\", \"review_months\":"
        " 6},"
        "  {\"key\": \"high\", \"name\": \"High\", \"color\": \"#ef6c00\", \"review_months\": 3},"
        "  {\"key\": \"critical\", \"name\": \"Critical\", \"color\": \"#c62828\","
        " \"review_months\": 1}],"
        " \"matrix\": [[\"low\", \"low\", \"medium\", \"high\"],"
        "  [\"low\", \"medium\", \"high\", \"critical\"],"
        "  [\"medium\", \"high\", \"critical\", \"critical\"]],"
        " \"appetite\": \"medium\","
        " \"acceptance\": [{\"level\": \"low\", \"roles\": [\"risk_compliance\", \"isms_lead\"]},"
        "  {\"level\": \"medium\", \"roles\": [\"isms_lead\", \"aims_lead\"]},"
        "  {\"level\": \"high\", \"roles\": [\"sponsor\"]}]}";

static json_t *method_doc(void)
{
	json_error_t je;
	json_t *j = json_loads(method_text, 0, &je);
	ck_assert_msg(j != NULL, "fixture: %s", je.text);
	return j;
}

static void parse_ok(const json_t *doc, struct risk_method *m)
{
	struct err e = {0};
	int rc = risk_method_parse(doc, roles, m, &e);
	ck_assert_msg(rc == 0, "parse: %s: %s", e.field, e.message);
}

/* Parse an edited methodology and expect it refused, naming field. */
static void expect_invalid(json_t *doc, const char *field)
{
	struct risk_method m;
	struct err e = {0};
	ck_assert_int_eq(risk_method_parse(doc, roles, &m, &e), -1);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, field);
	json_decref(doc);
}

START_TEST(a_valid_methodology_parses_with_its_matrix)
{
	json_t *doc = method_doc();
	struct risk_method m;
	parse_ok(doc, &m);
	ck_assert_int_eq(m.nlikelihood, 3);
	ck_assert_int_eq(m.nimpact, 4);
	ck_assert_int_eq(m.nlevels, 4);
	ck_assert_str_eq(m.levels[m.matrix[2][3]].key, "critical");
	ck_assert_str_eq(m.levels[m.matrix[0][0]].key, "low");
	ck_assert_str_eq(m.levels[m.appetite].key, "medium");
	ck_assert_int_eq(m.levels[2].review_months, 3);
	ck_assert_int_eq(risk_level_index(&m, "high"), 2);
	ck_assert_int_eq(risk_level_index(&m, "extreme"), -1);
	json_decref(doc);
}
END_TEST

START_TEST(each_methodology_rule_names_the_offending_field)
{
	json_t *d;
	/* a scale needs 3 to 5 levels */
	d = method_doc();
	json_array_remove(json_object_get(d, "likelihood"), 2);
	expect_invalid(d, "likelihood");
	/* levels numbered 1..n in order */
	d = method_doc();
	json_object_set_new(
	        json_array_get(json_object_get(d, "impact"), 1), "level", json_integer(3));
	expect_invalid(d, "impact[1].level");
	/* criteria text is required */
	d = method_doc();
	json_object_del(json_array_get(json_object_get(d, "impact"), 0), "criteria");
	expect_invalid(d, "impact[0].criteria");
	/* a cell must name a level */
	d = method_doc();
	json_array_set_new(json_array_get(json_object_get(d, "matrix"), 0), 2, json_string("huge"));
	expect_invalid(d, "matrix[0][2]");
	/* the matrix may not get less severe as likelihood grows */
	d = method_doc();
	json_array_set_new(json_array_get(json_object_get(d, "matrix"), 1), 0, json_string("low"));
	json_array_set_new(json_array_get(json_object_get(d, "matrix"), 2), 0, json_string("low"));
	json_array_set_new(json_array_get(json_object_get(d, "matrix"), 1), 1, json_string("low"));
	json_array_set_new(json_array_get(json_object_get(d, "matrix"), 2), 1, json_string("low"));
	json_array_set_new(
	        json_array_get(json_object_get(d, "matrix"), 0), 1, json_string("medium"));
	expect_invalid(d, "matrix[1][1]");
	/* one row per likelihood level */
	d = method_doc();
	json_array_remove(json_object_get(d, "matrix"), 2);
	expect_invalid(d, "matrix");
	/* appetite is a level */
	d = method_doc();
	json_object_set_new(d, "appetite", json_string("some"));
	expect_invalid(d, "appetite");
	/* level keys unique, colours well-formed */
	d = method_doc();
	json_object_set_new(
	        json_array_get(json_object_get(d, "levels"), 1), "key", json_string("low"));
	expect_invalid(d, "levels[1].key");
	d = method_doc();
	json_object_set_new(
	        json_array_get(json_object_get(d, "levels"), 0), "color", json_string("green"));
	expect_invalid(d, "levels[0].color");
	/* acceptance names known roles and each level once */
	d = method_doc();
	json_array_set_new(
	        json_object_get(json_array_get(json_object_get(d, "acceptance"), 2), "roles"), 0,
	        json_string("ceo"));
	expect_invalid(d, "acceptance[2].roles[0]");
	d = method_doc();
	json_object_set_new(
	        json_array_get(json_object_get(d, "acceptance"), 1), "level", json_string("low"));
	expect_invalid(d, "acceptance[1].level");
	/* unknown fields are refused */
	d = method_doc();
	json_object_set_new(d, "colour_scheme", json_string("x"));
	expect_invalid(d, "colour_scheme");
}
END_TEST

static json_t *j(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(v);
	return v;
}

START_TEST(is_and_ai_assessments_are_placed_in_the_matrix)
{
	json_t *doc = method_doc();
	struct risk_method m;
	parse_ok(doc, &m);
	struct risk_assessment a;
	struct err e = {0};
	json_t *in = j("{\"likelihood\": 2, \"impact\": 3}");
	ck_assert_int_eq(risk_assessment_parse(in, &m, false, "inherent", &a, &e), 0);
	ck_assert_str_eq(m.levels[a.level].key, "high");
	ck_assert_int_eq(a.eff_impact, 3);
	ck_assert(risk_above_appetite(&m, a.level));
	ck_assert_ptr_null(risk_ai_impacts_json(&a));
	json_decref(in);
	/* an AI risk is placed by the highest of its four impacts (42001 6.1.4) */
	in = j("{\"likelihood\": 1, \"impact\": 1, \"ai_impacts\": {\"individuals\": 2, "
	       "\"groups\": 4, \"society\": 1}}");
	ck_assert_int_eq(risk_assessment_parse(in, &m, true, "inherent", &a, &e), 0);
	ck_assert_int_eq(a.eff_impact, 4);
	ck_assert_str_eq(m.levels[a.level].key, "high");
	json_t *ai = risk_ai_impacts_json(&a);
	ck_assert_int_eq(json_integer_value(json_object_get(ai, "groups")), 4);
	json_decref(ai);
	json_decref(in);
	json_decref(doc);
}
END_TEST

static void assessment_fails(
        const struct risk_method *m, const char *text, bool is_ai, const char *field)
{
	json_t *in = j(text);
	struct risk_assessment a;
	struct err e = {0};
	ck_assert_int_eq(risk_assessment_parse(in, m, is_ai, "residual", &a, &e), -1);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, field);
	json_decref(in);
}

START_TEST(assessment_rules_name_the_field)
{
	json_t *doc = method_doc();
	struct risk_method m;
	parse_ok(doc, &m);
	assessment_fails(&m, "{\"likelihood\": 4, \"impact\": 1}", false, "residual.likelihood");
	assessment_fails(&m, "{\"likelihood\": 1, \"impact\": 0}", false, "residual.impact");
	assessment_fails(&m, "{\"impact\": 1}", false, "residual.likelihood");
	assessment_fails(
	        &m, "{\"likelihood\": 1, \"impact\": 1, \"score\": 3}", false, "residual.score");
	/* IS risks have no AI dimensions; AI risks need all three */
	assessment_fails(&m, "{\"likelihood\": 1, \"impact\": 1, \"ai_impacts\": {\"groups\": 1}}",
	        false, "residual.ai_impacts");
	assessment_fails(&m, "{\"likelihood\": 1, \"impact\": 1}", true, "residual.ai_impacts");
	assessment_fails(&m,
	        "{\"likelihood\": 1, \"impact\": 1, \"ai_impacts\": {\"individuals\": 1,"
	        " \"groups\": 1}}",
	        true, "residual.ai_impacts.society");
	assessment_fails(&m,
	        "{\"likelihood\": 1, \"impact\": 1, \"ai_impacts\": {\"individuals\": 1,"
	        " \"groups\": 5, "
	        "\"society\": 1}}",
	        true, "residual.ai_impacts.groups");
	assessment_fails(&m,
	        "{\"likelihood\": 1, \"impact\": 1, \"ai_impacts\": {\"individuals\": 1,"
	        " \"groups\": 1, "
	        "\"society\": 1, \"planet\": 2}}",
	        true, "residual.ai_impacts.planet");
	json_decref(doc);
}
END_TEST

START_TEST(acceptance_authority_follows_the_methodology)
{
	json_t *doc = method_doc();
	struct risk_method m;
	parse_ok(doc, &m);
	int low = risk_level_index(&m, "low"), high = risk_level_index(&m, "high");
	int critical = risk_level_index(&m, "critical");
	ck_assert_int_eq(risk_acceptance(&m, high, "sponsor"), RISK_ACCEPT_OK);
	ck_assert_int_eq(risk_acceptance(&m, high, "isms_lead"), RISK_ACCEPT_NO_AUTHORITY);
	ck_assert_int_eq(risk_acceptance(&m, low, "isms_lead"), RISK_ACCEPT_OK);
	ck_assert_int_eq(risk_acceptance(&m, low, "sponsor"), RISK_ACCEPT_NO_AUTHORITY);
	/* nobody may accept a critical risk: it must be treated */
	ck_assert_int_eq(
	        risk_acceptance(&m, critical, "sponsor"), RISK_ACCEPT_LEVEL_NOT_ACCEPTABLE);
	char buf[128];
	risk_accept_roles_text(&m, low, buf, sizeof buf);
	ck_assert_str_eq(buf, "risk_compliance, isms_lead");
	risk_accept_roles_text(&m, critical, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
	ck_assert(!risk_above_appetite(&m, risk_level_index(&m, "medium")));
	json_decref(doc);
}
END_TEST

START_TEST(a_new_matrix_re_evaluates_levels_with_unchanged_scales)
{
	json_t *doc = method_doc();
	struct risk_method old, neu;
	parse_ok(doc, &old);
	/* stricter matrix: likelihood 2 x impact 2 becomes high */
	json_array_set_new(
	        json_array_get(json_object_get(doc, "matrix"), 1), 1, json_string("high"));
	parse_ok(doc, &neu);
	struct risk_remap map;
	struct err e = {0};
	ck_assert_int_eq(risk_remap_parse(NULL, &old, &neu, &map, &e), 0);
	struct risk_assessment a = {.likelihood = 2, .impact = 2};
	risk_evaluate(&old, &a);
	ck_assert_str_eq(old.levels[a.level].key, "medium");
	const char *axis;
	ck_assert_int_eq(risk_reassess(&neu, &map, &a, &axis), 0);
	ck_assert_int_eq(a.likelihood, 2);
	ck_assert_str_eq(neu.levels[a.level].key, "high");
	json_decref(doc);
}
END_TEST

START_TEST(a_shrinking_scale_needs_a_remap_for_values_that_disappear)
{
	json_t *doc = method_doc();
	struct risk_method old, neu;
	parse_ok(doc, &old);
	/* the new methodology has only 3 impact levels */
	json_array_remove(json_object_get(doc, "impact"), 3);
	for (size_t r = 0; r < 3; r++)
		json_array_remove(json_array_get(json_object_get(doc, "matrix"), r), 3);
	parse_ok(doc, &neu);
	struct risk_remap map;
	struct err e = {0};
	const char *axis = NULL;
	ck_assert_int_eq(risk_remap_parse(NULL, &old, &neu, &map, &e), 0);
	struct risk_assessment a = {.likelihood = 1, .impact = 4};
	risk_evaluate(&old, &a);
	ck_assert_int_eq(risk_reassess(&neu, &map, &a, &axis), -1);
	ck_assert_str_eq(axis, "impact");
	ck_assert_int_eq(a.impact, 4); /* unchanged on failure */
	/* an AI dimension at the vanished level is caught too */
	struct risk_assessment ai = {.likelihood = 1, .impact = 1, .has_ai = true, .ai = {1, 4, 1}};
	ck_assert_int_eq(risk_reassess(&neu, &map, &ai, &axis), -1);
	json_t *remap = j("{\"impact\": {\"4\": 3}}");
	ck_assert_int_eq(risk_remap_parse(remap, &old, &neu, &map, &e), 0);
	ck_assert_int_eq(risk_reassess(&neu, &map, &a, &axis), 0);
	ck_assert_int_eq(a.impact, 3);
	ck_assert_str_eq(neu.levels[a.level].key, "medium");
	ck_assert_int_eq(risk_reassess(&neu, &map, &ai, &axis), 0);
	ck_assert_int_eq(ai.ai[1], 3);
	ck_assert_int_eq(ai.eff_impact, 3);
	json_decref(remap);
	/* remap entries must name an old level and a new one */
	remap = j("{\"impact\": {\"6\": 3}}");
	ck_assert_int_eq(risk_remap_parse(remap, &old, &neu, &map, &e), -1);
	ck_assert_str_eq(e.field, "remap.impact.6");
	json_decref(remap);
	remap = j("{\"impact\": {\"4\": 4}}");
	ck_assert_int_eq(risk_remap_parse(remap, &old, &neu, &map, &e), -1);
	ck_assert_str_eq(e.field, "remap.impact.4");
	json_decref(remap);
	remap = j("{\"severity\": {}}");
	ck_assert_int_eq(risk_remap_parse(remap, &old, &neu, &map, &e), -1);
	ck_assert_str_eq(e.field, "remap.severity");
	json_decref(remap);
	json_decref(doc);
}
END_TEST

START_TEST(heat_map_svg_draws_every_cell_with_its_count_and_colour)
{
	json_t *hm =
	        j("{\"likelihood\": [{\"level\": 1, \"name\": \"Rare\"}, {\"level\": 2, \"name\": "
	          "\"Often <weekly>\"}, {\"level\": 3, \"name\": \"Likely\"}],"
	          " \"impact\": [{\"level\": 1, \"name\": \"Minor\"}, {\"level\": 2,"
	          " \"name\": \"Major\"},"
	          " {\"level\": 3, \"name\": \"Severe\"}],"
	          " \"levels\": [{\"key\": \"low\", \"color\": \"#00ff00\"}, {\"key\":"
	          " \"high\", "
	          "\"color\": \"#ff0000\"}],"
	          " \"matrix\": [[\"low\", \"low\", \"high\"], [\"low\", \"high\", \"high\"],"
	          " [\"high\", "
	          "\"high\", \"high\"]],"
	          " \"inherent\": [[0, 0, 7], [0, 3, 0], [0, 0, 0]], \"residual\": [[2, 0,"
	          " 0], [0, 0, "
	          "0], [0, 0, 0]]}");
	char *svg = svg_heatmap(hm, "inherent", "IS & AI risks");
	ck_assert_ptr_nonnull(svg);
	ck_assert_ptr_nonnull(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	ck_assert_ptr_nonnull(strstr(svg, "IS &amp; AI risks"));
	ck_assert_ptr_nonnull(strstr(svg, "Often &lt;weekly&gt;"));
	ck_assert_ptr_nonnull(strstr(svg, "likelihood 1, impact 3: 7 risk(s), level high"));
	ck_assert_ptr_nonnull(strstr(svg, "likelihood 2, impact 2: 3 risk(s), level high"));
	/* 9 cells: 9 rects */
	int rects = 0;
	for (const char *p = svg; (p = strstr(p, "<rect ")); p++)
		rects++;
	ck_assert_int_eq(rects, 9);
	free(svg);
	svg = svg_heatmap(hm, "residual", "x");
	ck_assert_ptr_nonnull(strstr(svg, "likelihood 1, impact 1: 2 risk(s), level low"));
	ck_assert_ptr_nonnull(strstr(svg, "fill=\"#00ff00\""));
	free(svg);
	ck_assert_ptr_null(svg_heatmap(hm, "projected", "x"));
	json_decref(hm);
}
END_TEST

/* A register as risk_register_content() builds it: an IS risk with two actions, an AI
 * risk, a treated risk without actions and a draft. */
static const char register_text[] =
        "{\"methodology_revision\": 1, \"items\": ["
        "{\"key\": \"AI-001\", \"ref\": \"AI-001\", \"type\": \"ai\", \"title\": \"Biased"
        " scoring\","
        " \"status\": \"open\", \"owner_name\": \"Ann\", \"annex_c_sources\": [\"C.3.4\","
        " \"C.3.2\"],"
        " \"assets\": [], \"ai_system_ids\": [], \"existing_controls\": [], \"planned_controls\":"
        " [],"
        " \"inherent\": {\"likelihood\": 1, \"impact\": 1, \"ai_impacts\": {\"individuals\": 2,"
        " \"groups\": 4, \"society\": 1}, \"effective_impact\": 4, \"level\": \"high\"},"
        " \"residual\": null, \"current_level\": \"high\", \"treatment_option\": \"modify\","
        " \"actions\": [], \"acceptance\": null},"
        "{\"key\": \"IS-001\", \"ref\": \"IS-001\", \"type\": \"is\", \"title\": \"Ransomware"
        " <x>\","
        " \"status\": \"treated\", \"owner_name\": \"Bob\", \"annex_c_sources\": [],"
        " \"assets\": [{\"id\": \"a\", \"name\": \"File server\"}], \"ai_system_ids\": [],"
        " \"existing_controls\": [{\"ref\": \"CTL-7\"}], \"planned_controls\": [{\"ref\":"
        " \"CTL-9\"}],"
        " \"inherent\": {\"likelihood\": 2, \"impact\": 3, \"ai_impacts\": null,"
        " \"effective_impact\": 3, \"level\": \"high\"}, \"residual\": {\"likelihood\": 1,"
        " \"impact\": 2, \"level\": \"low\"}, \"current_level\": \"low\","
        " \"treatment_option\": \"modify\", \"actions\": [{\"title\": \"Offline backups\","
        " \"owner_name\": \"Bob\", \"due_date\": \"2026-06-30\", \"status\": \"done\"},"
        " {\"title\": \"EDR on servers\", \"owner_name\": \"Cy\", \"status\": \"planned\"}],"
        " \"acceptance\": {\"accepted_by_name\": \"Dee\", \"role\": \"sponsor\","
        " \"rationale\": \"residual is low\", \"expires_on\": \"2026-09-30\"}},"
        "{\"key\": \"IS-002\", \"ref\": \"IS-002\", \"type\": \"is\", \"title\": \"Draft one\","
        " \"status\": \"draft\", \"treatment_option\": \"avoid\", \"actions\": [],"
        " \"planned_controls\": []}]}";

/* The text of one part of an XLSX held in memory (malloc'd). */
static char *xlsx_part(const char *data, size_t len, const char *part)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	ck_assert_msg(z != NULL, "not a zip archive");
	zip_stat_t st;
	ck_assert_int_eq(zip_stat(z, part, 0, &st), 0);
	zip_file_t *f = zip_fopen(z, part, 0);
	char *text = calloc(1, st.size + 1);
	ck_assert_int_eq(zip_fread(f, text, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	zip_close(z);
	zip_error_fini(&ze);
	return text;
}

/* Does the sheet XML hold cell ref with the number v (not a shared string)? */
static bool numeric_cell(const char *sheet, const char *ref, const char *v)
{
	char pat[32], val[32];
	snprintf(pat, sizeof pat, "<c r=\"%s\"", ref);
	snprintf(val, sizeof val, "<v>%s</v>", v);
	const char *c = strstr(sheet, pat);
	if (!c)
		return false;
	const char *tag_end = strchr(c, '>'), *end = strstr(c, "</c>");
	const char *x = strstr(c, val), *t = strstr(c, "t=\"");
	return end && x && x < end && !(t && t < tag_end);
}

START_TEST(register_workbook_has_one_row_per_risk_with_its_assessment)
{
	json_t *reg = j(register_text);
	char *data;
	size_t len;
	struct err e = {0};
	ck_assert_int_eq(risk_export_register_xlsx(reg, "version 3", &data, &len, &e), 0);
	ck_assert_int_eq(memcmp(data, "PK", 2), 0);
	char *wb = xlsx_part(data, len, "xl/workbook.xml");
	ck_assert_ptr_nonnull(strstr(wb, "name=\"Risk register\""));
	free(wb);
	char *strings = xlsx_part(data, len, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(strstr(strings, "Unified IS and AI risk register (version 3)"));
	ck_assert_ptr_nonnull(strstr(strings, "Ransomware &lt;x&gt;"));
	ck_assert_ptr_nonnull(strstr(strings, "C.3.4, C.3.2"));
	ck_assert_ptr_nonnull(strstr(strings, "File server"));
	ck_assert_ptr_nonnull(strstr(strings, "residual is low"));
	free(strings);
	/* rows 4.. are the risks in register order; N..R hold the inherent values */
	char *sheet = xlsx_part(data, len, "xl/worksheets/sheet1.xml");
	ck_assert(numeric_cell(sheet, "Q4", "4"));        /* AI-001 impact on groups */
	ck_assert(numeric_cell(sheet, "N5", "2"));        /* IS-001 inherent likelihood */
	ck_assert(numeric_cell(sheet, "W5", "2"));        /* IS-001 residual impact */
	ck_assert_ptr_nonnull(strstr(sheet, "r=\"A6\"")); /* the draft is listed too */
	ck_assert_ptr_null(strstr(sheet, "r=\"A7\""));
	free(sheet);
	free(data);
	json_decref(reg);
}
END_TEST

START_TEST(treatment_plan_workbook_lists_each_action_of_live_treated_risks)
{
	json_t *reg = j(register_text);
	char *data;
	size_t len;
	struct err e = {0};
	ck_assert_int_eq(risk_export_plan_xlsx(reg, "current", &data, &len, &e), 0);
	char *strings = xlsx_part(data, len, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(strstr(strings, "Risk treatment plan (current)"));
	ck_assert_ptr_nonnull(strstr(strings, "Offline backups"));
	ck_assert_ptr_nonnull(strstr(strings, "EDR on servers"));
	ck_assert_ptr_nonnull(strstr(strings, "no action yet"));
	ck_assert_ptr_nonnull(strstr(strings, "CTL-9"));
	ck_assert_ptr_null(strstr(strings, "Draft one"));
	free(strings);
	/* AI-001 (no action), IS-001 twice: rows 4 to 6 */
	char *sheet = xlsx_part(data, len, "xl/worksheets/sheet1.xml");
	ck_assert_ptr_nonnull(strstr(sheet, "r=\"A6\""));
	ck_assert_ptr_null(strstr(sheet, "r=\"A7\""));
	free(sheet);
	free(data);
	json_decref(reg);
}
END_TEST

START_TEST(phase1_pack_escapes_data_and_says_what_is_missing)
{
	json_t *facts = j(
	        "{\"tenant\": {\"name\": \"Acme & Sons\", \"generated_at\": \"2026-05-04 10:00 "
	        "UTC\"},"
	        "\"plan\": {\"phases\": [{\"ref\": \"P1\", \"deliverables\": ["
	        " {\"ref\": \"P1.D2\", \"title\": \"ISMS/AIMS scopes\", \"status\":"
	        " \"not_started\","
	        "  \"status_source\": \"derived\", \"conditions\": [{\"label\": \"ISMS scope"
	        " approved\","
	        "  \"met\": true, \"detail\": \"scope:isms v1 frozen on 2026-05-01\"}, {\"label\":"
	        "  \"AIMS scope approved\", \"met\": false}]},"
	        " {\"ref\": \"P1.D6\", \"title\": \"Security policy (v1) + AI policy (v1)\","
	        " \"status\":"
	        "  \"in_progress\", \"status_source\": \"manual\", \"note\": \"AI policy in"
	        " review\"}],"
	        " \"milestones\": [{\"ref\": \"P1.M1\", \"title\": \"Kick-off\", \"due_date\":"
	        " \"2026-01-05\","
	        "  \"status\": \"done\"}]}]},"
	        "\"charter\": null, \"committees\": [], \"raci\": null, \"objectives\": [],"
	        "\"context\": {\"issues\": [], \"parties\": [], \"approval\": {\"status\":"
	        " \"draft\"}},"
	        "\"isms_scope\": null, \"aims_scope\": null, \"methodology\": null,"
	        "\"register\": {\"items\": [{\"ref\": \"IS-001\", \"type\": \"is\", \"title\":"
	        " \"<img src=x>\", \"actions\": []}], \"approval\": {\"status\":"
	        " \"changed_since_approval\","
	        " \"approved_version\": 2, \"approved_at\": \"2026-05-02\"}},"
	        "\"heatmap_is\": null, \"heatmap_ai\": null, \"soa\": {\"iso27001-2022\": null,"
	        " \"iso42001-2023\": null}, \"soa_baselines\": {}}");
	char *html = phase1_pack_html(facts);
	ck_assert_int_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
	ck_assert_ptr_nonnull(strstr(html, "<title>Phase 1 pack - Acme &amp; Sons</title>"));
	ck_assert_ptr_nonnull(
	        strstr(html, "&#10003; ISMS scope approved (scope:isms v1 frozen on 2026-05-01)"));
	ck_assert_ptr_nonnull(strstr(html, "&#10007; AIMS scope approved"));
	ck_assert_ptr_nonnull(strstr(html, "Security policy (v1) + AI policy (v1): "
	                                   "<strong>in_progress</strong> - AI policy in review"));
	ck_assert_ptr_nonnull(strstr(html, "No project charter has been written yet."));
	ck_assert_ptr_nonnull(strstr(html, "No RACI matrix has been recorded yet."));
	ck_assert_ptr_nonnull(strstr(html, "No risk methodology has been defined yet."));
	ck_assert_ptr_nonnull(strstr(html, "No risk of this type has been recorded yet."));
	ck_assert_ptr_nonnull(strstr(html, "changed since approved version 2"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;img src=x&gt;"));
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_assert_ptr_nonnull(strstr(html, "not available"));
	ck_assert_ptr_nonnull(strstr(html, "</body></html>"));
	free(html);
	json_decref(facts);
}
END_TEST

static Suite *risk_suite(void)
{
	Suite *s = suite_create("risk");
	TCase *tc = tcase_create("methodology");
	tcase_add_test(tc, a_valid_methodology_parses_with_its_matrix);
	tcase_add_test(tc, each_methodology_rule_names_the_offending_field);
	tcase_add_test(tc, is_and_ai_assessments_are_placed_in_the_matrix);
	tcase_add_test(tc, assessment_rules_name_the_field);
	tcase_add_test(tc, acceptance_authority_follows_the_methodology);
	tcase_add_test(tc, a_new_matrix_re_evaluates_levels_with_unchanged_scales);
	tcase_add_test(tc, a_shrinking_scale_needs_a_remap_for_values_that_disappear);
	tcase_add_test(tc, heat_map_svg_draws_every_cell_with_its_count_and_colour);
	suite_add_tcase(s, tc);
	TCase *rep = tcase_create("reports");
	tcase_add_test(rep, register_workbook_has_one_row_per_risk_with_its_assessment);
	tcase_add_test(rep, treatment_plan_workbook_lists_each_action_of_live_treated_risks);
	tcase_add_test(rep, phase1_pack_escapes_data_and_says_what_is_missing);
	suite_add_tcase(s, rep);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(risk_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
