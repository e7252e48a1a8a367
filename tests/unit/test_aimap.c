/*
 * test_aimap.c - the AI flow and supplier map (domain/aimap.c): DOT text built from the
 * registry graph (shapes, colours, escaping, validation) and its SVG rendering through
 * Graphviz's C library. The graphs are written the way ai_map_graph() returns them.
 */
#include <check.h>
#include <gvc.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "aimap.h"

static json_t *graph(const char *text)
{
	json_error_t je;
	json_t *g = json_loads(text, 0, &je);
	ck_assert_msg(g != NULL, "test graph does not parse: %s", je.text);
	return g;
}

static char *dot_of(const char *text)
{
	json_t *g = graph(text);
	char *dot = NULL;
	struct err e = {0};
	int rc = aimap_dot(g, "Test map", &dot, &e);
	json_decref(g);
	ck_assert_msg(rc == 0, "aimap_dot failed: %s %s", e.field, e.message);
	return dot;
}

static const char *const two_nodes =
        "{\"nodes\": ["
        "{\"key\": \"s:1\", \"kind\": \"system\", \"label\": \"AI-1 Credit scoring\","
        " \"stage\": \"deployed\", \"risk_category\": \"high_risk\"},"
        "{\"key\": \"p:2\", \"kind\": \"supplier\", \"label\": \"Model Corp\", \"country\": \"US\","
        " \"eu_established\": false}],"
        " \"edges\": [{\"from\": \"s:1\", \"to\": \"p:2\", \"kind\": \"flow\","
        " \"data_categories\": [\"applicant data\"], \"personal_data\": true,"
        " \"special_category_data\": false, \"leaves_eu\": true, \"destination_country\": "
        "\"US\"}]}";

START_TEST(dot_lists_every_node_and_edge_with_its_shape)
{
	char *dot = dot_of(two_nodes);
	ck_assert_ptr_nonnull(strstr(dot, "digraph \"ai_map\" {"));
	ck_assert_ptr_nonnull(strstr(dot, "\"s:1\" [shape=box"));
	ck_assert_ptr_nonnull(strstr(dot, "\"p:2\" [shape=house"));
	ck_assert_ptr_nonnull(strstr(dot, "\"s:1\" -> \"p:2\""));
	ck_assert_ptr_nonnull(strstr(dot, "label=\"Test map\""));
	free(dot);
}
END_TEST

START_TEST(personal_data_leaving_the_eu_is_red_and_names_the_destination)
{
	char *dot = dot_of(two_nodes);
	const char *edge = strstr(dot, "\"s:1\" -> \"p:2\"");
	ck_assert_ptr_nonnull(edge);
	ck_assert_ptr_nonnull(strstr(edge, "color=\"#cc0000\""));
	ck_assert_ptr_nonnull(strstr(edge, "applicant data (personal data) -> outside EU: US"));
	/* the non-EU supplier is shaded differently from EU ones */
	ck_assert_ptr_nonnull(strstr(dot, "fillcolor=\"#f9cb9c\""));
	free(dot);
}
END_TEST

START_TEST(flow_inside_the_eu_without_personal_data_is_plain)
{
	char *dot = dot_of(
	        "{\"nodes\": [{\"key\": \"c:1\", \"kind\": \"dataset\", \"label\": \"Logs\"},"
	        "{\"key\": \"c:2\", \"kind\": \"model\", \"label\": \"Scorer\", \"gpai\": true,"
	        " \"model_version\": \"v3\"}],"
	        " \"edges\": [{\"from\": \"c:1\", \"to\": \"c:2\", \"kind\": \"flow\","
	        " \"data_categories\": [\"telemetry\"], \"personal_data\": false,"
	        " \"leaves_eu\": false}]}");
	const char *edge = strstr(dot, "\"c:1\" -> \"c:2\"");
	ck_assert_ptr_nonnull(edge);
	ck_assert_ptr_null(strstr(edge, "#cc0000"));
	ck_assert_ptr_nonnull(strstr(edge, "label=\"telemetry\""));
	ck_assert_ptr_nonnull(strstr(dot, "shape=cylinder"));
	ck_assert_ptr_nonnull(strstr(dot, "[model, GPAI v3]"));
	free(dot);
}
END_TEST

START_TEST(system_nodes_are_coloured_by_ai_act_category)
{
	char *dot = dot_of(
	        "{\"nodes\": [{\"key\": \"s:1\", \"kind\": \"system\", \"label\": \"A\","
	        " \"stage\": \"design\", \"risk_category\": \"prohibited\"},"
	        "{\"key\": \"s:2\", \"kind\": \"system\", \"label\": \"B\", \"stage\": \"design\","
	        " \"risk_category\": null}], \"edges\": []}");
	const char *a = strstr(dot, "\"s:1\""), *b = strstr(dot, "\"s:2\"");
	ck_assert_ptr_nonnull(strstr(a, "fillcolor=\"#f4cccc\""));
	ck_assert_ptr_nonnull(strstr(b, "design | not classified\", fillcolor=\"#ffffff\""));
	free(dot);
}
END_TEST

START_TEST(names_cannot_inject_dot_or_graphviz_escapes)
{
	/* a quote would end the string, \N would print the node key, a newline is a line */
	char *dot = dot_of(
	        "{\"nodes\": [{\"key\": \"c:1\", \"kind\": \"service\","
	        " \"label\": \"x\\\"]; evil [label=\\\"pwn \\\\N\\nnext\"}], \"edges\": []}");
	ck_assert_ptr_nonnull(strstr(dot, "label=\"x\\\"]; evil [label=\\\"pwn \\\\N\\nnext"));
	/* the whole text stays one node: Graphviz sees exactly one node with that label */
	Agraph_t *g = agmemread(dot);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(agnnodes(g), 1);
	Agnode_t *n = agfstnode(g);
	char *label = agget(n, "label");
	ck_assert_ptr_nonnull(strstr(label, "x\"]; evil [label=\"pwn \\\\N"));
	agclose(g);
	free(dot);
}
END_TEST

START_TEST(long_labels_are_shortened_on_a_character_boundary)
{
	/* 79 ASCII bytes then a 2-byte character across the 80-byte limit */
	char label[200];
	memset(label, 'a', 79);
	snprintf(label + 79, sizeof label - 79, "%s",
	        "\xc3\xa9"
	        "tail");
	json_t *g = json_pack("{s:[{s:s, s:s, s:s}], s:[]}", "nodes", "key", "c:1", "kind",
	        "dataset", "label", label, "edges");
	char *dot = NULL;
	struct err e = {0};
	ck_assert_int_eq(aimap_dot(g, NULL, &dot, &e), 0);
	char want[120];
	memset(want, 'a', 79);
	snprintf(want + 79, sizeof want - 79, "%s", "...\\n[dataset");
	ck_assert_ptr_nonnull(strstr(dot, want));
	ck_assert_ptr_null(strstr(dot, "\xc3\"")); /* no half character */
	json_decref(g);
	free(dot);
}
END_TEST

START_TEST(edge_to_a_node_outside_the_map_is_rejected_naming_it)
{
	json_t *g = graph(
	        "{\"nodes\": [{\"key\": \"s:1\", \"kind\": \"system\", \"label\": \"A\"}],"
	        " \"edges\": [{\"from\": \"s:1\", \"to\": \"p:9\", \"kind\": \"supplies\"}]}");
	char *dot = NULL;
	struct err e = {0};
	ck_assert_int_eq(aimap_dot(g, NULL, &dot, &e), -1);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, "edges[0].to");
	ck_assert_ptr_null(dot);
	json_decref(g);
}
END_TEST

START_TEST(duplicate_keys_and_unknown_kinds_are_rejected)
{
	json_t *g = graph("{\"nodes\": [{\"key\": \"s:1\", \"kind\": \"system\"},"
	                  " {\"key\": \"s:1\", \"kind\": \"system\"}], \"edges\": []}");
	char *dot = NULL;
	struct err e = {0};
	ck_assert_int_eq(aimap_dot(g, NULL, &dot, &e), -1);
	ck_assert_str_eq(e.field, "nodes[1]");
	json_decref(g);
	g = graph("{\"nodes\": [{\"key\": \"x:1\", \"kind\": \"robot\"}], \"edges\": []}");
	ck_assert_int_eq(aimap_dot(g, NULL, &dot, &e), -1);
	ck_assert_str_eq(e.field, "nodes[0]");
	json_decref(g);
}
END_TEST

START_TEST(svg_is_rendered_by_graphviz_with_every_label)
{
	char *dot = dot_of(two_nodes), *svg = NULL;
	size_t len = 0;
	struct err e = {0};
	ck_assert_int_eq(aimap_svg(dot, &svg, &len, &e), 0);
	ck_assert_uint_eq(strlen(svg), len);
	ck_assert_ptr_nonnull(strstr(svg, "<svg"));
	ck_assert_ptr_nonnull(strstr(svg, "AI&#45;1 Credit scoring"));
	ck_assert_ptr_nonnull(strstr(svg, "Model Corp"));
	ck_assert_ptr_nonnull(strstr(svg, "#cc0000"));
	free(svg);
	free(dot);
}
END_TEST

START_TEST(svg_of_text_that_is_not_dot_is_invalid)
{
	char *svg = NULL;
	size_t len = 0;
	struct err e = {0};
	ck_assert_int_eq(aimap_svg("digraph { a -> ", &svg, &len, &e), -1);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_ptr_null(svg);
}
END_TEST

static Suite *aimap_suite(void)
{
	Suite *s = suite_create("aimap");
	TCase *tc = tcase_create("map");
	tcase_add_test(tc, dot_lists_every_node_and_edge_with_its_shape);
	tcase_add_test(tc, personal_data_leaving_the_eu_is_red_and_names_the_destination);
	tcase_add_test(tc, flow_inside_the_eu_without_personal_data_is_plain);
	tcase_add_test(tc, system_nodes_are_coloured_by_ai_act_category);
	tcase_add_test(tc, names_cannot_inject_dot_or_graphviz_escapes);
	tcase_add_test(tc, long_labels_are_shortened_on_a_character_boundary);
	tcase_add_test(tc, edge_to_a_node_outside_the_map_is_rejected_naming_it);
	tcase_add_test(tc, duplicate_keys_and_unknown_kinds_are_rejected);
	tcase_add_test(tc, svg_is_rendered_by_graphviz_with_every_label);
	tcase_add_test(tc, svg_of_text_that_is_not_dot_is_invalid);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(aimap_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
