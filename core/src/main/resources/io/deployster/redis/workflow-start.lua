-- A coordinator asks whether a queued or waiting workflow may start: as start.lua does for a job, it
-- runs when the project's lock is its own or free with it at the head of waiters:, else it waits.
-- ARGV: id, driver (worker name), now, ttl, maxlen
-- Returns {'run', fencing token} | {'wait', holder} | {'skip', status}
local id, driver, now, ttl, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local jk = job_key(id)
local status = redis.call('HGET', jk, 'status')
if status ~= 'queued' and status ~= 'waiting' then
  return {'skip', status or ''}
end
local project = redis.call('HGET', jk, 'project')
local may_run, token_or_holder = acquire_in_order(project, id, ttl)
if may_run then
  redis.call('HSET', jk, 'status', 'running', 'worker', driver, 'startedAt', now, 'lease', ttl)
  redis.call('HDEL', jk, 'waitingBehind')
  redis.call('SADD', running_key(), id)
  log_event(id, maxlen, 'e', 'started', 'ts', now, 'worker', driver, 'fencingToken', tostring(token_or_holder))
  return {'run', tostring(token_or_holder)}
end
local holder = token_or_holder
if redis.call('HGET', jk, 'waitingBehind') ~= holder then
  redis.call('HSET', jk, 'status', 'waiting', 'waitingBehind', holder)
  local by = redis.call('HGET', job_key(holder), 'submittedBy') or ''
  log_event(id, maxlen, 'e', 'waiting', 'ts', now, 'behind', holder, 'behindSubmittedBy', by)
end
return {'wait', holder}
