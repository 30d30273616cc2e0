-- ARGV: id, reason, now, ttl, maxlen, retention, history limit
-- Returns {outcome, status before}: 'cancelled' (was queued or waiting), 'requested' (running: the
-- worker kills it), 'finished' (nothing to do) or 'unknown'.
local id = ARGV[1]
local jk = job_key(id)
local status = redis.call('HGET', jk, 'status')
if not status then
  return {'unknown', ''}
end
if status == 'queued' or status == 'waiting' then
  redis.call('LREM', waiters_key(redis.call('HGET', jk, 'project')), 0, id)
  finish(id, 'cancelled', '', '', ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
  return {'cancelled', status}
end
if status == 'running' then
  redis.call('HSET', jk, 'cancelRequested', ARGV[2])
  redis.call('PUBLISH', cancel_channel(), id)
  return {'requested', status}
end
return {'finished', status}
