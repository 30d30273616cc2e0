-- A worker took a queue entry: run the job now if its project's lock is free (or was handed to it),
-- otherwise park it behind the holder. The entry is acknowledged here, atomically with the decision,
-- so an entry is never both dropped and unstarted.
-- ARGV: id, worker, now, ttl, maxlen, queue, entryId, spec, project, seen ttl (s, 0: no replay check), kid, iat, sig,
--   retry ('1' when this worker sent this start before and lost the connection before the answer)
local id, worker, now, ttl, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
consume(ARGV[6], ARGV[7])
local jk = job_key(id)
local status = redis.call('HGET', jk, 'status')
if ARGV[14] == '1' and status == 'running' and redis.call('HGET', jk, 'worker') == worker then
  -- the first attempt started it (and, after a failover, was replicated) but its answer was lost:
  -- the worker has not run it, so it gets the same answer again instead of leaving it to be marked lost
  local f = redis.call('HMGET', jk, 'fencingToken', 'startedEntry')
  if f[2] then
    return {'run', f[1], f[2]}
  end
end
if not status then
  -- written straight to the queue by a producer that skipped submit: adopt it
  redis.call('HSET', jk, 'spec', ARGV[8], 'project', ARGV[9], 'queue', ARGV[6], 'submittedAt', now,
    'status', 'queued', 'protocol', '2', 'kid', ARGV[11], 'iat', ARGV[12], 'sig', ARGV[13])
  status = 'queued'
end
if status ~= 'queued' and status ~= 'waiting' then
  return {'skip', status, ''}
end
-- a signed job runs at most once: its id is remembered for as long as its signature is valid
if ARGV[10] ~= '0' and redis.call('EXISTS', seen_key(id)) == 1 then
  return {'replayed', '', ''}
end
local project = redis.call('HGET', jk, 'project')
local lk = lock_key(project)
local wf = redis.call('HGET', jk, 'workflow')
if wf and wf ~= '' then
  -- the lock exemption of a workflow's task (docs/protocol.md, Workflows): it runs while its workflow
  -- holds the project's lock, under the workflow's fencing token; otherwise it is left for the
  -- workflow's coordinator to cancel, never run outside the lock
  if redis.call('GET', lk) ~= wf then
    return {'skip', 'outside its workflow ' .. wf, ''}
  end
  local token = redis.call('HGET', job_key(wf), 'fencingToken')
  redis.call('HSET', jk, 'status', 'running', 'worker', worker, 'startedAt', now, 'fencingToken', token)
  redis.call('SADD', running_key(), id)
  if ARGV[10] ~= '0' then
    redis.call('SET', seen_key(id), now, 'EX', ARGV[10])
  end
  return {'run', tostring(token), log_event(id, maxlen, 'e', 'started', 'ts', now, 'worker', worker, 'fencingToken', tostring(token))}
end
local may_run, token_or_holder = acquire_in_order(project, id, ttl)
if may_run then
  local token = token_or_holder
  redis.call('HSET', jk, 'status', 'running', 'worker', worker, 'startedAt', now, 'lease', ttl)
  redis.call('HDEL', jk, 'waitingBehind')
  redis.call('SADD', running_key(), id)
  if ARGV[10] ~= '0' then
    redis.call('SET', seen_key(id), now, 'EX', ARGV[10])
  end
  -- the worker numbers its own log entries after this one, so a resent batch is never duplicated
  local started = log_event(id, maxlen, 'e', 'started', 'ts', now, 'worker', worker, 'fencingToken', tostring(token))
  redis.call('HSET', jk, 'startedEntry', started)
  return {'run', tostring(token), started}
end
local holder = token_or_holder
redis.call('HSET', jk, 'status', 'waiting', 'waitingBehind', holder)
local by = redis.call('HGET', job_key(holder), 'submittedBy') or ''
log_event(id, maxlen, 'e', 'waiting', 'ts', now, 'behind', holder, 'behindSubmittedBy', by)
return {'wait', holder, ''}
