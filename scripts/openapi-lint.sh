#!/usr/bin/env bash
# Lint api/openapi.json with @redocly/cli, installed from npm into var/tools on first use.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${TOOLS:-$ROOT/var/tools}
if [ ! -x "$TOOLS/node_modules/.bin/redocly" ]; then
	mkdir -p "$TOOLS"
	(cd "$TOOLS" && npm install --no-audit --no-fund --silent @redocly/cli@1 >/dev/null)
fi
cd "$ROOT"
"$TOOLS/node_modules/.bin/redocly" lint --config api/redocly.yaml api/openapi.json
