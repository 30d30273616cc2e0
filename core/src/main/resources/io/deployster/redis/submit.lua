-- Queues a job: its hash, its place in the project's order, the 'queued' event and the queue entry.
-- KEYS: 1-9 as in common.lua (the job's and its project's); 10 queue:{queue}; 11 submitted
-- ARGV: 1 id, 2 spec (JSON), 3 project, 4 queue, 5 submittedBy, 6 now (epoch ms), 7 log maxlen,
--   8 key id, 9 issued at (epoch ms), 10 signature (8-10 empty when unsigned),
--   11 workflow id, 12 task name (both empty for a job of its own)
-- Returns: {REPLY_OK, queue entry id} | {REPLY_DUPLICATE} when a job or workflow with this id exists
local id = ARGV[1]
local job, log, P = KEYS[4], KEYS[5], declared_project()
if redis.call('EXISTS', job) == 1 then
  return {REPLY_DUPLICATE}
end
redis.call('HSET', job, FIELD_SPEC, ARGV[2], FIELD_PROJECT, ARGV[3], FIELD_QUEUE, ARGV[4], FIELD_SUBMITTED_BY, ARGV[5],
  FIELD_SUBMITTED_AT, ARGV[6], FIELD_STATUS, STATUS_QUEUED, FIELD_PROTOCOL, PROTOCOL_VERSION,
  FIELD_KID, ARGV[8], FIELD_IAT, ARGV[9], FIELD_SIG, ARGV[10])
if (ARGV[11] or '') ~= '' then
  -- a workflow's task runs under the lock its workflow holds: it takes no place in the project's order
  redis.call('HSET', job, FIELD_WORKFLOW, ARGV[11], FIELD_WORKFLOW_TASK, ARGV[12])
else
  -- the project's start order is the order of acknowledged submits, whatever order workers take entries in
  redis.call('RPUSH', P.waiters, id)
  redis.call('SADD', INDEX.waiting_projects, ARGV[3])
end
redis.call('HINCRBY', KEYS[11], ARGV[4], 1) -- every producer's submits, for the metrics
log_event(log, ARGV[7], LOG_EVENT, EVENT_QUEUED, LOG_TS, ARGV[6], LOG_QUEUE, ARGV[4])
local entry = redis.call('XADD', KEYS[10], '*', ENTRY_JOB, id, ENTRY_SPEC, ARGV[2], ENTRY_KID, ARGV[8],
  ENTRY_IAT, ARGV[9], ENTRY_SIG, ARGV[10])
redis.call('HSET', job, FIELD_QUEUE_ENTRY, entry)
return {REPLY_OK, entry}
