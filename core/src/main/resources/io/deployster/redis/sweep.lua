-- Run every few seconds by every worker. Ends as 'lost' the running jobs whose lease ran out: the
-- project lock no longer names them because their worker did not renew it for a whole lease (it
-- crashed, stalled or lost Redis), or, for a workflow's task, whose lock its workflow keeps, the task's
-- own lease (leaseUntil, on Redis' clock) ran out. A lost job is never re-run (deploys are not idempotent), and its
-- lock passes on only now, once its lease is over, so a stalled holder never overlaps the next job.
-- Also keeps alive the locks of jobs granted them but not started yet, and hands on free locks of
-- projects with jobs not started.
-- KEYS: 1 running, 2 handed-over, 3 waiting-projects (as in common.lua)
-- ARGV: 1 lock ttl (ms), 2 log maxlen, 3 retention (s), 4 now (epoch ms), 5 history limit
-- Returns: {REPLY_OK, {ids of jobs marked lost}, {ids of jobs that got a lock}}
-- Undeclared keys: the namespace-wide sweep reads the members of the three sets and touches the keys of
--   each job and project it finds there (hash, log, worker:, lock:, waiters:, fence:, history:, queue:);
--   no caller can know them in advance (docs/protocol.md, "Hash slots").
local lost, started = {}, {}
local now_ms = redis_now()
for _, id in ipairs(redis.call('SMEMBERS', INDEX.running)) do
  local job = job_key(id)
  local f = redis.call('HMGET', job, FIELD_STATUS, FIELD_PROJECT, FIELD_WORKER, FIELD_LEASE, FIELD_LEASE_UNTIL)
  local lease_of
  if f[1] ~= STATUS_RUNNING then
    redis.call('SREM', INDEX.running, id)
  elseif redis.call('GET', lock_key(f[2])) ~= lock_owner(job, id) then
    local lease = ''
    if f[4] then lease = ', ' .. string.format('%g', tonumber(f[4]) / 1000) .. ' s' end
    lease_of = 'the lease of this job (the lock of project ' .. f[2] .. lease .. ')'
  elseif f[5] and tonumber(f[5]) < now_ms then
    -- a workflow's task: its workflow's coordinator keeps the lock, but the task's worker is silent
    lease_of = 'the lease of this task (its workflow ' .. lock_owner(job, id) .. ' holds the lock of project ' .. f[2] .. ')'
  end
  if lease_of then
    local worker = f[3] or ''
    local heartbeat
    if redis.call('EXISTS', worker_key(worker)) == 0 then
      heartbeat = 'its heartbeats have stopped too'
    else
      heartbeat = 'its last heartbeat has not expired yet'
    end
    finish(project_keys(f[2]), job, log_key(id), id, STATUS_LOST, '', '', lease_of .. ' ran out: worker ' .. worker
      .. ' did not renew it (it crashed, was stopped or could not reach Redis; ' .. heartbeat .. '). A worker kills a job '
      .. 'whose lease it cannot renew, so the deploy may have stopped part-way: check the host before deploying again',
      ARGV[4], ARGV[1], ARGV[2], ARGV[3], ARGV[5])
    table.insert(lost, id)
  end
end
-- a job handed a lock waits in its queue behind others: keep its lock until it starts, so the
-- project's order holds however long the queue is
for _, id in ipairs(redis.call('SMEMBERS', INDEX.handed_over)) do
  local f = redis.call('HMGET', job_key(id), FIELD_STATUS, FIELD_PROJECT)
  if (f[1] == STATUS_WAITING or f[1] == STATUS_QUEUED) and f[2] and redis.call('GET', lock_key(f[2])) == id then
    redis.call('PEXPIRE', lock_key(f[2]), ARGV[1])
  else
    redis.call('SREM', INDEX.handed_over, id)
  end
end
for _, project in ipairs(redis.call('SMEMBERS', INDEX.waiting_projects)) do
  local P = project_keys(project)
  if redis.call('EXISTS', P.lock) == 0 then
    local next_id = hand_off(P, project, ARGV[1])
    if next_id ~= '' then
      table.insert(started, next_id)
    end
  end
end
return {REPLY_OK, lost, started}
