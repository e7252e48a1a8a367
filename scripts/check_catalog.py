#!/usr/bin/env python3
"""Validate the standards catalog (catalog/*) against the shared reference files.

Developer tool, python3 standard library only. The authoritative test is the C test
suite; this script gives fast feedback while editing the TSV files.

Checks:
  - file format: UTF-8, LF endings, '#' comment block with source: and catalog_version:,
    one header line, fixed column count, no empty required fields, no padding,
    ' | ' list separator with no empty items;
  - unique refs, valid kinds, parent refs that exist and have the right kind;
  - ISO/IEC 27001 and 42001: every clause and Annex A id/title exactly as in
    clauses.tsv, iso27001_2022_annexA.tsv and iso42001_2023_annexA.tsv (93 + 38
    controls), 27002 attributes equal to the reference, Annex B pointers;
  - 42001 Annex C ids/titles against the headings listed in crosswalk.md;
  - EU AI Act: required articles, 8 Annex III areas with 25 points, Annex IV 1..9;
  - crosswalk: relation vocabulary, refs exist in the catalog, every 42001 Annex A
    control has at least one row, no duplicate or mirrored duplicate rows, no
    no_counterpart row contradicted by a positive row towards the same framework;
  - guidance: 1-3 sentences and not repeated verbatim (reported as warnings).

Usage: scripts/check_catalog.py [--catalog DIR] [--reference DIR] [--quiet]
Exit status 0 when there are no errors, 1 otherwise. Warnings do not fail the run.
"""
import argparse
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CATALOG = os.path.join(os.path.dirname(HERE), "catalog")
DEFAULT_REFERENCE = os.environ.get("CONCORD_REFERENCE_DIR", "/work/shared/reference")

REQ_COLS = ["ref", "kind", "parent_ref", "title", "guidance", "typical_evidence", "attributes"]
ANNEXC_COLS = ["ref", "kind", "title", "guidance"]
XWALK_COLS = ["from_framework", "from_ref", "relation", "to_framework", "to_ref", "rationale"]
RELATIONS = {"equal", "subset", "superset", "intersects", "related", "no_counterpart"}
FRAMEWORKS = {
    "iso27001-2022": "iso27001-2022/requirements.tsv",
    "iso42001-2023": "iso42001-2023/requirements.tsv",
    "eu-ai-act": "eu-ai-act/requirements.tsv",
}
KINDS = {
    "iso27001-2022": {"clause", "annex_a_theme", "annex_a_control"},
    "iso42001-2023": {"clause", "annex_a_objective", "annex_a_control"},
    "eu-ai-act": {"article", "annex_iii_area", "annex_iii_point", "annex_iv_section"},
}
# Kind of the parent row each kind must hang under ("" = top level, no parent).
PARENT_KIND = {
    "iso27001-2022": {"clause": {"", "clause"}, "annex_a_theme": {""},
                      "annex_a_control": {"annex_a_theme"}},
    "iso42001-2023": {"clause": {"", "clause"}, "annex_a_objective": {""},
                      "annex_a_control": {"annex_a_objective"}},
    "eu-ai-act": {"article": {""}, "annex_iii_area": {""},
                  "annex_iii_point": {"annex_iii_area"}, "annex_iv_section": {"article"}},
}
THEMES_27001 = {
    "A.5": ("organizational", "Organizational controls"),
    "A.6": ("people", "People controls"),
    "A.7": ("physical", "Physical controls"),
    "A.8": ("technological", "Technological controls"),
}
ATTR_KEYS_27001 = [
    ("control_type", "control_type"),
    ("security_properties", "infosec_properties"),
    ("cybersecurity_concepts", "cybersecurity_concepts"),
    ("operational_capabilities", "operational_capabilities"),
    ("security_domains", "security_domains"),
]
AI_ACT_REQUIRED = [4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                   25, 26, 27, 43, 47, 48, 49, 50, 51, 52, 53, 54, 55, 72, 73, 86]
# Annex III as in Regulation (EU) 2024/1689 (unchanged by (EU) 2026/1744): letters per area.
ANNEX_III_POINTS = {1: "abc", 2: "-", 3: "abcd", 4: "ab", 5: "abcd", 6: "abcde", 7: "abcd", 8: "ab"}
SEP = " | "
ABBREV = ("e.g.", "i.e.", "Art.", "Arts.", "Reg.", "No.", "etc.", "vs.", "cf.")


class Report:
    def __init__(self, quiet):
        self.errors = []
        self.warnings = []
        self.quiet = quiet

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def warn(self, where, msg):
        self.warnings.append(f"{where}: {msg}")


class Table:
    """One catalog TSV: comment block, header, rows as dicts (with line numbers)."""

    def __init__(self, path, rel, cols, rep):
        self.path, self.rel, self.cols, self.rows, self.meta = path, rel, cols, [], {}
        self.ok = False
        try:
            raw = open(path, "rb").read()
        except OSError as e:
            rep.err(rel, f"could not open: {e}")
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            rep.err(rel, f"not UTF-8: {e}")
            return
        if "\r" in text:
            rep.err(rel, "contains CR characters (use LF line endings)")
        if text.startswith("\ufeff"):
            rep.err(rel, "starts with a byte-order mark")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        i = 0
        while i < len(lines) and lines[i].startswith("#"):
            m = re.match(r"#\s*([a-z_]+):\s*(.*)$", lines[i])
            if m and m.group(1) not in self.meta:
                self.meta[m.group(1)] = m.group(2).strip()
            i += 1
        if i == 0:
            rep.err(rel, "missing leading '#' comment block")
        for key in ("source", "catalog_version"):
            if key not in self.meta:
                rep.err(rel, f"comment block lacks '{key}:'")
        if i >= len(lines):
            rep.err(rel, "no header line")
            return
        header = lines[i].split("\t")
        if header != cols:
            rep.err(rel, f"header {header} != expected {cols}")
            return
        for n, line in enumerate(lines[i + 1:], start=i + 2):
            where = f"{rel}:{n}"
            if line.startswith("#"):
                rep.err(where, "comment line after the header")
                continue
            if line.strip() == "":
                rep.err(where, "blank line")
                continue
            fields = line.split("\t")
            if len(fields) != len(cols):
                rep.err(where, f"{len(fields)} columns, expected {len(cols)}")
                continue
            for c, v in zip(cols, fields):
                if v != v.strip():
                    rep.err(where, f"field '{c}' has leading or trailing whitespace")
                if '"' in v and c in ("ref", "parent_ref", "kind", "from_ref", "to_ref"):
                    rep.err(where, f"quote character in '{c}'")
            row = dict(zip(cols, fields))
            row["_line"] = where
            self.rows.append(row)
        self.ok = True


def read_reference_tsv(path):
    rows, header = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            rows.append(dict(zip(header, cols)))
    return rows


def split_list(v):
    return [x for x in v.split(SEP)] if v else []


def count_sentences(text):
    t = text
    for a in ABBREV:
        t = t.replace(a, a.replace(".", "\u2024"))
    t = re.sub(r"(\d)\.(\d)", "\\1\u2024\\2", t)
    parts = [p for p in re.split(r"(?<=[.!?])[\"')]?\s+(?=[A-Z\"(])", t.strip()) if p]
    return len(parts)


def parent_clause(ref):
    return ref.rsplit(".", 1)[0] if "." in ref else ""


def check_requirements_common(t, fw, rep):
    """Format, uniqueness, kinds, parents, evidence and guidance checks for one framework."""
    refs = {}
    for r in t.rows:
        w = r["_line"]
        if r["ref"] in refs:
            rep.err(w, f"duplicate ref '{r['ref']}' (first at {refs[r['ref']]['_line']})")
            continue
        refs[r["ref"]] = r
        if r["kind"] not in KINDS[fw]:
            rep.err(w, f"kind '{r['kind']}' not in {sorted(KINDS[fw])}")
        for c in ("ref", "kind", "title", "guidance", "typical_evidence"):
            if not r[c]:
                rep.err(w, f"empty '{c}'")
        ev = split_list(r["typical_evidence"])
        if any(not x.strip() or x != x.strip() for x in ev) or "||" in r["typical_evidence"]:
            rep.err(w, "typical_evidence must be items separated by ' | ' with no empty items")
        if r["attributes"]:
            try:
                obj = json.loads(r["attributes"])
                if not isinstance(obj, dict):
                    rep.err(w, "attributes is not a JSON object")
                r["_attrs"] = obj
            except ValueError as e:
                rep.err(w, f"attributes is not valid JSON: {e}")
    for r in t.rows:
        p = r["parent_ref"]
        if p and p not in refs:
            rep.err(r["_line"], f"parent_ref '{p}' does not exist")
            continue
        if p == r["ref"]:
            rep.err(r["_line"], "row is its own parent")
            continue
        allowed = PARENT_KIND[fw].get(r["kind"])
        pk = refs[p]["kind"] if p else ""
        if allowed is not None and pk not in allowed:
            rep.err(r["_line"], f"a {r['kind']} row cannot have a parent of kind '{pk or 'none'}'")
    return refs


def check_guidance(tables, rep):
    seen = {}
    for t in tables:
        for r in t.rows:
            g = r.get("guidance", "")
            if not g:
                continue
            n = count_sentences(g)
            if n > 3:
                rep.warn(r["_line"], f"guidance has {n} sentences (aim for 1-3)")
            if len(g) > 900:
                rep.warn(r["_line"], f"guidance is {len(g)} characters long")
            if g in seen:
                rep.warn(r["_line"], f"guidance repeated verbatim from {seen[g]}")
            else:
                seen[g] = r["_line"]


def check_iso27001(t, ref_dir, rep):
    fw = "iso27001-2022"
    refs = check_requirements_common(t, fw, rep)
    clauses = read_reference_tsv(os.path.join(ref_dir, "clauses.tsv"))
    controls = read_reference_tsv(os.path.join(ref_dir, "iso27001_2022_annexA.tsv"))
    want_clauses = {c["clause_id"]: c["iso27001_2022_title"] for c in clauses
                    if c["iso27001_2022_title"] != "(none)"}
    got_clauses = {r["ref"]: r for r in t.rows if r["kind"] == "clause"}
    compare_ids(f"{t.rel} clauses", want_clauses, got_clauses, rep)
    for ref, r in got_clauses.items():
        if r["parent_ref"] != parent_clause(ref):
            rep.err(r["_line"], f"parent_ref '{r['parent_ref']}' should be '{parent_clause(ref)}'")
        if r["attributes"]:
            rep.err(r["_line"], "attributes must be empty for clauses")
    got_themes = {r["ref"]: r for r in t.rows if r["kind"] == "annex_a_theme"}
    compare_ids(f"{t.rel} themes", {k: v[1] for k, v in THEMES_27001.items()}, got_themes, rep)
    for r in got_themes.values():
        if r["parent_ref"]:
            rep.err(r["_line"], "theme rows must have an empty parent_ref")
        if r["attributes"]:
            rep.err(r["_line"], "attributes must be empty for themes")
    theme_of = {v[0]: k for k, v in THEMES_27001.items()}
    want = {c["id"]: c["title"] for c in controls}
    got = {r["ref"]: r for r in t.rows if r["kind"] == "annex_a_control"}
    if len(want) != 93:
        rep.err("reference", f"iso27001_2022_annexA.tsv has {len(want)} controls, expected 93")
    compare_ids(f"{t.rel} Annex A controls", want, got, rep)
    for c in controls:
        r = got.get(c["id"])
        if not r:
            continue
        if r["parent_ref"] != theme_of.get(c["theme"]):
            rep.err(r["_line"], f"parent_ref '{r['parent_ref']}' should be '{theme_of.get(c['theme'])}'")
        attrs = r.get("_attrs")
        if attrs is None:
            rep.err(r["_line"], "missing 27002 attributes JSON")
            continue
        keys = [k for k, _ in ATTR_KEYS_27001]
        if sorted(attrs) != sorted(keys):
            rep.err(r["_line"], f"attribute keys {sorted(attrs)} != {sorted(keys)}")
        for k, refcol in ATTR_KEYS_27001:
            exp = [v for v in c[refcol].split(",") if v]
            if attrs.get(k) != exp:
                rep.err(r["_line"], f"attributes.{k} {attrs.get(k)} != reference {exp}")
    return refs


def check_iso42001(t, ref_dir, rep):
    fw = "iso42001-2023"
    refs = check_requirements_common(t, fw, rep)
    clauses = read_reference_tsv(os.path.join(ref_dir, "clauses.tsv"))
    controls = read_reference_tsv(os.path.join(ref_dir, "iso42001_2023_annexA.tsv"))
    want_clauses = {c["clause_id"]: c["iso42001_2023_title"] for c in clauses
                    if c["iso42001_2023_title"] != "(none)"}
    got_clauses = {r["ref"]: r for r in t.rows if r["kind"] == "clause"}
    compare_ids(f"{t.rel} clauses", want_clauses, got_clauses, rep)
    for ref, r in got_clauses.items():
        if r["parent_ref"] != parent_clause(ref):
            rep.err(r["_line"], f"parent_ref '{r['parent_ref']}' should be '{parent_clause(ref)}'")
    want_obj = {}
    for c in controls:
        want_obj.setdefault(c["objective_id"], c["objective_title"])
    got_obj = {r["ref"]: r for r in t.rows if r["kind"] == "annex_a_objective"}
    compare_ids(f"{t.rel} Annex A objectives", want_obj, got_obj, rep)
    want = {c["control_id"]: c["control_title"] for c in controls}
    got = {r["ref"]: r for r in t.rows if r["kind"] == "annex_a_control"}
    if len(want) != 38:
        rep.err("reference", f"iso42001_2023_annexA.tsv has {len(want)} controls, expected 38")
    compare_ids(f"{t.rel} Annex A controls", want, got, rep)
    for c in controls:
        r = got.get(c["control_id"])
        if not r:
            continue
        if r["parent_ref"] != c["objective_id"]:
            rep.err(r["_line"], f"parent_ref '{r['parent_ref']}' should be '{c['objective_id']}'")
        attrs = r.get("_attrs") or {}
        if attrs.get("annex_b") != c["annexB_guidance"]:
            rep.err(r["_line"], f"attributes.annex_b {attrs.get('annex_b')!r} != {c['annexB_guidance']!r}")
        cl = attrs.get("clauses")
        if not isinstance(cl, list) or not cl:
            rep.err(r["_line"], "attributes.clauses must be a non-empty list")
        else:
            for x in cl:
                if x not in got_clauses:
                    rep.err(r["_line"], f"attributes.clauses names unknown clause {x!r}")
            ptr = c["clause_pointer"]
            first = re.match(r"[0-9.]+", ptr).group(0).rstrip(".")
            if first not in cl:
                rep.err(r["_line"], f"attributes.clauses {cl} lacks reference pointer {first}")
    return refs


def check_annex_c(t, ref_dir, rep):
    text = open(os.path.join(ref_dir, "crosswalk.md"), encoding="utf-8").read()
    want = {}
    for line in text.splitlines():
        if "Annex C" not in line:
            continue
        for m in re.finditer(r"(C\.[23]\.\d+) ([^,;]+?)(?=,\s*C\.|;\s*C\.|\s*\(|\.\s|$)", line):
            want[m.group(1)] = m.group(2).strip().rstrip(".")
    seen = {}
    for r in t.rows:
        if r["ref"] in seen:
            rep.err(r["_line"], f"duplicate ref '{r['ref']}'")
        seen[r["ref"]] = r
        exp_kind = "objective" if r["ref"].startswith("C.2.") else "risk_source"
        if r["kind"] != exp_kind:
            rep.err(r["_line"], f"kind '{r['kind']}' should be '{exp_kind}'")
        if not r["guidance"]:
            rep.err(r["_line"], "empty guidance")
    if len(want) != 18:
        rep.warn("reference", f"parsed {len(want)} Annex C headings from crosswalk.md, expected 18")
    compare_ids(f"{t.rel}", want, seen, rep)


def check_ai_act(t, rep):
    refs = check_requirements_common(t, "eu-ai-act", rep)
    for r in t.rows:
        k, ref, w = r["kind"], r["ref"], r["_line"]
        if k == "article" and not re.fullmatch(r"Art\. \d+[a-z]?", ref):
            rep.err(w, f"article ref '{ref}' should look like 'Art. 26'")
        if k == "annex_iii_area" and not re.fullmatch(r"Annex III [1-8]", ref):
            rep.err(w, f"area ref '{ref}' should look like 'Annex III 4'")
        if k == "annex_iii_point":
            m = re.fullmatch(r"Annex III ([1-8])\(([a-z]|-)\)", ref)
            if not m:
                rep.err(w, f"point ref '{ref}' should look like 'Annex III 4(a)'")
            elif r["parent_ref"] != f"Annex III {m.group(1)}":
                rep.err(w, f"parent_ref '{r['parent_ref']}' should be 'Annex III {m.group(1)}'")
        if k == "annex_iv_section" and not re.fullmatch(r"Annex IV [1-9]", ref):
            rep.err(w, f"Annex IV ref '{ref}' should look like 'Annex IV 3'")
    for n in AI_ACT_REQUIRED:
        r = refs.get(f"Art. {n}")
        if not r or r["kind"] != "article":
            rep.err(t.rel, f"required article 'Art. {n}' missing")
    want_points = {f"Annex III {a}({l})" for a, ls in ANNEX_III_POINTS.items() for l in ls}
    got_points = {r["ref"] for r in t.rows if r["kind"] == "annex_iii_point"}
    for x in sorted(want_points - got_points):
        rep.err(t.rel, f"Annex III point '{x}' missing")
    for x in sorted(got_points - want_points):
        rep.err(t.rel, f"Annex III point '{x}' does not exist in the Regulation")
    want_areas = {f"Annex III {a}" for a in ANNEX_III_POINTS}
    got_areas = {r["ref"] for r in t.rows if r["kind"] == "annex_iii_area"}
    if want_areas != got_areas:
        rep.err(t.rel, f"Annex III areas differ: missing {sorted(want_areas - got_areas)}, extra {sorted(got_areas - want_areas)}")
    want_iv = {f"Annex IV {n}" for n in range(1, 10)}
    got_iv = {r["ref"] for r in t.rows if r["kind"] == "annex_iv_section"}
    if want_iv != got_iv:
        rep.err(t.rel, f"Annex IV sections differ: missing {sorted(want_iv - got_iv)}, extra {sorted(got_iv - want_iv)}")
    return refs


def compare_ids(what, want, got_rows, rep):
    """Exact id/title comparison: want = {id: title}, got_rows = {id: row}."""
    for i in want:
        if i not in got_rows:
            rep.err(what, f"missing '{i}' ({want[i]})")
        elif got_rows[i]["title"] != want[i]:
            rep.err(got_rows[i]["_line"], f"title {got_rows[i]['title']!r} != reference {want[i]!r}")
    for i in got_rows:
        if i not in want:
            rep.err(got_rows[i]["_line"], f"'{i}' is not in the reference")


def check_crosswalk(t, refsets, controls42, rep):
    seen = {}
    covered = collections.defaultdict(set)
    for r in t.rows:
        w = r["_line"]
        ff, fr, rel, tf, tr = r["from_framework"], r["from_ref"], r["relation"], r["to_framework"], r["to_ref"]
        if rel not in RELATIONS:
            rep.err(w, f"relation '{rel}' not in {sorted(RELATIONS)}")
        if not r["rationale"]:
            rep.err(w, "empty rationale")
        if ff not in refsets:
            rep.err(w, f"unknown from_framework '{ff}'")
        elif fr not in refsets[ff]:
            rep.err(w, f"from_ref '{fr}' does not exist in {ff}")
        if rel == "no_counterpart":
            if tr != "-":
                rep.err(w, "no_counterpart rows must have to_ref '-'")
            if tf != "-" and tf not in refsets:
                rep.err(w, f"unknown to_framework '{tf}'")
        else:
            if tf not in refsets:
                rep.err(w, f"unknown to_framework '{tf}'")
            elif tr not in refsets[tf]:
                rep.err(w, f"to_ref '{tr}' does not exist in {tf}")
        if ff == tf:
            rep.err(w, "relation within one framework")
        key = (ff, fr, tf, tr)
        mirror = (tf, tr, ff, fr)
        if key in seen:
            rep.err(w, f"duplicate of {seen[key]}")
        elif mirror in seen and rel != "no_counterpart":
            rep.err(w, f"mirrors {seen[mirror]}; keep one direction")
        seen[key] = w
        for fw, ref in ((ff, fr), (tf, tr)):
            if fw == "iso42001-2023" and ref in controls42:
                other = tf if fw == ff else ff
                covered[ref].add(other)
    # A no_counterpart row says the searched framework has nothing; a positive row from the
    # same requirement towards that framework would contradict it.
    positive = {(r["from_framework"], r["from_ref"], r["to_framework"]) for r in t.rows
                if r["relation"] != "no_counterpart"}
    positive |= {(r["to_framework"], r["to_ref"], r["from_framework"]) for r in t.rows
                 if r["relation"] != "no_counterpart"}
    for r in t.rows:
        if r["relation"] == "no_counterpart" and \
                (r["from_framework"], r["from_ref"], r["to_framework"]) in positive:
            rep.err(r["_line"], f"no_counterpart contradicts another row between {r['from_ref']} "
                                f"and {r['to_framework']}")
    for c in sorted(controls42, key=natural_key):
        if c not in covered:
            rep.err(t.rel, f"ISO/IEC 42001 control {c} has no relation and no no_counterpart row")
        else:
            for fw in ("iso27001-2022", "eu-ai-act"):
                if fw not in covered[c]:
                    rep.warn(t.rel, f"ISO/IEC 42001 control {c} has no row towards {fw}")


def natural_key(s):
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", s)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", default=DEFAULT_CATALOG)
    ap.add_argument("--reference", default=DEFAULT_REFERENCE)
    ap.add_argument("--quiet", action="store_true", help="print only errors and the verdict")
    a = ap.parse_args()
    rep = Report(a.quiet)

    def load(rel, cols):
        return Table(os.path.join(a.catalog, rel), rel, cols, rep)

    t27 = load(FRAMEWORKS["iso27001-2022"], REQ_COLS)
    t42 = load(FRAMEWORKS["iso42001-2023"], REQ_COLS)
    tc = load("iso42001-2023/annex_c.tsv", ANNEXC_COLS)
    tai = load(FRAMEWORKS["eu-ai-act"], REQ_COLS)
    tx = load("crosswalk/relations.tsv", XWALK_COLS)
    tables = [t for t in (t27, t42, tc, tai, tx) if t.ok]

    versions = {t.meta.get("catalog_version") for t in tables}
    if len(versions) > 1:
        rep.err("catalog", f"files disagree on catalog_version: {sorted(v or '' for v in versions)}")

    refsets = {}
    if t27.ok:
        refsets["iso27001-2022"] = check_iso27001(t27, a.reference, rep)
    if t42.ok:
        refsets["iso42001-2023"] = check_iso42001(t42, a.reference, rep)
    if tc.ok:
        check_annex_c(tc, a.reference, rep)
    if tai.ok:
        refsets["eu-ai-act"] = check_ai_act(tai, rep)
    if tx.ok and len(refsets) == 3:
        c42 = {r["ref"] for r in t42.rows if r["kind"] == "annex_a_control"}
        check_crosswalk(tx, refsets, c42, rep)
    check_guidance([t for t in (t27, t42, tc, tai) if t.ok], rep)

    if not a.quiet:
        for t in (t27, t42, tc, tai):
            if t.ok:
                counts = collections.Counter(r["kind"] for r in t.rows)
                print(f"{t.rel}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        if tx.ok:
            counts = collections.Counter(r["relation"] for r in tx.rows)
            print(f"{tx.rel}: {len(tx.rows)} rows: " + ", ".join(f"{k}={counts[k]}" for k in sorted(counts)))
        for w in rep.warnings:
            print("warning: " + w)
    for e in rep.errors:
        print("error: " + e)
    print(f"check_catalog: {len(rep.errors)} error(s), {len(rep.warnings)} warning(s)")
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
