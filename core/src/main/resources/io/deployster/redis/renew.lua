-- Renews the leases (project locks) of the jobs one worker runs, in one round trip.
-- ARGV: ttl (lease, ms), then per job: project, id, fencing token
-- Returns per job {state, cancel reason or ''}, in ARGV order. state:
--   'held'    the lock is still the job's: renewed for another lease
--   'retaken' it had lapsed and no job was granted it since (the fencing token is unchanged): the job
--             holds it again
--   'lost'    another job holds it, or was granted it since: the job must be stopped at once
--   'ended'   the job is no longer running (ended elsewhere, e.g. marked lost): stop it at once
local ttl = ARGV[1]
local out = {}
for i = 2, #ARGV, 3 do
  local project, id, token = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local lk = lock_key(project)
  local f = redis.call('HMGET', job_key(id), 'status', 'cancelRequested')
  local holder = redis.call('GET', lk)
  local state
  if f[1] ~= 'running' then
    state = 'ended'
  elseif holder == lock_owner(id) then
    redis.call('PEXPIRE', lk, ttl)
    state = 'held'
  elseif not holder and redis.call('GET', fence_key(project)) == token then
    redis.call('SET', lk, lock_owner(id), 'PX', ttl)
    state = 'retaken'
  else
    state = 'lost'
  end
  table.insert(out, {state, f[2] or ''})
end
return out
