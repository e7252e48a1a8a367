/*
 * test_dossier.c - the exportable EU AI Act compliance dossier (domain/dossier.c): assembly
 * from aiact_dossier_input() through oblig_dossier, export facts (locations of linked items,
 * the documents still to compile), and the HTML document: exact facts shown, user text
 * escaped, self-contained, the "documents to compile" list, systems without an applicable
 * dossier, and missing members.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "obligations.h"

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

/* Template rows as aiact_dossier_input() gives them (a subset of migration 0031's). */
static const char template_rows[] =
        "[{'id': 'annex_iv.1', 'ord': 10, 'holder': 'provider', 'part': 'annex_iv',"
        "  'condition': 'always', 'requirement_ref': 'eu-ai-act:Annex IV 1',"
        "  'basis': 'Annex IV point 1', 'title': 'A general description of the AI system',"
        "  'expects': ['Instructions for use']},"
        " {'id': 'deployer.instructions', 'ord': 210, 'holder': 'deployer',"
        "  'part': 'deployer_records', 'condition': 'always', 'requirement_ref':"
        "  'eu-ai-act:Art. 26', 'basis': 'Art. 26(1)', 'title': 'Use in accordance with the"
        " instructions for use', 'expects': ['Provider instructions for use',"
        "  'Operating procedure']},"
        " {'id': 'deployer.oversight', 'ord': 220, 'holder': 'deployer',"
        "  'part': 'deployer_records', 'condition': 'always', 'requirement_ref':"
        "  'eu-ai-act:Art. 26', 'basis': 'Art. 26(2)', 'title': 'Human oversight by competent"
        " persons', 'expects': ['Oversight role assignments', 'Competence and training"
        " records of overseers']},"
        " {'id': 'deployer.workers', 'ord': 260, 'holder': 'deployer',"
        "  'part': 'deployer_records', 'condition': 'always', 'requirement_ref':"
        "  'eu-ai-act:Art. 26', 'basis': 'Art. 26(7)', 'title': 'Information of workers',"
        "  'expects': ['Information notices to workers']},"
        " {'id': 'deployer.fria', 'ord': 280, 'holder': 'deployer', 'part': 'deployer_records',"
        "  'condition': 'fria', 'requirement_ref': 'eu-ai-act:Art. 27', 'basis': 'Art. 27',"
        "  'title': 'Fundamental rights impact assessment', 'expects': ['FRIA covering"
        " Art. 27(1)(a)-(f)', 'Notification to the market surveillance authority']},"
        " {'id': 'deployer.registration', 'ord': 290, 'holder': 'deployer',"
        "  'part': 'deployer_records', 'condition': 'registration', 'requirement_ref':"
        "  'eu-ai-act:Art. 49', 'basis': 'Art. 49(3)', 'title': 'Registration of the use',"
        "  'expects': ['EU database registration of the use']}]";

/* A deployer of an Annex III 5(b) system: oversight complete with an approved document,
 * instructions in progress with expired and current evidence, workers not applicable,
 * FRIA missing (no entry). */
static json_t *deployer_input(const char *name, const char *doc_title, const char *notes)
{
	char *buf = NULL;
	int n = asprintf(&buf,
	        "{'system': {'id': '11111111-1111-4111-8111-111111111111', 'ref': 'CS-1',"
	        "  'name': '%s', 'intended_purpose': 'Scores credit applications',"
	        "  'lifecycle_stage': 'deployed', 'aiact_role': 'deployer'},"
	        " 'classification': {'seq': 2, 'regime': 'amended', 'rule_set_version': '2026.1',"
	        "  'reason': 'answers', 'risk_category': 'high_risk', 'applies_from': '2027-12-02',"
	        "  'annex_iii_point': '5(b)', 'created_at': '2026-03-04T09:10:11.5+00:00',"
	        "  'result': {'risk_category': 'high_risk', 'effective_role': 'deployer',"
	        "   'high_risk_basis': 'annex_iii', 'fria_required': true,"
	        "   'registration_required': false, 'obligations': [{'id': 'art26',"
	        "   'article': 'Art. 26', 'bearer': 'deployer'}]}},"
	        " 'template': %s,"
	        " 'entries': ["
	        "  {'section_id': 'deployer.oversight', 'status': 'complete', 'notes': '%s',"
	        "   'document_ids': ['d1'], 'evidence_ids': [], 'version': 3,"
	        "   'updated_at': '2026-05-06T07:08:09+00:00',"
	        "   'documents': [{'id': 'd1', 'ref': 'PRC-OVS', 'title': '%s', 'doc_version':"
	        "    '1.2', 'status': 'approved'}], 'evidence': []},"
	        "  {'section_id': 'deployer.instructions', 'status': 'in_progress', 'notes': '',"
	        "   'document_ids': [], 'evidence_ids': ['e1', 'e2'], 'version': 1,"
	        "   'updated_at': '2026-05-01T00:00:00+00:00', 'documents': [],"
	        "   'evidence': [{'id': 'e1', 'title': 'FRIA 2024', 'collected_on': '2024-01-10',"
	        "    'valid_until': '2025-01-10', 'current': false},"
	        "    {'id': 'e2', 'title': 'Operating manual', 'collected_on': '2026-02-01',"
	        "    'valid_until': null, 'current': true}]},"
	        "  {'section_id': 'deployer.workers', 'status': 'not_applicable', 'notes': 'no"
	        " workplace use', 'document_ids': [], 'evidence_ids': [], 'version': 1,"
	        "   'documents': [], 'evidence': []}],"
	        " 'locations': {'documents': {'d1': 'dms:/procedures/oversight.pdf'},"
	        "  'evidence': {'e1': 'dms:/fria-2024.pdf', 'e2': 'wiki:/ops/manual'}}}",
	        name, template_rows, notes, doc_title);
	ck_assert_int_ge(n, 0);
	json_t *j = js(buf);
	free(buf);
	return j;
}

static const json_t *section(const json_t *d, const char *id)
{
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(d, "sections"), i, s)
	{
		if (strcmp(str(s, "id"), id) == 0)
			return s;
	}
	return NULL;
}

/* dossier_html of {generated_at, tenant, scope, systems: facts of each input}. */
static char *render(json_t *const *inputs, int n)
{
	json_t *facts = js("{'generated_at': '2026-06-01 10:00 UTC', 'tenant': {'name':"
	                   " 'Acme Bank'}, 'scope': 'all', 'systems': []}");
	for (int i = 0; i < n; i++) {
		json_t *f = dossier_system_facts(inputs[i]);
		ck_assert_ptr_nonnull(f);
		json_array_append_new(json_object_get(facts, "systems"), f);
	}
	char *html = dossier_html(facts);
	json_decref(facts);
	ck_assert_ptr_nonnull(html);
	return html;
}

static void has(const char *html, const char *want)
{
	ck_assert_msg(strstr(html, want) != NULL, "missing from the HTML: %s", want);
}

static void lacks(const char *html, const char *what)
{
	ck_assert_msg(strstr(html, what) == NULL, "unexpected in the HTML: %s", what);
}

/* ---------------------------------------------------------------------- tests */

START_TEST(assembly_is_oblig_dossier_with_the_system_and_classification_ids)
{
	json_t *in = deployer_input("Credit scoring", "Oversight procedure", "");
	json_t *d = dossier_assemble(in);
	json_t *cls = json_object_get(in, "classification");
	json_t *want = oblig_dossier(json_object_get(in, "template"),
	        json_object_get(cls, "result"), json_object_get(in, "entries"));
	json_object_set_new(
	        want, "ai_system_id", json_string("11111111-1111-4111-8111-111111111111"));
	json_object_set_new(want, "classification_seq", json_integer(2));
	json_object_set_new(want, "rule_set_version", json_string("2026.1"));
	ck_assert(json_equal(d, want));
	/* the deployer's sections whose condition holds: FRIA yes, registration no */
	ck_assert_ptr_nonnull(section(d, "deployer.fria"));
	ck_assert_ptr_null(section(d, "deployer.registration"));
	ck_assert_ptr_null(section(d, "annex_iv.1"));
	json_t *c = json_object_get(d, "completeness");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "sections")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "percent")), 33);
	json_decref(want);
	json_decref(d);
	json_decref(in);
}
END_TEST

START_TEST(an_unclassified_system_has_no_applicable_dossier_and_no_input_gives_null)
{
	json_t *in = js("{'system': {'id': 'abc', 'ref': 'X', 'name': 'n'}, 'classification': null,"
	                " 'template': [], 'entries': []}");
	json_t *d = dossier_assemble(in);
	json_t *want = js("{'ai_system_id': 'abc', 'applicable': false, 'risk_category': null,"
	                  " 'reason': 'the AI system has not been classified yet', 'sections': [],"
	                  " 'completeness': null}");
	ck_assert(json_equal(d, want));
	json_decref(want);
	json_decref(d);
	json_decref(in);
	ck_assert_ptr_null(dossier_assemble(NULL));
	ck_assert_ptr_null(dossier_system_facts(NULL));
	json_t *nosys = js("{'classification': null}");
	ck_assert_ptr_null(dossier_assemble(nosys));
	json_decref(nosys);
}
END_TEST

START_TEST(export_facts_add_locations_and_leave_the_input_untouched)
{
	json_t *in = deployer_input("Credit scoring", "Oversight procedure", "");
	json_t *before = json_deep_copy(in);
	json_t *f = dossier_system_facts(in);
	ck_assert(json_equal(in, before));
	const json_t *d = json_object_get(f, "dossier");
	const json_t *doc =
	        json_array_get(json_object_get(section(d, "deployer.oversight"), "documents"), 0);
	ck_assert_str_eq(str(doc, "location"), "dms:/procedures/oversight.pdf");
	const json_t *ev = json_object_get(section(d, "deployer.instructions"), "evidence");
	ck_assert_str_eq(str(json_array_get(ev, 0), "location"), "dms:/fria-2024.pdf");
	ck_assert_str_eq(str(json_array_get(ev, 1), "location"), "wiki:/ops/manual");
	const json_t *c = json_object_get(f, "classification");
	ck_assert_str_eq(str(c, "effective_role"), "deployer");
	ck_assert_str_eq(str(c, "high_risk_basis"), "annex_iii");
	ck_assert_str_eq(str(c, "annex_iii_point"), "5(b)");
	ck_assert_str_eq(str(c, "classified_at"), "2026-03-04T09:10:11.5+00:00");
	ck_assert_str_eq(str(json_object_get(f, "system"), "ref"), "CS-1");
	json_decref(f);
	json_decref(before);
	json_decref(in);
}
END_TEST

START_TEST(documents_to_compile_are_the_expected_items_of_missing_and_in_progress_sections)
{
	json_t *in = deployer_input("Credit scoring", "Oversight procedure", "");
	json_t *d = dossier_assemble(in);
	json_t *tc = dossier_to_compile(d);
	/* instructions (in progress) and FRIA (missing); not the complete or N/A sections */
	ck_assert_int_eq(json_array_size(tc), 2);
	ck_assert_str_eq(str(json_array_get(tc, 0), "section_id"), "deployer.instructions");
	ck_assert_str_eq(str(json_array_get(tc, 0), "status"), "in_progress");
	ck_assert_str_eq(str(json_array_get(tc, 1), "section_id"), "deployer.fria");
	ck_assert_str_eq(str(json_array_get(tc, 1), "basis"), "Art. 27");
	ck_assert_str_eq(json_string_value(json_array_get(
	                         json_object_get(json_array_get(tc, 1), "expects"), 1)),
	        "Notification to the market surveillance authority");
	json_decref(tc);
	json_decref(d);
	json_t *na = js("{'applicable': false, 'sections': []}");
	tc = dossier_to_compile(na);
	ck_assert_int_eq(json_array_size(tc), 0);
	json_decref(tc);
	json_decref(na);
	json_decref(in);
}
END_TEST

START_TEST(html_shows_identification_classification_sections_links_and_completeness)
{
	json_t *in = deployer_input("Credit scoring", "Oversight procedure", "two overseers");
	char *html = render(&in, 1);
	has(html, "<h1>EU AI Act compliance dossier: Acme Bank</h1>");
	has(html, "<h2>CS-1 &#8212; Credit scoring</h2>");
	has(html, "<dt>Intended purpose</dt><dd>Scores credit applications</dd>");
	has(html, "<dt>Risk category</dt><dd>high risk</dd>");
	has(html, "<dt>High-risk basis</dt><dd>Annex III, point 5(b)</dd>");
	has(html, "<dt>Role under the classification</dt><dd>deployer</dd>");
	has(html, "<dt>Duty holders covered by this dossier</dt><dd>deployer</dd>");
	has(html, "<dt>Classification</dt><dd>no. 2, made on 2026-03-04, rule set 2026.1 "
	          "(amended regime)</dd>");
	/* completeness: 1 of 3 counted sections complete (one not applicable) */
	has(html, "Completeness: <strong>33 %</strong>");
	has(html, "<tr><td>4</td><td>1</td><td>1</td><td>1</td><td>1</td><td>1</td><td>33 %</td>"
	          "</tr>");
	has(html, "<h3>Deployer records (1 of 4 complete)</h3>");
	/* a section with its basis, status, expected documents and notes */
	has(html, "<h4><span class=\"basis\">Art. 26(2)</span> Human oversight by competent "
	          "persons</h4>");
	has(html, "Status: <strong>complete</strong> (updated 2026-05-06)");
	has(html, "<li>Competence and training records of overseers</li>");
	has(html, "<p class=\"notes\">Notes: two overseers</p>");
	has(html, "<td>PRC-OVS</td><td>Oversight procedure</td><td>1.2</td><td>approved</td>"
	          "<td>dms:/procedures/oversight.pdf</td>");
	/* expired evidence is flagged, with its attention line; current evidence is not */
	has(html, "<tr class=\"expired\"><td>FRIA 2024</td><td>2024-01-10</td><td>2025-01-10</td>"
	          "<td><strong>expired</strong></td><td>dms:/fria-2024.pdf</td></tr>");
	has(html, "<tr class=\"ok\"><td>Operating manual</td><td>2026-02-01</td><td>no end "
	          "date</td><td>current</td>");
	has(html, "<li>Needs attention: evidence &quot;FRIA 2024&quot; expired on 2025-01-10</li>");
	has(html, "Status: <strong>not applicable</strong>");
	/* self-contained: no script, no external resource */
	lacks(html, "<script");
	lacks(html, "src=");
	lacks(html, "<link");
	lacks(html, "http://");
	lacks(html, "https://");
	has(html, "</body></html>");
	free(html);
	json_decref(in);
}
END_TEST

START_TEST(html_escapes_user_text)
{
	/* in the JSON text: \" is a double quote, \u0027 an apostrophe */
	json_t *in = deployer_input("<script>alert(1)</script>", "Q&A \\\"policy\\\"",
	        "<b>bold</b> & \\u0027quoted\\u0027");
	char *html = render(&in, 1);
	lacks(html, "<script");
	lacks(html, "<b>bold</b>");
	has(html, "CS-1 &#8212; &lt;script&gt;alert(1)&lt;/script&gt;");
	has(html, "<td>Q&amp;A &quot;policy&quot;</td>");
	has(html, "Notes: &lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;");
	free(html);
	json_decref(in);
}
END_TEST

START_TEST(html_lists_documents_to_compile_per_system)
{
	json_t *in = deployer_input("Credit scoring", "Oversight procedure", "");
	char *html = render(&in, 1);
	const char *tc = strstr(html, "<section id=\"to-compile\"><h2>Documents to compile</h2>");
	ck_assert_ptr_nonnull(tc);
	has(tc, "<h3>CS-1 &#8212; Credit scoring</h3>");
	has(tc, "<tr><td><span class=\"basis\">Art. 26(1)</span> Use in accordance with the "
	        "instructions for use</td><td>in progress</td><td>Operating procedure</td></tr>");
	has(tc, "<tr><td><span class=\"basis\">Art. 27</span> Fundamental rights impact "
	        "assessment</td><td>missing</td><td>Notification to the market surveillance "
	        "authority</td></tr>");
	/* complete and not-applicable sections expect nothing more */
	lacks(tc, "Oversight role assignments");
	lacks(tc, "Information notices to workers");
	free(html);
	json_decref(in);
}
END_TEST

START_TEST(html_says_why_no_dossier_applies_and_lists_nothing_to_compile)
{
	json_t *low = js("{'system': {'id': 'l', 'ref': 'LR-1', 'name': 'Chat helper',"
	                 " 'intended_purpose': 'answers questions', 'aiact_role': null},"
	                 " 'classification': {'seq': 1, 'regime': 'amended', 'rule_set_version':"
	                 " '2026.1', 'risk_category': 'limited_risk', 'created_at': '2026-01-02',"
	                 " 'result': {'risk_category': 'limited_risk', 'effective_role':"
	                 " 'deployer', 'high_risk_basis': null, 'obligations': [{'id': 'art50',"
	                 " 'bearer': 'deployer'}]}}, 'template': [], 'entries': []}");
	json_t *none = js("{'system': {'id': 'u', 'ref': 'UC-1', 'name': 'Unclassified'},"
	                  " 'classification': null, 'template': [], 'entries': []}");
	json_t *both[] = {low, none};
	char *html = render(both, 2);
	has(html, "<h2>LR-1 &#8212; Chat helper</h2>");
	has(html, "No compliance dossier applies to this system: its current classification is "
	          "limited risk");
	has(html, "<dt>High-risk basis</dt><dd><span class=\"none\">none</span></dd>");
	has(html, "<dt>AI Act role recorded in the registry</dt><dd><span class=\"none\">not "
	          "recorded</span></dd>");
	has(html, "No compliance dossier applies to this system: the AI system has not been "
	          "classified yet.");
	has(html, "<td colspan=\"3\">no dossier applies</td>");
	const char *tc = strstr(html, "<section id=\"to-compile\">");
	ck_assert_ptr_nonnull(tc);
	has(tc, "No compliance dossier applies, so nothing is to be compiled.");
	lacks(tc, "<table>");
	lacks(html, "Completeness: <strong>");
	free(html);
	json_decref(low);
	json_decref(none);
	/* a tenant without any applicable dossier */
	html = render(NULL, 0);
	has(html, "No AI system has an applicable compliance dossier.");
	free(html);
}
END_TEST

START_TEST(html_tolerates_missing_and_mistyped_members)
{
	char *html = dossier_html(NULL);
	ck_assert_ptr_nonnull(html);
	has(html, "</body></html>");
	free(html);
	json_t *odd = js("{'tenant': 5, 'systems': [{'system': null, 'dossier': {'applicable':"
	                 " true, 'sections': [{'id': 1, 'expects': 'x', 'documents': [null, 3],"
	                 " 'evidence': {}}], 'completeness': []}}, 7]}");
	html = dossier_html(odd);
	ck_assert_ptr_nonnull(html);
	has(html, "Completeness: <strong>0 %</strong>");
	has(html, "</body></html>");
	free(html);
	json_decref(odd);
}
END_TEST

static Suite *dossier_suite(void)
{
	Suite *s = suite_create("dossier");
	TCase *tc = tcase_create("dossier");
	tcase_add_test(tc, assembly_is_oblig_dossier_with_the_system_and_classification_ids);
	tcase_add_test(
	        tc, an_unclassified_system_has_no_applicable_dossier_and_no_input_gives_null);
	tcase_add_test(tc, export_facts_add_locations_and_leave_the_input_untouched);
	tcase_add_test(tc,
	        documents_to_compile_are_the_expected_items_of_missing_and_in_progress_sections);
	tcase_add_test(
	        tc, html_shows_identification_classification_sections_links_and_completeness);
	tcase_add_test(tc, html_escapes_user_text);
	tcase_add_test(tc, html_lists_documents_to_compile_per_system);
	tcase_add_test(tc, html_says_why_no_dossier_applies_and_lists_nothing_to_compile);
	tcase_add_test(tc, html_tolerates_missing_and_mistyped_members);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dossier_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
