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
local lk = lock_key(project)
local wk = waiters_key(project)
local holder = redis.call('GET', lk)
if not holder then
  local head = redis.call('LINDEX', wk, 0)
  if head and head ~= id then
    holder = hand_off(project, ttl)
    if holder == '' or holder == id then
      holder = redis.call('GET', lk)
    end
  end
end
if (not holder) or holder == id then
  local token = redis.call('HGET', jk, 'fencingToken')
  if holder ~= id or not token then
    token = grant(project, id, ttl)
  end
  redis.call('LREM', wk, 0, id)
  if redis.call('LLEN', wk) == 0 then
    redis.call('SREM', waiting_projects_key(), project)
  end
  redis.call('HSET', jk, 'status', 'running', 'worker', driver, 'startedAt', now)
  redis.call('HDEL', jk, 'waitingBehind')
  redis.call('SADD', running_key(), id)
  redis.call('SREM', handed_over_key(), id)
  log_event(id, maxlen, 'e', 'started', 'ts', now, 'worker', driver, 'fencingToken', tostring(token))
  return {'run', tostring(token)}
end
if not redis.call('LPOS', wk, id) then
  redis.call('RPUSH', wk, id)
end
redis.call('SADD', waiting_projects_key(), project)
if redis.call('HGET', jk, 'waitingBehind') ~= holder then
  redis.call('HSET', jk, 'status', 'waiting', 'waitingBehind', holder)
  local by = redis.call('HGET', job_key(holder), 'submittedBy') or ''
  log_event(id, maxlen, 'e', 'waiting', 'ts', now, 'behind', holder, 'behindSubmittedBy', by)
end
return {'wait', holder}
