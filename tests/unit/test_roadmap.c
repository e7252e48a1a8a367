/*
 * test_roadmap.c - domain/obligations.c: dates, rule-set selection, conditions, contract
 * recommendations, the compliance dossier, roadmap planning (grouping, quick wins versus
 * structural initiatives, deadlines that respect applies_from and dependencies, owners) and
 * the HTML, XLSX and matrix renderings. Inputs are written as the SQL of the jobs builds them.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "obligations.h"

/* Single quotes stand for double quotes, for readability. */
static json_t *js(const char *text)
{
	char *buf = strdup(text);
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t je;
	json_t *j = json_loads(buf, JSON_DECODE_ANY, &je);
	ck_assert_msg(j != NULL, "test JSON does not parse: %s: %s", je.text, buf);
	free(buf);
	return j;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---------------------------------------------------------------------- dates */

START_TEST(dates_round_trip_and_count_days_across_leap_years)
{
	long a, b;
	char out[11];
	ck_assert_int_eq(oblig_date_parse("2026-08-02", &a), 0);
	ck_assert_int_eq(oblig_date_parse("2027-12-02", &b), 0);
	ck_assert_int_eq(b - a, 487);
	ck_assert_int_eq(oblig_date_parse("2028-02-29", &a), 0);
	oblig_date_format(a + 1, out);
	ck_assert_str_eq(out, "2028-03-01");
	oblig_date_format(0, out);
	ck_assert_str_eq(out, "1970-01-01");
	ck_assert_int_eq(oblig_date_parse("2027-02-29", &a), -1);
	ck_assert_int_eq(oblig_date_parse("2027-1-02", &a), -1);
}
END_TEST

START_TEST(rule_set_versions_order_numerically)
{
	ck_assert_int_lt(oblig_version_cmp("2026.9", "2026.10"), 0);
	ck_assert_int_gt(oblig_version_cmp("2027.1", "2026.10"), 0);
	ck_assert_int_eq(oblig_version_cmp("2026.1", "2026.1"), 0);
	ck_assert_int_lt(oblig_version_cmp("2026", "2026.1"), 0);
}
END_TEST

/* The process loads the newest rules-<version>.json of $CONCORD_ROOT/catalog/aiact. */
START_TEST(newest_rule_set_is_loaded_by_version_not_by_name)
{
	const char *root = getenv("CONCORD_ROOT");
	char src[1024], dir[] = "/tmp/concord-rules-XXXXXX", path[1200];
	snprintf(src, sizeof src, "%s/catalog/aiact/rules-2026.1.json", root ? root : ".");
	json_error_t je;
	json_t *doc = json_load_file(src, 0, &je);
	ck_assert_msg(doc != NULL, "cannot read %s", src);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/catalog", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/catalog/aiact", dir);
	mkdir(path, 0700);
	static const char *const versions[] = {"2026.9", "2026.10", "2026.2"};
	for (int i = 0; i < 3; i++) {
		json_object_set_new(doc, "version", json_string(versions[i]));
		snprintf(path, sizeof path, "%s/catalog/aiact/rules-%s.json", dir, versions[i]);
		ck_assert_int_eq(json_dump_file(doc, path, 0), 0);
	}
	json_decref(doc);
	setenv("CONCORD_ROOT", dir, 1);
	const struct aiact_rules *r = NULL;
	struct err e = {0};
	int rc = oblig_rules(&r, &e);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/catalog/aiact/rules-%s.json", dir, versions[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/catalog/aiact", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/catalog", dir);
	rmdir(path);
	rmdir(dir);
	ck_assert_msg(rc == 0, "%s", e.message);
	ck_assert_str_eq(aiact_rules_version(r), "2026.10");
}
END_TEST

/* ----------------------------------------------------------------- conditions */

START_TEST(conditions_combine_facts)
{
	json_t *facts =
	        js("{'high_risk': true, 'supplies_system': false, 'risk_category': 'high_risk',"
	           " 'tenant_provider': null}");
	static const struct {
		const char *cond;
		bool want;
	} cases[] = {
	        {"true", true},
	        {"'high_risk'", true},
	        {"'supplies_system'", false},
	        {"'tenant_provider'", false},
	        {"'never_heard_of'", false},
	        {"{'not': 'supplies_system'}", true},
	        {"{'all': ['high_risk', {'not': 'supplies_system'}]}", true},
	        {"{'all': ['high_risk', 'supplies_system']}", false},
	        {"{'any': ['supplies_system', 'high_risk']}", true},
	        {"{'eq': ['risk_category', 'high_risk']}", true},
	        {"{'ne': ['risk_category', 'high_risk']}", false},
	        {"{'in': ['risk_category', ['gpai', 'minimal_risk']]}", false},
	        {"{'in': ['risk_category', ['gpai', 'high_risk']]}", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *c = js(cases[i].cond);
		ck_assert_msg(
		        oblig_cond_eval(c, facts) == cases[i].want, "condition %s", cases[i].cond);
		json_decref(c);
	}
	json_decref(facts);
}
END_TEST

START_TEST(condition_check_rejects_unknown_facts_and_operators)
{
	struct err e = {0};
	json_t *c = js("{'all': ['high_risk', {'not': 'supplies_system'}]}");
	ck_assert_int_eq(oblig_cond_check(c, oblig_supplier_facts, &e), 0);
	json_decref(c);
	c = js("{'all': ['high_risk', 'made_up_fact']}");
	ck_assert_int_eq(oblig_cond_check(c, oblig_supplier_facts, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "made_up_fact"));
	json_decref(c);
	c = js("{'xor': ['high_risk', 'supplies_system']}");
	ck_assert_int_eq(oblig_cond_check(c, oblig_supplier_facts, &e), -1);
	json_decref(c);
	c = js("{'all': []}");
	ck_assert_int_eq(oblig_cond_check(c, oblig_supplier_facts, &e), -1);
	json_decref(c);
}
END_TEST

START_TEST(contract_recommendations_follow_role_and_classification)
{
	json_t *clauses = js("[{'id': 'base', 'basis': 'ISO/IEC 42001 A.10.3', 'title': 'Base',"
	                     "  'recommendation': 'r0', 'applies_when': true},"
	                     " {'id': 'art25_4', 'basis': 'Art. 25(4)', 'title': 'Agreement',"
	                     "  'recommendation': 'r1', 'applies_when': {'all': ['high_risk',"
	                     "  'tenant_provider', {'any': ['supplies_gpai_model', {'not': "
	                     "'only_open_source'}]}]}},"
	                     " {'id': 'art53', 'basis': 'Art. 53(1)(b)', 'title': 'Downstream',"
	                     "  'recommendation': 'r2', 'applies_when': 'supplies_gpai_model'}]");
	/* a provider of a high-risk system built on an open-source (non-GPAI) component */
	json_t *facts = js("{'high_risk': true, 'tenant_provider': true, 'only_open_source': true,"
	                   " 'supplies_gpai_model': false}");
	json_t *r = oblig_contract_recommendations(clauses, facts);
	ck_assert_int_eq(json_array_size(r), 1);
	ck_assert_str_eq(str(json_array_get(r, 0), "id"), "base");
	json_decref(r);
	json_decref(facts);
	/* the same with a GPAI model: Art. 25(4) applies to GPAI models even when open */
	facts = js("{'high_risk': true, 'tenant_provider': true, 'only_open_source': true,"
	           " 'supplies_gpai_model': true}");
	r = oblig_contract_recommendations(clauses, facts);
	ck_assert_int_eq(json_array_size(r), 3);
	ck_assert_str_eq(str(json_array_get(r, 1), "id"), "art25_4");
	ck_assert_str_eq(str(json_array_get(r, 1), "basis"), "Art. 25(4)");
	ck_assert_str_eq(str(json_array_get(r, 2), "recommendation"), "r2");
	ck_assert_ptr_null(json_object_get(json_array_get(r, 2), "applies_when"));
	json_decref(r);
	json_decref(facts);
	json_decref(clauses);
}
END_TEST

/* -------------------------------------------------------------------- dossier */

static json_t *dossier_template(void)
{
	return js(
	        "["
	        "{'id': 'annex_iv.1', 'ord': 10, 'holder': 'provider', 'part': 'annex_iv', "
	        "'condition': 'always',"
	        " 'requirement_ref': 'eu-ai-act:Annex IV 1', 'basis': 'Annex IV point 1', 'title': "
	        "'General',"
	        " 'expects': ['Instructions for use']},"
	        "{'id': 'provider.registration', 'ord': 130, 'holder': 'provider', 'part': "
	        "'provider_records',"
	        " 'condition': 'registration', 'requirement_ref': 'eu-ai-act:Art. 49', 'basis': "
	        "'Art. 49(1)',"
	        " 'title': 'Registration', 'expects': ['Confirmation']},"
	        "{'id': 'deployer.oversight', 'ord': 220, 'holder': 'deployer', 'part': "
	        "'deployer_records',"
	        " 'condition': 'always', 'requirement_ref': 'eu-ai-act:Art. 26', 'basis': 'Art. "
	        "26(2)',"
	        " 'title': 'Oversight', 'expects': ['Assignments']},"
	        "{'id': 'deployer.logs', 'ord': 250, 'holder': 'deployer', 'part': "
	        "'deployer_records',"
	        " 'condition': 'always', 'requirement_ref': 'eu-ai-act:Art. 26', 'basis': 'Art. "
	        "26(6)',"
	        " 'title': 'Logs', 'expects': ['Retention']},"
	        "{'id': 'deployer.fria', 'ord': 280, 'holder': 'deployer', 'part': "
	        "'deployer_records',"
	        " 'condition': 'fria', 'requirement_ref': 'eu-ai-act:Art. 27', 'basis': 'Art. 27',"
	        " 'title': 'FRIA', 'expects': ['FRIA']},"
	        "{'id': 'deployer.explanation', 'ord': 300, 'holder': 'deployer', 'part': "
	        "'deployer_records',"
	        " 'condition': 'annex_iii', 'requirement_ref': 'eu-ai-act:Art. 86', 'basis': 'Art. "
	        "86',"
	        " 'title': 'Explanation', 'expects': ['Procedure']}]");
}

static json_t *no_entries;

static void dossier_setup(void)
{
	no_entries = json_array();
}

static void dossier_teardown(void)
{
	json_decref(no_entries);
}

static const char *section_ids(const json_t *d)
{
	static char buf[512];
	size_t i, used = 0;
	const json_t *s;
	buf[0] = '\0';
	json_array_foreach(json_object_get(d, "sections"), i, s)
	{
		used += (size_t)snprintf(
		        buf + used, sizeof buf - used, "%s%s", i ? "," : "", str(s, "id"));
	}
	return buf;
}

START_TEST(deployer_dossier_has_deployer_records_and_fria_only_when_triggered)
{
	json_t *t = dossier_template();
	json_t *res = js("{'risk_category': 'high_risk', 'high_risk_basis': 'annex_iii',"
	                 " 'fria_required': true, 'registration_required': false,"
	                 " 'obligations': [{'bearer': 'deployer'}, {'bearer': 'deployer'}]}");
	json_t *d = oblig_dossier(t, res, no_entries);
	ck_assert(json_is_true(json_object_get(d, "applicable")));
	ck_assert_str_eq(section_ids(d),
	        "deployer.oversight,deployer.logs,deployer.fria,deployer.explanation");
	json_decref(d);
	json_object_set_new(res, "fria_required", json_false());
	json_object_set_new(res, "high_risk_basis", json_string("annex_i_a"));
	d = oblig_dossier(t, res, no_entries);
	ck_assert_str_eq(section_ids(d), "deployer.oversight,deployer.logs");
	json_decref(d);
	json_decref(res);
	json_decref(t);
}
END_TEST

START_TEST(provider_dossier_follows_annex_iv_and_registration)
{
	json_t *t = dossier_template();
	json_t *res = js("{'risk_category': 'high_risk', 'high_risk_basis': 'annex_iii',"
	                 " 'fria_required': false, 'registration_required': true,"
	                 " 'obligations': [{'bearer': 'provider'}]}");
	json_t *d = oblig_dossier(t, res, no_entries);
	ck_assert_str_eq(section_ids(d), "annex_iv.1,provider.registration");
	json_decref(d);
	json_decref(res);
	json_decref(t);
}
END_TEST

START_TEST(dossier_does_not_apply_below_high_risk)
{
	json_t *t = dossier_template();
	json_t *res = js("{'risk_category': 'limited_risk_transparency', 'obligations':"
	                 " [{'bearer': 'deployer'}]}");
	json_t *d = oblig_dossier(t, res, no_entries);
	ck_assert(json_is_false(json_object_get(d, "applicable")));
	ck_assert_int_eq(json_array_size(json_object_get(d, "sections")), 0);
	json_decref(d);
	/* Annex I Section B: high-risk with no duties for anyone here */
	json_decref(res);
	res = js("{'risk_category': 'high_risk', 'high_risk_basis': 'annex_i_b', 'obligations': "
	         "[]}");
	d = oblig_dossier(t, res, no_entries);
	ck_assert(json_is_false(json_object_get(d, "applicable")));
	json_decref(d);
	json_decref(res);
	json_decref(t);
}
END_TEST

START_TEST(completeness_counts_complete_sections_and_excludes_not_applicable)
{
	json_t *t = dossier_template();
	json_t *res = js("{'risk_category': 'high_risk', 'high_risk_basis': 'annex_iii',"
	                 " 'fria_required': true, 'obligations': [{'bearer': 'deployer'}]}");
	json_t *entries =
	        js("[{'section_id': 'deployer.oversight', 'status': 'complete', 'notes': 'ok',"
	           "  'document_ids': ['d1'], 'evidence_ids': [], 'version': 2},"
	           " {'section_id': 'deployer.logs', 'status': 'not_applicable', 'notes': '',"
	           "  'document_ids': [], 'evidence_ids': [], 'version': 1},"
	           " {'section_id': 'deployer.fria', 'status': 'in_progress', 'notes': '',"
	           "  'document_ids': [], 'evidence_ids': ['e1'], 'version': 1}]");
	json_t *d = oblig_dossier(t, res, entries);
	json_t *c = json_object_get(d, "completeness");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "sections")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "complete")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "not_applicable")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "in_progress")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "missing")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "percent")), 33); /* 1 of 3 */
	json_t *first = json_array_get(json_object_get(d, "sections"), 0);
	ck_assert_str_eq(str(first, "status"), "complete");
	ck_assert_str_eq(
	        json_string_value(json_array_get(json_object_get(first, "document_ids"), 0)), "d1");
	ck_assert_int_eq(json_integer_value(json_object_get(first, "version")), 2);
	json_t *last = json_array_get(json_object_get(d, "sections"), 3);
	ck_assert_str_eq(str(last, "status"), "missing");
	ck_assert_int_eq(json_integer_value(json_object_get(last, "version")), 0);
	json_decref(d);
	json_decref(entries);
	json_decref(res);
	json_decref(t);
}
END_TEST

START_TEST(sections_flag_unapproved_documents_and_expired_evidence)
{
	json_t *t = dossier_template();
	json_t *res = js("{'risk_category': 'high_risk', 'high_risk_basis': 'annex_iii',"
	                 " 'fria_required': true, 'obligations': [{'bearer': 'deployer'}]}");
	json_t *entries = js(
	        "[{'section_id': 'deployer.oversight', 'status': 'complete', 'notes': '',"
	        "  'document_ids': ['d1', 'd2'], 'evidence_ids': ['e1', 'e2'], 'version': 1,"
	        "  'documents': [{'ref': 'PRC-1', 'status': 'approved'},"
	        "                {'ref': 'PRC-2', 'status': 'in_review'}],"
	        "  'evidence': [{'title': 'Now', 'current': true, 'valid_until': null},"
	        "               {'title': 'Old', 'current': false, 'valid_until': '2025-01-10'}]},"
	        " {'section_id': 'deployer.logs', 'status': 'complete', 'notes': '',"
	        "  'document_ids': ['d1'], 'evidence_ids': [], 'version': 1,"
	        "  'documents': [{'ref': 'PRC-1', 'status': 'approved'}], 'evidence': []}]");
	json_t *d = oblig_dossier(t, res, entries);
	json_t *first = json_array_get(json_object_get(d, "sections"), 0);
	ck_assert_str_eq(str(first, "id"), "deployer.oversight");
	json_t *att = json_object_get(first, "attention");
	ck_assert_int_eq(json_array_size(att), 2);
	ck_assert_str_eq(json_string_value(json_array_get(att, 0)),
	        "document PRC-2 is in_review, not approved");
	ck_assert_str_eq(json_string_value(json_array_get(att, 1)),
	        "evidence \"Old\" expired on 2025-01-10");
	ck_assert_int_eq(json_array_size(json_object_get(first, "documents")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(
	                         json_object_get(d, "completeness"), "needs_attention")),
	        1);
	/* completeness still counts what is complete; attention is reported beside it */
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(d, "completeness"), "complete")),
	        2);
	json_decref(d);
	json_decref(entries);
	json_decref(res);
	json_decref(t);
}
END_TEST

/* -------------------------------------------------------------------- roadmap */

static const char *const workstreams =
        "["
        "{'id': 'literacy', 'title': 'AI literacy', 'kind': 'quick_win', 'duration_days': 60, "
        "'depends_on': []},"
        "{'id': 'qms', 'title': 'QMS', 'kind': 'structural', 'duration_days': 150, 'depends_on': "
        "[]},"
        "{'id': 'risk', 'title': 'Risk management', 'kind': 'structural', 'duration_days': 120, "
        "'depends_on': []},"
        "{'id': 'conformity', 'title': 'Conformity', 'kind': 'structural', 'duration_days': 90,"
        " 'depends_on': ['qms', 'risk']},"
        "{'id': 'registration', 'title': 'Registration', 'kind': 'quick_win', 'duration_days': 30,"
        " 'depends_on': ['conformity']}]";

static json_t *plan(const char *items, const char *as_of)
{
	char *text = NULL;
	size_t n = strlen(items) + strlen(workstreams) + 200;
	text = malloc(n);
	snprintf(text, n, "{'as_of': '%s', 'workstreams': %s, 'items': %s}", as_of, workstreams,
	        items);
	json_t *in = js(text);
	free(text);
	json_t *out = NULL;
	struct err e = {0};
	int rc = oblig_roadmap_plan(in, &out, &e);
	json_decref(in);
	ck_assert_msg(rc == 0, "plan failed: %s %s", e.field, e.message);
	return out;
}

/* The project of workstream ws in either list. */
static const json_t *project(const json_t *rm, const char *ws)
{
	static const char *const lists[] = {"quick_wins", "structural_initiatives"};
	for (int l = 0; l < 2; l++) {
		size_t i;
		const json_t *p;
		json_array_foreach(json_object_get(rm, lists[l]), i, p)
		{
			if (strcmp(str(p, "workstream"), ws) == 0)
				return p;
		}
	}
	return NULL;
}

#define ITEM(id, sys, ws, art, af, owner, controls)                                                \
	"{'id': '" id "', 'ai_system_id': '" sys "', 'system_ref': 'REF-" sys                      \
	"', 'system_name': 'S',"                                                                   \
	" 'article': '" art "', 'title': 't', 'applies_from': " af                                 \
	", 'status': 'open', 'owner_id': " owner ", 'owner_name': null, 'workstream': " ws         \
	", 'controls': " controls "}"

START_TEST(deadline_is_the_earliest_applies_from_of_the_project)
{
	json_t *rm = plan(
	        "[" ITEM("o1", "s1", "'risk'", "Art. 9", "'2028-08-02'", "null", "[]") "," ITEM(
	                "o2", "s2", "'risk'", "Art. 9", "'2027-12-02'", "null", "[]") "]",
	        "2026-09-01");
	const json_t *p = project(rm, "risk");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(str(p, "category"), "structural");
	ck_assert_str_eq(str(p, "legal_deadline"), "2027-12-02");
	ck_assert_str_eq(str(p, "deadline"), "2027-12-02");
	ck_assert_str_eq(str(p, "start_by"), "2027-08-04"); /* 120 days before */
	ck_assert_int_eq(json_array_size(json_object_get(p, "systems")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(p, "obligations")), 2);
	ck_assert(json_is_false(json_object_get(p, "overdue")));
	json_decref(rm);
}
END_TEST

START_TEST(prerequisites_end_before_their_dependents_must_start)
{
	json_t *rm = plan("[" ITEM("o1", "s1", "'conformity'", "Art. 43", "'2027-12-02'", "null",
	                          "[]") "," ITEM("o2", "s1", "'qms'", "Art. 17", "'2027-12-02'",
	                          "null", "[]") "," ITEM("o3", "s1", "'registration'", "Art. 49(1)",
	                          "'2027-12-02'", "null", "[]") "]",
	        "2026-09-01");
	const json_t *reg = project(rm, "registration"), *conf = project(rm, "conformity"),
	             *qms = project(rm, "qms");
	/* registration is a quick win but waits for conformity: it keeps its legal date */
	ck_assert_str_eq(str(reg, "category"), "quick_win");
	ck_assert_str_eq(str(reg, "deadline"), "2027-12-02");
	/* conformity must end before registration starts (30 days before its deadline) */
	ck_assert_str_eq(str(conf, "deadline"), "2027-11-02");
	ck_assert_str_eq(str(conf, "deadline_set_by"), "ws:registration");
	/* the QMS must end before conformity starts (90 days earlier) */
	ck_assert_str_eq(str(qms, "deadline"), "2027-08-04");
	ck_assert_str_eq(str(qms, "start_by"), "2027-03-07"); /* 150 days */
	ck_assert(json_is_false(json_object_get(qms, "overdue")));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(conf, "depends_on"), 0)),
	        "ws:qms");
	/* only projects in the roadmap are listed as dependencies (no risk project here) */
	ck_assert_int_eq(json_array_size(json_object_get(conf, "depends_on")), 1);
	json_decref(rm);
}
END_TEST

START_TEST(structural_work_whose_controls_are_implemented_becomes_a_quick_win)
{
	json_t *rm = plan(
	        "[" ITEM("o1", "s1", "'risk'", "Art. 9", "'2027-12-02'", "null",
	                "[{'id': 'c1', 'ref': 'A.6.1', 'title': 'Risk', 'status': 'implemented',"
	                " 'evidence_reuse': true}, {'id': 'c9', 'ref': 'X', 'title': 'Related "
	                "only',"
	                " 'status': 'planned', 'evidence_reuse': false}]") "," ITEM("o2", "s1",
	                "'qms'", "Art. 17", "'2027-12-02'", "null",
	                "[{'id': 'c2', 'ref': 'A.9.2', 'title': 'QMS', 'status': 'in_progress',"
	                " 'evidence_reuse': true}]") "]",
	        "2026-09-01");
	const json_t *risk = project(rm, "risk"), *qms = project(rm, "qms");
	ck_assert_str_eq(str(risk, "category"), "quick_win");
	ck_assert_int_eq(json_array_size(json_object_get(risk, "control_gaps")), 0);
	ck_assert_str_eq(
	        str(json_array_get(json_object_get(risk, "controls_reused"), 0), "ref"), "A.6.1");
	ck_assert_str_eq(str(qms, "category"), "structural");
	ck_assert_str_eq(
	        str(json_array_get(json_object_get(qms, "control_gaps"), 0), "ref"), "A.9.2");
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(rm, "summary"), "control_gaps")),
	        1);
	json_decref(rm);
}
END_TEST

START_TEST(quick_win_waiting_for_nothing_is_due_within_the_horizon)
{
	json_t *rm = plan(
	        "[" ITEM("o1", "s1", "'literacy'", "Art. 4", "'2027-12-02'", "null", "[]") "," ITEM(
	                "o2", "s1", "'risk'", "Art. 9", "'2027-12-02'", "null", "[]") "]",
	        "2026-09-01");
	ck_assert_str_eq(str(project(rm, "literacy"), "deadline"), "2026-11-30"); /* +90 days */
	ck_assert_str_eq(str(project(rm, "literacy"), "legal_deadline"), "2027-12-02");
	/* structural work keeps its legal date */
	ck_assert_str_eq(str(project(rm, "risk"), "deadline"), "2027-12-02");
	json_decref(rm);
}
END_TEST

START_TEST(obligation_already_applicable_is_overdue_not_moved)
{
	json_t *rm =
	        plan("[" ITEM("o1", "s1", "'literacy'", "Art. 4", "'2025-02-02'", "null", "[]") "]",
	                "2026-09-01");
	const json_t *p = project(rm, "literacy");
	ck_assert_str_eq(str(p, "deadline"), "2025-02-02");
	ck_assert(json_is_true(json_object_get(p, "overdue")));
	ck_assert_int_eq(
	        json_integer_value(json_object_get(json_object_get(rm, "summary"), "overdue")), 1);
	json_decref(rm);
}
END_TEST

START_TEST(owner_is_the_most_frequent_obligation_owner)
{
	json_t *rm = plan("[" ITEM("o1", "s1", "'risk'", "Art. 9", "'2027-12-02'", "'u-b'",
	                          "[]") "," ITEM("o2", "s2", "'risk'", "Art. 9", "'2027-12-02'",
	                          "'u-a'", "[]") "," ITEM("o3", "s3", "'risk'", "Art. 9",
	                          "'2027-12-02'", "'u-b'", "[]") "," ITEM("o4", "s4", "'qms'",
	                          "Art. 17", "'2027-12-02'", "null", "[]") "]",
	        "2026-09-01");
	ck_assert_str_eq(str(json_object_get(project(rm, "risk"), "owner"), "id"), "u-b");
	ck_assert(json_is_null(json_object_get(project(rm, "qms"), "owner")));
	json_decref(rm);
}
END_TEST

START_TEST(obligations_without_workstream_are_grouped_as_other)
{
	json_t *rm = plan(
	        "[" ITEM("o1", "s1", "null", "Art. 99", "null", "null", "[]") "]", "2026-09-01");
	const json_t *p = project(rm, "other");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(str(p, "category"), "structural");
	ck_assert(json_is_null(json_object_get(p, "deadline")));
	json_decref(rm);
}
END_TEST

START_TEST(projects_are_ordered_by_deadline)
{
	json_t *rm = plan(
	        "[" ITEM("o1", "s1", "'risk'", "Art. 9", "'2028-08-02'", "null", "[]") "," ITEM(
	                "o2", "s1", "'qms'", "Art. 17", "'2027-12-02'", "null", "[]") "]",
	        "2026-09-01");
	const json_t *st = json_object_get(rm, "structural_initiatives");
	ck_assert_str_eq(str(json_array_get(st, 0), "workstream"), "qms");
	ck_assert_str_eq(str(json_array_get(st, 1), "workstream"), "risk");
	json_decref(rm);
}
END_TEST

START_TEST(dependency_cycles_and_bad_input_are_rejected)
{
	json_t *in = js("{'as_of': '2026-09-01', 'workstreams': ["
	                "{'id': 'a', 'title': 'A', 'kind': 'structural', 'duration_days': 10, "
	                "'depends_on': ['b']},"
	                "{'id': 'b', 'title': 'B', 'kind': 'structural', 'duration_days': 10, "
	                "'depends_on': ['a']}],"
	                " 'items': [{'id': 'o1', 'workstream': 'a', 'applies_from': '2027-01-01', "
	                "'status': 'open'},"
	                " {'id': 'o2', 'workstream': 'b', 'applies_from': '2027-01-01', 'status': "
	                "'open'}]}");
	json_t *out = NULL;
	struct err e = {0};
	ck_assert_int_eq(oblig_roadmap_plan(in, &out, &e), -1);
	ck_assert_str_eq(e.field, "workstreams");
	ck_assert_ptr_nonnull(strstr(e.message, "cycle"));
	json_decref(in);
	in = js("{'as_of': '2026-09-01', 'workstreams': [], 'items': [{'id': 'o1',"
	        " 'applies_from': '2026-13-01'}]}");
	ck_assert_int_eq(oblig_roadmap_plan(in, &out, &e), -1);
	ck_assert_str_eq(e.field, "items[0].applies_from");
	json_decref(in);
	in = js("{'as_of': 'soon', 'workstreams': [], 'items': []}");
	ck_assert_int_eq(oblig_roadmap_plan(in, &out, &e), -1);
	ck_assert_str_eq(e.field, "as_of");
	json_decref(in);
}
END_TEST

START_TEST(html_page_escapes_registry_text)
{
	json_t *rm = plan(
	        "[{'id': 'o1', 'ai_system_id': 's1', 'system_ref': '<script>alert(1)</script>',"
	        " 'article': 'Art. 9', 'title': 'a & b', 'applies_from': '2027-12-02',"
	        " 'status': 'open', 'workstream': 'risk', 'controls': []}]",
	        "2026-09-01");
	char *html = NULL;
	size_t len = 0;
	struct err e = {0};
	ck_assert_int_eq(oblig_roadmap_html(rm, &html, &len, &e), 0);
	ck_assert_uint_eq(strlen(html), len);
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "a &amp; b"));
	ck_assert_ptr_nonnull(strstr(html, "<h2>Structural initiatives (1)</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "2027-12-02"));
	free(html);
	json_decref(rm);
}
END_TEST

/* The text of one member of an XLSX (zip) held in memory, malloc'd, or NULL. */
static char *zip_member(const char *data, size_t len, const char *name)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	char *out = NULL;
	if (z) {
		zip_stat_t st;
		zip_file_t *f = zip_stat(z, name, 0, &st) == 0 ? zip_fopen(z, name, 0) : NULL;
		if (f) {
			out = calloc(1, st.size + 1);
			zip_fread(f, out, st.size);
			zip_fclose(f);
		}
		zip_close(z);
	} else if (src) {
		zip_source_free(src);
	}
	zip_error_fini(&ze);
	return out;
}

START_TEST(roadmap_workbook_has_projects_obligations_and_gaps)
{
	json_t *rm = plan(
	        "[" ITEM("o1", "s1", "'qms'", "Art. 17", "'2027-12-02'", "null",
	                "[{'id': 'c2', 'ref': 'A.9.2', 'title': 'QMS control', 'status': 'planned',"
	                " 'evidence_reuse': true}]") "]",
	        "2026-09-01");
	char *x = NULL;
	size_t len = 0;
	struct err e = {0};
	ck_assert_int_eq(oblig_roadmap_xlsx(rm, &x, &len, &e), 0);
	ck_assert_uint_gt(len, 100);
	ck_assert_int_eq(memcmp(x, "PK", 2), 0);
	char *wb = zip_member(x, len, "xl/workbook.xml");
	ck_assert_ptr_nonnull(wb);
	ck_assert_ptr_nonnull(strstr(wb, "name=\"Projects\""));
	ck_assert_ptr_nonnull(strstr(wb, "name=\"Obligations\""));
	ck_assert_ptr_nonnull(strstr(wb, "name=\"Control gaps\""));
	char *ss = zip_member(x, len, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(ss);
	ck_assert_ptr_nonnull(strstr(ss, "QMS control"));
	ck_assert_ptr_nonnull(strstr(ss, "REF-s1"));
	free(wb);
	free(ss);
	free(x);
	json_decref(rm);
}
END_TEST

START_TEST(matrix_workbook_has_a_row_per_system_and_per_obligation)
{
	json_t *m = js(
	        "{'systems': ["
	        "{'ref': 'AI-1', 'name': 'Scoring', 'lifecycle_stage': 'deployed', 'aiact_role': "
	        "'deployer',"
	        " 'assessment': {'effective_role': 'deployer', 'risk_category': 'high_risk',"
	        " 'high_risk_basis': 'annex_iii', 'annex_iii_point': '5(b)', "
	        "'prohibited_practices': [],"
	        " 'transparency_obligations': [], 'fria_required': true, 'registration_required': "
	        "false,"
	        " 'applies_from': '2027-12-02', 'regime': 'amended', 'rule_set_version': '2026.1',"
	        " 'assessed_at': '2026-09-01T10:00:00Z', 'obligations': ["
	        " {'article': 'Art. 26', 'title': 'deployer duties', 'bearer': 'deployer',"
	        "  'applies_from': '2027-12-02', 'status': 'open'},"
	        " {'article': 'Art. 27', 'title': 'FRIA', 'bearer': 'deployer',"
	        "  'applies_from': '2027-12-02', 'status': 'in_progress'}]}},"
	        "{'ref': 'AI-2', 'name': 'Chatbot', 'lifecycle_stage': 'design', 'aiact_role': "
	        "null,"
	        " 'assessment': null}]}");
	char *x = NULL;
	size_t len = 0;
	struct err e = {0};
	ck_assert_int_eq(oblig_matrix_xlsx(m, &x, &len, &e), 0);
	char *ss = zip_member(x, len, "xl/sharedStrings.xml");
	ck_assert_ptr_nonnull(ss);
	ck_assert_ptr_nonnull(strstr(ss, "AI-2"));
	ck_assert_ptr_nonnull(strstr(ss, "not classified"));
	ck_assert_ptr_nonnull(strstr(ss, "Art. 26, Art. 27"));
	char *obl = zip_member(x, len, "xl/worksheets/sheet2.xml");
	ck_assert_ptr_nonnull(obl);
	/* header + two obligation rows */
	ck_assert_ptr_nonnull(strstr(obl, "<row r=\"3\""));
	ck_assert_ptr_null(strstr(obl, "<row r=\"4\""));
	free(obl);
	free(ss);
	free(x);
	json_decref(m);
}
END_TEST

static Suite *roadmap_suite(void)
{
	Suite *s = suite_create("obligations");
	TCase *tc = tcase_create("basics");
	tcase_add_test(tc, dates_round_trip_and_count_days_across_leap_years);
	tcase_add_test(tc, rule_set_versions_order_numerically);
	tcase_add_test(tc, newest_rule_set_is_loaded_by_version_not_by_name);
	tcase_add_test(tc, conditions_combine_facts);
	tcase_add_test(tc, condition_check_rejects_unknown_facts_and_operators);
	tcase_add_test(tc, contract_recommendations_follow_role_and_classification);
	suite_add_tcase(s, tc);
	tc = tcase_create("dossier");
	tcase_add_checked_fixture(tc, dossier_setup, dossier_teardown);
	tcase_add_test(tc, deployer_dossier_has_deployer_records_and_fria_only_when_triggered);
	tcase_add_test(tc, provider_dossier_follows_annex_iv_and_registration);
	tcase_add_test(tc, dossier_does_not_apply_below_high_risk);
	tcase_add_test(tc, completeness_counts_complete_sections_and_excludes_not_applicable);
	tcase_add_test(tc, sections_flag_unapproved_documents_and_expired_evidence);
	suite_add_tcase(s, tc);
	tc = tcase_create("roadmap");
	tcase_add_test(tc, deadline_is_the_earliest_applies_from_of_the_project);
	tcase_add_test(tc, prerequisites_end_before_their_dependents_must_start);
	tcase_add_test(tc, structural_work_whose_controls_are_implemented_becomes_a_quick_win);
	tcase_add_test(tc, quick_win_waiting_for_nothing_is_due_within_the_horizon);
	tcase_add_test(tc, obligation_already_applicable_is_overdue_not_moved);
	tcase_add_test(tc, owner_is_the_most_frequent_obligation_owner);
	tcase_add_test(tc, obligations_without_workstream_are_grouped_as_other);
	tcase_add_test(tc, projects_are_ordered_by_deadline);
	tcase_add_test(tc, dependency_cycles_and_bad_input_are_rejected);
	tcase_add_test(tc, html_page_escapes_registry_text);
	tcase_add_test(tc, roadmap_workbook_has_projects_obligations_and_gaps);
	tcase_add_test(tc, matrix_workbook_has_a_row_per_system_and_per_obligation);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(roadmap_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
