#!/usr/bin/env bash
# bench/run.sh - `make bench`: run the benchmarks listed below in turn; each prints its
# figures (record them, dated, in bench/RESULTS.md). A benchmark starts its own
# PostgreSQL, Redis and API from a release build, under its own VAR and ports, and stops
# them when it ends. A new benchmark adds its line here.
set -euo pipefail
cd "$(dirname "$0")/.."
./bench/audit_events.sh
./bench/soa.sh
./bench/aiact_reclassify.sh
./bench/risks.sh
