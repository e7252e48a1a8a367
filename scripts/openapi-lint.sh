#!/usr/bin/env bash
# Lint the merged OpenAPI document (api/openapi/*.json) with @redocly/cli, installed from npm into var/tools on first use.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${TOOLS:-$ROOT/var/tools}
if [ ! -x "$TOOLS/node_modules/.bin/redocly" ]; then
	mkdir -p "$TOOLS"
	(cd "$TOOLS" && npm install --no-audit --no-fund --silent @redocly/cli@2.77.0 >/dev/null)
fi
cd "$ROOT"
out=$(mktemp --suffix=.json)
trap 'rm -f "$out"' EXIT
"${CONCORD_TEST_BIN:-build/debug}/concord-api" openapi >"$out"
"$TOOLS/node_modules/.bin/redocly" lint --config api/redocly.yaml "$out"
