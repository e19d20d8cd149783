-- GET /api/v1/connections/:id, cycling through ids sampled from the seeded rows.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function init(args)
  ids = read_lines(os.getenv("BENCH_DATA_FILE"))
  i = tid * 7919
end

function request()
  i = i + 1
  return wrk.format("GET", "/api/v1/connections/" .. ids[(i % #ids) + 1])
end
