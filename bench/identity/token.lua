-- wrk script for the token endpoint; run.sh refuses a round in which any answer was not 200.
-- Without arguments it POSTs one fixed form, the BODY environment variable.
-- With a file of refresh tokens after "--" it runs the refresh_token grant. Refresh tokens rotate and a reused one
-- revokes its whole family, so every connection follows its own chain: run with as many threads as connections
-- (-tN -cN, one connection per thread), each starting from its own line of the file and sending the token its last
-- answer returned.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

function init(args)
  failures = 0
  if args[1] then
    local line = 0
    for value in io.lines(args[1]) do
      line = line + 1
      if line == index then
        token = value
      end
    end
  end
end

function request()
  local body = token and ("grant_type=refresh_token&client_id=agentcore-cli&refresh_token=" .. token) or os.getenv("BODY")
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  elseif token then
    token = body:match('"refresh_token"%s*:%s*"([^"]+)"') or token
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  io.write(string.format("failed_requests %d\n", failed))
end
