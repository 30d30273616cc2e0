-- Copies a task's new log entries into its workflow's combined log: output lines prefixed with the
-- task's name, and the task's start and end as notes. The cursor (last entry copied) is kept on the
-- workflow's hash in the same script, so no line is copied twice or skipped.
-- KEYS: 1 job:{workflow id}, 2 log:{workflow id}, 3 log:{task job id}
-- ARGV: 1 task name, 2 task job id, 3 log maxlen, 4 count (most entries read)
-- Returns: {REPLY_OK, number of entries read}
local task, job, maxlen = ARGV[1], ARGV[2], ARGV[3]
local wf_hash, wf_log = KEYS[1], KEYS[2]
local cursor = redis.call('HGET', wf_hash, FIELD_CURSOR_PREFIX .. task) or '0-0'
local entries = redis.call('XRANGE', KEYS[3], '(' .. cursor, '+', 'COUNT', ARGV[4])
for _, entry in ipairs(entries) do
  local f = {}
  for i = 1, #entry[2], 2 do
    f[entry[2][i]] = entry[2][i + 1]
  end
  local event = f[LOG_EVENT]
  local note
  if f[LOG_LINE] then
    log_event(wf_log, maxlen, LOG_STREAM, f[LOG_STREAM] or 'out', LOG_LINE, '[' .. task .. '] ' .. f[LOG_LINE], LOG_TS, f[LOG_TS] or '')
  elseif event == EVENT_STARTED then
    note = 'started on worker ' .. (f[LOG_WORKER] or '') .. ' (job ' .. job .. ')'
  elseif event == EVENT_FINISHED then
    local reason = ''
    if (f[LOG_REASON] or '') ~= '' then reason = ': ' .. f[LOG_REASON] end
    note = (f[LOG_STATUS] or '') .. reason
  elseif event == EVENT_STOPPING or event == EVENT_FENCED or event == EVENT_NOTE then
    note = f[LOG_MESSAGE] or ''
  end
  if note then
    log_event(wf_log, maxlen, LOG_EVENT, EVENT_NOTE, LOG_TS, f[LOG_TS] or '', LOG_MESSAGE, '[' .. task .. '] ' .. note)
  end
  cursor = entry[1]
end
redis.call('HSET', wf_hash, FIELD_CURSOR_PREFIX .. task, cursor)
return {REPLY_OK, #entries}
