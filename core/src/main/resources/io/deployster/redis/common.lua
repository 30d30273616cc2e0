-- Helpers shared by every script of the protocol (docs/protocol.md). The key functions
-- (job_key, log_key, ...) are put in front of this file by Keys.luaPreamble().

local function log_event(id, maxlen, ...)
  return redis.call('XADD', log_key(id), 'MAXLEN', '~', maxlen, '*', ...)
end

-- An entry is removed once acted on, so a queue stream holds only work not yet done.
local function consume(queue, entry)
  redis.call('XACK', queue_key(queue), 'workers', entry)
  redis.call('XDEL', queue_key(queue), entry)
end

-- Gives the project's lock to the oldest job still waiting for it and puts that job back on its
-- queue, so an idle worker starts it at once; frees the lock when nobody waits.
local function hand_off(project, ttl)
  local lk = lock_key(project)
  local wk = waiters_key(project)
  while true do
    local next_id = redis.call('LPOP', wk)
    if not next_id then
      redis.call('DEL', lk)
      redis.call('SREM', waiting_projects_key(), project)
      return ''
    end
    local jk = job_key(next_id)
    if redis.call('HGET', jk, 'status') == 'waiting' then
      redis.call('SET', lk, next_id, 'PX', ttl)
      redis.call('SADD', handed_over_key(), next_id)
      local f = redis.call('HMGET', jk, 'queue', 'spec', 'kid', 'iat', 'sig')
      redis.call('XADD', queue_key(f[1]), '*', 'job', next_id, 'spec', f[2], 'kid', f[3] or '', 'iat', f[4] or '', 'sig', f[5] or '')
      if redis.call('LLEN', wk) == 0 then
        redis.call('SREM', waiting_projects_key(), project)
      end
      return next_id
    end
  end
end

-- Records a terminal state, closes the log with a 'finished' event, starts the retention clock and
-- passes the lock on. Returns the id of the job that got the lock, or ''.
local function finish(id, status, exit, failed, reason, now, ttl, maxlen, retention)
  local jk = job_key(id)
  redis.call('HSET', jk, 'status', status, 'endedAt', now, 'reason', reason)
  if exit ~= '' then redis.call('HSET', jk, 'exitCode', exit) end
  if failed ~= '' then redis.call('HSET', jk, 'failedCommand', failed) end
  log_event(id, maxlen, 'e', 'finished', 'ts', now, 'status', status, 'exit', exit, 'failed', failed, 'reason', reason)
  redis.call('SREM', running_key(), id)
  redis.call('SREM', handed_over_key(), id)
  redis.call('EXPIRE', jk, retention)
  redis.call('EXPIRE', log_key(id), retention)
  local project = redis.call('HGET', jk, 'project')
  if project and redis.call('GET', lock_key(project)) == id then
    return hand_off(project, ttl)
  end
  return ''
end

local function is_terminal(status)
  return status ~= 'queued' and status ~= 'waiting' and status ~= 'running'
end
