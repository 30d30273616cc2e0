-- Keeps a running job's lock alive. ARGV: project, id, ttl
-- Returns {1 if the lock is still this job's, cancel reason or ''}.
local renewed = 0
if redis.call('GET', lock_key(ARGV[1])) == ARGV[2] then
  redis.call('PEXPIRE', lock_key(ARGV[1]), ARGV[3])
  renewed = 1
end
return {renewed, redis.call('HGET', job_key(ARGV[2]), 'cancelRequested') or ''}
