-- Copies a task's new log entries into its workflow's combined log: output lines prefixed with the
-- task's name, and the task's start and end as notes. The cursor (last entry copied) is kept on the
-- workflow's hash in the same script, so no line is copied twice or skipped.
-- ARGV: workflow id, task name, task job id, maxlen, count
-- Returns the number of entries read.
local wf, task, job, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local wk = job_key(wf)
local cursor = redis.call('HGET', wk, 'cursor:' .. task) or '0-0'
local entries = redis.call('XRANGE', log_key(job), '(' .. cursor, '+', 'COUNT', ARGV[5])
for _, entry in ipairs(entries) do
  local f = {}
  for i = 1, #entry[2], 2 do
    f[entry[2][i]] = entry[2][i + 1]
  end
  if f['l'] then
    log_event(wf, maxlen, 's', f['s'] or 'out', 'l', '[' .. task .. '] ' .. f['l'], 'ts', f['ts'] or '')
  elseif f['e'] == 'started' then
    log_event(wf, maxlen, 'e', 'note', 'ts', f['ts'] or '', 'message', '[' .. task .. '] started on worker ' .. (f['worker'] or '') .. ' (job ' .. job .. ')')
  elseif f['e'] == 'finished' then
    local reason = ''
    if (f['reason'] or '') ~= '' then reason = ': ' .. f['reason'] end
    log_event(wf, maxlen, 'e', 'note', 'ts', f['ts'] or '', 'message', '[' .. task .. '] ' .. (f['status'] or '') .. reason)
  elseif f['e'] == 'stopping' or f['e'] == 'fenced' or f['e'] == 'note' then
    log_event(wf, maxlen, 'e', 'note', 'ts', f['ts'] or '', 'message', '[' .. task .. '] ' .. (f['message'] or ''))
  end
  cursor = entry[1]
end
redis.call('HSET', wk, 'cursor:' .. task, cursor)
return #entries
