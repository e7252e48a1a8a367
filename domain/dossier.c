/*
 * dossier.c - the EU AI Act compliance dossier for readers: assembly from the facts of
 * aiact_dossier_input() (through oblig_dossier, the one assembler), export facts (locations
 * of linked items, the documents still to compile) and the self-contained HTML document an
 * auditor receives.
 *
 * Entry points: dossier_assemble, dossier_to_compile, dossier_system_facts, dossier_html
 * (see dossier.h). The HTML escapes every text that comes from the facts (names, titles,
 * notes, locations, identifiers), so user input can never become markup; it has no
 * script and loads nothing (inline CSS only), so it can be archived and opened offline.
 *
 * Ownership: inputs are borrowed and left untouched (the export facts are built on a deep
 * copy); results are new references / malloc'd text owned by the caller. Pure; any thread.
 */
#include "dossier.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obligations.h"
#include "util.h"

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* ------------------------------------------------------------------- assembly */

json_t *dossier_assemble(const json_t *input)
{
	const char *id = jstr(json_object_get(input, "system"), "id");
	if (!id)
		return NULL;
	const json_t *cls = json_object_get(input, "classification");
	if (!json_is_object(cls))
		return json_pack("{s:s, s:b, s:n, s:s, s:[], s:n}", "ai_system_id", id,
		        "applicable", 0, "risk_category", "reason",
		        "the AI system has not been classified yet", "sections", "completeness");
	json_t *d = oblig_dossier(json_object_get(input, "template"),
	        json_object_get(cls, "result"), json_object_get(input, "entries"));
	json_object_set_new(d, "ai_system_id", json_string(id));
	json_object_set(d, "classification_seq", json_object_get(cls, "seq"));
	json_object_set(d, "rule_set_version", json_object_get(cls, "rule_set_version"));
	return d;
}

json_t *dossier_to_compile(const json_t *dossier)
{
	json_t *out = json_array();
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(dossier, "sections"), i, s)
	{
		const char *st = jstr(s, "status");
		if (!streq(st, "missing") && !streq(st, "in_progress"))
			continue;
		const json_t *ex = json_object_get(s, "expects");
		json_array_append_new(out,
		        json_pack("{s:s?, s:s?, s:s?, s:s?, s:s, s:o}", "section_id", jstr(s, "id"),
		                "part", jstr(s, "part"), "basis", jstr(s, "basis"), "title",
		                jstr(s, "title"), "status", st, "expects",
		                json_is_array(ex) ? json_deep_copy(ex) : json_array()));
	}
	return out;
}

/* Add "location" to every brief in items (an array of objects) from map (id -> text). */
static void add_locations(json_t *items, const json_t *map)
{
	size_t i;
	json_t *b;
	json_array_foreach(items, i, b)
	{
		const char *id = jstr(b, "id");
		const char *loc = id ? jstr(map, id) : NULL;
		if (json_is_object(b))
			json_object_set_new(b, "location", json_string(loc ? loc : ""));
	}
}

/* The classification as the dossier's header states it, or null. */
static json_t *classification_summary(const json_t *cls)
{
	if (!json_is_object(cls))
		return json_null();
	const json_t *res = json_object_get(cls, "result");
	json_t *o = json_object();
	static const char *const from_assessment[][2] = {{"seq", "seq"},
	        {"classified_at", "created_at"}, {"rule_set_version", "rule_set_version"},
	        {"regime", "regime"}, {"reason", "reason"}, {"risk_category", "risk_category"},
	        {"annex_iii_point", "annex_iii_point"}, {"applies_from", "applies_from"}};
	static const char *const from_result[] = {
	        "high_risk_basis", "effective_role", "fria_required", "registration_required"};
	for (size_t i = 0; i < sizeof from_assessment / sizeof from_assessment[0]; i++) {
		json_t *v = json_object_get(cls, from_assessment[i][1]);
		json_object_set(o, from_assessment[i][0], v ? v : json_null());
	}
	for (size_t i = 0; i < sizeof from_result / sizeof from_result[0]; i++) {
		json_t *v = json_object_get(res, from_result[i]);
		json_object_set(o, from_result[i], v ? v : json_null());
	}
	return o;
}

json_t *dossier_system_facts(const json_t *input)
{
	json_t *assembled = dossier_assemble(input);
	if (!assembled)
		return NULL;
	/* oblig_dossier shares the input's brief arrays: decorate a copy, never the input */
	json_t *d = json_deep_copy(assembled);
	json_decref(assembled);
	const json_t *loc = json_object_get(input, "locations");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(d, "sections"), i, s)
	{
		add_locations(json_object_get(s, "documents"), json_object_get(loc, "documents"));
		add_locations(json_object_get(s, "evidence"), json_object_get(loc, "evidence"));
	}
	const json_t *sys = json_object_get(input, "system");
	return json_pack("{s:O, s:o, s:o, s:o}", "system", sys, "classification",
	        classification_summary(json_object_get(input, "classification")), "dossier", d,
	        "to_compile", dossier_to_compile(d));
}

/* ----------------------------------------------------------------------- HTML */

static void h(FILE *f, const char *s)
{
	util_html_escape(f, s);
}

/* An identifier from the data as words: "in_progress" -> "in progress". */
static void words(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '_')
			fputc(' ', f);
		else
			h(f, (char[]){*s, '\0'});
	}
}

static const char *s_(const json_t *o, const char *key)
{
	const char *s = jstr(o, key);
	return s ? s : "";
}

/* The date part of a timestamp member ("2026-03-01T10:00:00+00:00" -> 2026-03-01), escaped. */
static void date_of(FILE *f, const json_t *o, const char *key)
{
	char d[11];
	snprintf(d, sizeof d, "%s", s_(o, key));
	h(f, d);
}

static long long n_(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	h(f, s);
	fputs("</td>", f);
}

static void thead(FILE *f, const char *const *cols)
{
	fputs("<table><thead><tr>", f);
	for (; *cols; cols++) {
		fputs("<th>", f);
		h(f, *cols);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
}

static void none(FILE *f, const char *what)
{
	fputs("<p class=\"none\">", f);
	h(f, what);
	fputs("</p>\n", f);
}

static void basis_title(FILE *f, const json_t *s)
{
	fputs("<span class=\"basis\">", f);
	h(f, s_(s, "basis"));
	fputs("</span> ", f);
	h(f, s_(s, "title"));
}

static const char *part_label(const char *part)
{
	static const char *const labels[][2] = {
	        {"annex_iv", "Technical documentation (Annex IV)"},
	        {"provider_records", "Provider records"},
	        {"deployer_records", "Deployer records"},
	        {"importer_records", "Importer records"},
	        {"distributor_records", "Distributor records"},
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (streq(part, labels[i][0]))
			return labels[i][1];
	return part ? part : "";
}

static void system_title(FILE *f, const json_t *sys)
{
	h(f, s_(sys, "ref"));
	fputs(" &#8212; ", f);
	h(f, s_(sys, "name"));
}

static void high_risk_basis(FILE *f, const json_t *c)
{
	const char *b = s_(c, "high_risk_basis");
	if (streq(b, "annex_iii")) {
		fputs("Annex III", f);
		if (*s_(c, "annex_iii_point")) {
			fputs(", point ", f);
			h(f, s_(c, "annex_iii_point"));
		}
	} else if (streq(b, "annex_i")) {
		fputs("Annex I (Union harmonisation legislation)", f);
	} else if (*b) {
		words(f, b);
	} else {
		fputs("<span class=\"none\">none</span>", f);
	}
}

static void dt(FILE *f, const char *term)
{
	fputs("<dt>", f);
	h(f, term);
	fputs("</dt><dd>", f);
}

static void identification(FILE *f, const json_t *sys, const json_t *c, const json_t *d)
{
	fputs("<dl>", f);
	dt(f, "Reference");
	h(f, s_(sys, "ref"));
	fputs("</dd>", f);
	dt(f, "Name");
	h(f, s_(sys, "name"));
	fputs("</dd>", f);
	dt(f, "Intended purpose");
	h(f, s_(sys, "intended_purpose"));
	fputs("</dd>", f);
	dt(f, "Lifecycle stage");
	words(f, s_(sys, "lifecycle_stage"));
	fputs("</dd>", f);
	dt(f, "AI Act role recorded in the registry");
	if (*s_(sys, "aiact_role"))
		words(f, s_(sys, "aiact_role"));
	else
		fputs("<span class=\"none\">not recorded</span>", f);
	fputs("</dd>", f);
	if (!json_is_object(c)) {
		dt(f, "Classification");
		fputs("<span class=\"none\">not classified yet</span></dd></dl>\n", f);
		return;
	}
	dt(f, "Role under the classification");
	words(f, s_(c, "effective_role"));
	fputs("</dd>", f);
	dt(f, "Duty holders covered by this dossier");
	size_t i;
	const json_t *x;
	if (json_array_size(json_object_get(d, "holders")) == 0)
		fputs("<span class=\"none\">none</span>", f);
	json_array_foreach(json_object_get(d, "holders"), i, x)
	{
		if (i)
			fputs(", ", f);
		words(f, json_string_value(x));
	}
	fputs("</dd>", f);
	dt(f, "Risk category");
	words(f, s_(c, "risk_category"));
	fputs("</dd>", f);
	dt(f, "High-risk basis");
	high_risk_basis(f, c);
	fputs("</dd>", f);
	dt(f, "Obligations apply from");
	if (*s_(c, "applies_from"))
		h(f, s_(c, "applies_from"));
	else
		fputs("<span class=\"none\">no date</span>", f);
	fputs("</dd>", f);
	dt(f, "Classification");
	fprintf(f, "no. %lld, made on ", n_(c, "seq"));
	date_of(f, c, "classified_at");
	fputs(", rule set ", f);
	h(f, s_(c, "rule_set_version"));
	fputs(" (", f);
	h(f, s_(c, "regime"));
	fputs(" regime)</dd></dl>\n", f);
}

static void completeness(FILE *f, const json_t *c)
{
	static const char *const cols[] = {"Sections", "Complete", "In progress", "Missing",
	        "Not applicable", "Needs attention", "Completeness", NULL};
	static const char *const keys[] = {"sections", "complete", "in_progress", "missing",
	        "not_applicable", "needs_attention"};
	fprintf(f, "<p class=\"completeness\">Completeness: <strong>%lld %%</strong></p>\n",
	        n_(c, "percent"));
	thead(f, cols);
	fputs("<tr>", f);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		fprintf(f, "<td>%lld</td>", n_(c, keys[i]));
	fprintf(f, "<td>%lld %%</td></tr>\n</tbody></table>\n", n_(c, "percent"));
}

static void documents(FILE *f, const json_t *list)
{
	if (json_array_size(list) == 0) {
		none(f, "No document linked.");
		return;
	}
	static const char *const cols[] = {
	        "Ref", "Document", "Version", "Status", "Location", NULL};
	thead(f, cols);
	size_t i;
	const json_t *d;
	json_array_foreach(list, i, d)
	{
		fprintf(f, "<tr class=\"%s\">",
		        streq(jstr(d, "status"), "approved") ? "ok" : "draft");
		td(f, s_(d, "ref"));
		td(f, s_(d, "title"));
		td(f, s_(d, "doc_version"));
		td(f, s_(d, "status"));
		td(f, s_(d, "location"));
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void evidence(FILE *f, const json_t *list)
{
	if (json_array_size(list) == 0) {
		none(f, "No evidence linked.");
		return;
	}
	static const char *const cols[] = {
	        "Evidence", "Collected on", "Valid until", "Validity", "Location", NULL};
	thead(f, cols);
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		bool expired = json_is_false(json_object_get(v, "current"));
		fprintf(f, "<tr class=\"%s\">", expired ? "expired" : "ok");
		td(f, s_(v, "title"));
		td(f, s_(v, "collected_on"));
		td(f, *s_(v, "valid_until") ? s_(v, "valid_until") : "no end date");
		fputs(expired ? "<td><strong>expired</strong></td>" : "<td>current</td>", f);
		td(f, s_(v, "location"));
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void section(FILE *f, const json_t *s)
{
	const char *st = s_(s, "status");
	fputs("<article class=\"section ", f);
	h(f, st);
	fputs("\"><h4>", f);
	basis_title(f, s);
	fputs("</h4>\n<p class=\"status\">Status: <strong>", f);
	words(f, st);
	fputs("</strong>", f);
	if (*s_(s, "updated_at")) {
		fputs(" (updated ", f);
		date_of(f, s, "updated_at");
		fputs(")", f);
	}
	fputs("</p>\n<p>Supporting documents expected:</p><ul class=\"expects\">", f);
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(s, "expects"), i, x)
	{
		fputs("<li>", f);
		h(f, json_string_value(x));
		fputs("</li>", f);
	}
	fputs("</ul>\n", f);
	if (*s_(s, "notes")) {
		fputs("<p class=\"notes\">Notes: ", f);
		h(f, s_(s, "notes"));
		fputs("</p>\n", f);
	}
	documents(f, json_object_get(s, "documents"));
	evidence(f, json_object_get(s, "evidence"));
	if (json_array_size(json_object_get(s, "attention"))) {
		fputs("<ul class=\"attention\">", f);
		json_array_foreach(json_object_get(s, "attention"), i, x)
		{
			fputs("<li>Needs attention: ", f);
			h(f, json_string_value(x));
			fputs("</li>", f);
		}
		fputs("</ul>\n", f);
	}
	fputs("</article>\n", f);
}

/* The sections in template order, a heading each time the part changes. */
static void parts(FILE *f, const json_t *d)
{
	const json_t *by_part = json_object_get(json_object_get(d, "completeness"), "by_part");
	const char *current = NULL;
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(d, "sections"), i, s)
	{
		const char *part = s_(s, "part");
		if (!current || strcmp(current, part) != 0) {
			const json_t *p = json_object_get(by_part, part);
			fputs("<h3>", f);
			h(f, part_label(part));
			fprintf(f, " (%lld of %lld complete)</h3>\n", n_(p, "complete"),
			        n_(p, "sections"));
			current = part;
		}
		section(f, s);
	}
}

static void not_applicable(FILE *f, const json_t *c, const json_t *d)
{
	fputs("<p class=\"none\">No compliance dossier applies to this system: ", f);
	if (!json_is_object(c)) {
		h(f, *s_(d, "reason") ? s_(d, "reason") : "it has not been classified yet");
	} else {
		fputs("its current classification is ", f);
		words(f, s_(c, "risk_category"));
		fputs(" (a dossier is kept for high-risk AI systems for which the organisation "
		      "holds duties)",
		        f);
	}
	fputs(".</p>\n", f);
}

static void system_section(FILE *f, const json_t *x, size_t n)
{
	const json_t *sys = json_object_get(x, "system"), *c = json_object_get(x, "classification"),
	             *d = json_object_get(x, "dossier");
	fprintf(f, "<section class=\"system\" id=\"system-%zu\"><h2>", n);
	system_title(f, sys);
	fputs("</h2>\n", f);
	identification(f, sys, c, d);
	if (!json_is_true(json_object_get(d, "applicable"))) {
		not_applicable(f, c, d);
		fputs("</section>\n", f);
		return;
	}
	completeness(f, json_object_get(d, "completeness"));
	parts(f, d);
	fputs("</section>\n", f);
}

static void overview(FILE *f, const json_t *systems)
{
	static const char *const cols[] = {
	        "Ref", "AI system", "Risk category", "Sections", "Complete", "Completeness", NULL};
	thead(f, cols);
	size_t i;
	const json_t *x;
	json_array_foreach(systems, i, x)
	{
		const json_t *sys = json_object_get(x, "system"),
		             *d = json_object_get(x, "dossier"),
		             *c = json_object_get(d, "completeness");
		fputs("<tr>", f);
		td(f, s_(sys, "ref"));
		fprintf(f, "<td><a href=\"#system-%zu\">", i + 1);
		h(f, s_(sys, "name"));
		fputs("</a></td><td>", f);
		words(f, *s_(d, "risk_category") ? s_(d, "risk_category") : "not classified");
		fputs("</td>", f);
		if (json_is_true(json_object_get(d, "applicable")))
			fprintf(f, "<td>%lld</td><td>%lld</td><td>%lld %%</td>", n_(c, "sections"),
			        n_(c, "complete"), n_(c, "percent"));
		else
			fputs("<td colspan=\"3\">no dossier applies</td>", f);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void to_compile(FILE *f, const json_t *systems)
{
	fputs("<section id=\"to-compile\"><h2>Documents to compile</h2>\n<p>Every supporting "
	      "document expected by a section that is missing or in progress.</p>\n",
	        f);
	static const char *const cols[] = {"Section", "Status", "Document to compile", NULL};
	size_t i, k, j;
	const json_t *x, *s, *item;
	int shown = 0;
	json_array_foreach(systems, i, x)
	{
		if (!json_is_true(json_object_get(json_object_get(x, "dossier"), "applicable")))
			continue;
		shown++;
		fputs("<h3>", f);
		system_title(f, json_object_get(x, "system"));
		fputs("</h3>\n", f);
		const json_t *list = json_object_get(x, "to_compile");
		if (json_array_size(list) == 0) {
			none(f, "Nothing to compile: every section is complete or not applicable.");
			continue;
		}
		thead(f, cols);
		json_array_foreach(list, k, s)
		{
			json_array_foreach(json_object_get(s, "expects"), j, item)
			{
				fputs("<tr><td>", f);
				basis_title(f, s);
				fputs("</td><td>", f);
				words(f, s_(s, "status"));
				fputs("</td>", f);
				td(f, json_string_value(item));
				fputs("</tr>\n", f);
			}
		}
		fputs("</tbody></table>\n", f);
	}
	if (!shown)
		none(f, "No compliance dossier applies, so nothing is to be compiled.");
	fputs("</section>\n", f);
}

static const char css[] =
        "body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#1b1f24;max-width:1200px}"
        "h1{font-size:1.6em}h2{border-bottom:2px solid #2f4b6e;padding-bottom:.2em;margin-top:2em}"
        "h3{margin-top:1.6em;color:#2f4b6e}h4{margin:.2em 0}"
        "table{border-collapse:collapse;margin:.6em 0;width:100%;font-size:.85em}"
        "th,td{border:1px solid #c7ced6;padding:.3em .5em;vertical-align:top;text-align:left}"
        "th{background:#e8edf2}.none{color:#6b7280;font-style:italic}"
        ".basis{font-weight:bold;color:#2f4b6e;margin-right:.3em}"
        "article.section{border-left:4px solid #9aa5b1;padding:.3em .8em;margin:.8em 0;"
        "background:#f9fafb}"
        "article.complete{border-color:#2e7d32}article.in_progress{border-color:#ef6c00}"
        "article.missing{border-color:#c62828}article.not_applicable{border-color:#9aa5b1}"
        "tr.expired td,tr.draft td:nth-child(4){color:#b71c1c}"
        ".attention li{color:#b71c1c}.completeness{font-size:1.1em}"
        "dl dt{font-weight:bold;margin-top:.4em}dl dd{margin-left:1em}"
        "@media print{article.section,section#to-compile table{page-break-inside:avoid}}";

char *dossier_html(const json_t *facts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	const json_t *tenant = json_object_get(facts, "tenant"),
	             *systems = json_object_get(facts, "systems");
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"generator\" content=\"Concord\"><title>EU AI Act compliance dossier - ",
	        f);
	h(f, s_(tenant, "name"));
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	fputs("<header><h1>EU AI Act compliance dossier: ", f);
	h(f, s_(tenant, "name"));
	fputs("</h1><p>", f);
	fputs(streq(jstr(facts, "scope"), "system")
	                ? "One AI system"
	                : "Every AI system whose current classification calls for a dossier "
	                  "(high-risk)",
	        f);
	fputs(", generated ", f);
	h(f, s_(facts, "generated_at"));
	fputs(" from the records in Concord. Sections follow Annex IV and the duties of providers "
	      "and deployers under Regulation (EU) 2024/1689; each lists the supporting documents "
	      "it expects, what is linked to it and what needs attention.</p></header>\n",
	        f);
	if (json_array_size(systems) == 0) {
		none(f, "No AI system has an applicable compliance dossier.");
	} else {
		fputs("<section id=\"overview\"><h2>Overview</h2>\n", f);
		overview(f, systems);
		fputs("</section>\n", f);
		size_t i;
		const json_t *x;
		json_array_foreach(systems, i, x) system_section(f, x, i + 1);
	}
	to_compile(f, systems);
	fputs("</body></html>\n", f);
	fclose(f);
	return buf;
}
