/*
 * aimap.c - DOT text and SVG rendering of the AI flow and supplier map (see aimap.h).
 *
 * aimap_dot validates the graph while printing it: every node has a unique key and a known
 * kind, every edge joins two listed nodes. Text from the registry (names, data categories)
 * is escaped for DOT quoted strings; a backslash is doubled so that Graphviz's own escapes
 * (\N, \G, \l ...) cannot be injected through a name. aimap_svg hands the DOT text to libgvc.
 *
 * Graphviz plugins: a default gvContext() reads the plugin configuration and selects the
 * pango text-layout plugin, which measures text with the fonts installed on the machine
 * (so the SVG would differ between hosts) and keeps fontconfig caches that are never freed.
 * aimap_svg instead builds its context from exactly two plugin libraries, "core" (the svg
 * renderer) and "dot_layout", found next to libgvc and loaded once; text is then measured
 * with Graphviz's built-in font metrics, the same everywhere.
 */
#include "aimap.h"

#include <dlfcn.h>
#include <gvc.h>
#include <libgen.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define LABEL_MAX 80 /* bytes of one label line before it is shortened with "..." */

struct kind_style {
	const char *kind;
	const char *shape;
	const char *style;
	const char *caption; /* second label line names the kind */
};

static const struct kind_style kinds[] = {
        {"system", "box", "rounded,filled", NULL},
        {"dataset", "cylinder", "filled", "dataset"},
        {"model", "box3d", "filled", "model"},
        {"service", "component", "filled", "service"},
        {"supplier", "house", "filled", "supplier"},
};

/* Fill colour of a system node by its AI Act category (white when not classified). */
static const char *category_colour(const char *category)
{
	static const char *const map[][2] = {
	        {"prohibited", "#f4cccc"},
	        {"high_risk", "#fce5cd"},
	        {"limited_risk_transparency", "#fff2cc"},
	        {"minimal_risk", "#d9ead3"},
	        {"gpai", "#cfe2f3"},
	        {"gpai_systemic", "#cfe2f3"},
	        {"out_of_scope", "#eeeeee"},
	};
	for (size_t i = 0; category && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], category) == 0)
			return map[i][1];
	return "#ffffff";
}

static const struct kind_style *find_kind(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

/* Print s as the inside of a DOT quoted string, at most max bytes (cut at a UTF-8
 * character boundary, then "..."); max 0 = no limit. */
static void put_escaped(FILE *f, const char *s, size_t max)
{
	size_t n = strlen(s);
	bool cut = max && n > max;
	if (cut) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', f);
		else
			fputc(c, f);
	}
	if (cut)
		fputs("...", f);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void put_node(FILE *f, const json_t *n, const struct kind_style *k)
{
	const char *label = str(n, "label");
	fputs("  \"", f);
	put_escaped(f, str(n, "key"), 0);
	fprintf(f, "\" [shape=%s, style=\"%s\", label=\"", k->shape, k->style);
	put_escaped(f, label ? label : "", LABEL_MAX);
	if (strcmp(k->kind, "system") == 0) {
		const char *cat = str(n, "risk_category");
		fputs("\\n", f);
		put_escaped(f, str(n, "stage") ? str(n, "stage") : "", 40);
		fputs(" | ", f);
		put_escaped(f, cat ? cat : "not classified", 40);
		fprintf(f, "\", fillcolor=\"%s\"", category_colour(cat));
	} else {
		fprintf(f, "\\n[%s", k->caption);
		if (json_is_true(json_object_get(n, "gpai")))
			fputs(", GPAI", f);
		if (str(n, "model_version")) {
			fputs(" ", f);
			put_escaped(f, str(n, "model_version"), 30);
		}
		if (json_is_true(json_object_get(n, "personal_data")))
			fputs(", personal data", f);
		if (strcmp(k->kind, "supplier") == 0 && str(n, "country")) {
			fputs(", ", f);
			put_escaped(f, str(n, "country"), 2);
		}
		fputs("]\"", f);
		bool outside = strcmp(k->kind, "supplier") == 0 &&
		               json_is_false(json_object_get(n, "eu_established"));
		fprintf(f, ", fillcolor=\"%s\"", outside ? "#f9cb9c" : "#f3f3f3");
	}
	fputs("];\n", f);
}

static void put_edge(FILE *f, const json_t *ed)
{
	const char *kind = str(ed, "kind");
	fputs("  \"", f);
	put_escaped(f, str(ed, "from"), 0);
	fputs("\" -> \"", f);
	put_escaped(f, str(ed, "to"), 0);
	fputs("\" [", f);
	if (strcmp(kind, "supplies") == 0) {
		fputs("style=dashed, color=\"#888888\", label=\"supplies\"", f);
	} else if (strcmp(kind, "uses") == 0) {
		fputs("style=dotted, color=\"#888888\", label=\"used by\"", f);
	} else {
		bool personal = json_is_true(json_object_get(ed, "personal_data"));
		bool leaves = json_is_true(json_object_get(ed, "leaves_eu"));
		const json_t *cats = json_object_get(ed, "data_categories");
		char *text = NULL;
		size_t tlen;
		FILE *t = open_memstream(&text, &tlen);
		size_t i;
		const json_t *c;
		json_array_foreach(cats, i, c)
		{
			const char *cat = json_string_value(c);
			fprintf(t, "%s%s", i ? ", " : "", cat ? cat : "");
		}
		if (personal)
			fprintf(t, "%s%s", json_array_size(cats) ? " " : "",
			        json_is_true(json_object_get(ed, "special_category_data"))
			                ? "(special-category personal data)"
			                : "(personal data)");
		if (leaves)
			fprintf(t, " -> outside EU%s%s", str(ed, "destination_country") ? ": " : "",
			        str(ed, "destination_country") ? str(ed, "destination_country")
			                                       : "");
		fclose(t);
		if (personal && leaves)
			fputs("color=\"#cc0000\", fontcolor=\"#cc0000\", penwidth=2, ", f);
		else if (personal)
			fputs("color=\"#b45f06\", ", f);
		fputs("label=\"", f);
		put_escaped(f, text, LABEL_MAX);
		fputc('"', f);
		free(text);
	}
	fputs("];\n", f);
}

int aimap_dot(const json_t *graph, const char *title, char **out, struct err *e)
{
	const json_t *nodes = json_object_get(graph, "nodes");
	const json_t *edges = json_object_get(graph, "edges");
	*out = NULL;
	if (!json_is_array(nodes))
		return err_set(e, ERR_INVALID, "nodes", "must be an array");
	if (!json_is_array(edges))
		return err_set(e, ERR_INVALID, "edges", "must be an array");
	json_t *seen = json_object();
	size_t i;
	const json_t *n;
	char field[64];
	json_array_foreach(nodes, i, n)
	{
		const char *key = str(n, "key");
		snprintf(field, sizeof field, "nodes[%zu]", i);
		if (!key || !*key) {
			json_decref(seen);
			return err_set(e, ERR_INVALID, field, "node without a key");
		}
		if (!find_kind(str(n, "kind"))) {
			json_decref(seen);
			return err_set(e, ERR_INVALID, field, "unknown node kind");
		}
		if (json_object_get(seen, key)) {
			json_decref(seen);
			return err_set(e, ERR_INVALID, field, "duplicate node key");
		}
		json_object_set_new(seen, key, json_true());
	}
	json_array_foreach(edges, i, n)
	{
		const char *kind = str(n, "kind");
		if (!kind || (strcmp(kind, "flow") && strcmp(kind, "supplies") &&
		                     strcmp(kind, "uses"))) {
			snprintf(field, sizeof field, "edges[%zu].kind", i);
			json_decref(seen);
			return err_set(e, ERR_INVALID, field, "must be flow, supplies or uses");
		}
		for (int end = 0; end < 2; end++) {
			const char *k = str(n, end ? "to" : "from");
			if (!k || !json_object_get(seen, k)) {
				snprintf(field, sizeof field, "edges[%zu].%s", i,
				        end ? "to" : "from");
				json_decref(seen);
				return err_set(e, ERR_INVALID, field, "names no node of the map");
			}
		}
	}
	json_decref(seen);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fputs("digraph \"ai_map\" {\n", f);
	fputs("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"", f);
	put_escaped(f, title ? title : "AI systems: flows and suppliers", 200);
	fputs("\"];\n", f);
	fputs("  node [fontname=\"Helvetica\", fontsize=10];\n", f);
	fputs("  edge [fontname=\"Helvetica\", fontsize=9];\n", f);
	json_array_foreach(nodes, i, n)
	{
		put_node(f, n, find_kind(str(n, "kind")));
	}
	json_array_foreach(edges, i, n)
	{
		put_edge(f, n);
	}
	fputs("}\n", f);
	fclose(f);
	*out = buf;
	return 0;
}

static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t gv_once = PTHREAD_ONCE_INIT;
static lt_symlist_t gv_builtins[3]; /* core, dot_layout, terminator */

/* Find libgvplugin_{core,dot_layout}.so.6 in <dir of libgvc>/graphviz/ and take their
 * plugin library tables. The handles stay open for the life of the process. */
static void gv_plugins_init(void)
{
	static const char *const names[][2] = {
	        {"libgvplugin_core.so.6", "gvplugin_core_LTX_library"},
	        {"libgvplugin_dot_layout.so.6", "gvplugin_dot_layout_LTX_library"},
	};
	Dl_info di;
	if (!dladdr((void *)gvContextPlugins, &di) || !di.dli_fname)
		return;
	char *copy = xstrdup(di.dli_fname);
	const char *dir = dirname(copy);
	size_t n = 0;
	for (size_t i = 0; i < 2; i++) {
		char file[4096];
		snprintf(file, sizeof file, "%s/graphviz/%s", dir, names[i][0]);
		void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
		void *lib = h ? dlsym(h, names[i][1]) : NULL;
		if (!lib)
			break;
		gv_builtins[n].name = names[i][1];
		gv_builtins[n++].address = lib;
	}
	free(copy);
	if (n < 2)
		gv_builtins[0].name = NULL;
}

int aimap_svg(const char *dot, char **svg, size_t *len, struct err *e)
{
	int rc = -1;
	GVC_t *gvc = NULL;
	Agraph_t *g = NULL;
	char *data = NULL;
	unsigned int n = 0;
	bool laid_out = false;
	*svg = NULL;
	*len = 0;
	pthread_once(&gv_once, gv_plugins_init);
	pthread_mutex_lock(&gv_lock);
	if (!gv_builtins[0].name) {
		err_set(e, ERR_INTERNAL, NULL, "Graphviz plugins not found");
		goto out;
	}
	gvc = gvContextPlugins(gv_builtins, 0);
	if (!gvc) {
		err_set(e, ERR_INTERNAL, NULL, "could not start Graphviz");
		goto out;
	}
	g = agmemread(dot);
	if (!g) {
		err_set(e, ERR_INVALID, "dot", "Graphviz could not parse the map");
		goto out;
	}
	if (gvLayout(gvc, g, "dot") != 0) {
		err_set(e, ERR_INTERNAL, NULL, "Graphviz layout failed");
		goto out;
	}
	laid_out = true;
	if (gvRenderData(gvc, g, "svg", &data, &n) != 0 || !data) {
		err_set(e, ERR_INTERNAL, NULL, "Graphviz could not render SVG");
		goto out;
	}
	*svg = xmalloc((size_t)n + 1);
	memcpy(*svg, data, n);
	(*svg)[n] = '\0';
	*len = n;
	rc = 0;
out:
	if (data)
		gvFreeRenderData(data);
	if (laid_out)
		gvFreeLayout(gvc, g);
	if (g)
		agclose(g);
	if (gvc)
		gvFreeContext(gvc);
	pthread_mutex_unlock(&gv_lock);
	return rc;
}
