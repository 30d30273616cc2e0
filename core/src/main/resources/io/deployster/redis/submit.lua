-- ARGV: id, spec, project, queue, submittedBy, now, maxlen, key id, issued at, signature (empty when unsigned),
-- workflow id and task name (empty for a job of its own)
local id = ARGV[1]
local jk = job_key(id)
if redis.call('EXISTS', jk) == 1 then
  return redis.error_reply('DUPLICATE job ' .. id .. ' already exists')
end
redis.call('HSET', jk, 'spec', ARGV[2], 'project', ARGV[3], 'queue', ARGV[4], 'submittedBy', ARGV[5],
  'submittedAt', ARGV[6], 'status', 'queued', 'protocol', '2', 'kid', ARGV[8], 'iat', ARGV[9], 'sig', ARGV[10])
if (ARGV[11] or '') ~= '' then
  -- a workflow's task runs under the lock its workflow holds: it takes no place in the project's order
  redis.call('HSET', jk, 'workflow', ARGV[11], 'workflowTask', ARGV[12])
else
  -- the project's start order is the order of acknowledged submits, whatever order workers take entries in
  redis.call('RPUSH', waiters_key(ARGV[3]), id)
  redis.call('SADD', waiting_projects_key(), ARGV[3])
end
redis.call('HINCRBY', submitted_key(), ARGV[4], 1) -- every producer's submits, for the metrics
log_event(id, ARGV[7], 'e', 'queued', 'ts', ARGV[6], 'queue', ARGV[4])
return redis.call('XADD', queue_key(ARGV[4]), '*', 'job', id, 'spec', ARGV[2], 'kid', ARGV[8], 'iat', ARGV[9], 'sig', ARGV[10])
