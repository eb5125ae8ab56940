-- wrk script for bench/submissions.py: every request a new client_uuid (as a phone makes one),
-- the credentials and station of one of the seeded observers, picked at random.
-- Arguments after `--`: mode (api | form | bare) and a file of "credential station_id" lines
-- (credential: an API token for api, a Cookie header value for form).

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  pairs_ = {}
  for line in io.lines(args[2]) do
    local credential, station = line:match("^(%S+)%s+(%d+)$")
    if credential then table.insert(pairs_, {credential, station}) end
  end
  math.randomseed(os.time() * 1000 + id * 7919)
  statuses = {}
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (template:gsub("[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  local pick = pairs_[math.random(#pairs_)]
  local when = os.date("!%Y-%m-%dT%H:%M:%S+00:00", os.time() - 120)
  if mode == "form" then
    local body = "uuid=" .. uuid4() .. "&category=ballot_stuffing&severity=high"
      .. "&occurred_at=00%3A05"
      .. "&description=Bundles+of+ballots+put+in+the+box."
    return wrk.format("POST", "/reports/stations/" .. pick[2] .. "/incident",
      {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = pick[1]}, body)
  end
  local body = string.format('{"client_uuid": "%s", "station_id": %s, "category": '
    .. '"ballot_stuffing", "severity": "high", "description": "Bundles of ballots put in '
    .. 'the box.", "occurred_at": "%s"}', uuid4(), pick[2], when)
  local headers = {["Content-Type"] = "application/json"}
  if mode == "api" then headers["Authorization"] = "Bearer " .. pick[1] end
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local codes = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do codes[code] = (codes[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(codes) do table.insert(parts, string.format('"%d": %d', code, n)) end
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, '
    .. '"p95_us": %d, "p99_us": %d, "socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout, table.concat(parts, ", ")))
end
