-- bench/auth.lua - wrk script: every request carries the bearer token that
-- bench/audit_events.sh puts in CONCORD_BENCH_TOKEN. Nothing else is changed.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CONCORD_BENCH_TOKEN")
