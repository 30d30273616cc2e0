-- A queue entry that cannot be run (not JSON, invalid spec): record why on the job and end it.
-- ARGV: id, queue, entryId, reason, now, ttl, maxlen, retention, raw entry
consume(ARGV[2], ARGV[3])
local jk = job_key(ARGV[1])
local status = redis.call('HGET', jk, 'status')
if status and is_terminal(status) then
  return 'already'
end
if not status then
  redis.call('HSET', jk, 'queue', ARGV[2], 'submittedAt', ARGV[5], 'entry', ARGV[9], 'protocol', '1')
end
finish(ARGV[1], 'failed', '', '', ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
return 'failed'
