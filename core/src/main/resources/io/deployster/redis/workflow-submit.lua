-- Records a workflow: its hash (kind 'workflow', no queue) and its place in the project's order. Its
-- coordinator starts it once it holds the project's lock (workflow-start.lua).
-- KEYS: 1-9 as in common.lua (the workflow's and its project's); 10 workflows
-- ARGV: 1 id, 2 spec (workflow JSON), 3 project, 4 submittedBy, 5 now (epoch ms), 6 log maxlen,
--   7-9 the producer's signature of the record: key id, issued at (epoch ms), HMAC (all empty: unsigned)
-- Returns: {REPLY_OK} | {REPLY_DUPLICATE} when a job or workflow with this id exists
local id = ARGV[1]
local job, log, P = KEYS[4], KEYS[5], declared_project()
if redis.call('EXISTS', job) == 1 then
  return {REPLY_DUPLICATE}
end
redis.call('HSET', job, FIELD_KIND, FIELD_KIND_WORKFLOW, FIELD_SPEC, ARGV[2], FIELD_PROJECT, ARGV[3], FIELD_QUEUE, '',
  FIELD_SUBMITTED_BY, ARGV[4], FIELD_SUBMITTED_AT, ARGV[5], FIELD_STATUS, STATUS_QUEUED, FIELD_PROTOCOL, PROTOCOL_VERSION,
  FIELD_KID, ARGV[7], FIELD_IAT, ARGV[8], FIELD_SIG, ARGV[9])
redis.call('RPUSH', P.waiters, id)
redis.call('SADD', INDEX.waiting_projects, ARGV[3])
redis.call('SADD', KEYS[10], id)
log_event(log, ARGV[6], LOG_EVENT, EVENT_QUEUED, LOG_TS, ARGV[5], LOG_QUEUE, '')
return {REPLY_OK}
