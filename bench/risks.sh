#!/usr/bin/env bash
# bench/risks.sh - the unified risk register and the KPI aggregation at scale: one
# consultancy with BENCH_TENANTS (200) client tenants, one of them with BENCH_RISKS
# (10,000) IS and AI risks (the others BENCH_OTHER_RISKS each), every client with
# BENCH_KPIS (30) monthly KPIs of BENCH_MONTHS (24) measurements (bench/risks_load.sql).
#
#   1. latency, one request at a time (BENCH_REQUESTS of each after a warm-up):
#      GET /v1/risks?limit=50, the two pages after it (following the returned cursor)
#      and GET /v1/risks/heatmap of the large tenant; p50/p95/p99 of the API's own
#      duration (access log, duration_ms) and of the client's (curl time_total), and
#      the CPU time the API process and the database's backends spent per request
#   2. the physical ceiling: the SAME statements the API runs for those requests (BEGIN,
#      the transaction settings of lib/db.c, auth_context of api/auth.c, the statement
#      of api/risks.c, COMMIT; bench/risks_list.sql, risks_list_next.sql,
#      risks_heatmap.sql, checked against the C sources on every run) under pgbench as
#      concord_app: one client for the latency ratio, BENCH_CLIENTS clients against wrk
#      with as many connections for the throughput ratio (BENCH_SECONDS each); and the
#      statements' plan and execution time (EXPLAIN ANALYZE) to tell the SQL's cost
#      from the API's
#   3. kpi.aggregate for every client tenant: BENCH_WORKERS (2, as scripts/run.sh)
#      workers running, one job per tenant enqueued through POST /v1/kpis/aggregate;
#      first enqueue (jobs.created_at) to last "job succeeded" (worker log), the sum of
#      the jobs' run times, and every result and stored snapshot checked against what
#      the data set was built to produce
#
# Targets of the issue: the list's p99 under 10 ms, the heat map under 20 ms (taken as
# its p99), the aggregation over all tenants under 5 s. A release build (MODE=release)
# in $BUILD (default build/bench-risks); private PostgreSQL and Redis under $VAR
# (default var/bench-risks) on their own ports. Knobs: BENCH_TENANTS, BENCH_RISKS,
# BENCH_OTHER_RISKS, BENCH_KPIS, BENCH_MONTHS, BENCH_REQUESTS (200), BENCH_SECONDS (10),
# BENCH_CLIENTS (8, the API's default thread count), BENCH_WORKERS (2), BENCH_PGPORT
# (54415), BENCH_REDIS_PORT (63915), BENCH_API_PORT (18115), VAR, BUILD. Everything it
# starts is stopped on exit. Prints a Markdown block for bench/RESULTS.md. Exit status
# 0 when the run completed (a missed target is reported, not an error), non-zero when
# it could not measure or the jobs' results are wrong.
#
#   bench/risks.sh --write-sql   regenerate the statements of the three pgbench scripts
#                                from the C sources (after the API's SQL changed)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export VAR=${VAR:-$ROOT/var/bench-risks}
export CONCORD_PGPORT=${BENCH_PGPORT:-54415}
export CONCORD_REDIS_PORT=${BENCH_REDIS_PORT:-63915}
BUILD=${BUILD:-build/bench-risks}
PORT=${BENCH_API_PORT:-18115}
TENANTS=${BENCH_TENANTS:-200}
RISKS=${BENCH_RISKS:-10000}
OTHER_RISKS=${BENCH_OTHER_RISKS:-50}
KPIS=${BENCH_KPIS:-30}
MONTHS=${BENCH_MONTHS:-24}
REQUESTS=${BENCH_REQUESTS:-200}
SECONDS_RUN=${BENCH_SECONDS:-10}
CLIENTS=${BENCH_CLIENTS:-8}
WORKERS=${BENCH_WORKERS:-2}
URL=http://127.0.0.1:$PORT
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh

# The pgbench scripts hold the API's statements with its parameters bound: read the SQL
# constants out of lib/db.c, api/auth.c and api/risks.c, put the pgbench variables (or
# NULL, for the filters the API leaves unset on these requests) in place of $n, and
# compare with the scripts; --write regenerates them, keeping their comment lines.
# pgbench variables cannot be SQL NULL; PostgreSQL plans a NULL parameter of an unnamed
# statement (what libpq's PQexecParams sends) exactly as a NULL literal.
sql_sync() {
	python3 - "$ROOT" "$@" <<'PY'
import difflib, os, re, sys
root, write = sys.argv[1], "--write" in sys.argv[2:]

def c_string(path, name):
    src = open(os.path.join(root, path)).read()
    m = re.search(r"static const char %s\[\]\s*=(.*?);\s*\n" % re.escape(name), src, re.S)
    if not m:
        sys.exit("%s: no %s" % (path, name))
    if re.search(r"\b[A-Z_][A-Z0-9_]*\b", re.sub(r'"(?:[^"\\]|\\.)*"', "", m.group(1))):
        sys.exit("%s: %s uses a macro; teach bench/risks.sh to expand it" % (path, name))
    return "".join(bytes(s, "utf-8").decode("unicode_escape")
                   for s in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))

def bind(sql, values):
    return re.sub(r"\$(\d+)", lambda m: values[int(m.group(1))], sql)

head = ["BEGIN;",
        bind(c_string("lib/db.c", "settings_sql"), {1: ":tenant", 2: ":user", 3: ":request"}) + ";",
        bind(c_string("api/auth.c", "context_sql"),
             {1: ":tenant", 2: ":user", 3: ":session"}) + ";"]
lst = c_string("api/risks.c", "risk_list_sql")
want = {
    "risks_list.sql": head + [bind(lst, {1: "NULL", 2: "NULL", 3: "NULL", 4: "NULL", 5: "NULL",
                                         6: "NULL", 7: ":limit1"}) + ";", "COMMIT;"],
    "risks_list_next.sql": head + [bind(lst, {1: "NULL", 2: "NULL", 3: "NULL", 4: "NULL",
                                              5: ":ref", 6: ":rid", 7: ":limit1"}) + ";",
                                   "COMMIT;"],
    "risks_heatmap.sql": head + [bind(c_string("api/risks.c", "heatmap_sql"), {1: "NULL"}) + ";",
                                 "COMMIT;"],
}
bad = 0
for name, lines in want.items():
    path = os.path.join(root, "bench", name)
    if write:
        comments = [l for l in open(path) if l.startswith("--")]
        with open(path, "w") as f:
            f.writelines(comments + [l + "\n" for l in lines])
    have = [l.rstrip("\n") for l in open(path) if l.strip() and not l.startswith("--")]
    if have != lines:
        bad = 1
        sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in have],
                                                   [l + "\n" for l in lines],
                                                   "bench/" + name, "from the C sources"))
if bad:
    sys.exit("the pgbench scripts differ from the API's SQL: bench/risks.sh --write-sql")
print("bench/risks_*.sql match the API's statements", file=sys.stderr)
PY
}
if [ "${1:-}" = --write-sql ]; then
	sql_sync --write
	exit 0
fi
sql_sync

API_PID=
WORKER_PIDS=()
cleanup() {
	for p in "${WORKER_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -n "$API_PID" ] && kill -TERM "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null
	stop_redis
	stop_postgres
}
trap cleanup EXIT

mkdir -p "$VAR"
rm -f "$VAR"/*.txt "$VAR"/*.log "$VAR"/*.json "$VAR"/*.time "$VAR"/*.times "$VAR"/*.nojit \
	"$VAR"/*.all "$VAR"/pgb-*
log "release build into $BUILD"
make -s -j"$(nproc)" MODE=release BUILD="$BUILD" all 2>"$VAR/build.log" ||
	{ tail -n 30 "$VAR/build.log" >&2; exit 1; }
start_postgres
create_database concord_bench_risks fresh
start_redis
redis-cli -p "$CONCORD_REDIS_PORT" flushall >/dev/null
export CONCORD_ROOT=$ROOT CONCORD_KEYS_DIR=$VAR/keys CONCORD_PORT=$PORT
export CONCORD_SECRET_KEY=${CONCORD_SECRET_KEY:-$(openssl rand -hex 32)}
"$BUILD/concord-api" migrate >"$VAR/migrate.log" 2>&1 ||
	{ tail -n 20 "$VAR/migrate.log" >&2; exit 1; }

psql_owner() { psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" "$@"; }

PASSWORD=bench-password-$RANDOM-long
ids=$("$BUILD/concord-api" create-operator bench-risks 'Bench Risks Consultancy' \
	admin@bench-risks.example "$PASSWORD")
OPERATOR=$(sed -E 's/.*"tenant_id":"([^"]+)".*/\1/' <<<"$ids")
USER_ID=$(sed -E 's/.*"user_id":"([^"]+)".*/\1/' <<<"$ids")

# client tenants as POST /v1/tenants creates them: the tenant and the creator's
# "operator" membership (api/tenants.c)
log "$TENANTS client tenants"
psql_owner <<SQL
INSERT INTO tenants (kind, parent_id, slug, name)
SELECT 'client', '$OPERATOR', 'bench-client-' || lpad(i::text, 3, '0'), 'Bench client ' || i
FROM generate_series(1, $TENANTS) i;
INSERT INTO memberships (tenant_id, user_id, role)
SELECT id, '$USER_ID', 'operator' FROM tenants WHERE parent_id = '$OPERATOR';
SQL
BIG=$(psql_owner -tA -c "SELECT id FROM tenants WHERE slug = 'bench-client-001'")

"$BUILD/concord-api" serve >"$VAR/api.log" 2>&1 &
API_PID=$!
wait_http "$URL/readyz" 30 || { tail -n 20 "$VAR/api.log" >&2; exit 1; }
login=$(curl -fsS -H 'Content-Type: application/json' \
	-d "{\"email\":\"admin@bench-risks.example\",\"password\":\"$PASSWORD\"}" "$URL/v1/auth/login")
TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <<<"$login")
SESSION=$(python3 -c '
import base64, json, sys
p = sys.stdin.read().split(".")[1]
print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["sid"])' <<<"$TOKEN")
AUTH="Authorization: Bearer $TOKEN"
IN_BIG="X-Concord-Tenant: $BIG"

# The methodology goes through the API, so domain/risk.c validates it: 5 x 5, four
# levels, appetite "medium", acceptance by role per level.
log "risk methodology of the large tenant (PUT /v1/risk-methodology)"
scale() { # name of five levels
	python3 -c '
import json, sys
names = sys.argv[1:]
print(json.dumps([{"level": i + 1, "name": n, "criteria": "Bench criterion for " + n.lower()}
                  for i, n in enumerate(names)]))' "$@"
}
METHOD=$(cat <<JSON
{"likelihood": $(scale Rare Unlikely Possible Likely 'Almost certain'),
 "impact": $(scale Negligible Minor Moderate Major Severe),
 "levels": [{"key": "low", "name": "Low", "color": "#2e7d32", "review_months": 12},
  {"key": "medium", "name": "Medium", "color": "#f9a825", "review_months": 6},
  {"key": "high", "name": "High", "color": "#ef6c00", "review_months": 3},
  {"key": "critical", "name": "Critical", "color": "#c62828", "review_months": 1}],
 "matrix": [["low", "low", "low", "medium", "medium"],
  ["low", "low", "medium", "medium", "high"],
  ["low", "medium", "medium", "high", "high"],
  ["medium", "medium", "high", "high", "critical"],
  ["medium", "high", "high", "critical", "critical"]],
 "appetite": "medium",
 "acceptance": [{"level": "low", "roles": ["risk_compliance", "isms_lead"]},
  {"level": "medium", "roles": ["isms_lead", "aims_lead"]},
  {"level": "high", "roles": ["sponsor"]}]}
JSON
)
curl -sS --fail-with-body -o "$VAR/methodology.json" -X PUT -H "$AUTH" -H "$IN_BIG" \
	-H 'Content-Type: application/json' -d "$METHOD" "$URL/v1/risk-methodology"

AS_OF=$(psql_owner -tA -c "SELECT date_trunc('month', current_date)::date")
log "$RISKS risks in the large tenant, $OTHER_RISKS in each other;" \
	"$KPIS KPIs x $MONTHS measurements in every tenant"
start=$(date +%s)
psql_owner -v big="$BIG" -v user="$USER_ID" -v risks="$RISKS" -v other_risks="$OTHER_RISKS" \
	-v kpis="$KPIS" -v months="$MONTHS" -v as_of="$AS_OF" -f bench/risks_load.sql >/dev/null
psql -X -q "$DATABASE_SUPER_URL" -c "VACUUM ANALYZE" >/dev/null
counts=$(psql_owner -tA -c "SELECT (SELECT count(*) FROM tenants WHERE kind = 'client')
	|| ' client tenants; large tenant: '
	|| (SELECT count(*) FROM risks WHERE tenant_id = '$BIG') || ' risks ('
	|| (SELECT count(*) FROM risks WHERE tenant_id = '$BIG' AND type = 'is') || ' IS, '
	|| (SELECT count(*) FROM risks WHERE tenant_id = '$BIG' AND type = 'ai') || ' AI; '
	|| (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status,
		count(*) AS n FROM risks WHERE tenant_id = '$BIG' GROUP BY status) s) || '), '
	|| (SELECT count(*) FROM risk_controls WHERE tenant_id = '$BIG') || ' control links, '
	|| (SELECT count(*) FROM risk_assets WHERE tenant_id = '$BIG') || ' asset links, '
	|| (SELECT count(*) FROM risk_ai_systems WHERE tenant_id = '$BIG') || ' AI system links, '
	|| (SELECT count(*) FROM risk_treatment_actions WHERE tenant_id = '$BIG') || ' actions; '
	|| (SELECT count(*) FROM risks) || ' risks, '
	|| (SELECT count(*) FROM kpis) || ' KPIs and '
	|| (SELECT count(*) FROM kpi_measurements) || ' measurements in all'")
log "loaded in $(($(date +%s) - start)) s: $counts"
CELLS=$(psql_owner -tA -c "SELECT count(DISTINCT (inherent_likelihood, inherent_eff_impact))
	FROM risks WHERE tenant_id = '$BIG'")

# ------------------------------------------------------------------ the requests
get() { # path [curl options...]: the body of a GET in the large tenant
	local path=$1
	shift
	curl -fsS -H "$AUTH" -H "$IN_BIG" "$@" "$URL$path"
}
page1=$(get '/v1/risks?limit=50')
cursor() { python3 -c 'import json,sys; print(json.load(sys.stdin)["next"])'; }
C2=$(cursor <<<"$page1")
page2=$(get "/v1/risks?limit=50&cursor=$C2")
C3=$(cursor <<<"$page2")
page3=$(get "/v1/risks?limit=50&cursor=$C3")
heat=$(get /v1/risks/heatmap)
# the pages are the register in (ref, id) order, 50 at a time; the heat map counts every
# assessed risk that is not closed
expect_refs=$(psql_owner -tA -c "SELECT string_agg(ref, ' ' ORDER BY ref, id) FROM (SELECT ref, id
	FROM risks WHERE tenant_id = '$BIG' ORDER BY ref, id LIMIT 150) x")
expect_open=$(psql_owner -tA -c "SELECT count(*) FROM risks WHERE tenant_id = '$BIG'
	AND status <> 'closed' AND inherent_likelihood IS NOT NULL")
python3 - "$expect_refs" "$expect_open" "$page1" "$page2" "$page3" "$heat" <<'PY'
import json, sys
refs, open_risks = sys.argv[1].split(), int(sys.argv[2])
pages = [json.loads(p) for p in sys.argv[3:6]]
got = [i["ref"] for p in pages for i in p["items"]]
assert got == refs, "the pages are not the register's first 150 risks in order"
assert all(p["next"] for p in pages), "a page without a next cursor"
h = json.loads(sys.argv[6])
assert h["inherent_total"] == open_risks == sum(map(sum, h["inherent"])), "heat map counts"
PY
# cursor keys of pages 2 and 3 for pgbench: the ref and id of the last item before them
last() { # key: of the last item of the page on stdin
	python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][-1][sys.argv[1]])' "$1"
}
REF2=$(last ref <<<"$page1")
RID2=$(last id <<<"$page1")
REF3=$(last ref <<<"$page2")
RID3=$(last id <<<"$page2")
PAGE_BYTES=$(printf %s "$page1" | wc -c)
HEAT_BYTES=$(printf %s "$heat" | wc -c)

declare -A PATHS=([list1]='/v1/risks?limit=50' [list2]="/v1/risks?limit=50&cursor=$C2"
	[list3]="/v1/risks?limit=50&cursor=$C3" [heatmap]=/v1/risks/heatmap)
KINDS=(list1 list2 list3 heatmap)

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "latency: 20 warm-up rounds, then $REQUESTS requests of each kind, one at a time"
for _ in $(seq 20); do
	for k in "${KINDS[@]}"; do get "${PATHS[$k]}" -o /dev/null; done
done
# CPU seconds (clock ticks) of the API process and of this database's backends, per
# kind of request: on a shared machine wall time includes waiting for a core
POSTMASTER=$(head -n 1 "$VAR/pg/data/postmaster.pid")
HZ=$(getconf CLK_TCK)
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
	local t=0 p
	for p in $(pgrep -P "$POSTMASTER" -f concord_bench_risks || true); do
		t=$((t + $(proc_ticks "$p")))
	done
	echo "$t"
}
lines=$(wc -l <"$VAR/api.log")
: >"$VAR/client.txt"
: >"$VAR/cpu.txt"
for k in "${KINDS[@]}"; do
	api0=$(proc_ticks "$API_PID")
	pg0=$(pg_ticks)
	for _ in $(seq "$REQUESTS"); do
		echo "$k $(get "${PATHS[$k]}" -o /dev/null -w '%{time_total}')" >>"$VAR/client.txt"
	done
	echo "$k $(($(proc_ticks "$API_PID") - api0)) $(($(pg_ticks) - pg0)) $HZ $REQUESTS" \
		>>"$VAR/cpu.txt"
done
sleep 0.2 # the access log line is written just after the response is handed over
tail -n +"$((lines + 1))" "$VAR/api.log" | python3 -c '
import json, sys
for l in sys.stdin:
    try:
        j = json.loads(l)
    except ValueError:
        continue
    if j.get("msg") == "request":
        print(j["route"], j["status"], j["duration_ms"])' >"$VAR/server.txt"
# one access-log line per request, in the order sent: pair them
paste -d' ' "$VAR/client.txt" "$VAR/server.txt" >"$VAR/seq.txt"
awk -v n="$((REQUESTS * 4))" 'END { exit NR == n ? 0 : 1 }' "$VAR/server.txt" ||
	{ echo "access log: expected $((REQUESTS * 4)) request lines" >&2; exit 1; }
awk '($1 == "heatmap") != ($3 == "/v1/risks/heatmap") || $4 != 200 { bad = 1 } END { exit bad }' \
	"$VAR/seq.txt" || { echo "a request failed or the access log is out of order" >&2; exit 1; }

PGB_VARS=(-D tenant="$BIG" -D user="$USER_ID" -D session="$SESSION" -D request=bench
	-D limit1=51)
log "pgbench, 1 client: $REQUESTS transactions of each request's statements"
pgb_latency() { # kind script [vars...]
	local kind=$1 script=$2
	shift 2
	(cd "$VAR" && pgbench -n -M extended -c 1 -j 1 -t "$REQUESTS" -l --log-prefix="pgb-lat-$kind" \
		-f "$ROOT/bench/$script" "${PGB_VARS[@]}" "$@" "$DATABASE_URL") >"$VAR/pgb-lat-$kind.txt" 2>&1 ||
		{ tail -n 20 "$VAR/pgb-lat-$kind.txt" >&2; exit 1; }
}
pgb_latency list1 risks_list.sql
pgb_latency list2 risks_list_next.sql -D ref="$REF2" -D rid="$RID2"
pgb_latency list3 risks_list_next.sql -D ref="$REF3" -D rid="$RID3"
pgb_latency heatmap risks_heatmap.sql

log "throughput: wrk with $CLIENTS connections, pgbench with $CLIENTS clients, ${SECONDS_RUN}s each"
export CONCORD_BENCH_TOKEN=$TOKEN CONCORD_BENCH_TENANT=$BIG
for k in list1 heatmap; do
	wrk -t2 -c"$CLIENTS" -d2s --timeout 60s -s bench/risks.lua "$URL${PATHS[$k]}" >/dev/null
	wrk -t2 -c"$CLIENTS" -d"${SECONDS_RUN}s" --timeout 60s --latency -s bench/risks.lua \
		"$URL${PATHS[$k]}" >"$VAR/wrk-$k.txt"
	if grep -q -e "Non-2xx" -e "Socket errors" "$VAR/wrk-$k.txt"; then
		cat "$VAR/wrk-$k.txt" >&2
		echo "the API answered errors or timed out during the wrk run of $k" >&2
		exit 1
	fi
done
for k in list1 heatmap; do
	script=risks_list.sql
	[ "$k" = heatmap ] && script=risks_heatmap.sql
	(cd "$VAR" && pgbench -n -M extended -c "$CLIENTS" -j 2 -T "$SECONDS_RUN" -l \
		--log-prefix="pgb-tp-$k" -f "$ROOT/bench/$script" "${PGB_VARS[@]}" "$DATABASE_URL") \
		>"$VAR/pgb-tp-$k.txt" 2>&1 || { tail -n 20 "$VAR/pgb-tp-$k.txt" >&2; exit 1; }
done
LOAD_HTTP=$(cut -d' ' -f1-3 /proc/loadavg)

# EXPLAIN ANALYZE of each statement as the API runs it: concord_app, the tenant and user
# set, in one session that has run it before (as the API's pooled connections have):
# the median planning and execution time of 9 runs without per-node timing, then one
# plan with timing and buffers, kept in $VAR/explain-<kind>.txt
log "EXPLAIN ANALYZE of the statements"
explain() { # kind script [name=value...]
	local kind=$1 script=$2 stmt
	shift 2
	stmt=$(grep -v -e '^--' -e '^$' "bench/$script" | sed -n 4p | python3 -c '
import re, sys
vals = dict(a.split("=", 1) for a in sys.argv[1:])
sql = sys.stdin.read().strip().rstrip(";")
print(re.sub(r"(?<!:):([a-z0-9_]+)", lambda m: "'\''%s'\''" % vals[m.group(1)], sql))' \
		limit1=51 "$@")
	{
		echo "BEGIN;"
		echo "SELECT set_config('app.tenant_id', '$BIG', true),"
		echo "	set_config('app.user_id', '$USER_ID', true);"
		for _ in 1 2; do echo "$stmt;"; done
		for _ in $(seq 9); do echo "EXPLAIN (ANALYZE, TIMING OFF) $stmt;"; done
		echo "EXPLAIN (ANALYZE, BUFFERS) $stmt;"
		echo "SET LOCAL jit = off;"
		for _ in $(seq 5); do echo "EXPLAIN (ANALYZE, TIMING OFF) $stmt;"; done
		echo "ROLLBACK;"
	} | psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" >"$VAR/explain-$kind.all"
	awk '/QUERY PLAN/ {n++} n == 10' "$VAR/explain-$kind.all" >"$VAR/explain-$kind.txt"
	awk '/Planning Time/ {p = $3} /Execution Time/ {print p, $3}' "$VAR/explain-$kind.all" \
		>"$VAR/explain-$kind.times"
	head -n 9 "$VAR/explain-$kind.times" | sort -n -k2 | sed -n 5p >"$VAR/explain-$kind.time"
	# the same without JIT compilation, which PostgreSQL applies to any plan whose estimated
	# cost exceeds jit_above_cost (also plans inside SQL functions, invisible above)
	tail -n 5 "$VAR/explain-$kind.times" | sort -n -k2 | sed -n 3p | cut -d' ' -f2 \
		>"$VAR/explain-$kind.nojit"
}
explain list1 risks_list.sql
explain list2 risks_list_next.sql ref="$REF2" rid="$RID2"
explain list3 risks_list_next.sql ref="$REF3" rid="$RID3"
explain heatmap risks_heatmap.sql

# ------------------------------------------------------------------ KPI aggregation
log "kpi.aggregate: $WORKERS workers, one job per client tenant (as of $AS_OF)"
for i in $(seq "$WORKERS"); do
	CONCORD_WORKER_ID=bench-risks-$i "$BUILD/concord-worker" >"$VAR/worker-$i.log" 2>&1 &
	WORKER_PIDS+=($!)
done
sleep 2 # the workers have joined the consumer group and wait for messages
LOAD_KPI_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
wticks() {
	local t=0 p
	for p in "${WORKER_PIDS[@]}"; do t=$((t + $(proc_ticks "$p"))); done
	echo "$t"
}
w0=$(wticks)
pg0=$(pg_ticks)
# four clients, each on one kept-alive connection, enqueue a quarter of the tenants
psql_owner -tA -c "SELECT id FROM tenants WHERE kind = 'client' ORDER BY slug" >"$VAR/clients.txt"
python3 - "$PORT" "$TOKEN" "$AS_OF" "$VAR/clients.txt" <<'PY' >"$VAR/enqueued.txt"
import http.client, json, sys, threading
port, token, as_of, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
tenants = open(path).read().split()
out, lock = [], threading.Lock()
def client(part):
    c = http.client.HTTPConnection("127.0.0.1", int(port))
    for t in part:
        c.request("POST", "/v1/kpis/aggregate", json.dumps({"as_of": as_of}),
                  {"Authorization": "Bearer " + token, "X-Concord-Tenant": t,
                   "Content-Type": "application/json"})
        r = c.getresponse()
        body = r.read()
        if r.status != 202:
            sys.exit("enqueue in %s: %d %s" % (t, r.status, body[:200]))
        with lock:
            out.append(json.loads(body)["id"])
threads = [threading.Thread(target=client, args=(tenants[i::4],)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if len(out) != len(tenants):
    sys.exit("only %d of %d jobs enqueued" % (len(out), len(tenants)))
print("\n".join(out))
PY
state=
for _ in $(seq 1200); do
	state=$(psql_owner -tA -c "SELECT count(*) FILTER (WHERE state = 'succeeded') || ' '
		|| count(*) FILTER (WHERE state = 'dead') FROM jobs WHERE type = 'kpi.aggregate'")
	[ "${state% *}" -ge "$TENANTS" ] || [ "${state#* }" -gt 0 ] && break
	sleep 0.1
done
w1=$(wticks)
pg1=$(pg_ticks)
LOAD_KPI_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
[ "${state% *}" -ge "$TENANTS" ] ||
	{ echo "kpi.aggregate: $state (succeeded, dead) of $TENANTS jobs" >&2; exit 1; }
for _ in $(seq 50); do # the log line follows the commit
	n=$(cat "$VAR"/worker-*.log | grep -c '"job succeeded".*"kpi.aggregate"' || true)
	[ "$n" -ge "$TENANTS" ] && break
	sleep 0.1
done
CPU_WORKERS=$(awk -v a="$w0" -v b="$w1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
CPU_PG_KPI=$(awk -v a="$pg0" -v b="$pg1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
psql_owner -tA -c "SELECT json_agg(json_build_object('id', id, 'tenant_id', tenant_id,
	'created', extract(epoch FROM created_at), 'finished', extract(epoch FROM finished_at),
	'state', state, 'result', result)) FROM jobs WHERE type = 'kpi.aggregate'" >"$VAR/jobs.json"
# the data set says, per KPI, what the job must find (bench/risks_load.sql): compare every
# stored snapshot and every job's counts with it
psql_owner -tA -F' ' -v as_of="$AS_OF" -v months="$MONTHS" >"$VAR/kpi-check.txt" <<'SQL'
WITH exp AS (SELECT tenant_id, id, split_part(source, ' ', 3) AS status,
		split_part(source, ' ', 4) AS trend, split_part(source, ' ', 5)::int AS missing
	FROM kpis WHERE source LIKE 'bench expects %'),
snap AS (SELECT * FROM kpi_snapshots WHERE as_of = :'as_of'),
per_tenant AS (SELECT tenant_id, jsonb_build_object('kpis', count(*),
		'ok', count(*) FILTER (WHERE status = 'ok'),
		'warning', count(*) FILTER (WHERE status = 'warning'),
		'critical', count(*) FILTER (WHERE status = 'critical'), 'no_data', 0,
		'target_met', count(*) FILTER (WHERE status = 'ok'),
		'improving', count(*) FILTER (WHERE trend = 'improving'),
		'stable', count(*) FILTER (WHERE trend = 'stable'),
		'deteriorating', count(*) FILTER (WHERE trend = 'deteriorating'),
		'insufficient_data', 0,
		'periods_due', sum(:months + missing), 'missing_periods', sum(missing)) AS counts
	FROM exp GROUP BY tenant_id)
SELECT (SELECT count(*) FROM exp),
	(SELECT count(*) FROM snap),
	(SELECT count(*) FROM exp JOIN snap s ON s.tenant_id = exp.tenant_id AND s.kpi_id = exp.id
		WHERE s.status = exp.status AND s.trend = exp.trend AND s.missing_count = exp.missing
		AND s.periods_due = :months + exp.missing),
	(SELECT count(*) FROM jobs j JOIN per_tenant p ON p.tenant_id = j.tenant_id
		WHERE j.type = 'kpi.aggregate' AND j.state = 'succeeded'
		AND j.result - 'as_of' = p.counts AND j.result->>'as_of' = :'as_of'),
	(SELECT min(j.result->>'kpis') || '-' || max(j.result->>'kpis') FROM jobs j
		WHERE j.type = 'kpi.aggregate');
SQL

# ------------------------------------------------------------------ report
R_NPROC=$(nproc)
R_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
export R_VAR=$VAR R_NPROC R_LOAD_AFTER R_COUNTS=$counts R_CELLS=$CELLS R_REQUESTS=$REQUESTS
export R_PAGE_BYTES=$PAGE_BYTES R_HEAT_BYTES=$HEAT_BYTES
export R_CLIENTS=$CLIENTS R_SECONDS=$SECONDS_RUN R_TENANTS=$TENANTS R_KPIS=$KPIS R_MONTHS=$MONTHS
export R_WORKERS=$WORKERS R_CPU_WORKERS=$CPU_WORKERS R_CPU_PG_KPI=$CPU_PG_KPI
export R_LOAD_BEFORE=$LOAD_BEFORE R_LOAD_HTTP=$LOAD_HTTP R_LOAD_KPI_BEFORE=$LOAD_KPI_BEFORE
export R_LOAD_KPI_AFTER=$LOAD_KPI_AFTER
R_PG_VERSION=$(psql -X -tA "$DATABASE_SUPER_URL" -c 'SHOW server_version' | cut -d' ' -f1)
export R_PG_VERSION
python3 - <<'PY'
import datetime, glob, json, math, os, re
E = os.environ
var = E["R_VAR"]


def pct(v, q):  # nearest rank
    v = sorted(v)
    return v[max(0, math.ceil(q * len(v)) - 1)]


seq = [l.split() for l in open(var + "/seq.txt")]
api = lambda k: [float(x[4]) for x in seq if x[0] == k]
cli = lambda k: [float(x[1]) * 1000 for x in seq if x[0] == k]


def pgb(prefix):  # per-transaction latencies (ms) from pgbench's -l logs
    lat = []
    for f in glob.glob("%s/%s.*" % (var, prefix)):
        if not f.endswith(".txt"):
            lat += [int(l.split()[2]) / 1000.0 for l in open(f)]
    return lat


def explain(k):
    p, e = open("%s/explain-%s.time" % (var, k)).read().split()
    return float(p), float(e), float(open("%s/explain-%s.nojit" % (var, k)).read())


cpu = {}
for l in open(var + "/cpu.txt"):
    k, api_t, pg_t, hz, n = l.split()
    cpu[k] = (int(api_t) * 1000 / int(hz) / int(n), int(pg_t) * 1000 / int(hz) / int(n))


def wrk(k):
    t = open("%s/wrk-%s.txt" % (var, k)).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", t, re.M)
    return rps, float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]


def tps(k):
    t = open("%s/pgb-tp-%s.txt" % (var, k)).read()
    return float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", t).group(1))


ok = lambda c: "met" if c else "MISSED"
names = {"list1": "GET /v1/risks?limit=50 (page 1)", "list2": "page 2 (cursor)",
         "list3": "page 3 (cursor)", "heatmap": "GET /v1/risks/heatmap"}
targets = {"list1": 10, "list2": 10, "list3": 10, "heatmap": 20}
print()
print("## Risk register and KPI aggregation at scale")
print()
print("%s, bench/risks.sh, release build, %s cores shared with other work, PostgreSQL %s."
      % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), E["R_NPROC"], E["R_PG_VERSION"]))
print("Data: %s. The large tenant's risks occupy %s of the 25 cells of its 5 x 5 matrix."
      % (E["R_COUNTS"], E["R_CELLS"]))
print()
print("### Latency, one request at a time (%s of each kind after 20 warm-up rounds)"
      % E["R_REQUESTS"])
print()
print("| request | API p50 / p95 / p99 | curl p50 / p99 | pgbench p50 / p99 (1 client) "
      "| API ÷ pgbench p50 / p99 | SQL plan + exec (exec, JIT off) | CPU: API + PostgreSQL "
      "| target |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for k in ("list1", "list2", "list3", "heatmap"):
    a, c, g = api(k), cli(k), pgb("pgb-lat-" + k)
    p, e, nojit = explain(k)
    print("| %s | %.1f / %.1f / **%.1f** | %.1f / %.1f | %.1f / %.1f | %.2f / %.2f | %.1f + %.1f%s "
          "| %.1f + %.1f | p99 < %d: %s |"
          % (names[k], pct(a, .5), pct(a, .95), pct(a, .99), pct(c, .5), pct(c, .99),
             pct(g, .5), pct(g, .99), pct(a, .5) / pct(g, .5), pct(a, .99) / pct(g, .99), p, e,
             " (%.1f)" % nojit, cpu[k][0], cpu[k][1], targets[k],
             ok(pct(a, .99) < targets[k])))
print()
print("All figures in ms. API: the access log's duration_ms; curl: time_total; pgbench: the same "
      "statements as concord_app, one client; SQL: median planning and execution time of the "
      "statement alone (EXPLAIN ANALYZE in a warm session; in brackets its execution with "
      "jit = off, the rest being JIT compilation); CPU: per request, the API process and the "
      "database's backends. Responses: page 1 %s bytes (50 risks), heat map %s bytes."
      % (E["R_PAGE_BYTES"], E["R_HEAT_BYTES"]))
print()
print("### Throughput, %s concurrent clients, %s s each" % (E["R_CLIENTS"], E["R_SECONDS"]))
print()
print("| request | API req/s (wrk) | API p99 | pgbench tps | pgbench p99 | API ÷ pgbench |")
print("| --- | --- | --- | --- | --- | --- |")
for k in ("list1", "heatmap"):
    rps, p99 = wrk(k)
    t = tps(k)
    print("| %s | %.0f | %.1f ms | %.0f | %.1f ms | %.2f |"
          % (names[k], rps, p99, t, pct(pgb("pgb-tp-" + k), .99), rps / t))
print()
jobs = json.load(open(var + "/jobs.json"))
logs = []
for f in glob.glob(var + "/worker-*.log"):
    for l in open(f):
        try:
            j = json.loads(l)
        except ValueError:
            continue
        if j.get("msg") == "job succeeded" and j.get("type") == "kpi.aggregate":
            ts = datetime.datetime.strptime(j["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
            ts = ts.replace(tzinfo=datetime.timezone.utc).timestamp()
            logs.append((ts, j["duration_ms"], re.search(r"worker-(\d+)", f).group(1)))
first = min(j["created"] for j in jobs)
enq = max(j["created"] for j in jobs) - first
e2e = max(t for t, _, _ in logs) - first
runs = [d for _, d, _ in logs]
per_worker = {}
for _, d, w in logs:
    per_worker.setdefault(w, []).append(d)
n_exp, n_snap, n_snap_ok, n_jobs_ok, kpis_range = open(var + "/kpi-check.txt").read().split()
n_exp, n_snap, n_snap_ok, n_jobs_ok = int(n_exp), int(n_snap), int(n_snap_ok), int(n_jobs_ok)
print("### kpi.aggregate: %s tenants × %s KPIs × %s monthly measurements, %s workers"
      % (E["R_TENANTS"], E["R_KPIS"], E["R_MONTHS"], E["R_WORKERS"]))
print()
print("| measure | value | target |")
print("| --- | --- | --- |")
print("| first enqueue → last job succeeded | **%.3f s** | < 5 s: %s |" % (e2e, ok(e2e < 5)))
print("| enqueueing the %d jobs (POST /v1/kpis/aggregate, 4 clients) | %.2f s | |"
      % (len(jobs), enq))
print("| sum of the jobs' run times (worker log, duration_ms) | %.2f s | |" % (sum(runs) / 1000))
print("| one job: p50 / p95 / max | %.1f / %.1f / %.1f ms | |" % (pct(runs, .5), pct(runs, .95),
                                                              max(runs)))
print("| jobs per worker (busy time) | %s | |" % ", ".join(
    "%d (%.2f s)" % (len(v), sum(v) / 1000) for _, v in sorted(per_worker.items())))
print("| CPU from first enqueue to last success: workers + PostgreSQL backends | %s s + %s s | |"
      % (E["R_CPU_WORKERS"], E["R_CPU_PG_KPI"]))
print("| KPIs per job; snapshots as the data set implies; jobs with exactly the implied counts "
      "| %s; %d of %d; %d of %d | all |" % (kpis_range, n_snap_ok, n_exp, n_jobs_ok, len(jobs)))
print()
print("Load average (1, 5, 15 min): before the HTTP runs %s, after them %s; before the jobs %s, "
      "after them %s; at the end %s." % (E["R_LOAD_BEFORE"], E["R_LOAD_HTTP"],
                                        E["R_LOAD_KPI_BEFORE"], E["R_LOAD_KPI_AFTER"],
                                        E["R_LOAD_AFTER"]))
total = int(E["R_TENANTS"]) * int(E["R_KPIS"])
if not (n_snap == n_exp == n_snap_ok == total and n_jobs_ok == len(jobs) == int(E["R_TENANTS"])):
    print()
    print("**The jobs' results differ from what the data set implies** (%s/kpi-check.txt)." % var)
    raise SystemExit(3)
PY
