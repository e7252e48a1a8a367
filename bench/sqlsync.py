#!/usr/bin/env python3
"""bench/sqlsync.py - prove that bench/audit_events.sql runs the SAME statements as
GET /v1/audit-events: read the SQL string constants out of the C sources (lib/db.c,
api/auth.c, api/audit.c), map their $n parameters to the pgbench variables, and
compare with the script line by line. Exits 1 with a diff when they drifted apart.

    bench/sqlsync.py [--write] [ROOT]

--write regenerates the statements of bench/audit_events.sql (its comment lines stay)
after the C side changed.

Parameters the API leaves NULL on this request (the list filters and the cursor) are
written as NULL in the pgbench script: pgbench variables cannot be SQL NULL, and
PostgreSQL plans a NULL parameter of an unnamed statement exactly as a NULL literal."""
import difflib, os, re, sys

args = sys.argv[1:]
write = "--write" in args
args = [a for a in args if a != "--write"]
root = args[0] if args else os.path.join(os.path.dirname(__file__), "..")


def c_string(path, name):
    """The value of `static const char name[] = "..." MACRO "...";`, macros expanded."""
    src = open(os.path.join(root, path)).read()
    macros = {}
    for m in re.finditer(r"#define\s+(\w+)\s+((?:.*\\\n)*.*)", src):
        body = m.group(2).replace("\\\n", " ")
        macros[m.group(1)] = "".join(bytes(s, "utf-8").decode("unicode_escape")
                                     for s in re.findall(r'"((?:[^"\\]|\\.)*)"', body))
    m = re.search(r"static const char %s\[\]\s*=(.*?);\s*\n" % re.escape(name), src, re.S)
    if not m:
        sys.exit("%s: no %s" % (path, name))
    out = []
    for lit, ident in re.findall(r'"((?:[^"\\]|\\.)*)"|\b([A-Z_][A-Z0-9_]*)\b', m.group(1)):
        if ident:
            if ident not in macros:
                sys.exit("%s: unknown macro %s in %s" % (path, ident, name))
            out.append(macros[ident])
        else:
            out.append(bytes(lit, "utf-8").decode("unicode_escape"))
    return "".join(out)


def bind(sql, mapping):
    return re.sub(r"\$(\d+)", lambda m: mapping[int(m.group(1))], sql)


NULL = "NULL"
expected = [
    "BEGIN;",
    bind(c_string("lib/db.c", "settings_sql"), {1: ":tenant", 2: ":user", 3: ":request"}) + ";",
    bind(c_string("api/auth.c", "context_sql"), {1: ":tenant", 2: ":user", 3: ":session"}) + ";",
    bind(c_string("api/audit.c", "list_sql"),
         {1: ":tenant", 2: NULL, 3: NULL, 4: NULL, 5: NULL, 6: NULL, 7: NULL, 8: NULL,
          9: ":limit", 10: ":limit1"}) + ";",
    "COMMIT;",
]
path = os.path.join(root, "bench/audit_events.sql")
if write:
    comments = [l for l in open(path) if l.startswith("--")]
    with open(path, "w") as f:
        f.writelines(comments + [l + "\n" for l in expected])
script = [l.rstrip("\n") for l in open(path) if l.strip() and not l.startswith("--")]
if script != expected:
    sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in script],
                                               [l + "\n" for l in expected],
                                               "bench/audit_events.sql", "from the C sources"))
    sys.exit(1)
print("bench/audit_events.sql matches the API's statements")
