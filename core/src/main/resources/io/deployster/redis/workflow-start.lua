-- A coordinator asks whether a queued or waiting workflow may start: as start.lua does for a job, it
-- runs when the project's lock is its own or free with it at the head of waiters:, else it waits.
-- KEYS: 1-9 as in common.lua (the workflow's and its project's)
-- ARGV: 1 id, 2 driver (worker name), 3 now (epoch ms), 4 lock ttl (ms), 5 log maxlen, 6 project
-- Returns: {REPLY_RUN, fencing token} | {REPLY_WAIT, id of the lock holder} | {REPLY_SKIP, status}
-- Errors: WRONGPROJECT when the keys are not of the workflow's project
-- Undeclared keys: the lock holder's hash and, through hand_off, the job handed the lock and its queue.
local id, driver, now, ttl, maxlen, project = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local job, log, P = KEYS[4], KEYS[5], declared_project()
local err = check_project(job, project)
if err then return err end
local status = redis.call('HGET', job, FIELD_STATUS)
if status ~= STATUS_QUEUED and status ~= STATUS_WAITING then
  return {REPLY_SKIP, status or ''}
end
local may_run, token_or_holder = acquire_in_order(P, project, job, id, ttl)
if may_run then
  redis.call('HSET', job, FIELD_STATUS, STATUS_RUNNING, FIELD_WORKER, driver, FIELD_STARTED_AT, now, FIELD_LEASE, ttl)
  redis.call('HDEL', job, FIELD_WAITING_BEHIND)
  redis.call('SADD', INDEX.running, id)
  log_event(log, maxlen, LOG_EVENT, EVENT_STARTED, LOG_TS, now, LOG_WORKER, driver, LOG_FENCING_TOKEN, tostring(token_or_holder))
  return {REPLY_RUN, tostring(token_or_holder)}
end
local holder = token_or_holder
if redis.call('HGET', job, FIELD_WAITING_BEHIND) ~= holder then
  redis.call('HSET', job, FIELD_STATUS, STATUS_WAITING, FIELD_WAITING_BEHIND, holder)
  local by = redis.call('HGET', job_key(holder), FIELD_SUBMITTED_BY) or ''
  log_event(log, maxlen, LOG_EVENT, EVENT_WAITING, LOG_TS, now, LOG_BEHIND, holder, LOG_BEHIND_SUBMITTED_BY, by)
end
return {REPLY_WAIT, holder}
