-- wrk script for benchmarks/run.py: walk a workload table round and round, one request at a time.
--
--   wrk -t1 -c8 -d10s -s benchmarks/mixed.lua http://127.0.0.1:8083 -- WORKLOAD.lua RUN
--
-- WORKLOAD.lua (written by benchmarks/workload.py) returns a list of {method, path, body}; in path and
-- body, {r} is RUN (a name for this run, so that two runs never create the same connector), {t} the
-- wrk thread's number, {n} the cycle number and {p} the cycle before it. At the end
-- the script prints one line "WRK-JSON {...}" with the counts and latency percentiles (microseconds).

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local items = {}
local pos = 0
local cycle = 0
local run = "0"
local json_headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
local plain_headers = { ["Accept"] = "application/json" }

function init(args)
  items = dofile(args[1])
  run = args[2] or "0"
end

function request()
  pos = pos + 1
  if pos > #items then
    pos = 1
    cycle = cycle + 1
  end
  local item = items[pos]
  local vars = { r = run, t = tostring(tid), n = tostring(cycle), p = tostring(cycle - 1) }
  local path = item[2]:gsub("{(%a)}", vars)
  if item[3] == nil then
    return wrk.format(item[1], path, plain_headers, nil)
  end
  local body = item[3]:gsub("{(%a)}", vars)
  return wrk.format(item[1], path, json_headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK-JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
