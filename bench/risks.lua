-- bench/risks.lua - wrk script for bench/risks.sh: every request carries the bearer
-- token (CONCORD_BENCH_TOKEN) and names the client tenant it works in
-- (CONCORD_BENCH_TENANT, sent as X-Concord-Tenant). Nothing else is changed.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CONCORD_BENCH_TOKEN")
wrk.headers["X-Concord-Tenant"] = os.getenv("CONCORD_BENCH_TENANT")
