-- A feed poll that already has the current version: wrk sends If-None-Match on every request.
wrk.headers["If-None-Match"] = os.getenv("WRK_IF_NONE_MATCH")
