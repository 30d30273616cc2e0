-- Run every few seconds by every worker. Ends as 'lost' the running jobs whose lease ran out: the
-- project lock no longer names them because their worker did not renew it for a whole lease (it
-- crashed, stalled or lost Redis). A lost job is never re-run (deploys are not idempotent), and its
-- lock passes on only now, once its lease is over, so a stalled holder never overlaps the next job.
-- Also keeps alive the locks of jobs granted them but not started yet, and hands on free locks of
-- projects with jobs not started.
-- ARGV: ttl (lease, ms), maxlen, retention, now, history limit
-- Returns {ids of jobs marked lost, ids of jobs that got a lock}.
local lost, started = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', running_key())) do
  local jk = job_key(id)
  local f = redis.call('HMGET', jk, 'status', 'project', 'worker', 'lease')
  if f[1] ~= 'running' then
    redis.call('SREM', running_key(), id)
  elseif redis.call('GET', lock_key(f[2])) ~= lock_owner(id) then
    local worker = f[3] or ''
    local heartbeat
    if redis.call('EXISTS', worker_key(worker)) == 0 then
      heartbeat = 'its heartbeats have stopped too'
    else
      heartbeat = 'its last heartbeat has not expired yet'
    end
    local lease = ''
    if f[4] then lease = ', ' .. string.format('%g', tonumber(f[4]) / 1000) .. ' s' end
    finish(id, 'lost', '', '', 'the lease of this job (the lock of project ' .. f[2] .. lease .. ') ran out: worker '
      .. worker .. ' did not renew it (it crashed, was stopped or could not reach Redis; ' .. heartbeat .. '). '
      .. 'A worker kills a job whose lease it cannot renew, so the deploy may have stopped part-way: check the host '
      .. 'before deploying again', ARGV[4], ARGV[1], ARGV[2], ARGV[3], ARGV[5])
    table.insert(lost, id)
  end
end
-- a job handed a lock waits in its queue behind others: keep its lock until it starts, so the
-- project's order holds however long the queue is
for _, id in ipairs(redis.call('SMEMBERS', handed_over_key())) do
  local f = redis.call('HMGET', job_key(id), 'status', 'project')
  if (f[1] == 'waiting' or f[1] == 'queued') and f[2] and redis.call('GET', lock_key(f[2])) == id then
    redis.call('PEXPIRE', lock_key(f[2]), ARGV[1])
  else
    redis.call('SREM', handed_over_key(), id)
  end
end
for _, project in ipairs(redis.call('SMEMBERS', waiting_projects_key())) do
  if redis.call('EXISTS', lock_key(project)) == 0 then
    local next_id = hand_off(project, ARGV[1])
    if next_id ~= '' then
      table.insert(started, next_id)
    end
  end
end
return {lost, started}
