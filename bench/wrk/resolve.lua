-- POST /api/v1/connections/resolve under a USER_WITH_DEFAULT policy: three in four requests
-- name an end user who has a connection (EXTERNAL_ID), one in four one who has not (DEFAULT).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.headers["Content-Type"] = "application/json"

function init(args)
  users = read_lines(os.getenv("BENCH_DATA_FILE"))
  piece = os.getenv("BENCH_PIECE") or "gmail"
  i = tid * 7919
end

function request()
  i = i + 1
  local user = users[(i % #users) + 1]
  if i % 4 == 0 then user = "nobody-" .. i end
  local body = string.format('{"pieceName":"%s","externalId":"%s"}', piece, user)
  return wrk.format("POST", "/api/v1/connections/resolve", nil, body)
end
