/*
 * svg.c - heat map rendering (see svg.h). Pure; any thread.
 */
#include "svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_W 96
#define CELL_H 56
#define LEFT   150
#define TOP    48
#define BOTTOM 64

/* Write s with XML special characters escaped. */
static void xml(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static const char *level_color(const json_t *levels, const char *key)
{
	size_t i;
	json_t *l;
	json_array_foreach(levels, i, l)
	{
		const char *k = json_string_value(json_object_get(l, "key"));
		if (k && key && strcmp(k, key) == 0) {
			const char *c = json_string_value(json_object_get(l, "color"));
			return c ? c : "#cccccc";
		}
	}
	return "#cccccc";
}

static const char *name_of(const json_t *scale, size_t i)
{
	const char *n = json_string_value(json_object_get(json_array_get(scale, i), "name"));
	return n ? n : "";
}

char *svg_heatmap(const json_t *heatmap, const char *view, const char *title)
{
	const json_t *lik = json_object_get(heatmap, "likelihood");
	const json_t *imp = json_object_get(heatmap, "impact");
	const json_t *matrix = json_object_get(heatmap, "matrix");
	const json_t *counts = json_object_get(heatmap, view);
	const json_t *levels = json_object_get(heatmap, "levels");
	size_t nl = json_array_size(lik), ni = json_array_size(imp);
	if (!nl || !ni || json_array_size(matrix) != nl || json_array_size(counts) != nl)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	int w = LEFT + (int)ni * CELL_W + 16, h = TOP + (int)nl * CELL_H + BOTTOM;
	fprintf(f,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" "
	        "role=\"img\" aria-label=\"",
	        w, h, w, h);
	xml(f, title);
	fputs("\">\n<title>", f);
	xml(f, title);
	fputs("</title>\n", f);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">", LEFT);
	xml(f, title);
	fputs("</text>\n", f);
	for (size_t r = 0; r < nl; r++) {
		/* highest likelihood on top */
		size_t l = nl - 1 - r;
		int y = TOP + (int)r * CELL_H;
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%zu ",
		        LEFT - 8, y + CELL_H / 2 + 4, l + 1);
		xml(f, name_of(lik, l));
		fputs("</text>\n", f);
		const json_t *mrow = json_array_get(matrix, l), *crow = json_array_get(counts, l);
		for (size_t i = 0; i < ni; i++) {
			int x = LEFT + (int)i * CELL_W;
			const char *key = json_string_value(json_array_get(mrow, i));
			long long n = (long long)json_integer_value(json_array_get(crow, i));
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"", x,
			        y, CELL_W, CELL_H);
			xml(f, level_color(levels, key));
			fputs("\" stroke=\"#ffffff\" stroke-width=\"2\"><title>", f);
			fprintf(f, "likelihood %zu, impact %zu: %lld risk(s), level ", l + 1, i + 1,
			        n);
			xml(f, key);
			fputs("</title></rect>\n", f);
			fprintf(f,
			        "<text x=\"%d\" y=\"%d\" font-size=\"18\" text-anchor=\"middle\" "
			        "font-weight=\"bold\" fill=\"#111111\">%lld</text>\n",
			        x + CELL_W / 2, y + CELL_H / 2 + 6, n);
		}
	}
	int ybase = TOP + (int)nl * CELL_H;
	for (size_t i = 0; i < ni; i++) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%zu ",
		        LEFT + (int)i * CELL_W + CELL_W / 2, ybase + 18, i + 1);
		xml(f, name_of(imp, i));
		fputs("</text>\n", f);
	}
	fprintf(f,
	        "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">Impact</text>\n"
	        "<text x=\"16\" y=\"%d\" font-size=\"13\" transform=\"rotate(-90 16 %d)\" "
	        "text-anchor=\"middle\">Likelihood</text>\n</svg>\n",
	        LEFT + (int)ni * CELL_W / 2, ybase + 44, TOP + (int)nl * CELL_H / 2,
	        TOP + (int)nl * CELL_H / 2);
	fclose(f);
	return buf;
}
