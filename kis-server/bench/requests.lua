-- wrk script of scripts/bench-server.sh: POSTs one kis entry (ENTRY) with the bearer
-- token KIS_TOKEN; create_quote gets a fresh quote id per request. Prints one
-- `RESULT entry rps p50_ms p99_ms non2xx` line.
local entry = os.getenv("ENTRY")
local token = os.getenv("KIS_TOKEN")
local valid = os.getenv("VALID_UNTIL")
local counter = 0
local threads = 0

-- Runs in the main Lua state: each thread's quote ids start with this run's time and
-- its number, so they never repeat across threads or runs on one store.
function setup(thread)
  threads = threads + 1
  thread:set("prefix", os.time() .. "-" .. threads)
end

function request()
  local body
  if entry == "price_for" then
    body = '{"customer":"C-LI","product":"KIS-PRO","quantity":"3"}'
  else
    counter = counter + 1
    body = string.format('{"id":"Q-H-%s-%d","customer":"C-LI","lines":[{"product":"KIS-PRO","quantity":"3"}],"valid_until":"%s"}',
      prefix, counter, valid)
  end
  return wrk.format("POST", "/v1/" .. entry,
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %s %.1f %.3f %.3f %d\n", entry,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, non2xx))
end
