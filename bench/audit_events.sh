#!/usr/bin/env bash
# bench/audit_events.sh - GET /v1/audit-events?limit=50 through the whole API versus the
# same statements in PostgreSQL alone.
#
#   1. private PostgreSQL and Redis under $VAR (default var/bench) on their own ports,
#      a release build (MODE=release) in $BUILD (default build/bench)
#   2. 100 tenants; 100,000 audit events in one of them, BENCH_OTHER_EVENTS in each of
#      the 99 others, appended by audit_append() as the API would (hash chain and all)
#   3. the API started with its default configuration; one sign-in for a bearer token
#   4. wrk: 32 connections, 2 threads, BENCH_SECONDS, bench/auth.lua sets the header
#   5. pgbench: the same statements (bench/audit_events.sql, checked against the C
#      sources by bench/sqlsync.py), 32 clients, 2 threads, BENCH_SECONDS
#   6. requests/s, p99 latency, the ratio API/pgbench and the API's resident memory
#      (VmHWM, VmRSS from /proc/<pid>/status), against the targets of the issue:
#      ratio >= 0.7, p99 < 10 ms, RSS < 50 MB
#
# Knobs: BENCH_SECONDS (20), BENCH_EVENTS (100000), BENCH_OTHER_EVENTS (200),
# BENCH_PGPORT (54412), BENCH_REDIS_PORT (63912), BENCH_API_PORT (18122), VAR, BUILD;
# the API's own settings (CONCORD_THREADS, ...) pass through from the environment.
# Everything it starts is stopped on exit. Exit status 0 when the run completed
# (targets missed are reported, not an error), non-zero when it could not measure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export VAR=${VAR:-$ROOT/var/bench}
export CONCORD_PGPORT=${BENCH_PGPORT:-54412}
export CONCORD_REDIS_PORT=${BENCH_REDIS_PORT:-63912}
BUILD=${BUILD:-build/bench}
SECONDS_RUN=${BENCH_SECONDS:-20}
EVENTS=${BENCH_EVENTS:-100000}
OTHER_EVENTS=${BENCH_OTHER_EVENTS:-200}
PORT=${BENCH_API_PORT:-18122}
# audit_append() updates the tenant's audit_heads row once per event; inside one
# transaction every update adds a version that the next lookup walks, so one
# transaction per tenant is quadratic (measured: 20,000 events 18 s). The loader
# commits every BATCH events instead: linear, and the chain is the same.
BATCH=2000
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh

python3 bench/sqlsync.py "$ROOT"

API_PID=
cleanup() {
	[ -n "$API_PID" ] && kill -TERM "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null
	stop_redis
	stop_postgres
}
trap cleanup EXIT

log "release build into $BUILD"
make -s -j"$(nproc)" MODE=release BUILD="$BUILD" all 2>"$VAR/build.log" ||
	{ tail -n 30 "$VAR/build.log" >&2; exit 1; }
start_postgres
create_database concord_bench fresh
start_redis
redis-cli -p "$CONCORD_REDIS_PORT" flushall >/dev/null
export CONCORD_ROOT=$ROOT CONCORD_KEYS_DIR=$VAR/keys CONCORD_PORT=$PORT
export CONCORD_SECRET_KEY=${CONCORD_SECRET_KEY:-$(openssl rand -hex 32)}
"$BUILD/concord-api" migrate >"$VAR/migrate.log" 2>&1 || { tail -n 20 "$VAR/migrate.log" >&2; exit 1; }

psql_owner() { psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" "$@"; }

log "100 tenants, $EVENTS audit events in one, $OTHER_EVENTS in each of the others"
PASSWORD=bench-password-$RANDOM-long
ids=$("$BUILD/concord-api" create-operator bench-consultancy 'Bench Consultancy' \
	admin@bench.example "$PASSWORD")
TENANT=$(sed -E 's/.*"tenant_id":"([^"]+)".*/\1/' <<<"$ids")
psql_owner -c "INSERT INTO tenants (kind, parent_id, slug, name)
	SELECT 'client', '$TENANT', 'bench-client-' || i, 'Bench client ' || i
	FROM generate_series(1, 99) i" >/dev/null
# one statement file per batch; a realistic event: a risk changed, before and after
load_sql() { # tenant count
	local t=$1 n=$2 from=1
	while [ "$from" -le "$n" ]; do
		local to=$((from + BATCH - 1))
		[ "$to" -gt "$n" ] && to=$n
		cat <<SQL
BEGIN;
SELECT set_config('app.tenant_id', '$t', true);
SELECT count(audit_append(CASE WHEN i % 10 = 0 THEN 'risk.create' ELSE 'risk.update' END,
	'risk', md5(i::text)::uuid::text,
	CASE WHEN i % 10 = 0 THEN NULL ELSE jsonb_build_object('id', md5(i::text)::uuid, 'ref',
		'R-' || i, 'title', 'Unpatched internet-facing service ' || i, 'status', 'open',
		'likelihood', 3, 'impact', 4, 'score', 12, 'owner_id', null, 'version', i % 7 + 1) END,
	jsonb_build_object('id', md5(i::text)::uuid, 'ref', 'R-' || i,
		'title', 'Unpatched internet-facing service ' || i, 'status', 'treated',
		'likelihood', 2, 'impact', 4, 'score', 8, 'owner_id', null, 'version', i % 7 + 2)))
FROM generate_series($from, $to) i;
COMMIT;
SQL
		from=$((to + 1))
	done
}
start=$(date +%s)
{
	load_sql "$TENANT" "$EVENTS" >"$VAR/load-main.sql"
	psql_owner -f "$VAR/load-main.sql" >/dev/null
} &
loader=$!
psql_owner -At -c "SELECT id FROM tenants WHERE parent_id = '$TENANT'" | while read -r t; do
	load_sql "$t" "$OTHER_EVENTS"
done >"$VAR/load-others.sql"
psql_owner -f "$VAR/load-others.sql" >/dev/null
wait "$loader"
psql_owner -c "VACUUM ANALYZE audit_events" -c "VACUUM ANALYZE audit_heads" >/dev/null
log "loaded in $(($(date +%s) - start)) s: $(psql_owner -At -c "SELECT count(*) FROM audit_events") events"

log "API on 127.0.0.1:$PORT with ${CONCORD_THREADS:-the default number of} threads"
"$BUILD/concord-api" serve >"$VAR/api.log" 2>&1 &
API_PID=$!
wait_http "http://127.0.0.1:$PORT/readyz" 30 || { tail -n 20 "$VAR/api.log" >&2; exit 1; }
login=$(curl -fsS "http://127.0.0.1:$PORT/v1/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"admin@bench.example\",\"password\":\"$PASSWORD\"}")
TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <<<"$login")
USER_ID=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["user_id"])' <<<"$login")
SESSION=$(python3 -c '
import base64, json, sys
p = sys.stdin.read().split(".")[1]
print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["sid"])' <<<"$TOKEN")
export CONCORD_BENCH_TOKEN=$TOKEN
URL="http://127.0.0.1:$PORT/v1/audit-events?limit=50"
# the page is what we think it is: 50 events of the big tenant, a next cursor
curl -fsS "$URL" -H "Authorization: Bearer $TOKEN" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["items"]) == 50 and d["next"], "unexpected page"'

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "warm-up"
wrk -t2 -c32 -d3s -s bench/auth.lua "$URL" >/dev/null
log "wrk: 32 connections, ${SECONDS_RUN}s"
wrk -t2 -c32 -d"${SECONDS_RUN}s" --latency -s bench/auth.lua "$URL" | tee "$VAR/wrk.txt"
if grep -q "Non-2xx" "$VAR/wrk.txt"; then
	echo "the API answered errors during the run" >&2
	exit 1
fi
HWM=$(awk '/^VmHWM/ {print $2}' "/proc/$API_PID/status")
RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$API_PID/status")

log "pgbench: 32 clients, ${SECONDS_RUN}s"
rm -f "$VAR"/pgbench_log.*
(cd "$VAR" && pgbench -n -M extended -c 32 -j 2 -T "$SECONDS_RUN" -l \
	-f "$ROOT/bench/audit_events.sql" -D tenant="$TENANT" -D user="$USER_ID" \
	-D session="$SESSION" -D request=bench -D limit=50 -D limit1=51 "$DATABASE_URL") |
	tee "$VAR/pgbench.txt"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$VAR" "$HWM" "$RSS" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)" <<'PY'
import glob, re, sys, datetime
var, hwm, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
load_before, load_after, cpus = sys.argv[4], sys.argv[5], sys.argv[6]
wrk = open(var + "/wrk.txt").read()
api_rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", wrk, re.M)
api_p99 = ms(m.group(1), m.group(2))
pg = open(var + "/pgbench.txt").read()
pg_tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", pg).group(1))
lat = []
for f in glob.glob(var + "/pgbench_log.*"):
    for line in open(f):
        lat.append(int(line.split()[2]) / 1000.0)  # microseconds -> ms
lat.sort()
pg_p99 = lat[int(len(lat) * 0.99) - 1] if lat else float("nan")
ratio = api_rps / pg_tps
ok = lambda c: "met" if c else "MISSED"
print()
print("## GET /v1/audit-events?limit=50 - %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
print()
print("| measure | API (wrk) | PostgreSQL (pgbench) | target |")
print("| --- | --- | --- | --- |")
print("| requests/s | %.0f | %.0f | |" % (api_rps, pg_tps))
print("| p99 latency | %.2f ms | %.2f ms | API < 10 ms: %s |" % (api_p99, pg_p99, ok(api_p99 < 10)))
print("| ratio API/pgbench | %.2f | | >= 0.7: %s |" % (ratio, ok(ratio >= 0.7)))
print("| API memory | VmHWM %.1f MB, VmRSS %.1f MB | | < 50 MB: %s |" % (hwm / 1024, rss / 1024, ok(hwm < 50 * 1024)))
print()
print("%s CPUs; load average (1, 5, 15 min) before the runs %s, after %s." % (cpus, load_before, load_after))
PY
