-- GET /api/v1/proxy/http/v1/items: the passthrough form, same connection as execute.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.headers["Weavz-Connection-Id"] = os.getenv("BENCH_CONNECTION_ID") or ""
wrk.path = "/api/v1/proxy/http/v1/items"
