-- Cancels a job: a queued or waiting one ends at once; a running one is marked and its worker told.
-- KEYS: 1-9 as in common.lua (the job's and its project's; the caller read the project from the hash);
--   10 queue:{queue} (the queue its hash names)
-- ARGV: 1 id, 2 reason, 3 now (epoch ms), 4 lock ttl (ms), 5 log maxlen, 6 retention (s), 7 history limit,
--   8 project ('' when the job does not exist)
-- Returns: {REPLY_CANCELLED, status before} (was queued or waiting) | {REPLY_REQUESTED, status before}
--   (running: its worker stops it) | {REPLY_FINISHED, status} (nothing to do) | {REPLY_UNKNOWN} (no such job)
-- Errors: WRONGPROJECT when the keys are not of the job's project
local id = ARGV[1]
local job, log, P = KEYS[4], KEYS[5], declared_project()
local err = check_project(job, ARGV[8])
if err then return err end
local status = redis.call('HGET', job, FIELD_STATUS)
if not status then
  return {REPLY_UNKNOWN}
end
if status == STATUS_QUEUED or status == STATUS_WAITING then
  -- its entry leaves the queue too, so queue depth and age count only jobs that can still run (an entry
  -- a worker already read is skipped by start.lua as before)
  local entry = redis.call('HGET', job, FIELD_QUEUE_ENTRY)
  if entry then
    redis.call('XDEL', KEYS[10], entry)
  end
  redis.call('LREM', P.waiters, 0, id)
  finish(P, job, log, id, STATUS_CANCELLED, '', '', ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
  return {REPLY_CANCELLED, status}
end
if status == STATUS_RUNNING then
  redis.call('HSET', job, FIELD_CANCEL_REQUESTED, ARGV[2])
  -- a channel, not a key: it takes no place in KEYS
  redis.call('PUBLISH', cancel_channel(), id)
  return {REPLY_REQUESTED, status}
end
return {REPLY_FINISHED, status}
