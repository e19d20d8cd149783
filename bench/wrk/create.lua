-- POST /api/v1/connections with an external id unique to this run, thread and request.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.headers["Content-Type"] = "application/json"

function init(args)
  run = os.getenv("BENCH_RUN_TOKEN") or "run"
  piece = os.getenv("BENCH_PIECE") or "openai"
  n = 0
end

function request()
  n = n + 1
  local body = string.format(
    '{"pieceName":"%s","displayName":"Bench %d","externalId":"bench-%s-%d-%d",' ..
    '"value":{"type":"SECRET_TEXT","secret_text":"sk-bench-%s-%d-%d"}}',
    piece, n, run, tid, n, run, tid, n)
  return wrk.format("POST", "/api/v1/connections", nil, body)
end
