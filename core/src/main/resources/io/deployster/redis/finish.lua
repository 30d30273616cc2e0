-- ARGV: id, status, exit, failedCommand, reason, now, ttl, maxlen, retention, outputs (JSON object, or empty),
-- history limit
-- Returns {outcome, next job}: outcome 'done', or 'already' when the job had ended before (e.g. cancelled).
local id = ARGV[1]
local status = redis.call('HGET', job_key(id), 'status')
if not status or is_terminal(status) then
  return {'already', status or ''}
end
if (ARGV[10] or '') ~= '' then
  redis.call('HSET', job_key(id), 'outputs', ARGV[10])
end
return {'done', finish(id, ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[11])}
