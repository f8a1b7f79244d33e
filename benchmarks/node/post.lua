-- wrk script for benchmarks/node/run.sh: POST a small fixed body with the invoke bearer token.
-- UBIQ_TOKEN (environment) is the token; the Netty baseline ignores it but gets the same bytes.
wrk.method = "POST"
wrk.body = "hello, ubiq"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("UBIQ_TOKEN") or "none")
