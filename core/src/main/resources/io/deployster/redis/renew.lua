-- Renews the leases (project locks) of the jobs one worker runs, in one round trip, and reports a
-- pending cancel request of each.
-- KEYS: per job, in the order of ARGV: job:{id}, lock:{project}, fence:{project}
-- ARGV: 1 lock ttl (ms), then per job: id, fencing token
-- Returns: {REPLY_OK, state, cancel reason or '', state, cancel reason or '', ...}, one pair per job in
--   ARGV order. state:
--   REPLY_HELD     the lock is still the job's: renewed for another lease
--   REPLY_RETAKEN  it had lapsed and no job was granted it since (the fencing token is unchanged): the
--                  job holds it again
--   REPLY_LOST     another job holds it, or was granted it since: the job must be stopped at once
--   REPLY_ENDED    the job is no longer running (ended elsewhere, e.g. marked lost): stop it at once
-- A workflow task's lock is its workflow's: held or retaken, the task's own lease (leaseUntil) is
-- renewed too, which is what tells sweep that its worker is alive.
local ttl = ARGV[1]
local out = {REPLY_OK}
for n = 0, (#ARGV - 1) / 2 - 1 do
  local id, token = ARGV[2 + 2 * n], ARGV[3 + 2 * n]
  local job, lock, fence = KEYS[1 + 3 * n], KEYS[2 + 3 * n], KEYS[3 + 3 * n]
  local f = redis.call('HMGET', job, FIELD_STATUS, FIELD_CANCEL_REQUESTED)
  local holder = redis.call('GET', lock)
  local owner = lock_owner(job, id)
  local state
  if f[1] ~= STATUS_RUNNING then
    state = REPLY_ENDED
  elseif holder == owner then
    redis.call('PEXPIRE', lock, ttl)
    state = REPLY_HELD
  elseif not holder and redis.call('GET', fence) == token then
    redis.call('SET', lock, owner, 'PX', ttl)
    state = REPLY_RETAKEN
  else
    state = REPLY_LOST
  end
  if owner ~= id and (state == REPLY_HELD or state == REPLY_RETAKEN) then
    renew_task_lease(job, ttl)
  end
  table.insert(out, state)
  table.insert(out, f[2] or '')
end
return out
