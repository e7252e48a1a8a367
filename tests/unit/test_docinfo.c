/*
 * test_docinfo.c - the documented-information checklist (domain/docinfo.c): what counts
 * as covered for a document and for a record, drafts and expired evidence, records
 * Concord keeps itself, Annex A items the SoA excludes, reviews that fell due, and the
 * counts.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "docinfo.h"

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

/* One checklist row: kind, applicability, in_concord (JSON or null), documents, evidence. */
static json_t *row(const char *ref, const char *kind, const char *applicability,
        const char *in_concord, const char *documents, const char *evidence)
{
	char buf[2048];
	snprintf(buf, sizeof buf,
	        "{'framework_id': 'iso27001-2022', 'ref': '%s', 'item': 'x', 'title': 't',"
	        " 'kind': '%s', 'applicability': '%s', 'in_concord': %s, 'documents': %s,"
	        " 'evidence': %s}",
	        ref, kind, applicability, in_concord, documents, evidence);
	return js(buf);
}

/* Assess one row alone; returns the assessed row (new reference). */
static json_t *one(json_t *r, const char *applicable)
{
	json_t *h = json_array(), *app = js(applicable);
	json_array_append_new(h, r);
	json_t *out = docinfo_assess(h, app, "2026-11-29");
	json_t *it = json_incref(json_array_get(json_object_get(out, "items"), 0));
	json_decref(out);
	json_decref(app);
	json_decref(h);
	return it;
}

static const char *first(const json_t *it, const char *list)
{
	return json_string_value(json_array_get(json_object_get(it, list), 0));
}

START_TEST(an_approved_document_covers_a_document_item_and_a_draft_does_not)
{
	json_t *it = one(row("5.2", "document", "mandatory", "null",
	                         "[{'ref': 'POL-IS', 'doc_version': '1.0', 'status': 'approved',"
	                         " 'next_review_on': '2027-06-01'}]",
	                         "[]"),
	        "{}");
	ck_assert_str_eq(str(it, "status"), "covered");
	ck_assert_str_eq(first(it, "reasons"), "document POL-IS v1.0 approved");
	ck_assert_int_eq(json_array_size(json_object_get(it, "attention")), 0);
	json_decref(it);
	it = one(row("5.2", "document", "mandatory", "null",
	                 "[{'ref': 'POL-IS', 'doc_version': '0.3', 'status': 'in_review',"
	                 " 'next_review_on': null}]",
	                 "[]"),
	        "{}");
	ck_assert_str_eq(str(it, "status"), "draft_only");
	ck_assert_str_eq(first(it, "attention"), "document POL-IS is in_review, not approved");
	json_decref(it);
	/* current evidence is not the document itself */
	it = one(row("5.2", "document", "mandatory", "null", "[]",
	                 "[{'title': 'Intranet page', 'current': true, 'collected_on':"
	                 " '2026-11-01', 'valid_until': null}]"),
	        "{}");
	ck_assert_str_eq(str(it, "status"), "missing");
	json_decref(it);
}
END_TEST

START_TEST(current_evidence_covers_a_record_and_expired_evidence_does_not)
{
	json_t *it = one(row("9.2.2", "record", "mandatory", "null", "[]",
	                         "[{'title': 'Audit report 2026', 'current': true, 'collected_on':"
	                         " '2026-10-15', 'valid_until': '2027-10-15'}]"),
	        "{}");
	ck_assert_str_eq(str(it, "status"), "covered");
	ck_assert_str_eq(
	        first(it, "reasons"), "evidence \"Audit report 2026\" collected on 2026-10-15");
	json_decref(it);
	it = one(row("9.2.2", "record", "mandatory", "null", "[]",
	                 "[{'title': 'Audit report 2024', 'current': false, 'collected_on':"
	                 " '2024-10-15', 'valid_until': '2025-10-15'}]"),
	        "{}");
	ck_assert_str_eq(str(it, "status"), "draft_only");
	ck_assert_str_eq(
	        first(it, "attention"), "evidence \"Audit report 2024\" expired on 2025-10-15");
	json_decref(it);
	it = one(row("9.2.2", "record", "mandatory", "null", "[]", "[]"), "{}");
	ck_assert_str_eq(str(it, "status"), "missing");
	ck_assert_int_eq(json_array_size(json_object_get(it, "reasons")), 0);
	json_decref(it);
}
END_TEST

START_TEST(records_concord_keeps_cover_the_item_without_a_copy)
{
	json_t *it =
	        one(row("6.1.3", "document", "mandatory",
	                    "{'met': true, 'detail': 'soa:iso27001-2022 v1 frozen on 2026-11-02'}",
	                    "[]", "[]"),
	                "{}");
	ck_assert_str_eq(str(it, "status"), "covered");
	ck_assert_str_eq(
	        first(it, "reasons"), "kept in Concord: soa:iso27001-2022 v1 frozen on 2026-11-02");
	json_decref(it);
	it = one(
	        row("6.1.3", "document", "mandatory", "{'met': false, 'detail': null}", "[]", "[]"),
	        "{}");
	ck_assert_str_eq(str(it, "status"), "missing");
	json_decref(it);
}
END_TEST

START_TEST(annex_a_items_follow_the_statement_of_applicability)
{
	json_t *it = one(row("A.5.10", "document", "if_applicable", "null", "[]", "[]"),
	        "{'iso27001-2022:A.5.10': false}");
	ck_assert_str_eq(str(it, "status"), "not_applicable");
	ck_assert_str_eq(first(it, "reasons"),
	        "iso27001-2022 A.5.10 is excluded in the Statement of Applicability");
	json_decref(it);
	it = one(row("A.5.10", "document", "if_applicable", "null", "[]", "[]"),
	        "{'iso27001-2022:A.5.10': true}");
	ck_assert_str_eq(str(it, "status"), "missing");
	json_decref(it);
	/* a control the SoA does not mention counts as applicable */
	it = one(row("A.5.10", "document", "if_applicable", "null", "[]", "[]"), "{}");
	ck_assert_str_eq(str(it, "status"), "missing");
	json_decref(it);
	/* a mandatory clause item is never excluded */
	it = one(row("5.2", "document", "mandatory", "null", "[]", "[]"),
	        "{'iso27001-2022:5.2': false}");
	ck_assert_str_eq(str(it, "status"), "missing");
	json_decref(it);
}
END_TEST

START_TEST(a_review_that_fell_due_needs_attention)
{
	json_t *it = one(row("5.2", "document", "mandatory", "null",
	                         "[{'ref': 'POL-IS', 'doc_version': '1.0', 'status': 'approved',"
	                         " 'next_review_on': '2026-11-29'}]",
	                         "[]"),
	        "{}");
	ck_assert_str_eq(str(it, "status"), "covered");
	ck_assert_str_eq(first(it, "attention"), "document POL-IS: review was due on 2026-11-29");
	json_decref(it);
}
END_TEST

START_TEST(the_summary_counts_every_status_per_framework)
{
	json_t *h = json_array();
	json_array_append_new(h, row("5.2", "document", "mandatory", "null",
	                                 "[{'ref': 'P', 'doc_version': '1', 'status': 'approved',"
	                                 " 'next_review_on': null}]",
	                                 "[]"));
	json_array_append_new(h, row("6.2", "document", "mandatory", "null", "[]", "[]"));
	json_array_append_new(h, row("A.6.6", "document", "if_applicable", "null", "[]", "[]"));
	json_t *ai = js("{'framework_id': 'iso42001-2023', 'ref': '5.2', 'item': 'AI policy',"
	                " 'kind': 'document', 'applicability': 'mandatory', 'in_concord': null,"
	                " 'documents': [{'ref': 'POL-AI', 'status': 'draft'}], 'evidence': []}");
	json_array_append_new(h, ai);
	json_t *app = js("{'iso27001-2022:A.6.6': false}");
	json_t *out = docinfo_assess(h, app, "2026-11-29");
	json_t *s = json_object_get(out, "summary");
	ck_assert_int_eq(json_integer_value(json_object_get(s, "total")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "covered")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "missing")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "not_applicable")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "draft_only")), 1);
	json_t *fw = json_object_get(json_object_get(s, "by_framework"), "iso27001-2022");
	ck_assert_int_eq(json_integer_value(json_object_get(fw, "total")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(fw, "draft_only")), 0);
	fw = json_object_get(json_object_get(s, "by_framework"), "iso42001-2023");
	ck_assert_int_eq(json_integer_value(json_object_get(fw, "draft_only")), 1);
	/* the input rows are kept, in order, with the assessment added */
	json_t *items = json_object_get(out, "items");
	ck_assert_int_eq(json_array_size(items), 4);
	ck_assert_str_eq(str(json_array_get(items, 3), "item"), "AI policy");
	json_decref(out);
	json_decref(app);
	json_decref(h);
}
END_TEST

static Suite *docinfo_suite(void)
{
	Suite *s = suite_create("docinfo");
	TCase *tc = tcase_create("assess");
	tcase_add_test(tc, an_approved_document_covers_a_document_item_and_a_draft_does_not);
	tcase_add_test(tc, current_evidence_covers_a_record_and_expired_evidence_does_not);
	tcase_add_test(tc, records_concord_keeps_cover_the_item_without_a_copy);
	tcase_add_test(tc, annex_a_items_follow_the_statement_of_applicability);
	tcase_add_test(tc, a_review_that_fell_due_needs_attention);
	tcase_add_test(tc, the_summary_counts_every_status_per_framework);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(docinfo_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
