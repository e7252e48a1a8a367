#!/usr/bin/env bash
# make test: the same bootstrap as make run, then the whole suite against real
# PostgreSQL and Redis, built with AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   1. unit tests (Check): one binary per tests/unit/test_*.c
#   2. a fresh database; the API and two workers started from the sanitized build
#   3. integration tests (Check over HTTP): one binary per tests/integration/test_*.c
#   4. the OpenAPI document linted with @redocly/cli (from npm)
#   5. the API and workers stopped with SIGTERM: they must exit 0 with no sanitizer report
# The last line is "N passed, N failed"; the exit status is non-zero if anything failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export VAR=${VAR:-$ROOT/var/test}
export CONCORD_PGPORT=${CONCORD_PGPORT:-54339}
export CONCORD_REDIS_PORT=${CONCORD_REDIS_PORT:-63809}
source scripts/lib.sh

ensure_deps || exit 1
BUILD=${BUILD:-build/test}
WERROR=0
[ "${CI:-}" = true ] && WERROR=1
log "building (ASan + UBSan) into $BUILD"
make -s -j"$(nproc)" MODE=debug SANITIZE=address,undefined WERROR=$WERROR BUILD="$BUILD" \
	all tests-bin || { echo "0 passed, 1 failed"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CONCORD_ROOT=$ROOT

passed=0
failed=0
failures=()
LOGDIR=$VAR/logs
rm -rf "$LOGDIR" # each run judges only its own logs
mkdir -p "$LOGDIR"

# ONLY=pattern runs only the test binaries whose name (unit/test_x, integration/test_y)
# matches the shell pattern, e.g. ONLY='integration/test_jobs*'.
selected() { [ -z "${ONLY:-}" ] || [[ $1 == $ONLY ]]; }

# run_check NAME CMD...: run a Check binary, add its counts to the totals.
run_check() {
	local name=$1
	shift
	selected "$name" || return 0
	local out="$LOGDIR/$name.log"
	mkdir -p "$(dirname "$out")"
	"$@" >"$out" 2>&1
	local rc=$?
	local line
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$out" | tail -n 1)
	if [ -n "$line" ]; then
		local n f er
		n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
		f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
		er=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
		passed=$((passed + n - f - er))
		failed=$((failed + f + er))
		if [ $((f + er)) -gt 0 ] || [ $rc -ne 0 ]; then
			[ $((f + er)) -eq 0 ] && failed=$((failed + 1))
			failures+=("$name")
			grep -E ':[EF]:|AddressSanitizer|runtime error' "$out" | head -n 30 >&2
		fi
		printf '  %-40s %s\n' "$name" "$line"
	else
		failed=$((failed + 1))
		failures+=("$name")
		printf '  %-40s CRASHED (exit %d)\n' "$name" "$rc"
		tail -n 40 "$out" >&2
	fi
}

# check NAME CMD...: a single pass/fail check that is not a Check binary.
check() {
	local name=$1
	shift
	selected "$name" || return 0
	if "$@" >"$LOGDIR/$name.log" 2>&1; then
		passed=$((passed + 1))
		printf '  %-40s ok\n' "$name"
	else
		failed=$((failed + 1))
		failures+=("$name")
		printf '  %-40s FAILED\n' "$name"
		tail -n 30 "$LOGDIR/$name.log" >&2
	fi
}

log "static checks"
check lint make -s lint
check format-check make -s format-check

log "unit tests"
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_check "unit/$(basename "$t")" "$t"
done

log "services"
start_postgres || { echo "0 passed, 1 failed"; exit 1; }
create_database concord_test fresh
start_redis
redis-cli -p "$CONCORD_REDIS_PORT" flushall >/dev/null
export CONCORD_SECRET_KEY=${CONCORD_SECRET_KEY:-$(openssl rand -hex 32)}
export CONCORD_OIDC_ALLOW_HTTP_LOOPBACK=1 # the SSO tests' provider serves plain http on loopback
export CONCORD_KEYS_DIR=$VAR/keys
rm -rf "$CONCORD_KEYS_DIR"
export CONCORD_PORT=${CONCORD_TEST_API_PORT:-18080}
export CONCORD_THREADS=4
export CONCORD_LOGIN_MAX_FAILURES=5
export CONCORD_TENANT_DELETE_GRACE=2
export CONCORD_JOB_VISIBILITY=3
export CONCORD_TEST_URL="http://127.0.0.1:$CONCORD_PORT"
export CONCORD_TEST_BIN=$ROOT/$BUILD
export CONCORD_TEST_LOGDIR=$LOGDIR
export CONCORD_TEST_PGCTL="runuser -u postgres -- $(pg_bindir)/pg_ctl -D $(readlink -f "$VAR/pg")/data"

ONLY_SAVED=${ONLY:-}
ONLY= # the database must be migrated whatever subset runs
check migrate "$BUILD/concord-api" migrate
check migrate-idempotent "$BUILD/concord-api" migrate
ONLY=$ONLY_SAVED

pids=()
start_api() {
	"$BUILD/concord-api" serve >>"$LOGDIR/api.log" 2>&1 &
	API_PID=$!
}
start_api
if [ -x "$BUILD/concord-worker" ] && [ -f workers/README.md ]; then
	for i in 1 2; do
		CONCORD_WORKER_ID=test-worker-$i "$BUILD/concord-worker" >>"$LOGDIR/worker-$i.log" 2>&1 &
		pids+=($!)
	done
fi
if ! wait_http "$CONCORD_TEST_URL/readyz" 60; then
	echo "API did not become ready" >&2
	tail -n 50 "$LOGDIR/api.log" >&2
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
fi
export CONCORD_TEST_API_PID=$API_PID
export CONCORD_TEST_WORKER_PIDS="${pids[*]}"

log "integration tests"
for t in "$BUILD"/tests/integration/test_*; do
	[ -x "$t" ] || continue
	CK_FORK=no run_check "integration/$(basename "$t")" "$t"
done

if command -v npx >/dev/null 2>&1; then
	log "OpenAPI lint"
	check openapi-lint scripts/openapi-lint.sh
fi

log "stopping API and workers (SIGTERM)"
ONLY= # always stop the servers and check them, whatever subset ran
graceful() {
	kill -TERM "$API_PID" && wait "$API_PID"
	local rc=$?
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" || rc=$?
	done
	return $rc
}
check graceful-shutdown graceful
no_sanitizer_reports() {
	! grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOGDIR"/api.log "$LOGDIR"/worker-*.log 2>/dev/null
}
check sanitizers-clean-servers no_sanitizer_reports

stop_redis
stop_postgres

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}" >&2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
