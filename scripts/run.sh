#!/usr/bin/env bash
# make run: install what is missing, build, start private PostgreSQL and Redis under
# ./var (unless DATABASE_URL / REDIS_URL are set), migrate, seed the demo tenants,
# then run the API and the workers in the foreground. Ctrl-C stops everything.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/lib.sh

ensure_deps
MODE=${MODE:-release}
make -s -j"$(nproc)" MODE="$MODE" all
BIN=build/$MODE

start_postgres
create_database concord
start_redis
export CONCORD_ROOT=$ROOT CONCORD_KEYS_DIR=${CONCORD_KEYS_DIR:-$VAR/keys}
# the key that encrypts secrets at rest (SSO client secrets, MFA seeds); kept in ./var
if [ -z "${CONCORD_SECRET_KEY:-}" ]; then
	[ -s "$VAR/secret.key" ] || (umask 077 && openssl rand -hex 32 >"$VAR/secret.key")
	CONCORD_SECRET_KEY=$(cat "$VAR/secret.key")
	export CONCORD_SECRET_KEY
fi
export CONCORD_PORT=${CONCORD_PORT:-8080}
"$BIN/concord-api" migrate
"$BIN/concord-api" seed-demo

pids=()
cleanup() {
	trap - INT TERM EXIT
	log "stopping"
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	stop_redis
	stop_postgres
	log "stopped"
}
trap cleanup INT TERM EXIT

for i in 1 2; do
	CONCORD_WORKER_ID=worker-$i "$BIN/concord-worker" &
	pids+=($!)
done
"$BIN/concord-api" serve &
pids+=($!)
wait_http "http://127.0.0.1:$CONCORD_PORT/readyz" 30 || log "API not ready yet"
# the demo client's engagement, through the API (skipped when it is already there)
"$BIN/concord-api" demo-load tenants/demo/engagement.json demo-client ||
	log "the demo engagement was not loaded (see above); the API keeps running"
cat <<TXT

  Concord is running: http://127.0.0.1:$CONCORD_PORT  (API description: /v1/openapi.json)
  Demo sign-in:  ${CONCORD_DEMO_EMAIL:-admin@demo-consultancy.example} / ${CONCORD_DEMO_PASSWORD:-concord-demo-password}
  Demo client:   demo-client (send X-Concord-Tenant with its id from GET /v1/tenants): an
                 engagement in Phase 1 (charter, RACI, scopes, risks, policies, an AI system)
    curl -s http://127.0.0.1:$CONCORD_PORT/v1/auth/login -H 'Content-Type: application/json' \\
      -d '{"email":"admin@demo-consultancy.example","password":"concord-demo-password"}'
  Ctrl-C stops the API, the workers, PostgreSQL and Redis.

TXT
wait -n "${pids[@]}" || true
