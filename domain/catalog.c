/*
 * catalog.c - see catalog.h. Three parts: the strict TSV reader, the loader that puts
 * a catalog directory into the database, and the starter-set grouping and planning
 * (pure functions over JSON, unit-tested in tests/unit/test_catalog.c).
 *
 * Memory: parsing and reading allocate from the caller's arena (JSON results are tied
 * to it with arena_json); the starter functions return new references and use only
 * heap scratch memory that they free.
 */
#include "catalog.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "util.h"

/* ------------------------------------------------------------------ layouts */

static const char *const layout_names[] = {
        [CATALOG_FRAMEWORKS] = "frameworks",
        [CATALOG_REQUIREMENTS] = "requirements",
        [CATALOG_ANNEX_C] = "annex_c",
        [CATALOG_RELATIONS] = "relations",
        [CATALOG_CHANGES] = "changes",
};

static const char *const layout_headers[] = {
        [CATALOG_FRAMEWORKS] = "id\tname\tedition\tkind",
        [CATALOG_REQUIREMENTS] =
                "ref\tkind\tparent_ref\ttitle\tguidance\ttypical_evidence\tattributes",
        [CATALOG_ANNEX_C] = "ref\tkind\ttitle\tguidance",
        [CATALOG_RELATIONS] = "from_framework\tfrom_ref\trelation\tto_framework\tto_ref\trationale",
        [CATALOG_CHANGES] = "old_ref\tchange\tnew_ref\tnote",
};
#define NLAYOUTS ((int)(sizeof layout_headers / sizeof layout_headers[0]))

/* Requirement kinds of requirements.tsv (catalog/README.md, "Kinds and hierarchy"). */
static const char *const requirement_kinds[] = {"clause", "annex_a_theme", "annex_a_control",
        "annex_a_objective", "article", "annex_iii_area", "annex_iii_point", "annex_iv_section",
        NULL};
static const char *const relation_kinds[] = {
        "equal", "subset", "superset", "intersects", "related", "no_counterpart", NULL};
/* Relations that make two requirements share one starter control. */
static const char *const overlap_kinds[] = {"equal", "subset", "superset", "intersects", NULL};

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static bool valid_version(const char *v)
{
	/* YYYY.N */
	size_t n = strlen(v);
	if (n < 6 || n > 8 || v[4] != '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && (v[i] < '0' || v[i] > '9'))
			return false;
	return true;
}

static bool valid_framework_id(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0)))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------- parser */

/* Record "# key: value" (first occurrence wins). */
static void parse_comment(struct arena *a, const char *line, struct catalog_tsv *t)
{
	const char *p = line + 1;
	while (*p == ' ')
		p++;
	const char *k = p;
	while ((*p >= 'a' && *p <= 'z') || *p == '_')
		p++;
	if (p == k || *p != ':')
		return;
	size_t klen = (size_t)(p - k);
	p++;
	while (*p == ' ')
		p++;
	size_t vlen = strlen(p);
	while (vlen > 0 && is_space(p[vlen - 1]))
		vlen--;
	const char **slot = NULL;
	if (klen == 6 && strncmp(k, "source", 6) == 0)
		slot = &t->source;
	else if (klen == 15 && strncmp(k, "catalog_version", 15) == 0)
		slot = &t->catalog_version;
	else if (klen == 9 && strncmp(k, "framework", 9) == 0)
		slot = &t->framework;
	if (slot && !*slot)
		*slot = arena_strndup(a, p, vlen);
}

int catalog_parse_tsv(struct arena *a, const char *name, const char *data, size_t len,
        struct catalog_tsv *t, struct err *e)
{
	memset(t, 0, sizeof *t);
	t->name = name;
	util_sha256_hex(data, len, t->sha256);
	if (!util_utf8_valid(data, len))
		return err_set(e, ERR_INVALID, NULL, "%s: not valid UTF-8 (or contains NUL)", name);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		return err_set(e, ERR_INVALID, NULL, "%s: starts with a byte-order mark", name);
	if (memchr(data, '\r', len))
		return err_set(e, ERR_INVALID, NULL, "%s: contains CR characters (use LF)", name);
	char *buf = arena_strndup(a, data, len);
	int maxlines = 1;
	for (size_t i = 0; i < len; i++)
		maxlines += data[i] == '\n';
	t->rows = arena_alloc(a, sizeof *t->rows * (size_t)maxlines);
	t->lines = arena_alloc(a, sizeof *t->lines * (size_t)maxlines);
	bool header = false;
	int lineno = 0;
	char *p = buf, *end = buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = p;
		if (nl) {
			*nl = '\0';
			p = nl + 1;
		} else {
			p = end;
		}
		lineno++;
		if (!header) {
			if (line[0] == '#') {
				parse_comment(a, line, t);
				continue;
			}
			if (lineno == 1)
				return err_set(e, ERR_INVALID, NULL,
				        "%s:1: missing '#' comment block", name);
			if (!t->source || !*t->source)
				return err_set(
				        e, ERR_INVALID, NULL, "%s: comments lack 'source:'", name);
			if (!t->catalog_version || !valid_version(t->catalog_version))
				return err_set(e, ERR_INVALID, NULL,
				        "%s: comments lack 'catalog_version: YYYY.N'", name);
			int l;
			for (l = 0; l < NLAYOUTS; l++)
				if (strcmp(line, layout_headers[l]) == 0)
					break;
			if (l == NLAYOUTS)
				return err_set(e, ERR_INVALID, NULL, "%s:%d: unknown header line",
				        name, lineno);
			t->layout = (enum catalog_layout)l;
			t->ncols = 1;
			for (const char *c = layout_headers[l]; *c; c++)
				t->ncols += *c == '\t';
			header = true;
			continue;
		}
		if (line[0] == '#')
			return err_set(e, ERR_INVALID, NULL, "%s:%d: comment line after the header",
			        name, lineno);
		bool blank = true;
		for (const char *c = line; *c && blank; c++)
			blank = is_space(*c);
		if (blank)
			return err_set(e, ERR_INVALID, NULL, "%s:%d: blank line", name, lineno);
		char **fields = arena_alloc(a, sizeof *fields * (size_t)t->ncols);
		int nf = 0;
		for (char *f = line;; nf++) {
			char *tab = strchr(f, '\t');
			if (nf < t->ncols)
				fields[nf] = f;
			if (!tab) {
				nf++;
				break;
			}
			*tab = '\0';
			f = tab + 1;
		}
		if (nf != t->ncols)
			return err_set(e, ERR_INVALID, NULL, "%s:%d: %d fields, expected %d", name,
			        lineno, nf, t->ncols);
		for (int i = 0; i < nf; i++) {
			size_t n = strlen(fields[i]);
			if (n && (is_space(fields[i][0]) || is_space(fields[i][n - 1])))
				return err_set(e, ERR_INVALID, NULL,
				        "%s:%d: field %d has surrounding whitespace", name, lineno,
				        i + 1);
		}
		t->lines[t->nrows] = lineno;
		t->rows[t->nrows++] = fields;
	}
	if (!header)
		return err_set(e, ERR_INVALID, NULL, "%s: no header line", name);
	return 0;
}

/* ----------------------------------------------------------------- reading */

static int read_file(
        struct arena *a, const char *path, const char *name, struct catalog_tsv *t, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(
		        e, ERR_INVALID, NULL, "%s: could not open: %s", name, strerror(errno));
	size_t cap = 1 << 16, len = 0;
	char *data = xmalloc(cap);
	size_t n;
	while ((n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			data = xrealloc(data, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	int rc = bad ? err_set(e, ERR_INVALID, NULL, "%s: read error", name)
	             : catalog_parse_tsv(a, name, data, len, t, e);
	free(data);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of entries of dir ending in suffix (files) or starting with 'v' followed
 * by a digit (version directories); arena strings, NULL-terminated. */
static char **list_dir(struct arena *a, const char *dir, bool versions)
{
	char *tmp[512] = {0};
	int n = 0;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)) && n < 511) {
			const char *s = de->d_name;
			size_t len = strlen(s);
			char full[4096];
			struct stat st;
			snprintf(full, sizeof full, "%s/%s", dir, s);
			if (stat(full, &st) != 0)
				continue;
			if (versions ? (S_ISDIR(st.st_mode) && s[0] == 'v' && s[1] >= '0' &&
			                       s[1] <= '9')
			             : (S_ISREG(st.st_mode) && len > 4 &&
			                       strcmp(s + len - 4, ".tsv") == 0))
				tmp[n++] = arena_strdup(a, s);
		}
		closedir(d);
	}
	qsort(tmp, (size_t)n, sizeof tmp[0], cmp_str);
	char **out = arena_alloc(a, sizeof *out * (size_t)(n + 1));
	memcpy(out, tmp, sizeof *out * (size_t)n);
	return out;
}

/* Split "a | b | c" into a JSON array; -1 on an empty item. */
static json_t *split_list(const char *s)
{
	json_t *arr = json_array();
	if (!*s)
		return arr;
	for (const char *p = s;;) {
		const char *sep = strstr(p, " | ");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		if (n == 0 || is_space(p[0]) || is_space(p[n - 1]) || memchr(p, '|', n)) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, json_stringn(p, n));
		if (!sep)
			break;
		p = sep + 3;
	}
	return arr;
}

/* State shared by the passes of catalog_read_dir. */
struct reader {
	struct arena *a;
	const char *root;
	json_t *frameworks; /* id -> {id, name, edition, kind} */
	json_t *files;      /* output array */
	json_t *seen;       /* "key@version" -> {sha256, path} */
	json_t *refs;       /* "fw@version:ref" -> requirement row (borrowed) */
	json_t *req_files;  /* requirement/annex_c file objects */
	json_t *rel_files;  /* relation file objects */
};

static int fail_at(struct err *e, const struct catalog_tsv *t, int row, const char *what)
{
	return err_set(e, ERR_INVALID, NULL, "%s:%d: %s", t->name, t->lines[row], what);
}

static json_t *file_object(const struct catalog_tsv *t, const char *key, const char *framework)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:[]}", "key", key, "path", t->name,
	        "layout", layout_names[t->layout], "catalog_version", t->catalog_version, "source",
	        t->source, "framework", framework, "sha256", t->sha256, "rows");
}

static int add_requirements(
        struct reader *rd, const struct catalog_tsv *t, const char *fw, json_t *file, struct err *e)
{
	json_t *rows = json_object_get(file, "rows");
	bool annex_c = t->layout == CATALOG_ANNEX_C;
	for (int i = 0; i < t->nrows; i++) {
		char **f = t->rows[i];
		const char *ref = f[0], *kind = f[1];
		const char *parent = annex_c ? "" : f[2], *title = annex_c ? f[2] : f[3];
		const char *guidance = annex_c ? f[3] : f[4];
		if (!*ref || !*kind || !*title || !*guidance)
			return fail_at(e, t, i, "ref, kind, title and guidance must not be empty");
		if (strlen(ref) > 40)
			return fail_at(e, t, i, "ref longer than 40 characters");
		if (strchr(ref, ':') || strchr(ref, '/'))
			return fail_at(e, t, i, "ref must not contain ':' or '/'");
		const char *k;
		if (annex_c) {
			if (strcmp(kind, "objective") == 0)
				k = "annex_c_objective";
			else if (strcmp(kind, "risk_source") == 0)
				k = "annex_c_risk_source";
			else
				return fail_at(e, t, i, "kind must be objective or risk_source");
		} else if (in_list(kind, requirement_kinds)) {
			k = kind;
		} else {
			return fail_at(e, t, i, "unknown kind");
		}
		json_t *evidence = annex_c ? json_array() : split_list(f[5]);
		if (!evidence || (!annex_c && json_array_size(evidence) == 0)) {
			json_decref(evidence);
			return fail_at(
			        e, t, i, "typical_evidence must be items separated by ' | '");
		}
		json_t *attrs;
		if (annex_c || !*f[6]) {
			attrs = json_object();
		} else {
			attrs = json_loads(f[6], JSON_REJECT_DUPLICATES, NULL);
			if (!json_is_object(attrs)) {
				json_decref(attrs);
				json_decref(evidence);
				return fail_at(
				        e, t, i, "attributes must be empty or a JSON object");
			}
		}
		char *id = arena_printf(rd->a, "%s@%s:%s", fw, t->catalog_version, ref);
		if (json_object_get(rd->refs, id)) {
			json_decref(evidence);
			json_decref(attrs);
			return fail_at(e, t, i, "duplicate ref");
		}
		json_t *row = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s?, s:s, s:s, s:o, s:o, s:b}",
		        "framework_id", fw, "catalog_version", t->catalog_version, "ref", ref,
		        "seq", (annex_c ? 100000 : 0) + i + 1, "kind", k, "parent_ref",
		        *parent ? parent : NULL, "title", title, "guidance", guidance,
		        "typical_evidence", evidence, "attributes", attrs, "actionable", 0);
		json_object_set_new(row, "_line", json_integer(t->lines[i]));
		json_array_append_new(rows, row);
		json_object_set(rd->refs, id, row);
	}
	return 0;
}

/* After all requirement files: parents exist (with a parent of the same version) and
 * actionable is set: Annex A controls, articles and clauses without sub-clauses. */
static int finish_requirements(struct reader *rd, struct err *e)
{
	size_t i, j;
	json_t *file, *row;
	json_t *has_child = json_object();
	json_array_foreach(rd->req_files, i, file)
	{
		json_array_foreach(json_object_get(file, "rows"), j, row)
		{
			const char *p = json_string_value(json_object_get(row, "parent_ref"));
			if (!p)
				continue;
			char *id = arena_printf(rd->a, "%s@%s:%s",
			        json_string_value(json_object_get(row, "framework_id")),
			        json_string_value(json_object_get(row, "catalog_version")), p);
			json_t *parent = json_object_get(rd->refs, id);
			if (!parent || parent == row) {
				json_decref(has_child);
				return err_set(e, ERR_INVALID, NULL,
				        "%s:%d: parent_ref '%s' does not exist",
				        json_string_value(json_object_get(file, "path")),
				        (int)json_integer_value(json_object_get(row, "_line")), p);
			}
			if (strcmp(json_string_value(json_object_get(parent, "kind")),
			            json_string_value(json_object_get(row, "kind"))) == 0)
				json_object_set_new(has_child, id, json_true());
		}
	}
	json_array_foreach(rd->req_files, i, file)
	{
		json_array_foreach(json_object_get(file, "rows"), j, row)
		{
			const char *kind = json_string_value(json_object_get(row, "kind"));
			char *id = arena_printf(rd->a, "%s@%s:%s",
			        json_string_value(json_object_get(row, "framework_id")),
			        json_string_value(json_object_get(row, "catalog_version")),
			        json_string_value(json_object_get(row, "ref")));
			bool actionable =
			        strcmp(kind, "annex_a_control") == 0 ||
			        strcmp(kind, "article") == 0 ||
			        (strcmp(kind, "clause") == 0 && !json_object_get(has_child, id));
			json_object_set_new(row, "actionable", json_boolean(actionable));
			json_object_del(row, "_line");
		}
	}
	json_decref(has_child);
	return 0;
}

static int add_relations(
        struct reader *rd, const struct catalog_tsv *t, json_t *file, struct err *e)
{
	json_t *rows = json_object_get(file, "rows");
	for (int i = 0; i < t->nrows; i++) {
		char **f = t->rows[i];
		const char *ff = f[0], *fr = f[1], *rel = f[2], *tf = f[3], *tr = f[4];
		if (!in_list(rel, relation_kinds))
			return fail_at(e, t, i, "unknown relation");
		if (!*f[5])
			return fail_at(e, t, i, "empty rationale");
		if (!json_object_get(rd->frameworks, ff) || !json_object_get(rd->frameworks, tf))
			return fail_at(e, t, i, "unknown framework");
		if (strcmp(ff, tf) == 0)
			return fail_at(e, t, i, "relation within one framework");
		bool none = strcmp(rel, "no_counterpart") == 0;
		if (none != (strcmp(tr, "-") == 0))
			return fail_at(e, t, i, "to_ref is '-' exactly for no_counterpart");
		const char *ends[2][2] = {{ff, fr}, {tf, none ? NULL : tr}};
		for (int k = 0; k < 2; k++) {
			if (!ends[k][1])
				continue;
			char *id = arena_printf(
			        rd->a, "%s@%s:%s", ends[k][0], t->catalog_version, ends[k][1]);
			if (!json_object_get(rd->refs, id))
				return err_set(e, ERR_INVALID, NULL,
				        "%s:%d: '%s' is not a requirement of %s %s", t->name,
				        t->lines[i], ends[k][1], ends[k][0], t->catalog_version);
		}
		json_array_append_new(rows,
		        json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s?, s:s}", "catalog_version",
		                t->catalog_version, "seq", i + 1, "from_framework", ff, "from_ref",
		                fr, "relation", rel, "to_framework", tf, "to_ref", none ? NULL : tr,
		                "rationale", f[5]));
	}
	return 0;
}

/* Read the .tsv files of one directory (and its frozen v<version>/ copies). `owner` is
 * the framework id for a framework directory, NULL for crosswalk/. */
static int read_group(struct reader *rd, const char *dirname, const char *owner, struct err *e)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/%s", rd->root, dirname);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_set(e, ERR_INVALID, NULL, "%s/: missing directory", dirname);
	char **subdirs = list_dir(rd->a, dir, true);
	/* "" = the directory itself, then each frozen version */
	int nsub = 0;
	while (subdirs[nsub])
		nsub++;
	for (int s = -1; s < nsub; s++) {
		char sub[4096];
		snprintf(sub, sizeof sub, "%s%s%s", dir, s < 0 ? "" : "/", s < 0 ? "" : subdirs[s]);
		char **names = list_dir(rd->a, sub, false);
		for (char **n = names; *n; n++) {
			char *rel =
			        s < 0 ? arena_printf(rd->a, "%s/%s", dirname, *n)
			              : arena_printf(rd->a, "%s/%s/%s", dirname, subdirs[s], *n);
			char *path = arena_printf(rd->a, "%s/%s", rd->root, rel);
			struct catalog_tsv t;
			if (read_file(rd->a, path, rel, &t, e))
				return -1;
			if (s >= 0 && strcmp(subdirs[s] + 1, t.catalog_version) != 0)
				return err_set(e, ERR_INVALID, NULL,
				        "%s: catalog_version %s in directory %s", rel,
				        t.catalog_version, subdirs[s]);
			char *key =
			        arena_printf(rd->a, "%s/%.*s", dirname, (int)(strlen(*n) - 4), *n);
			char *seen_key = arena_printf(rd->a, "%s@%s", key, t.catalog_version);
			json_t *prev = json_object_get(rd->seen, seen_key);
			if (prev) {
				if (strcmp(json_string_value(json_object_get(prev, "sha256")),
				            t.sha256))
					return err_set(e, ERR_INVALID, NULL,
					        "%s and %s both claim catalog version %s but "
					        "differ",
					        json_string_value(json_object_get(prev, "path")),
					        rel, t.catalog_version);
				continue; /* a frozen copy identical to the current file */
			}
			json_object_set_new(rd->seen, seen_key,
			        json_pack("{s:s, s:s}", "sha256", t.sha256, "path", rel));
			bool req = t.layout == CATALOG_REQUIREMENTS || t.layout == CATALOG_ANNEX_C;
			if (t.layout == CATALOG_CHANGES)
				continue;
			if (t.layout == CATALOG_FRAMEWORKS || (req && !owner) ||
			        (t.layout == CATALOG_RELATIONS && owner))
				return err_set(e, ERR_INVALID, NULL,
				        "%s: a %s file does not belong here", rel,
				        layout_names[t.layout]);
			if (req && (!t.framework || strcmp(t.framework, owner) != 0))
				return err_set(e, ERR_INVALID, NULL,
				        "%s: 'framework: %s' expected in the comments", rel, owner);
			json_t *file = file_object(&t, key, req ? owner : NULL);
			int rc = req ? add_requirements(rd, &t, owner, file, e)
			             : add_relations(rd, &t, file, e);
			if (rc) {
				json_decref(file);
				return -1;
			}
			json_array_append_new(req ? rd->req_files : rd->rel_files, file);
		}
	}
	return 0;
}

static int read_frameworks(struct reader *rd, struct err *e)
{
	char *path = arena_printf(rd->a, "%s/frameworks.tsv", rd->root);
	struct catalog_tsv t;
	if (read_file(rd->a, path, "frameworks.tsv", &t, e))
		return -1;
	if (t.layout != CATALOG_FRAMEWORKS)
		return err_set(e, ERR_INVALID, NULL, "frameworks.tsv: wrong header");
	json_t *file = file_object(&t, "frameworks", NULL);
	json_array_append_new(rd->files, file);
	for (int i = 0; i < t.nrows; i++) {
		char **f = t.rows[i];
		if (!valid_framework_id(f[0]))
			return fail_at(e, &t, i, "id must be 2-40 of a-z, 0-9 and '-'");
		if (strcmp(f[0], "crosswalk") == 0 || json_object_get(rd->frameworks, f[0]))
			return fail_at(e, &t, i, "duplicate or reserved id");
		if (!*f[1] || !*f[2])
			return fail_at(e, &t, i, "name and edition must not be empty");
		if (strcmp(f[3], "standard") && strcmp(f[3], "law"))
			return fail_at(e, &t, i, "kind must be standard or law");
		json_t *row = json_pack("{s:s, s:s, s:s, s:s}", "id", f[0], "name", f[1], "edition",
		        f[2], "kind", f[3]);
		json_object_set(rd->frameworks, f[0], row);
		json_array_append_new(json_object_get(file, "rows"), row);
	}
	return 0;
}

int catalog_read_dir(struct arena *a, const char *dir, json_t **out, struct err *e)
{
	struct reader rd = {a, dir, json_object(), json_array(), json_object(), json_object(),
	        json_array(), json_array()};
	int rc = -1;
	if (read_frameworks(&rd, e))
		goto out;
	const char *id;
	json_t *fw;
	json_object_foreach(rd.frameworks, id, fw)
	{
		if (read_group(&rd, id, id, e))
			goto out;
	}
	if (finish_requirements(&rd, e) || read_group(&rd, "crosswalk", NULL, e))
		goto out;
	/* requirement files (requirements before annex_c of the same framework), then relations */
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *f;
		json_array_foreach(rd.req_files, i, f)
		{
			bool annex_c = strcmp(json_string_value(json_object_get(f, "layout")),
			                       "annex_c") == 0;
			if (annex_c == (pass == 1))
				json_array_append(rd.files, f);
		}
	}
	json_array_extend(rd.files, rd.rel_files);
	json_t *res = json_pack("{s:O, s:O}", "frameworks",
	        json_object_get(json_array_get(rd.files, 0), "rows"), "files", rd.files);
	*out = arena_json(a, res);
	rc = 0;
out:
	json_decref(rd.frameworks);
	json_decref(rd.files);
	json_decref(rd.seen);
	json_decref(rd.refs);
	json_decref(rd.req_files);
	json_decref(rd.rel_files);
	return rc;
}

/* ------------------------------------------------------------------- loader */

static const char lock_sql[] = "SELECT pg_advisory_xact_lock(hashtext('concord.catalog'))";
static const char file_get_sql[] =
        "SELECT sha256 FROM catalog_files WHERE file_key = $1 AND catalog_version = $2";
static const char file_put_sql[] =
        "INSERT INTO catalog_files (file_key, catalog_version, sha256, row_count)"
        " VALUES ($1, $2, $3, $4::int)";
static const char frameworks_sql[] =
        "INSERT INTO catalog_frameworks AS f (id, name, version, kind)"
        " SELECT x.id, x.name, x.edition, x.kind"
        " FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, edition text, kind text)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version,"
        " kind = EXCLUDED.kind, updated_at = now()";
static const char version_sql[] =
        "INSERT INTO catalog_versions (framework_id, catalog_version, source) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING";
static const char requirements_sql[] =
        "INSERT INTO catalog_requirements (framework_id, catalog_version, ref, seq, kind,"
        " parent_ref, title, guidance, typical_evidence, attributes, actionable)"
        " SELECT x.framework_id, x.catalog_version, x.ref, x.seq, x.kind, x.parent_ref, x.title,"
        " x.guidance, x.typical_evidence, x.attributes, x.actionable"
        " FROM jsonb_to_recordset($1::jsonb) AS x(framework_id text, catalog_version text,"
        " ref text, seq int, kind text, parent_ref text, title text, guidance text,"
        " typical_evidence jsonb, attributes jsonb, actionable boolean)";
static const char relations_sql[] =
        "INSERT INTO catalog_relations (catalog_version, seq, from_framework, from_ref, relation,"
        " to_framework, to_ref, rationale)"
        " SELECT x.catalog_version, x.seq, x.from_framework, x.from_ref, x.relation,"
        " x.to_framework, x.to_ref, x.rationale"
        " FROM jsonb_to_recordset($1::jsonb) AS x(catalog_version text, seq int,"
        " from_framework text, from_ref text, relation text, to_framework text, to_ref text,"
        " rationale text)";
/* The newest loaded version becomes each framework's current one. */
static const char current_sql[] =
        "UPDATE catalog_frameworks f SET catalog_version = v.catalog_version, source = v.source,"
        " updated_at = now()"
        " FROM (SELECT DISTINCT ON (framework_id) framework_id, catalog_version, source"
        "   FROM catalog_versions"
        "   ORDER BY framework_id, string_to_array(catalog_version, '.')::int[] DESC) v"
        " WHERE f.id = v.framework_id AND f.catalog_version IS DISTINCT FROM v.catalog_version";

static int load_file(PGconn *c, struct arena *a, const json_t *file, struct catalog_load_stats *st,
        struct err *e)
{
	const char *key = json_string_value(json_object_get(file, "key"));
	const char *version = json_string_value(json_object_get(file, "catalog_version"));
	const char *sha = json_string_value(json_object_get(file, "sha256"));
	const char *layout = json_string_value(json_object_get(file, "layout"));
	json_t *rows = json_object_get(file, "rows");
	PGresult *r = db_exec(c, a, e, file_get_sql, 2, key, version);
	if (!r)
		return -1;
	if (PQntuples(r)) {
		if (strcmp(PQgetvalue(r, 0, 0), sha) != 0)
			return err_set(e, ERR_CONFLICT, NULL,
			        "%s changed but claims catalog version %s, which is already loaded:"
			        " freeze the old file and raise catalog_version "
			        "(catalog/README.md)",
			        json_string_value(json_object_get(file, "path")), version);
		st->files_current++;
		return 0;
	}
	char *text = json_dumps(rows, JSON_COMPACT);
	PGresult *ok = NULL;
	if (strcmp(layout, "frameworks") == 0) {
		ok = db_exec(c, a, e, frameworks_sql, 1, text);
	} else if (strcmp(layout, "relations") == 0) {
		ok = db_exec(c, a, e, relations_sql, 1, text);
		st->relations += (int)json_array_size(rows);
	} else {
		const char *fw = json_string_value(json_object_get(file, "framework"));
		ok = db_exec(c, a, e, version_sql, 3, fw, version,
		        json_string_value(json_object_get(file, "source")));
		if (ok)
			ok = db_exec(c, a, e, requirements_sql, 1, text);
		st->requirements += (int)json_array_size(rows);
	}
	free(text);
	if (!ok)
		return err_log_detail(e, "loading %s: %s", key, e->detail_log);
	char count[16];
	snprintf(count, sizeof count, "%zu", json_array_size(rows));
	if (!db_exec(c, a, e, file_put_sql, 4, key, version, sha, count))
		return -1;
	st->files_loaded++;
	return 0;
}

int catalog_load(
        const char *owner_url, const char *dir, struct catalog_load_stats *st, struct err *e)
{
	struct arena *a = arena_new();
	PGconn *c = NULL;
	json_t *cat;
	int rc = -1;
	bool in_tx = false;
	memset(st, 0, sizeof *st);
	if (catalog_read_dir(a, dir, &cat, e))
		goto out;
	c = db_connect(owner_url, e);
	if (!c || db_begin(c, a, e, NULL, NULL, NULL))
		goto out;
	in_tx = true;
	if (!db_exec(c, a, e, lock_sql, 0))
		goto out;
	size_t i;
	json_t *file;
	json_array_foreach(json_object_get(cat, "files"), i, file)
	{
		if (load_file(c, a, file, st, e))
			goto out;
	}
	if (!db_exec(c, a, e, current_sql, 0) || db_commit(c, e))
		goto out;
	in_tx = false;
	rc = 0;
out:
	if (c) {
		if (in_tx)
			db_rollback(c);
		PQfinish(c);
	}
	arena_free(a);
	return rc;
}

/* --------------------------------------------------------------- public ids */

int catalog_split_id(struct arena *a, const char *id, const char *field, const char **framework,
        const char **ref, struct err *e)
{
	const char *colon = id ? strchr(id, ':') : NULL;
	if (!colon || colon == id || !colon[1] || strlen(colon + 1) > 40 ||
	        (size_t)(colon - id) > 40)
		return err_set(e, ERR_INVALID, field,
		        "must be a requirement id \"<framework>:<ref>\" such as "
		        "\"iso27001-2022:A.8.15\"");
	*framework = arena_strndup(a, id, (size_t)(colon - id));
	*ref = arena_strdup(a, colon + 1);
	return 0;
}

/* ------------------------------------------------------------- starter set */

struct edge {
	int a, b;             /* node indexes; a is the relation's from side */
	const char *relation; /* as written, from a to b */
	const char *rationale;
	bool covered;
};

static const char *relation_from(const struct edge *ed, int from)
{
	if (ed->a == from)
		return ed->relation;
	if (strcmp(ed->relation, "subset") == 0)
		return "superset";
	if (strcmp(ed->relation, "superset") == 0)
		return "subset";
	return ed->relation;
}

static const char *node_id(json_t *keys, int i)
{
	return json_string_value(json_array_get(keys, (size_t)i));
}

json_t *catalog_starter_groups(
        const json_t *requirements, const json_t *relations, const json_t *frameworks)
{
	json_t *groups = json_array();
	json_t *index = json_object(); /* "fw:ref" -> node number */
	json_t *keys = json_array();   /* node number -> "fw:ref" */
	size_t nreq = json_array_size(requirements), nrel = json_array_size(relations);
	const json_t **nodes = xcalloc(nreq + 1, sizeof *nodes);
	struct edge *edges = xcalloc(nrel + 1, sizeof *edges);
	int n = 0, m = 0;
	size_t i;
	json_t *r;

	json_array_foreach(requirements, i, r)
	{
		const char *fw = json_string_value(json_object_get(r, "framework_id"));
		bool selected = false;
		size_t k;
		json_t *f;
		json_array_foreach(frameworks, k, f) selected |=
		        fw && json_string_value(f) && strcmp(json_string_value(f), fw) == 0;
		if (!selected || !json_is_true(json_object_get(r, "actionable")))
			continue;
		char *id = NULL;
		if (asprintf(&id, "%s:%s", fw, json_string_value(json_object_get(r, "ref"))) < 0)
			abort();
		if (!json_object_get(index, id)) {
			json_object_set_new(index, id, json_integer(n));
			json_array_append_new(keys, json_string(id));
			nodes[n++] = r;
		}
		free(id);
	}
	json_array_foreach(relations, i, r)
	{
		const char *rel = json_string_value(json_object_get(r, "relation"));
		if (!rel || !in_list(rel, overlap_kinds))
			continue;
		char *from = NULL, *to = NULL;
		if (asprintf(&from, "%s:%s",
		            json_string_value(json_object_get(r, "from_framework")),
		            json_string_value(json_object_get(r, "from_ref"))) < 0 ||
		        asprintf(&to, "%s:%s",
		                json_string_value(json_object_get(r, "to_framework")),
		                json_string_value(json_object_get(r, "to_ref"))) < 0)
			abort();
		json_t *na = json_object_get(index, from), *nb = json_object_get(index, to);
		free(from);
		free(to);
		if (!na || !nb)
			continue;
		edges[m++] = (struct edge){(int)json_integer_value(na), (int)json_integer_value(nb),
		        rel, json_string_value(json_object_get(r, "rationale")), false};
	}

	/* anchor order: frameworks by number of overlap edges (desc), then id */
	size_t nfw = json_array_size(frameworks);
	const char **order = xcalloc(nfw + 1, sizeof *order);
	int *weight = xcalloc(nfw + 1, sizeof *weight);
	for (size_t k = 0; k < nfw; k++) {
		order[k] = json_string_value(json_array_get(frameworks, k));
		for (int x = 0; x < m && order[k]; x++)
			for (int s = 0; s < 2; s++) {
				const json_t *nd = nodes[s ? edges[x].b : edges[x].a];
				weight[k] += strcmp(json_string_value(
				                            json_object_get(nd, "framework_id")),
				                     order[k]) == 0;
			}
	}
	for (size_t k = 1; k < nfw; k++)
		for (size_t j = k; j > 0; j--) {
			bool swap = weight[j] > weight[j - 1] ||
			            (weight[j] == weight[j - 1] && order[j] && order[j - 1] &&
			                    strcmp(order[j], order[j - 1]) < 0);
			if (!swap)
				break;
			const char *t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
			int w = weight[j];
			weight[j] = weight[j - 1];
			weight[j - 1] = w;
		}

	bool *grouped = xcalloc((size_t)n + 1, sizeof *grouped);
	bool *member = xcalloc((size_t)n + 1, sizeof *member);
	for (size_t k = 0; k < nfw; k++) {
		if (!order[k])
			continue;
		for (int x = 0; x < n; x++) {
			if (strcmp(json_string_value(json_object_get(nodes[x], "framework_id")),
			            order[k]) != 0)
				continue;
			bool open = false;
			memset(member, 0, sizeof *member * (size_t)n);
			member[x] = true;
			for (int y = 0; y < m; y++)
				if (!edges[y].covered && (edges[y].a == x || edges[y].b == x)) {
					member[edges[y].a == x ? edges[y].b : edges[y].a] = true;
					open = true;
				}
			if (!open && grouped[x])
				continue;
			json_t *members = json_array();
			json_array_append_new(
			        members, json_pack("{s:O, s:O, s:O, s:s, s:s}", "framework_id",
			                         json_object_get(nodes[x], "framework_id"), "ref",
			                         json_object_get(nodes[x], "ref"), "title",
			                         json_object_get(nodes[x], "title"), "relation",
			                         "anchor", "rationale", ""));
			grouped[x] = true;
			for (int z = 0; z < n; z++) {
				if (!member[z] || z == x)
					continue;
				const struct edge *via = NULL;
				for (int y = 0; y < m && !via; y++)
					if (!edges[y].covered &&
					        ((edges[y].a == x && edges[y].b == z) ||
					                (edges[y].b == x && edges[y].a == z)))
						via = &edges[y];
				json_array_append_new(members,
				        json_pack("{s:O, s:O, s:O, s:s, s:s}", "framework_id",
				                json_object_get(nodes[z], "framework_id"), "ref",
				                json_object_get(nodes[z], "ref"), "title",
				                json_object_get(nodes[z], "title"), "relation",
				                relation_from(via, x), "rationale",
				                via->rationale ? via->rationale : ""));
				grouped[z] = true;
			}
			for (int y = 0; y < m; y++)
				if (member[edges[y].a] && member[edges[y].b])
					edges[y].covered = true;
			json_array_append_new(groups,
			        json_pack("{s:s, s:O, s:O, s:O, s:o}", "key", node_id(keys, x),
			                "framework_id", json_object_get(nodes[x], "framework_id"),
			                "ref", json_object_get(nodes[x], "ref"), "title",
			                json_object_get(nodes[x], "title"), "members", members));
		}
	}
	free(grouped);
	free(member);
	free(order);
	free(weight);
	free(nodes);
	free(edges);
	json_decref(index);
	json_decref(keys);
	return groups;
}

static char *member_id(const json_t *mbr)
{
	char *id = NULL;
	if (asprintf(&id, "%s:%s", json_string_value(json_object_get(mbr, "framework_id")),
	            json_string_value(json_object_get(mbr, "ref"))) < 0)
		abort();
	return id;
}

json_t *catalog_starter_plan(const json_t *groups, const json_t *existing)
{
	json_t *create = json_array(), *extend = json_array();
	json_t *served = json_object(); /* "fw:ref" -> true, over all existing controls */
	json_t *by_key = json_object(); /* starter_key -> existing control */
	json_t *group_keys = json_object();
	json_t *claimed = json_object(); /* control id -> true */
	int unchanged = 0, covered = 0;
	size_t i, j;
	json_t *c, *g, *x;

	json_array_foreach(existing, i, c)
	{
		json_array_foreach(json_object_get(c, "requirements"), j, x)
		{
			if (json_is_string(x))
				json_object_set_new(served, json_string_value(x), json_true());
		}
		const char *k = json_string_value(json_object_get(c, "starter_key"));
		if (k)
			json_object_set(by_key, k, c);
	}
	json_array_foreach(groups, i, g)
	{
		json_object_set_new(
		        group_keys, json_string_value(json_object_get(g, "key")), json_true());
	}
	json_array_foreach(groups, i, g)
	{
		const char *key = json_string_value(json_object_get(g, "key"));
		json_t *members = json_object_get(g, "members");
		json_t *target = json_object_get(by_key, key);
		if (!target) {
			/* a control generated for a member before the group grew around it */
			json_array_foreach(members, j, x)
			{
				char *id = member_id(x);
				json_t *cand = json_object_get(by_key, id);
				bool ok = cand && !json_object_get(group_keys, id) &&
				          !json_object_get(claimed,
				                  json_string_value(json_object_get(cand, "id")));
				free(id);
				if (ok) {
					target = cand;
					break;
				}
			}
		}
		if (target) {
			const char *cid = json_string_value(json_object_get(target, "id"));
			json_object_set_new(claimed, cid, json_true());
			json_t *missing = json_array();
			json_array_foreach(members, j, x)
			{
				char *id = member_id(x);
				bool have = false;
				size_t k;
				json_t *l;
				json_array_foreach(json_object_get(target, "requirements"), k, l)
				        have |=
				        json_is_string(l) && strcmp(json_string_value(l), id) == 0;
				free(id);
				if (!have)
					json_array_append(missing, x);
			}
			if (json_array_size(missing))
				json_array_append_new(
				        extend, json_pack("{s:s, s:s, s:o}", "control_id", cid,
				                        "key", key, "members", missing));
			else {
				json_decref(missing);
				unchanged++;
			}
			continue;
		}
		bool all = true;
		json_array_foreach(members, j, x)
		{
			char *id = member_id(x);
			all &= json_object_get(served, id) != NULL;
			free(id);
		}
		if (all)
			covered++;
		else
			json_array_append(create, g);
	}
	json_decref(served);
	json_decref(by_key);
	json_decref(group_keys);
	json_decref(claimed);
	return json_pack("{s:o, s:o, s:i, s:i}", "create", create, "extend", extend, "unchanged",
	        unchanged, "already_covered", covered);
}
