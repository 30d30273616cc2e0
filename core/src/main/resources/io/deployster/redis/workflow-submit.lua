-- Records a workflow: its hash (kind 'workflow', no queue) and its place in the project's order. Its
-- coordinator starts it once it holds the project's lock (workflow-start.lua).
-- ARGV: id, spec (workflow JSON), project, submittedBy, now, maxlen
local id = ARGV[1]
local jk = job_key(id)
if redis.call('EXISTS', jk) == 1 then
  return redis.error_reply('DUPLICATE workflow ' .. id .. ' already exists')
end
redis.call('HSET', jk, 'kind', 'workflow', 'spec', ARGV[2], 'project', ARGV[3], 'queue', '', 'submittedBy', ARGV[4],
  'submittedAt', ARGV[5], 'status', 'queued', 'protocol', '2')
redis.call('RPUSH', waiters_key(ARGV[3]), id)
redis.call('SADD', waiting_projects_key(), ARGV[3])
redis.call('SADD', workflows_key(), id)
log_event(id, ARGV[6], 'e', 'queued', 'ts', ARGV[5], 'queue', '')
return id
