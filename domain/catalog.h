/*
 * catalog.h - the standards catalog as data: reading the catalog/ TSV files strictly, loading it
 * into the global catalog tables, and the starter control set built from the crosswalk.
 *
 * Files (see catalog/README.md for the format): catalog/frameworks.tsv lists framework
 * ids; catalog/<framework>/requirements.tsv and annex_c.tsv hold requirement rows;
 * catalog/crosswalk/relations.tsv the typed relations; frozen older versions live in
 * catalog/<dir>/v<version>/ with the same file names. Every file opens with '#'
 * comments that carry "source:" and "catalog_version:", then exactly one known header
 * line, then data rows with exactly that many tab-separated fields.
 *
 * The in-memory catalog is JSON (arena-owned), shaped as the database rows:
 *   {"frameworks": [{id, name, edition, kind}],
 *    "files": [{key, path, layout, catalog_version, source, framework, sha256,
 *               rows: [...]}]}
 * requirement rows: {framework_id, catalog_version, ref, seq, kind, parent_ref, title,
 * guidance, typical_evidence: [..], attributes: {..}, actionable}; relation rows:
 * {catalog_version, seq, from_framework, from_ref, relation, to_framework, to_ref|null,
 * rationale}. Annex C rows become kinds annex_c_objective / annex_c_risk_source of their
 * framework.
 *
 * Threads: everything is reentrant; catalog_load runs on its own connection.
 */
#ifndef CONCORD_CATALOG_H
#define CONCORD_CATALOG_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"

/* The layouts a catalog file can have, recognised by its header line. */
enum catalog_layout {
	CATALOG_FRAMEWORKS,   /* id name edition kind */
	CATALOG_REQUIREMENTS, /* ref kind parent_ref title guidance typical_evidence attributes */
	CATALOG_ANNEX_C,      /* ref kind title guidance */
	CATALOG_RELATIONS,    /* from_framework from_ref relation to_framework to_ref rationale */
	CATALOG_CHANGES,      /* old_ref change new_ref note (read, not loaded) */
};

/* One parsed file: metadata from its comments and its rows as arrays of fields. */
struct catalog_tsv {
	const char *name; /* for messages: the path given */
	enum catalog_layout layout;
	const char *source;          /* "# source:" */
	const char *catalog_version; /* "# catalog_version:" (YYYY.N) */
	const char *framework;       /* "# framework:", or NULL */
	int ncols;
	int nrows;
	char ***rows;    /* rows[i][0..ncols-1], arena strings */
	int *lines;      /* 1-based line number of each row */
	char sha256[65]; /* of the file's bytes */
};

/* Parse one file's bytes strictly (UTF-8, LF only, comment block with source: and
 * catalog_version:, one known header, exact column counts, no comments or blank lines
 * after the header, no field with surrounding whitespace). Errors name "name:line". */
int catalog_parse_tsv(struct arena *a, const char *name, const char *data, size_t len,
        struct catalog_tsv *out, struct err *e);

/* Read every catalog file under dir (frameworks.tsv, one directory per framework id
 * and crosswalk/, each with optional v<version>/ frozen copies) into *out (arena-owned
 * JSON, see above), validating rows and cross-references. */
int catalog_read_dir(struct arena *a, const char *dir, json_t **out, struct err *e);

struct catalog_load_stats {
	int files_loaded;  /* new (file, version) pairs inserted */
	int files_current; /* already loaded with the same checksum */
	int requirements;  /* requirement rows inserted */
	int relations;     /* relation rows inserted */
};

/* Load the catalog in dir into the database at owner_url (the schema owner), in one
 * transaction under an advisory lock. Idempotent: a (file, catalog_version) already
 * loaded with the same SHA-256 is skipped; a changed file that claims a loaded version
 * is refused. */
int catalog_load(
        const char *owner_url, const char *dir, struct catalog_load_stats *st, struct err *e);

/* Public id "<framework>:<ref>" split in place into framework and ref (both arena
 * strings). -1 with ERR_INVALID naming `field` when malformed. */
int catalog_split_id(struct arena *a, const char *id, const char *field, const char **framework,
        const char **ref, struct err *e);

/* The starter control set (pure). requirements: [{framework_id, ref, kind, title,
 * actionable}] in catalog order; relations: [{from_framework, from_ref, relation,
 * to_framework, to_ref, rationale}]; frameworks: the selected framework ids.
 *
 * Requirements the crosswalk calls equal, subset, superset or intersecting share one
 * control. Without making the relation transitive (intersects is not), each group is a
 * star: an anchor requirement and every requirement related to it by an overlap that
 * no earlier group already joins. Anchors are taken framework by framework, the
 * framework with the most overlaps first (the hub of the crosswalk), in catalog order;
 * an actionable requirement in no group gets its own. Returns (new reference)
 * [{key: "<fw>:<ref>" of the anchor, framework_id, ref, title,
 *   members: [{framework_id, ref, title, relation ("anchor" or the relation read from
 *   the anchor's side), rationale}]}]. */
json_t *catalog_starter_groups(
        const json_t *requirements, const json_t *relations, const json_t *frameworks);

/* Decide what the generator does for a tenant (pure). groups: catalog_starter_groups();
 * existing: the tenant's controls [{id, ref, starter_key|null, requirements: ["fw:ref"]}].
 * For each group in order: the control whose starter_key is the group key, else the
 * first unclaimed generated control whose key is one of the group's members (the group
 * grew since it was generated), receives the members it lacks; otherwise, unless every
 * member is already served by some control, a new control is created. Re-running with
 * the same input therefore changes nothing. Returns (new reference)
 * {"create": [group...], "extend": [{control_id, key, members: [...]}],
 *  "unchanged": n, "already_covered": n}. */
json_t *catalog_starter_plan(const json_t *groups, const json_t *existing);

#endif
