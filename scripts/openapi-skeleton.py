#!/usr/bin/env python3
"""Draft an OpenAPI fragment (api/openapi/<name>.json) for routes whose path starts
with one of the given prefixes, from `concord-api routes --json`.

    scripts/openapi-skeleton.py NAME PREFIX [PREFIX...] > api/openapi/NAME.json

The draft has every operation with its summary, parameters (path, query, If-Match,
Idempotency-Key, X-Concord-Tenant) and standard responses; refine request bodies and
response schemas by hand afterwards. Developer tool only (not used by the build)."""
import json, os, re, subprocess, sys

name, prefixes = sys.argv[1], sys.argv[2:]
binary = os.environ.get("CONCORD_BIN", "build/debug/concord-api")
routes = json.loads(subprocess.check_output([binary, "routes", "--json"]))
paths = {}
for r in routes:
    if not any(r["path"].startswith(p) for p in prefixes):
        continue
    m = r["method"].lower()
    params = []
    for p in re.findall(r"{([a-z_]+)}", r["path"]):
        params.append({"name": p, "in": "path", "required": True, "schema": {"type": "string"}})
    for q in r["query"]:
        if q == "limit":
            params += [{"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/Cursor"}]
        else:
            params.append({"name": q, "in": "query", "required": False, "schema": {"type": "string"}})
    if m in ("patch", "delete") and "{" in r["path"]:
        params.append({"$ref": "#/components/parameters/IfMatch"})
    if m == "post":
        params.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if not r["public"]:
        params.append({"$ref": "#/components/parameters/Tenant"})
    op = {"operationId": (m + re.sub(r"[^A-Za-z0-9]+", "_", r["path"])).strip("_"),
          "summary": r["summary"], "tags": [name]}
    if r["perm"]:
        op["description"] = "Permission: `%s`." % r["perm"] + (" Operator (consultancy) tenants only." if r["operator_only"] else "")
    if params:
        op["parameters"] = params
    if r["public"]:
        op["security"] = []
    if m in ("post", "put", "patch"):
        op["requestBody"] = {"required": m != "post", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Object"}}}}
    ok = {"delete": "204"}.get(m, "200")
    resp = {ok: {"$ref": "#/components/responses/NoContent" if ok == "204" else ("#/components/responses/Page" if "limit" in r["query"] else "#/components/responses/Object")}}
    for code in ("400", "401", "403", "404"):
        if code == "401" and r["public"]:
            continue
        resp[code] = {"$ref": "#/components/responses/Problem"}
    op["responses"] = resp
    paths.setdefault(r["path"], {})[m] = op
print(json.dumps({"paths": paths}, indent=2))
