-- Run every few seconds by every worker. Ends running jobs whose worker stopped sending heartbeats
-- as 'lost' (never re-run: deploys are not idempotent), and hands on locks that expired while jobs
-- waited for them. ARGV: ttl, maxlen, retention, now
-- Returns {ids of jobs marked lost, ids of jobs that got a lock}.
local lost, started = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', running_key())) do
  local jk = job_key(id)
  local status = redis.call('HGET', jk, 'status')
  if status ~= 'running' then
    redis.call('SREM', running_key(), id)
  else
    local worker = redis.call('HGET', jk, 'worker') or ''
    if redis.call('EXISTS', worker_key(worker)) == 0 then
      local next_id = finish(id, 'lost', '', '', 'worker ' .. worker .. ' stopped sending heartbeats while the job ran '
        .. '(it crashed, was killed or lost its network); the deploy may have stopped part-way: check the host '
        .. 'before deploying again', ARGV[4], ARGV[1], ARGV[2], ARGV[3])
      table.insert(lost, id)
      if next_id ~= '' then table.insert(started, next_id) end
    end
  end
end
-- a job handed a lock waits in its queue behind others: keep its lock until it starts, so the
-- project's order holds however long the queue is
for _, id in ipairs(redis.call('SMEMBERS', handed_over_key())) do
  local f = redis.call('HMGET', job_key(id), 'status', 'project')
  if f[1] == 'waiting' and f[2] and redis.call('GET', lock_key(f[2])) == id then
    redis.call('PEXPIRE', lock_key(f[2]), ARGV[1])
  else
    redis.call('SREM', handed_over_key(), id)
  end
end
for _, project in ipairs(redis.call('SMEMBERS', waiting_projects_key())) do
  if redis.call('EXISTS', lock_key(project)) == 0 then
    local next_id = hand_off(project, ARGV[1])
    if next_id ~= '' then
      table.insert(started, next_id)
    end
  end
end
return {lost, started}
