-- A worker took a queue entry: run the job now if its project's lock is free (or was handed to it),
-- otherwise park it behind the holder. The entry is acknowledged here, atomically with the decision,
-- so an entry is never both dropped and unstarted.
-- KEYS: 1-9 as in common.lua (the job's and its project's, as the entry's spec names it); 10 queue:{queue};
--   11 seen:{id}
-- ARGV: 1 id, 2 worker, 3 now (epoch ms), 4 lock ttl (ms), 5 log maxlen, 6 queue, 7 entry id, 8 spec (JSON),
--   9 project, 10 seen ttl (s; 0: no replay check), 11 key id, 12 issued at, 13 signature,
--   14 retry ('1' when this worker sent this start before and lost the connection before the answer)
-- Returns: {REPLY_RUN, fencing token, id of the 'started' log entry} | {REPLY_WAIT, id of the lock holder}
--   | {REPLY_SKIP, status or why} (not queued or waiting: ended, a repeated delivery, a task outside its
--   workflow's lock) | {REPLY_REPLAYED} (a signed job that started before) | {REPLY_WRONG_PROJECT, the
--   project of the job's hash} (the entry names another project; nothing was changed, not even the ack)
-- Undeclared keys: the lock holder's hash (its submittedBy, for the 'waiting' event), a task's workflow's
--   hash (its fencing token) and, through hand_off, the job handed the lock and its queue.
local id, worker, now, ttl, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local job, log, P, project = KEYS[4], KEYS[5], declared_project(), ARGV[9]
local hashed = redis.call('HGET', job, FIELD_PROJECT)
if hashed and hashed ~= project then
  return {REPLY_WRONG_PROJECT, hashed}
end
consume(KEYS[10], ARGV[7])
local status = redis.call('HGET', job, FIELD_STATUS)
if ARGV[14] == '1' and status == STATUS_RUNNING and redis.call('HGET', job, FIELD_WORKER) == worker then
  -- the first attempt started it (and, after a failover, was replicated) but its answer was lost:
  -- the worker has not run it, so it gets the same answer again instead of leaving it to be marked lost
  local f = redis.call('HMGET', job, FIELD_FENCING_TOKEN, FIELD_STARTED_ENTRY)
  if f[2] then
    return {REPLY_RUN, f[1], f[2]}
  end
end
if not status then
  -- written straight to the queue by a producer that skipped submit: adopt it
  redis.call('HSET', job, FIELD_SPEC, ARGV[8], FIELD_PROJECT, project, FIELD_QUEUE, ARGV[6], FIELD_SUBMITTED_AT, now,
    FIELD_STATUS, STATUS_QUEUED, FIELD_PROTOCOL, PROTOCOL_VERSION, FIELD_KID, ARGV[11], FIELD_IAT, ARGV[12], FIELD_SIG, ARGV[13])
  status = STATUS_QUEUED
end
if status ~= STATUS_QUEUED and status ~= STATUS_WAITING then
  return {REPLY_SKIP, status}
end
-- a signed job runs at most once: its id is remembered for as long as its signature is valid
if ARGV[10] ~= '0' and redis.call('EXISTS', KEYS[11]) == 1 then
  return {REPLY_REPLAYED}
end
local wf = redis.call('HGET', job, FIELD_WORKFLOW)
if wf and wf ~= '' then
  -- the lock exemption of a workflow's task (docs/protocol.md, Workflows): it runs while its workflow
  -- holds the project's lock, under the workflow's fencing token; otherwise it is left for the
  -- workflow's coordinator to cancel, never run outside the lock
  -- only the coordinator's own task jobs get it: their ids are WORKFLOW.TASK (TaskJobs.jobId) and the
  -- workflow's record exists; a job that merely names a workflow is never run under its lock
  local task = redis.call('HGET', job, FIELD_WORKFLOW_TASK) or ''
  if id ~= wf .. '.' .. task or redis.call('HGET', job_key(wf), FIELD_KIND) ~= FIELD_KIND_WORKFLOW then
    return {REPLY_SKIP, 'not a task of workflow ' .. wf}
  end
  if redis.call('GET', P.lock) ~= wf then
    return {REPLY_SKIP, 'outside its workflow ' .. wf}
  end
  local token = redis.call('HGET', job_key(wf), FIELD_FENCING_TOKEN)
  redis.call('HSET', job, FIELD_STATUS, STATUS_RUNNING, FIELD_WORKER, worker, FIELD_STARTED_AT, now, FIELD_FENCING_TOKEN, token)
  renew_task_lease(job, ttl)
  redis.call('SADD', INDEX.running, id)
  if ARGV[10] ~= '0' then
    redis.call('SET', KEYS[11], now, 'EX', ARGV[10])
  end
  return {REPLY_RUN, tostring(token), log_event(log, maxlen, LOG_EVENT, EVENT_STARTED, LOG_TS, now, LOG_WORKER, worker,
    LOG_FENCING_TOKEN, tostring(token))}
end
local may_run, token_or_holder = acquire_in_order(P, project, job, id, ttl)
if may_run then
  local token = token_or_holder
  redis.call('HSET', job, FIELD_STATUS, STATUS_RUNNING, FIELD_WORKER, worker, FIELD_STARTED_AT, now, FIELD_LEASE, ttl)
  redis.call('HDEL', job, FIELD_WAITING_BEHIND)
  redis.call('SADD', INDEX.running, id)
  if ARGV[10] ~= '0' then
    redis.call('SET', KEYS[11], now, 'EX', ARGV[10])
  end
  -- the worker numbers its own log entries after this one, so a resent batch is never duplicated
  local started = log_event(log, maxlen, LOG_EVENT, EVENT_STARTED, LOG_TS, now, LOG_WORKER, worker,
    LOG_FENCING_TOKEN, tostring(token))
  redis.call('HSET', job, FIELD_STARTED_ENTRY, started)
  return {REPLY_RUN, tostring(token), started}
end
local holder = token_or_holder
redis.call('HSET', job, FIELD_STATUS, STATUS_WAITING, FIELD_WAITING_BEHIND, holder)
local by = redis.call('HGET', job_key(holder), FIELD_SUBMITTED_BY) or ''
log_event(log, maxlen, LOG_EVENT, EVENT_WAITING, LOG_TS, now, LOG_BEHIND, holder, LOG_BEHIND_SUBMITTED_BY, by)
return {REPLY_WAIT, holder}
