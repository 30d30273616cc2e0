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

-- The job the project's lock must name for job id to run: its workflow, for a task of one (a
-- workflow holds its project's lock for its whole run, and its tasks run under it), else the job itself.
local function lock_owner(id)
  local wf = redis.call('HGET', job_key(id), 'workflow')
  if wf and wf ~= '' then
    return wf
  end
  return id
end

-- Grants the project's lock to job id for one lease (ms) and numbers the grant with the project's
-- next fencing token, recorded on the job. Returns the token.
local function grant(project, id, ttl)
  redis.call('SET', lock_key(project), id, 'PX', ttl)
  local token = redis.call('INCR', fence_key(project))
  redis.call('HSET', job_key(id), 'fencingToken', token)
  return token
end

-- Gives the project's lock to its oldest job not started yet (the head of waiters:, which is in submit
-- order) and frees it when there is none. A waiting job is put back on its queue so an idle worker
-- starts it at once; a queued one is still in its queue and starts when a worker takes it. The job stays
-- at the head until it starts: should its grant lapse first, it is granted again, still first. Returns
-- the id of the job that got the lock, or ''.
local function hand_off(project, ttl)
  local wk = waiters_key(project)
  while true do
    local next_id = redis.call('LINDEX', wk, 0)
    if not next_id then
      redis.call('DEL', lock_key(project))
      redis.call('SREM', waiting_projects_key(), project)
      return ''
    end
    local jk = job_key(next_id)
    local status = redis.call('HGET', jk, 'status')
    if status == 'waiting' or status == 'queued' then
      grant(project, next_id, ttl)
      redis.call('SADD', handed_over_key(), next_id)
      -- a workflow has no queue: its coordinator starts it once it holds the lock
      if status == 'waiting' and redis.call('HGET', jk, 'kind') ~= 'workflow' then
        local f = redis.call('HMGET', jk, 'queue', 'spec', 'kid', 'iat', 'sig')
        redis.call('XADD', queue_key(f[1]), '*', 'job', next_id, 'spec', f[2], 'kid', f[3] or '', 'iat', f[4] or '', 'sig', f[5] or '')
      end
      return next_id
    end
    redis.call('LPOP', wk) -- it ended before it started
  end
end

-- Adds an ended job to the front of its project's history, which keeps the last `keep` deploys and
-- outlives the job's own hash. ref and commit live only in the spec; a spec that is not JSON (a
-- rejected entry) just leaves them out.
local function add_history(id, project, keep)
  local f = redis.call('HMGET', job_key(id), 'spec', 'submittedBy', 'worker', 'status', 'submittedAt', 'startedAt', 'endedAt', 'reason', 'queue')
  for i = 1, 9 do if not f[i] then f[i] = nil end end -- a missing field is left out, not written as false
  local ok, spec = pcall(cjson.decode, f[1] or '')
  if not ok or type(spec) ~= 'table' then spec = {} end
  redis.call('LPUSH', history_key(project), cjson.encode({id = id, ref = spec.ref, commit = spec.commit, submittedBy = f[2],
    worker = f[3], status = f[4], submittedAt = f[5], startedAt = f[6], endedAt = f[7], reason = f[8], queue = f[9]}))
  redis.call('LTRIM', history_key(project), 0, (tonumber(keep) or 1000) - 1)
end

-- Whether job id of project may run now, keeping the project's submit order: it may when the lock is
-- its own (granted earlier), or free with id at the head of waiters: (a free lock goes to the head
-- first, not to whichever entry a worker happened to take first). When it may, it holds the lock for a
-- whole lease of ttl from now (a lock handed over earlier kept the TTL of whoever handed it) and leaves
-- waiters:. Returns true and the fencing token, or false and the job it must wait behind, which then
-- has it in waiters: in submit order.
local function acquire_in_order(project, id, ttl)
  local lk = lock_key(project)
  local wk = waiters_key(project)
  local holder = redis.call('GET', lk)
  if not holder then
    local head = redis.call('LINDEX', wk, 0)
    if head and head ~= id then
      holder = hand_off(project, ttl)
      if holder == '' or holder == id then
        holder = redis.call('GET', lk)
      end
    end
  end
  if holder and holder ~= id then
    if not redis.call('LPOS', wk, id) then
      redis.call('RPUSH', wk, id)
    end
    redis.call('SADD', waiting_projects_key(), project)
    return false, holder
  end
  local token = redis.call('HGET', job_key(id), 'fencingToken')
  if holder ~= id or not token then
    token = grant(project, id, ttl)
  else
    redis.call('SET', lk, id, 'PX', ttl)
  end
  redis.call('LREM', wk, 0, id)
  if redis.call('LLEN', wk) == 0 then
    redis.call('SREM', waiting_projects_key(), project)
  end
  redis.call('SREM', handed_over_key(), id)
  return true, token
end

-- Records a terminal state, closes the log with a 'finished' event, starts the retention clock, adds the
-- job to its project's history and passes the lock on. Returns the id of the job that got the lock, or ''.
local function finish(id, status, exit, failed, reason, now, ttl, maxlen, retention, keep)
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
  if project and project ~= '' then add_history(id, project, keep) end
  if project then
    -- a job that ends before it started must not hold up the project's order
    redis.call('LREM', waiters_key(project), 0, id)
  end
  if project and redis.call('GET', lock_key(project)) == id then
    local next_id = hand_off(project, ttl)
    -- when the lock passed on: the next job's start then tells the hand-off latency (metrics)
    if next_id ~= '' then redis.call('HSET', job_key(next_id), 'lockHandedAt', now) end
    return next_id
  end
  return ''
end

local function is_terminal(status)
  return status ~= 'queued' and status ~= 'waiting' and status ~= 'running'
end
