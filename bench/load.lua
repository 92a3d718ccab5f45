-- bench/load.lua: rotate wrk's requests over the lesson routes, with the
-- cookies a returning browser would send. (No response() hook: it would
-- make wrk parse every response in Lua and measure wrk instead of goldfish.)
-- Used by bench/load.sh. Prints one line:
-- LOADTSV requests duration_us rps p50_us p99_us status_ge_400 socket_errors
-- Every route answers 200 for this client, so any status >= 400 is a failure.
local paths = {
  "/hello",
  "/",
  "/goldfish",
  "/step-zero?fav-color=blue",
  "/step-one?fav-color=blue",
  "/fav-color/blue/step-two",
  "/handle-form-cookie?fav_color=blue",
  "/later-cookie",
  "/some-route",
  "/my-route",
  "/session",
  "/responses",
  "/compare",
  "/cookies",
  "/static/site.css",
}
local session = os.getenv("SESSION_COOKIE") or ""
local i = 0
request = function()
  i = (i % #paths) + 1
  local headers = { ["Cookie"] = "fav_color=blue" .. (session ~= "" and ("; " .. session) or "") }
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LOADTSV\t%d\t%d\t%.0f\t%.0f\t%.0f\t%d\t%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
