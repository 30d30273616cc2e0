-- Ends a job its worker ran: records the result and outputs, closes the log, adds it to the project's
-- history and hands the project's lock on (common.lua, finish).
-- KEYS: 1-9 as in common.lua (the job's and its project's)
-- ARGV: 1 id, 2 status, 3 exit code, 4 failedCommand (3-4 empty when none), 5 reason, 6 now (epoch ms),
--   7 lock ttl (ms), 8 log maxlen, 9 retention (s), 10 outputs (JSON object, or empty), 11 history limit,
--   12 project, 13 the fencing token the worker ran the job under (empty: not a worker's own end),
--   14 the result's signature (JobField RESULT_SIG; empty when unsigned)
-- Returns: {REPLY_OK, id of the job handed the lock or ''} | {REPLY_ALREADY, status} when the job had
--   ended before (cancelled, marked lost) or does not exist (''). A job marked lost by a sweep whose
--   worker then records the end it had reached before its lease ran out (it could not reach Redis in
--   time) stays lost, but its reason and log say how it really ended: it was not stopped part-way.
-- Errors: WRONGPROJECT when the keys are not of the job's project
local id = ARGV[1]
local job, log, P = KEYS[4], KEYS[5], declared_project()
local err = check_project(job, ARGV[12])
if err then return err end
local status = redis.call('HGET', job, FIELD_STATUS)
if not status or is_terminal(status) then
  local token = ARGV[13] or ''
  if status == STATUS_LOST and token ~= '' and ARGV[2] ~= STATUS_LOST
      and redis.call('HGET', job, FIELD_FENCING_TOKEN) == token then
    local f = redis.call('HMGET', job, FIELD_WORKER, FIELD_REASON)
    local report = 'worker ' .. (f[1] or '?') .. ' reported, once it reached Redis again, that the job had ended before its '
      .. 'lease ran out: ' .. ARGV[2] .. (ARGV[3] ~= '' and (', exit code ' .. ARGV[3]) or '')
      .. (ARGV[5] ~= '' and (' (' .. ARGV[5] .. ')') or '')
      .. '. It was not stopped part-way: only its end could not be recorded in time, so it was marked lost and its project\'s '
      .. 'lock passed on when the lease ran out'
    redis.call('HSET', job, FIELD_REASON, report .. '. Marked lost: ' .. (f[2] or ''))
    log_event(log, ARGV[8], LOG_EVENT, EVENT_NOTE, LOG_TS, ARGV[6], LOG_MESSAGE, report)
  end
  return {REPLY_ALREADY, status or ''}
end
if (ARGV[10] or '') ~= '' then
  redis.call('HSET', job, FIELD_OUTPUTS, ARGV[10])
end
if (ARGV[14] or '') ~= '' then
  redis.call('HSET', job, FIELD_RESULT_SIG, ARGV[14])
end
return {REPLY_OK, finish(P, job, log, id, ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[11])}
