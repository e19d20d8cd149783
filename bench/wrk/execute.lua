-- POST /api/v1/actions/execute: an http_request through the bench's connection to the fake
-- provider (BENCH_CONNECTION_ID).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format(
  '{"pieceName":"http","actionName":"http_request","connectionId":"%s",' ..
  '"input":{"method":"GET","path":"/v1/items"}}',
  os.getenv("BENCH_CONNECTION_ID") or "")
wrk.path = "/api/v1/actions/execute"
