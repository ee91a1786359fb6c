-- Counts wrk's answers by status, for bench/load.py. wrk's own error count leaves out 3xx
-- (it counts only statuses above 399), and a redirect means a wrong session or address here.
-- done() prints one line, "STATUSES {json}", with the counts and wrk's socket errors.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'STATUSES {"statuses": {%s}, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    table.concat(parts, ", "), errors.connect, errors.read, errors.write, errors.timeout
  ))
end
