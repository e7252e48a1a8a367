# scripts/lib.sh - shared by run.sh, test.sh and bench/run.sh (sourced, not executed).
#
# Provides: ensure_deps, start_postgres, stop_postgres, start_redis, stop_redis,
# create_database. Private services live under $VAR (./var by default): PostgreSQL in
# $VAR/pg (run as the "postgres" system user, since PostgreSQL refuses to run as
# root) and Redis in $VAR/redis. DATABASE_URL / REDIS_URL set in the environment
# mean "use that existing service" and skip starting our own.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VAR=${VAR:-$ROOT/var}
PGPORT=${CONCORD_PGPORT:-54329}
REDIS_PORT=${CONCORD_REDIS_PORT:-63799}

DEB_PACKAGES="build-essential pkg-config libmicrohttpd-dev libjansson-dev libpq-dev
libhiredis-dev libjwt-dev libcurl4-openssl-dev libssl-dev libargon2-dev libxlsxwriter-dev
libzip-dev libgraphviz-dev check postgresql redis-server redis-tools wrk cppcheck
clang-format unzip curl ca-certificates"

log() { printf '[concord] %s\n' "$*" >&2; }

ensure_deps() {
	local missing=()
	for p in $DEB_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing Debian packages: ${missing[*]}"
		if [ "$(id -u)" -ne 0 ]; then
			log "not root: install them with apt-get and run again"
			return 1
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

pg_bindir() {
	local v
	v=$(ls -1 /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
	echo "/usr/lib/postgresql/$v/bin"
}

# The data directory must be reachable by the postgres user; a checkout under a
# private home directory is not, so the cluster then lives in /var/lib/concord and
# $VAR/pg is a symlink to it.
pg_datadir() {
	mkdir -p "$VAR"
	if [ ! -e "$VAR/pg" ]; then
		if runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
			mkdir -p "$VAR/pg"
		else
			local alt
			alt="/var/lib/concord/$(printf '%s' "$VAR" | sha256sum | cut -c1-16)"
			mkdir -p "$alt"
			ln -s "$alt" "$VAR/pg"
		fi
		chown postgres:postgres "$VAR/pg" "$(readlink -f "$VAR/pg")"
	fi
	# the resolved path: the postgres user may not traverse the checkout to reach it
	readlink -f "$VAR/pg"
}

start_postgres() {
	if [ -n "${DATABASE_URL:-}" ]; then
		log "using existing PostgreSQL from DATABASE_URL"
		return 0
	fi
	local bin dir
	bin=$(pg_bindir)
	dir=$(pg_datadir)
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		log "initdb $dir/data"
		runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
			-E UTF8 --locale=C.UTF-8 >/dev/null
	fi
	mkdir -p "$dir/run" && chown postgres:postgres "$dir/run"
	if ! runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		log "starting PostgreSQL on 127.0.0.1:$PGPORT"
		runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
			-o "-p $PGPORT -k $dir/run -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_EXTRA_OPTS:-}" \
			start >/dev/null
	fi
	psql_super -c "SELECT 1" >/dev/null
	psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'concord_owner'" | grep -q 1 ||
		psql_super -c "CREATE ROLE concord_owner LOGIN" >/dev/null
	psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'concord_app'" | grep -q 1 ||
		psql_super -c "CREATE ROLE concord_app LOGIN NOSUPERUSER NOBYPASSRLS" >/dev/null
}

psql_super() {
	psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

# create_database NAME [fresh]: make sure NAME exists (dropped first with "fresh").
create_database() {
	[ -n "${DATABASE_URL:-}" ] && return 0
	if [ "${2:-}" = fresh ]; then
		psql_super -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
	fi
	psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1 ||
		psql_super -c "CREATE DATABASE $1 OWNER concord_owner" >/dev/null
	export DATABASE_URL="postgresql://concord_app@127.0.0.1:$PGPORT/$1"
	export DATABASE_OWNER_URL="postgresql://concord_owner@127.0.0.1:$PGPORT/$1"
	export CONCORD_DB_NAME="$1"
	export DATABASE_SUPER_URL="postgresql://postgres@127.0.0.1:$PGPORT/$1"
	OWN_DATABASE=1
}

stop_postgres() {
	[ -n "${OWN_DATABASE:-}" ] || return 0
	local bin dir
	bin=$(pg_bindir)
	dir=$(readlink -f "$VAR/pg")
	runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

start_redis() {
	if [ -n "${REDIS_URL:-}" ]; then
		log "using existing Redis from REDIS_URL"
		return 0
	fi
	mkdir -p "$VAR/redis"
	if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
		log "starting Redis on 127.0.0.1:$REDIS_PORT"
		redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
			--daemonize yes --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log" \
			--save "" --appendonly no >/dev/null
		for _ in $(seq 50); do
			redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
			sleep 0.1
		done
	fi
	export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
	OWN_REDIS=1
}

stop_redis() {
	[ -n "${OWN_REDIS:-}" ] || return 0
	redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

# wait_http URL SECONDS
wait_http() {
	for _ in $(seq $(($2 * 10))); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
