-- A queue entry that cannot be run (not JSON, invalid spec): record why on the job and end it.
-- ARGV: id, queue, entryId, reason, now, ttl, maxlen, retention, raw entry, status (failed or rejected), history limit
consume(ARGV[2], ARGV[3])
local jk = job_key(ARGV[1])
local status = redis.call('HGET', jk, 'status')
if status and (is_terminal(status) or status == 'running') then
  return 'already'
end
if not status then
  redis.call('HSET', jk, 'queue', ARGV[2], 'submittedAt', ARGV[5], 'entry', ARGV[9], 'protocol', '2')
end
redis.call('LREM', waiters_key(redis.call('HGET', jk, 'project') or ''), 0, ARGV[1])
finish(ARGV[1], ARGV[10], '', '', ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[11])
return ARGV[10]
