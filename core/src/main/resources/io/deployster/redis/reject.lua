-- A queue entry that cannot be run (not JSON, invalid spec, refused by signature or policy, replayed):
-- acknowledges it, records why on the job and ends it.
-- KEYS: 1-9 as in common.lua (the job's, and its project's: the caller read the project from the hash);
--   10 queue:{queue}
-- ARGV: 1 id, 2 queue, 3 entry id, 4 reason, 5 now (epoch ms), 6 lock ttl (ms), 7 log maxlen, 8 retention (s),
--   9 raw entry, 10 status (failed or rejected), 11 history limit, 12 project ('' when the job has none)
-- Returns: {REPLY_OK, status} | {REPLY_ALREADY, status} when the job runs or has ended (the entry is
--   acknowledged either way)
-- Errors: WRONGPROJECT when the keys are not of the job's project
local id = ARGV[1]
local job, log, P = KEYS[4], KEYS[5], declared_project()
local err = check_project(job, ARGV[12])
if err then return err end
consume(KEYS[10], ARGV[3])
local status = redis.call('HGET', job, FIELD_STATUS)
if status and (is_terminal(status) or status == STATUS_RUNNING) then
  return {REPLY_ALREADY, status}
end
if not status then
  redis.call('HSET', job, FIELD_QUEUE, ARGV[2], FIELD_SUBMITTED_AT, ARGV[5], FIELD_ENTRY, ARGV[9], FIELD_PROTOCOL, PROTOCOL_VERSION)
end
if ARGV[12] == '' then P = nil end
if P then redis.call('LREM', P.waiters, 0, id) end
finish(P, job, log, id, ARGV[10], '', '', ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[11])
return {REPLY_OK, ARGV[10]}
