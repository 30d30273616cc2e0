-- Keeps a running job's lock alive. ARGV: project, id, ttl
-- Returns {state, cancel reason or ''}: state 1 the lock is still this job's; 2 it had lapsed and
-- was taken again; 0 another job holds it now, or the job is no longer running.
local lk = lock_key(ARGV[1])
local holder = redis.call('GET', lk)
local state = 0
if holder == ARGV[2] then
  redis.call('PEXPIRE', lk, ARGV[3])
  state = 1
elseif not holder and redis.call('HGET', job_key(ARGV[2]), 'status') == 'running' then
  -- a renewal racing the job's own finish must not take the lock back for a finished job
  redis.call('SET', lk, ARGV[2], 'PX', ARGV[3])
  state = 2
end
return {state, redis.call('HGET', job_key(ARGV[2]), 'cancelRequested') or ''}
