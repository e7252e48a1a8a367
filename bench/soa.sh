#!/usr/bin/env bash
# bench/soa.sh - Statements of Applicability at scale: one tenant with 500 controls,
# 2,000 requirement links and 1,000 risks (2,000 risk links, half of them planned risk
# treatment), then
#
#   1. GET /v1/soa/iso27001-2022 and GET /v1/soa/iso42001-2023 through the whole API
#      (authentication, tenant transaction, assembly, checks, JSON): BENCH_REQUESTS
#      times each after a warm-up; the API's own duration (access log, duration_ms) and
#      the client's (curl time_total), median and p95, and both SoAs together
#   2. the soa.export job (XLSX only, and all three formats) run by one worker:
#      BENCH_EXPORTS times each; the job's attempt duration (gather + render + store)
#
# Targets of the issue: both SoAs under 50 ms in the API, the XLSX export under 1 s.
# A release build (MODE=release) in $BUILD (default build/bench-soa); private
# PostgreSQL and Redis under $VAR (default var/bench-soa) on their own ports.
# Knobs: BENCH_REQUESTS (30), BENCH_EXPORTS (5), BENCH_PGPORT (54414),
# BENCH_REDIS_PORT (63914), BENCH_API_PORT (18114), VAR, BUILD. Everything it starts is
# stopped on exit. Prints a Markdown block for bench/RESULTS.md. Exit status 0 when the
# run completed (a missed target is reported, not an error), non-zero when it could not
# measure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export VAR=${VAR:-$ROOT/var/bench-soa}
export CONCORD_PGPORT=${BENCH_PGPORT:-54414}
export CONCORD_REDIS_PORT=${BENCH_REDIS_PORT:-63914}
BUILD=${BUILD:-build/bench-soa}
REQUESTS=${BENCH_REQUESTS:-30}
EXPORTS=${BENCH_EXPORTS:-5}
PORT=${BENCH_API_PORT:-18114}
URL=http://127.0.0.1:$PORT
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh

API_PID=
WORKER_PID=
cleanup() {
	[ -n "$WORKER_PID" ] && kill -TERM "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null
	[ -n "$API_PID" ] && kill -TERM "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null
	stop_redis
	stop_postgres
}
trap cleanup EXIT

mkdir -p "$VAR"
log "release build into $BUILD"
make -s -j"$(nproc)" MODE=release BUILD="$BUILD" all 2>"$VAR/build.log" ||
	{ tail -n 30 "$VAR/build.log" >&2; exit 1; }
start_postgres
create_database concord_bench_soa fresh
start_redis
redis-cli -p "$CONCORD_REDIS_PORT" flushall >/dev/null
export CONCORD_ROOT=$ROOT CONCORD_KEYS_DIR=$VAR/keys CONCORD_PORT=$PORT
export CONCORD_SECRET_KEY=${CONCORD_SECRET_KEY:-$(openssl rand -hex 32)}
"$BUILD/concord-api" migrate >"$VAR/migrate.log" 2>&1 || { tail -n 20 "$VAR/migrate.log" >&2; exit 1; }

psql_owner() { psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" "$@"; }

PASSWORD=bench-password-$RANDOM-long
ids=$("$BUILD/concord-api" create-operator bench-soa 'Bench SoA Consultancy' \
	admin@bench-soa.example "$PASSWORD")
TENANT=$(sed -E 's/.*"tenant_id":"([^"]+)".*/\1/' <<<"$ids")
USER_ID=$(sed -E 's/.*"user_id":"([^"]+)".*/\1/' <<<"$ids")

log "1,000 risks, 500 controls, 2,000 requirement links, 2,000 risk links"
psql_owner <<SQL
BEGIN;
SELECT set_config('app.tenant_id', '$TENANT', true);
INSERT INTO risks (tenant_id, ref, type, title, description)
SELECT '$TENANT', 'R-' || lpad(i::text, 4, '0'), CASE WHEN i % 3 = 0 THEN 'ai' ELSE 'is' END,
	'Risk ' || i, 'Scenario ' || i || ' affecting information or AI systems'
FROM generate_series(1, 1000) i;
INSERT INTO controls (tenant_id, ref, title, description, status, owner_id)
SELECT '$TENANT', 'CTL-' || lpad(i::text, 4, '0'), 'Control ' || i,
	'How the organisation implements control ' || i,
	(ARRAY['planned', 'in_progress', 'implemented', 'not_applicable'])[1 + i % 4],
	CASE WHEN i % 2 = 0 THEN '$USER_ID'::uuid END
FROM generate_series(1, 500) i;
-- four distinct actionable requirements per control, spread over all three frameworks
WITH req AS (SELECT framework_id, ref, row_number() OVER (ORDER BY framework_id, seq) - 1 AS n,
		count(*) OVER () AS total
	FROM catalog_requirements WHERE actionable AND catalog_version = catalog_version_for(framework_id)),
ctl AS (SELECT id, row_number() OVER (ORDER BY ref) - 1 AS n FROM controls WHERE tenant_id = '$TENANT')
INSERT INTO control_requirements (tenant_id, control_id, framework_id, ref, basis)
SELECT '$TENANT', ctl.id, req.framework_id, req.ref, 'bench'
FROM ctl CROSS JOIN generate_series(0, 3) k
JOIN req ON req.n = (ctl.n * 4 + k * 37) % req.total;
-- each risk relies on two controls: one existing, one planned in its treatment
WITH ctl AS (SELECT id, row_number() OVER (ORDER BY ref) - 1 AS n FROM controls WHERE tenant_id = '$TENANT'),
rsk AS (SELECT id, row_number() OVER (ORDER BY ref) - 1 AS n FROM risks WHERE tenant_id = '$TENANT')
INSERT INTO risk_controls (tenant_id, risk_id, control_id, relation)
SELECT '$TENANT', rsk.id, ctl.id, x.relation
FROM rsk CROSS JOIN (VALUES ('existing', 7, 0), ('planned', 13, 1)) AS x(relation, m, o)
JOIN ctl ON ctl.n = (rsk.n * x.m + x.o) % 500
ON CONFLICT DO NOTHING;
-- a third of the 27001 lines carry recorded decisions
INSERT INTO soa_entries (tenant_id, framework_id, ref, applicable, reasons, reason_text,
	exclusion_justification)
SELECT '$TENANT', 'iso27001-2022', ref, seq % 9 <> 0,
	CASE WHEN seq % 9 <> 0 THEN ARRAY['contractual'] END, 'Recorded for the benchmark',
	CASE WHEN seq % 9 = 0 THEN 'Out of scope for the benchmark' ELSE '' END
FROM catalog_requirements WHERE framework_id = 'iso27001-2022' AND kind = 'annex_a_control'
	AND catalog_version = catalog_version_for('iso27001-2022') AND seq % 3 = 0;
COMMIT;
SQL
counts=$(psql_owner -tA -c "SELECT (SELECT count(*) FROM controls WHERE tenant_id = '$TENANT') || ' controls, '
	|| (SELECT count(*) FROM control_requirements WHERE tenant_id = '$TENANT') || ' requirement links, '
	|| (SELECT count(*) FROM risks WHERE tenant_id = '$TENANT') || ' risks, '
	|| (SELECT count(*) FROM risk_controls WHERE tenant_id = '$TENANT') || ' risk links'")
log "$counts"
psql_owner -c "ANALYZE" >/dev/null

"$BUILD/concord-api" serve >"$VAR/api.log" 2>&1 &
API_PID=$!
wait_http "$URL/readyz" 30 || { tail -n 20 "$VAR/api.log" >&2; exit 1; }
TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
	-d "{\"email\":\"admin@bench-soa.example\",\"password\":\"$PASSWORD\"}" "$URL/v1/auth/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
AUTH="Authorization: Bearer $TOKEN"

# median and p95 of numbers on stdin (milliseconds, one decimal)
stats() {
	python3 -c '
import sys
v = sorted(float(x) for x in sys.stdin if x.strip())
if not v: sys.exit(1)
p = lambda q: v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
print("%.1f %.1f" % (p(0.5), p(0.95)))'
}

log "GET both SoAs: 3 warm-up rounds, then $REQUESTS timed rounds"
for _ in 1 2 3; do
	for fw in iso27001-2022 iso42001-2023; do
		curl -fsS -o /dev/null -H "$AUTH" "$URL/v1/soa/$fw"
	done
done
# CPU seconds (clock ticks) of the API process and of this database's PostgreSQL backends:
# on a shared machine wall time includes waiting for a core, CPU time does not
POSTMASTER=$(head -n 1 "$VAR/pg/data/postmaster.pid")
api_ticks() { awk '{print $14 + $15}' "/proc/$API_PID/stat"; }
pg_ticks() {
	local t=0 p
	for p in $(pgrep -P "$POSTMASTER" -f "concord_bench_soa" || true); do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
lines=$(wc -l <"$VAR/api.log")
: >"$VAR/client.txt"
api0=$(api_ticks)
pg0=$(pg_ticks)
for _ in $(seq "$REQUESTS"); do
	for fw in iso27001-2022 iso42001-2023; do
		t=$(curl -fsS -o "$VAR/soa-$fw.json" -w '%{time_total}' -H "$AUTH" "$URL/v1/soa/$fw")
		echo "$fw $t" >>"$VAR/client.txt"
	done
done
hz=$(getconf CLK_TCK)
api_cpu=$(awk -v a="$api0" -v b="$(api_ticks)" -v n="$REQUESTS" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) * 1000 / hz / n }')
pg_cpu=$(awk -v a="$pg0" -v b="$(pg_ticks)" -v n="$REQUESTS" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) * 1000 / hz / n }')
tail -n +"$((lines + 1))" "$VAR/api.log" | python3 -c '
import json, sys
for l in sys.stdin:
    try:
        j = json.loads(l)
    except ValueError:
        continue
    if j.get("msg") == "request" and j.get("route") == "/v1/soa/{framework}":
        print(j["path"].rsplit("/", 1)[1], j["duration_ms"], j["status"])' >"$VAR/server.txt"
if grep -qv ' 200$' "$VAR/server.txt"; then
	echo "a SoA request failed" >&2
	exit 1
fi
api27=$(awk '$1 == "iso27001-2022" {print $2}' "$VAR/server.txt" | stats)
api42=$(awk '$1 == "iso42001-2023" {print $2}' "$VAR/server.txt" | stats)
apiboth=$(paste -d' ' <(awk '$1 == "iso27001-2022" {print $2}' "$VAR/server.txt") \
	<(awk '$1 == "iso42001-2023" {print $2}' "$VAR/server.txt") | awk '{print $1 + $2}' | stats)
cli27=$(awk '$1 == "iso27001-2022" {print $2 * 1000}' "$VAR/client.txt" | stats)
cli42=$(awk '$1 == "iso42001-2023" {print $2 * 1000}' "$VAR/client.txt" | stats)
lines27=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["items"]), d["summary"]["findings"])' "$VAR/soa-iso27001-2022.json")
lines42=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["items"]), d["summary"]["findings"])' "$VAR/soa-iso42001-2023.json")

# run the export job n times with the given formats; print the worker's duration of each
# run (ms: job transaction, gather, render, store, commit) and the artifacts' total size
export_runs() {
	local body=$1
	for _ in $(seq "$EXPORTS"); do
		local job state="" size="" ms=""
		job=$(curl -fsS -H "$AUTH" -H 'Content-Type: application/json' -d "$body" \
			"$URL/v1/soa/export" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
		for _ in $(seq 600); do
			state=$(curl -fsS -H "$AUTH" "$URL/v1/jobs/$job" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(j["state"], sum(x["size"] for x in j["result"]["artifacts"]) if j["result"] else 0)')
			case $state in succeeded*) break ;; dead* | failed*) echo "export job $job: $state" >&2; exit 1 ;; esac
			sleep 0.1
		done
		case $state in succeeded*) size=${state#succeeded } ;; *) echo "export job $job did not finish" >&2; exit 1 ;; esac
		for _ in $(seq 50); do
			ms=$(grep "\"job_id\":\"$job\"" "$VAR/worker.log" | grep '"job succeeded"' |
				sed -E 's/.*"duration_ms":([0-9.]+).*/\1/' | tail -n 1)
			[ -n "$ms" ] && break
			sleep 0.1
		done
		[ -n "$ms" ] || { echo "no duration logged for job $job" >&2; exit 1; }
		echo "$ms $size"
	done
}
# the worker starts only now, so that its polling does not count in the figures above
CONCORD_WORKER_ID=bench-soa "$BUILD/concord-worker" >"$VAR/worker.log" 2>&1 &
WORKER_PID=$!
log "soa.export: $EXPORTS runs with XLSX only, $EXPORTS with XLSX + CSV + JSON"
export_runs '{"formats":["xlsx"]}' >"$VAR/export-xlsx.txt"
export_runs '{}' >"$VAR/export-all.txt"
xlsx=$(awk '{print $1}' "$VAR/export-xlsx.txt" | stats)
xlsx_size=$(awk 'END {print $2}' "$VAR/export-xlsx.txt")
all=$(awk '{print $1}' "$VAR/export-all.txt" | stats)

verdict() { # value target
	awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "met" : "MISSED" }'
}
read -r both_med both_p95 <<<"$apiboth"
read -r xlsx_med xlsx_p95 <<<"$xlsx"
cat <<EOF

## SoA generation and export

$(date -u +%Y-%m-%d), bench/soa.sh, release build, $(nproc) cores shared with other work.
Tenant: $counts; 1 worker.

| measure (ms) | median | p95 |
|---|---|---|
| GET /v1/soa/iso27001-2022 in the API ($(cut -d' ' -f1 <<<"$lines27") lines, $(cut -d' ' -f2 <<<"$lines27") findings) | $(cut -d' ' -f1 <<<"$api27") | $(cut -d' ' -f2 <<<"$api27") |
| GET /v1/soa/iso42001-2023 in the API ($(cut -d' ' -f1 <<<"$lines42") lines, $(cut -d' ' -f2 <<<"$lines42") findings) | $(cut -d' ' -f1 <<<"$api42") | $(cut -d' ' -f2 <<<"$api42") |
| both SoAs in the API (target < 50: $(verdict "$both_med" 50)) | $both_med | $both_p95 |
| GET /v1/soa/iso27001-2022 at the client (curl) | $(cut -d' ' -f1 <<<"$cli27") | $(cut -d' ' -f2 <<<"$cli27") |
| GET /v1/soa/iso42001-2023 at the client (curl) | $(cut -d' ' -f1 <<<"$cli42") | $(cut -d' ' -f2 <<<"$cli42") |
| CPU time for both SoAs: API process + PostgreSQL backends (mean) | $api_cpu + $pg_cpu | |
| soa.export job, XLSX only ($xlsx_size bytes; target < 1000: $(verdict "$xlsx_med" 1000)) | $xlsx_med | $xlsx_p95 |
| soa.export job, XLSX + CSV + JSON | $(cut -d' ' -f1 <<<"$all") | $(cut -d' ' -f2 <<<"$all") |

API figures are the access log's duration_ms ($REQUESTS requests per SoA after 3 warm-up
rounds); CPU time is what the API process and the database's backends consumed over those
rounds, per pair of requests (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)).
Export figures are the worker's duration of the job (read the data, render, store the
artifacts), $EXPORTS runs each.
EOF
