-- GET the fake provider directly, with the credential it expects: the baseline that execute's
-- and proxy's added latency is measured against.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.headers["Authorization"] = nil
wrk.headers["X-Api-Key"] = "bench-provider-secret"
wrk.path = "/v1/items"
