-- GET the URL given on the command line (list, deep page, healthz).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
