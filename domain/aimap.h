/*
 * aimap.h - the AI flow and supplier map: Graphviz DOT text from the registry's graph, and
 * its SVG rendering through Graphviz's C library (libgvc, "dot" layout).
 *
 * The graph is the JSON built by the SQL function ai_map_graph() (migrations/0031_aiact.sql):
 *
 *   {"nodes": [{"key": "s:<uuid>", "kind": "system", "label": "...", ...}, ...],
 *    "edges": [{"from": "<key>", "to": "<key>", "kind": "flow"|"supplies"|"uses", ...}]}
 *
 * Node kinds: system, dataset, model, service, supplier. Flows that carry personal data out
 * of the EU are drawn red and labelled with the destination, so the map answers "where does
 * personal data leave the EU" at a glance. Output is deterministic: nodes and edges appear in
 * input order and every attribute is printed the same way each time.
 *
 * Ownership: strings returned through out-parameters are malloc'd; the caller frees them.
 * Threads: aimap_dot is pure and reentrant. aimap_svg serialises calls with a mutex because
 * libgvc keeps global state.
 */
#ifndef CONCORD_AIMAP_H
#define CONCORD_AIMAP_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* DOT text for graph (borrowed). title may be NULL. ERR_INVALID (field names the offending
 * member, e.g. "edges[3].to") when the graph is not a well-formed map. */
int aimap_dot(const json_t *graph, const char *title, char **out, struct err *e);

/* Lay dot out and render it as SVG. ERR_INVALID when Graphviz cannot parse it, ERR_INTERNAL
 * when layout or rendering fails. *svg is NUL-terminated, *len excludes the NUL. */
int aimap_svg(const char *dot, char **svg, size_t *len, struct err *e);

#endif
