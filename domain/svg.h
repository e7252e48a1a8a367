/*
 * svg.h - risk heat maps as standalone SVG documents, for reports and the API.
 *
 * Input is the heat map JSON that risk_heatmap() (migration 0023) returns:
 * {"likelihood": [{level, name}], "impact": [{level, name}], "levels": [{key, name,
 * color}], "matrix": [[key]], "inherent": [[count]], "residual": [[count]], ...}.
 * Rows are drawn with the highest likelihood at the top, impact grows to the right;
 * each cell is filled with its risk level's colour and shows its count.
 *
 * Pure; any thread.
 */
#ifndef CONCORD_SVG_H
#define CONCORD_SVG_H

#include <jansson.h>

/* view: "inherent" or "residual". Returns malloc'd SVG text (the caller frees it), or
 * NULL when the heat map is malformed. */
char *svg_heatmap(const json_t *heatmap, const char *view, const char *title);

#endif
